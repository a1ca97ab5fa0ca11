#include "server/api_error.h"

namespace tern::server {

ApiError::ApiError(int status_, std::string message, std::string param_, std::string code_, std::string type_)
    : std::runtime_error(std::move(message)),
      status(status_),
      type(!type_.empty() ? std::move(type_) : status_ >= 500 ? "server_error" : "invalid_request_error"),
      param(std::move(param_)),
      code(std::move(code_)) {}

nlohmann::ordered_json ApiError::body() const {
    auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s); };
    return {{"error", {{"message", what()}, {"type", type}, {"param", or_null(param)}, {"code", or_null(code)}}}};
}

ApiError bad_field(const std::string& param, const std::string& message) {
    return ApiError(400, message, param, "invalid_value");
}

}  // namespace tern::server

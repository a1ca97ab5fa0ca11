#pragma once
// An error as OpenAI's API reports it: an HTTP status and
// {"error": {"message", "type", "param", "code"}}. The server throws it from any step of a request.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace tern::server {

struct ApiError : std::runtime_error {
    int status;
    std::string type;   // "invalid_request_error", "server_error"
    std::string param;  // the request field at fault; "" for none (null)
    std::string code;   // a machine-readable reason; "" for none (null)

    ApiError(int status, std::string message, std::string param = "", std::string code = "",
             std::string type = "");

    nlohmann::ordered_json body() const;
};

// A 400 for a field of the request body.
ApiError bad_field(const std::string& param, const std::string& message);

}  // namespace tern::server

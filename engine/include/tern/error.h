#pragma once
// The one exception type the engine throws. Messages are written for people: they name the file,
// the field and what was wrong.
#include <stdexcept>
#include <string>

namespace tern {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Thrown when a long operation (model load, prefill) is cancelled by its caller.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

}  // namespace tern

#pragma once
// Resident memory of this process, read from /proc (Linux); 0 where unavailable.
#include <cstdint>

namespace tern::app {

uint64_t residentBytes();

}  // namespace tern::app

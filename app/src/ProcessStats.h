#pragma once
// Resident memory of this process, read from /proc (Linux); 0 where unavailable.
#include <cstdint>

namespace tern::app {

uint64_t residentBytes();
// Memory the system can give a new allocation without swapping (MemAvailable); 0 when unknown.
uint64_t availableMemoryBytes();

}  // namespace tern::app

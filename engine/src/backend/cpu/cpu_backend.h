#pragma once
// The CPU reference backend: plain C++ (no intrinsics) that defines the engine's numerics. Weights
// are used straight from the mapped model file; work is split over a persistent thread pool.
#include <memory>

#include "backend/backend.h"

namespace tern {

std::unique_ptr<Backend> make_cpu_backend(int n_threads);

}  // namespace tern

#pragma once
// Parallel loops over index ranges (OpenMP). Exceptions must not cross an OpenMP region, so the
// body's first exception is captured and rethrown on the calling thread after the loop.

#include <cstddef>
#include <exception>
#include <mutex>

namespace equalis {

// Number of worker threads loops will use (OMP_NUM_THREADS or the core count).
int worker_count() noexcept;

template <typename Body>
void parallel_for(std::size_t count, Body&& body) {
  std::exception_ptr first_error;
  std::mutex error_mutex;
  const auto signed_count = static_cast<long long>(count);
#pragma omp parallel for schedule(dynamic, 1)
  for (long long i = 0; i < signed_count; ++i) {
    try {
      body(static_cast<std::size_t>(i));
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace equalis

#include "core/fresh_buffer.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace equalis {

void prefault_pages([[maybe_unused]] void* data, [[maybe_unused]] std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  constexpr std::uintptr_t kPage = 4096;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kPage - 1) & ~(kPage - 1);
  const std::uintptr_t last = (begin + bytes) & ~(kPage - 1);
  if (last <= first) return;
  const auto parts = static_cast<std::uintptr_t>(std::max(1, omp_get_max_threads()));
  const std::uintptr_t pages = (last - first) / kPage;
  const auto signed_parts = static_cast<long long>(parts);
#pragma omp parallel for schedule(static)
  for (long long p = 0; p < signed_parts; ++p) {
    const auto part = static_cast<std::uintptr_t>(p);
    const std::uintptr_t from = first + pages * part / parts * kPage;
    const std::uintptr_t to = first + pages * (part + 1) / parts * kPage;
    // NOLINTNEXTLINE(performance-no-int-to-ptr): the address came from a pointer
    if (to > from) static_cast<void>(madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE));
  }
#endif
}

}  // namespace equalis

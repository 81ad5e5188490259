#pragma once
// Big buffers that are about to be filled. Growing a std::vector zero-fills it on one thread, and on
// fresh memory that first touch is a page fault per 4 KB: 230 MB of columns cost ~0.15 s before any
// work. Faulting the pages in first, on every worker, leaves the zero-fill a plain pass over memory.

#include <cstddef>
#include <vector>

namespace equalis {

// Buffers from this size on are worth it (a few page faults are cheaper than waking the workers).
inline constexpr std::size_t kPrefaultWorthy = std::size_t{8} << 20U;

// Maps the pages of [data, data + bytes) in, in parallel (Linux ≥ 5.14: MADV_POPULATE_WRITE). A hint:
// does nothing where the system cannot, and never fails.
void prefault_pages(void* data, std::size_t bytes) noexcept;

// v.resize(n), with the new buffer's pages faulted in in parallel first when `v` is empty and the buffer
// is big.
template <typename T>
void resize_fresh(std::vector<T>& v, std::size_t n) {
  if (v.empty() && v.capacity() < n && n * sizeof(T) >= kPrefaultWorthy) {
    v.reserve(n);
    prefault_pages(v.data(), v.capacity() * sizeof(T));
  }
  v.resize(n);
}

}  // namespace equalis

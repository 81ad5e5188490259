#pragma once
// Sums over units in fixed chunks, the chunks in parallel and their partial sums added in chunk order:
// the same bits on any thread count, and exactly the plain loop's sum when the units fit in one chunk
// (every small input). Internal to src/measure.

#include <array>
#include <cstddef>
#include <vector>

namespace equalis::measure::detail {

inline constexpr std::size_t kSumChunk = 1U << 16U;

// K sums at once: `add_unit(i, sums)` adds unit i's terms to `sums`. It must not throw (it runs inside an
// OpenMP loop).
template <std::size_t K, typename AddUnit>
std::array<double, K> chunked_sums(std::size_t n, AddUnit&& add_unit) {
  const std::size_t chunks = (n + kSumChunk - 1) / kSumChunk;
  if (chunks <= 1) {
    std::array<double, K> sums{};
    for (std::size_t i = 0; i < n; ++i) add_unit(i, sums);
    return sums;
  }
  std::vector<std::array<double, K>> partial(chunks);
  const auto signed_chunks = static_cast<long long>(chunks);
#pragma omp parallel for schedule(static)
  for (long long c = 0; c < signed_chunks; ++c) {
    const auto chunk = static_cast<std::size_t>(c);
    const std::size_t end = std::min(n, (chunk + 1) * kSumChunk);
    std::array<double, K> sums{};
    for (std::size_t i = chunk * kSumChunk; i < end; ++i) add_unit(i, sums);
    partial[chunk] = sums;
  }
  std::array<double, K> total{};
  for (const auto& sums : partial) {
    for (std::size_t k = 0; k < K; ++k) total[k] += sums[k];
  }
  return total;
}

}  // namespace equalis::measure::detail

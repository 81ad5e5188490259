#pragma once
// Sums over units in fixed chunks, the chunks in parallel and their partial sums added in chunk order:
// the same bits on any thread count, and exactly the plain loop's sum when the units fit in one chunk
// (every small input). Internal to src/measure.

#include <omp.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace equalis::measure::detail {

inline constexpr std::size_t kSumChunk = 1U << 16U;

// K sums at once: `sum_range(begin, end)` returns the K sums over units [begin, end) — a plain loop with
// its own local accumulators, so the compiler keeps them in registers. It must not throw (it runs inside
// an OpenMP loop).
template <std::size_t K, typename SumRange>
std::array<double, K> chunked_sums(std::size_t n, SumRange&& sum_range) {
  const std::size_t chunks = (n + kSumChunk - 1) / kSumChunk;
  if (chunks <= 1) return sum_range(std::size_t{0}, n);
  std::array<double, K> total{};
  const auto add = [&total](const std::array<double, K>& sums) {
    for (std::size_t k = 0; k < K; ++k) total[k] += sums[k];
  };
  if (omp_in_parallel()) {  // already on a worker (a bootstrap replicate): the same chunks, in turn
    for (std::size_t chunk = 0; chunk < chunks; ++chunk)
      add(sum_range(chunk * kSumChunk, std::min(n, (chunk + 1) * kSumChunk)));
    return total;
  }
  std::vector<std::array<double, K>> partial(chunks);
  const auto signed_chunks = static_cast<long long>(chunks);
#pragma omp parallel for schedule(static)
  for (long long c = 0; c < signed_chunks; ++c) {
    const auto chunk = static_cast<std::size_t>(c);
    partial[chunk] = sum_range(chunk * kSumChunk, std::min(n, (chunk + 1) * kSumChunk));
  }
  for (const auto& sums : partial) add(sums);
  return total;
}

}  // namespace equalis::measure::detail

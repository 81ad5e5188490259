#include "measure/sample.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <numeric>

namespace equalis::measure {

namespace {

// Maps a double to an unsigned key with the same order: flip all bits of negatives, the sign of others.
std::uint64_t order_key(double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value == 0.0 ? 0.0 : value);  // -0.0 sorts as 0.0
  return (bits >> 63U) != 0 ? ~bits : bits | (1ULL << 63U);
}

std::vector<std::uint32_t> radix_sort_order(std::span<const double> values) {
  constexpr unsigned kDigitBits = 11;
  constexpr std::size_t kBuckets = 1U << kDigitBits;
  constexpr unsigned kPasses = (64 + kDigitBits - 1) / kDigitBits;
  const std::size_t n = values.size();
  std::vector<std::uint64_t> keys(n);
  std::vector<std::array<std::uint32_t, kBuckets>> histogram(kPasses);
  for (auto& h : histogram) h.fill(0);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = order_key(values[i]);
    for (unsigned pass = 0; pass < kPasses; ++pass) {
      ++histogram[pass][(keys[i] >> (pass * kDigitBits)) & (kBuckets - 1)];
    }
  }
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0U);
  std::vector<std::uint32_t> order_next(n);
  std::vector<std::uint64_t> keys_next(n);
  for (unsigned pass = 0; pass < kPasses; ++pass) {
    auto& counts = histogram[pass];
    const unsigned shift = pass * kDigitBits;
    // A digit shared by every key does not reorder anything: skip the pass.
    if (std::find(counts.begin(), counts.end(), static_cast<std::uint32_t>(n)) != counts.end()) continue;
    std::uint32_t offset = 0;
    for (auto& count : counts) {
      const std::uint32_t c = count;
      count = offset;
      offset += c;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t slot = counts[(keys[i] >> shift) & (kBuckets - 1)]++;
      keys_next[slot] = keys[i];
      order_next[slot] = order[i];
    }
    keys.swap(keys_next);
    order.swap(order_next);
  }
  return order;
}

}  // namespace

std::vector<std::uint32_t> sort_order(std::span<const double> values) {
  if (values.size() >= (1ULL << 32U)) {
    throw Error(ErrorCode::Unsupported, "more than 4 294 967 295 units", "split the input into parts");
  }
  if (values.size() > 4096) return radix_sort_order(values);
  std::vector<std::uint32_t> order(values.size());
  std::iota(order.begin(), order.end(), 0U);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return values[a] < values[b]; });
  return order;
}

Sample make_sample(std::span<const double> values, std::span<const double> weights,
                   std::span<const std::uint32_t> groups, std::vector<std::string> group_names) {
  const std::size_t n = values.size();
  if (n == 0) throw Error(ErrorCode::InvalidInput, "no units to measure", "give at least one row of data");
  if (!weights.empty() && weights.size() != n) {
    throw Error(ErrorCode::Internal, "weights and values differ in length");
  }
  if (!groups.empty() && groups.size() != n)
    throw Error(ErrorCode::Internal, "groups and values differ in length");
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(values[i])) {
      throw Error(ErrorCode::InvalidInput, fmt::format("value of unit {} is not finite", i + 1),
                  "give finite numbers only");
    }
    if (!weights.empty() && (!std::isfinite(weights[i]) || weights[i] < 0.0)) {
      throw Error(ErrorCode::InvalidInput, fmt::format("weight of unit {} is {}", i + 1, weights[i]),
                  "weights are population counts or shares and must be zero or positive");
    }
    if (!groups.empty() && groups[i] >= group_names.size()) {
      throw Error(ErrorCode::Internal, "group id out of range");
    }
  }
  Sample sample;
  sample.input_index = sort_order(values);
  sample.values.resize(n);
  sample.weights.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t source = sample.input_index[i];
    sample.values[i] = values[source];
    sample.weights[i] = weights.empty() ? 1.0 : weights[source];
  }
  if (!groups.empty()) {
    sample.groups.resize(n);
    for (std::size_t i = 0; i < n; ++i) sample.groups[i] = groups[sample.input_index[i]];
  }
  sample.group_names = std::move(group_names);
  return sample;
}

}  // namespace equalis::measure

#include "measure/sample.hpp"

#include "core/error.hpp"
#include "core/fresh_buffer.hpp"

#include <fmt/format.h>
#include <omp.h>

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

struct KeyedUnit {
  std::uint32_t key;    // the 32 most significant varying bits of the 64-bit order key
  std::uint32_t index;  // position in the input
};

// Bit width of the part of the order keys that varies across the input (0 when all keys are equal).
// The bits in which some key differs from the first key (0 when all keys are equal).
std::uint64_t differing_key_bits(std::span<const double> values) {
  const std::uint64_t first = order_key(values[0]);
  std::uint64_t differing = 0;
  const auto n = static_cast<long long>(values.size());
#pragma omp parallel for schedule(static) reduction(| : differing)
  for (long long i = 0; i < n; ++i) differing |= order_key(values[static_cast<std::size_t>(i)]) ^ first;
  return differing;
}

// Stable LSD radix sort of units[0, n) on the low `bits` bits of their keys, through `scratch` (same
// size); the result ends in `units`. Used on one MSD bucket at a time, which fits in cache.
void sort_bucket_low_bits(KeyedUnit* units, KeyedUnit* scratch, std::size_t n, unsigned bits) {
  if (n < 2) return;
  if (n <= 32) {  // insertion sort: stable, and cheaper than counting on tiny buckets
    for (std::size_t i = 1; i < n; ++i) {
      const KeyedUnit unit = units[i];
      std::size_t j = i;
      while (j > 0 && units[j - 1].key > unit.key) {
        units[j] = units[j - 1];
        --j;
      }
      units[j] = unit;
    }
    return;
  }
  constexpr unsigned kDigitBits = 11;
  constexpr std::size_t kBuckets = 1U << kDigitBits;
  std::array<std::uint32_t, kBuckets> counts{};
  KeyedUnit* source = units;
  KeyedUnit* target = scratch;
  for (unsigned shift = 0; shift < bits; shift += kDigitBits) {
    counts.fill(0);
    for (std::size_t i = 0; i < n; ++i) ++counts[(source[i].key >> shift) & (kBuckets - 1)];
    if (std::find(counts.begin(), counts.end(), static_cast<std::uint32_t>(n)) != counts.end()) continue;
    std::uint32_t running = 0;
    for (auto& c : counts) {
      const std::uint32_t here = c;
      c = running;
      running += here;
    }
    for (std::size_t i = 0; i < n; ++i)
      target[counts[(source[i].key >> shift) & (kBuckets - 1)]++] = source[i];
    std::swap(source, target);
  }
  if (source != units) std::copy(source, source + n, units);
}

// Sorts the units by the top 32 varying bits of their keys, stably: one parallel MSD pass scatters the
// 8-byte records by their top 11 bits (every thread counts and then scatters its own slice into slots
// reserved for it, bucket-major and in thread order), then each bucket — a few thousand records, in
// cache — is finished by an LSD sort of the bits below the MSD digit. One pass over main memory instead of
// three; the result does not depend on the thread count.
std::vector<KeyedUnit> radix_sort_truncated(std::span<const double> values, unsigned key_shift,
                                            std::uint32_t differing) {
  constexpr unsigned kTopBits = 11;
  constexpr std::size_t kBuckets = 1U << kTopBits;
  const std::size_t n = values.size();
  std::vector<KeyedUnit> records;
  std::vector<KeyedUnit> sorted;
  resize_fresh(records, n);
  resize_fresh(sorted, n);
  const int requested = std::max(1, std::min(omp_get_max_threads(), static_cast<int>(n / 65536) + 1));
  std::vector<std::uint32_t> counts;  // counts[thread * kBuckets + bucket]
  std::vector<std::uint32_t> bucket_start(kBuckets + 1, 0);
  // The MSD digit is the top 11 *varying* bits, so data with few distinct high bits still spreads out.
  const auto varying = static_cast<unsigned>(std::bit_width(differing));
  const unsigned low_bits = varying > kTopBits ? varying - kTopBits : 0;
  const auto bucket_of = [low_bits](std::uint32_t key) { return (key >> low_bits) & (kBuckets - 1); };

#pragma omp parallel num_threads(requested)
  {
    const auto threads = static_cast<std::size_t>(omp_get_num_threads());
    const auto thread = static_cast<std::size_t>(omp_get_thread_num());
    const std::size_t begin = n * thread / threads;
    const std::size_t end = n * (thread + 1) / threads;
#pragma omp single
    { counts.assign(threads * kBuckets, 0); }
    std::uint32_t* own = counts.data() + thread * kBuckets;
    for (std::size_t i = begin; i < end; ++i) {
      const auto key = static_cast<std::uint32_t>(order_key(values[i]) >> key_shift);
      records[i] = {key, static_cast<std::uint32_t>(i)};
      ++own[bucket_of(key)];
    }
#pragma omp barrier
#pragma omp single
    {
      std::uint32_t running = 0;
      for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
        bucket_start[bucket] = running;
        for (std::size_t t = 0; t < threads; ++t) {
          const std::uint32_t c = counts[t * kBuckets + bucket];
          counts[t * kBuckets + bucket] = running;
          running += c;
        }
      }
      bucket_start[kBuckets] = running;
    }
    for (std::size_t i = begin; i < end; ++i) {
      const KeyedUnit unit = records[i];
      sorted[own[bucket_of(unit.key)]++] = unit;
    }
#pragma omp barrier
    // `records` is free now: it serves as every bucket's scratch space (buckets do not overlap).
#pragma omp for schedule(dynamic, 16)
    for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
      const std::size_t first = bucket_start[bucket];
      sort_bucket_low_bits(sorted.data() + first, records.data() + first, bucket_start[bucket + 1] - first,
                           low_bits);
    }
  }
  return sorted;
}

// Units in ascending order of value: their positions in the input, and the values in that order.
struct SortedUnits {
  std::vector<std::uint32_t> order;
  std::vector<double> values;
};

// A unit of a run of equal truncated keys, with its value read once.
struct ValuedUnit {
  double value;
  std::uint32_t index;
};

// Orders one run of equal truncated keys by the full values, stably (equal values keep input order).
// Runs are short — most often repeated values, such as data rounded to cents — and std::stable_sort
// would allocate a buffer for each: a plain insertion sort is stable and allocation-free there.
void order_run(std::span<ValuedUnit> run) {
  const auto before = [](const ValuedUnit& a, const ValuedUnit& b) {
    return order_key(a.value) < order_key(b.value);
  };
  if (run.size() > 32) {
    std::stable_sort(run.begin(), run.end(), before);
    return;
  }
  for (std::size_t current = 1; current < run.size(); ++current) {
    const ValuedUnit unit = run[current];
    std::size_t hole = current;
    for (; hole > 0 && before(unit, run[hole - 1]); --hole) run[hole] = run[hole - 1];
    run[hole] = unit;
  }
}

// Exact stable order in O(n) expected time: radix-sort on the top 32 varying bits of the keys, then
// order the runs of equal truncated keys by their full values (stable: ties keep input order). Each
// unit's value is read once, in that last pass, and written out in order: the caller needs the sorted
// values anyway, and the reads are random (the input is in file order), so one read instead of two.
SortedUnits radix_sort_units(std::span<const double> values, bool with_values) {
  const std::uint64_t differing = differing_key_bits(values);
  const auto bits = static_cast<unsigned>(std::bit_width(differing));
  const unsigned key_shift = bits > 32 ? bits - 32 : 0;
  const std::vector<KeyedUnit> sorted =
      radix_sort_truncated(values, key_shift, static_cast<std::uint32_t>(differing >> key_shift));
  const std::size_t n = sorted.size();
  SortedUnits out;
  resize_fresh(out.order, n);
  if (with_values) resize_fresh(out.values, n);
  const bool exact = key_shift == 0;  // the truncated key was the whole key: every run is one value
  // Each thread takes the runs that start in its slice (a run may run past it).
#pragma omp parallel if (n > 100000)
  {
    const auto threads = static_cast<std::size_t>(omp_get_num_threads());
    const auto thread = static_cast<std::size_t>(omp_get_thread_num());
    const std::size_t begin = n * thread / threads;
    const std::size_t end = n * (thread + 1) / threads;
    const auto same_run = [&](std::size_t a, std::size_t b) {
      return !exact && sorted[a].key == sorted[b].key;
    };
    std::size_t run_start = begin;
    while (run_start > 0 && run_start < n && same_run(run_start, run_start - 1)) ++run_start;
    std::vector<ValuedUnit> run;
    constexpr std::size_t kAhead = 16;  // independent random reads: let several be in flight
    while (run_start < end) {
      std::size_t run_end = run_start + 1;
      while (run_end < n && same_run(run_end, run_start)) ++run_end;
      if (run_end - run_start == 1 && !with_values) {  // placed by its key alone: no need to read it
        out.order[run_start] = sorted[run_start].index;
        run_start = run_end;
        continue;
      }
      run.clear();
      for (std::size_t i = run_start; i < run_end; ++i) {
        if (with_values && i + kAhead < n) __builtin_prefetch(&values[sorted[i + kAhead].index]);
        run.push_back({values[sorted[i].index], sorted[i].index});
      }
      if (run.size() > 1) order_run(run);
      for (std::size_t k = 0; k < run.size(); ++k) {
        out.order[run_start + k] = run[k].index;
        if (with_values) out.values[run_start + k] = run[k].value;
      }
      run_start = run_end;
    }
  }
  return out;
}

// `with_values`: also the values in order (make_sample keeps them; sort_order does not need them).
SortedUnits sort_units(std::span<const double> values, bool with_values) {
  if (values.size() >= (1ULL << 32U)) {
    throw Error(ErrorCode::Unsupported, "more than 4 294 967 295 units", "split the input into parts");
  }
  if (values.size() > 4096) return radix_sort_units(values, with_values);
  SortedUnits out;
  out.order.resize(values.size());
  std::iota(out.order.begin(), out.order.end(), 0U);
  std::stable_sort(out.order.begin(), out.order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return values[a] < values[b]; });
  if (!with_values) return out;
  out.values.reserve(values.size());
  for (const std::uint32_t unit : out.order) out.values.push_back(values[unit]);
  return out;
}

}  // namespace

std::vector<std::uint32_t> sort_order(std::span<const double> values) {
  return sort_units(values, false).order;
}

namespace {

// The indices sum terms up to max|y|·W² (the Gini sweep) and max|y|²·W (the variance). Past ~1e300
// those sums overflow and an index would be computed from infinity: refuse, naming the magnitudes.
void require_representable(double max_abs, double total_weight) {
  constexpr double kMaxLog10 = 300.0;
  const auto log10_of = [](double x) { return x > 0.0 ? std::log10(x) : -kMaxLog10; };
  const double log_value = log10_of(max_abs);
  const double log_weight = std::isfinite(total_weight) ? log10_of(total_weight) : 2.0 * kMaxLog10;
  if (log_value + 2.0 * log_weight < kMaxLog10 && 2.0 * log_value + log_weight < kMaxLog10) return;
  throw Error(ErrorCode::InvalidInput,
              fmt::format("values up to {:g} with a total weight of {:g} are beyond the range in which the "
                          "indices can be computed without overflow",
                          max_abs, total_weight),
              "divide the indicator by a power of ten (every relative index is unchanged by scaling), or "
              "give weights in thousands or as shares");
}

// Throws for the first unit make_sample refuses (a value or weight that is not a finite number ≥ 0, a
// group id out of range), in input order.
void refuse_first_bad_unit(std::span<const double> values, std::span<const double> weights,
                           std::span<const std::uint32_t> groups, std::size_t group_count) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw Error(ErrorCode::InvalidInput, fmt::format("value of unit {} is not finite", i + 1),
                  "give finite numbers only");
    }
    if (!weights.empty() && (!std::isfinite(weights[i]) || weights[i] < 0.0)) {
      throw Error(ErrorCode::InvalidInput, fmt::format("weight of unit {} is {}", i + 1, weights[i]),
                  "weights are population counts or shares and must be zero or positive");
    }
    if (!groups.empty() && groups[i] >= group_count)
      throw Error(ErrorCode::Internal, "group id out of range");
  }
}

}  // namespace

Sample make_sample(std::span<const double> values, std::span<const double> weights,
                   std::span<const std::uint32_t> groups, std::vector<std::string> group_names) {
  const std::size_t n = values.size();
  if (n == 0) throw Error(ErrorCode::InvalidInput, "no units to measure", "give at least one row of data");
  if (!weights.empty() && weights.size() != n) {
    throw Error(ErrorCode::Internal, "weights and values differ in length");
  }
  if (!groups.empty() && groups.size() != n)
    throw Error(ErrorCode::Internal, "groups and values differ in length");
  // One parallel pass: whether some unit is refused (the serial search then names the first), and the
  // magnitudes require_representable needs.
  const bool weighted = !weights.empty();
  const bool grouped = !groups.empty();
  const std::size_t group_count = group_names.size();
  const auto count = static_cast<long long>(n);
  long long refused = 0;
  double max_abs = 0.0;
  double total_weight = 0.0;
#pragma omp parallel for schedule(static) reduction(+ : refused, total_weight) reduction(max : max_abs) \
    if (n > 100000)
  for (long long k = 0; k < count; ++k) {
    const auto i = static_cast<std::size_t>(k);
    const double weight = weighted ? weights[i] : 1.0;
    const bool accepted = std::isfinite(values[i]) && std::isfinite(weight) && weight >= 0.0 &&
                          (!grouped || groups[i] < group_count);
    refused += accepted ? 0 : 1;
    max_abs = std::max(max_abs, std::abs(values[i]));
    total_weight += weight;
  }
  if (refused > 0) refuse_first_bad_unit(values, weights, groups, group_count);
  require_representable(max_abs, total_weight);
  Sample sample;
  SortedUnits sorted = sort_units(values, true);
  sample.input_index = std::move(sorted.order);
  sample.values = std::move(sorted.values);
  resize_fresh(sample.weights, n);
  if (!weighted) std::fill(sample.weights.begin(), sample.weights.end(), 1.0);
  if (grouped) resize_fresh(sample.groups.codes, n);
  // Random reads: worth two threads on large inputs, and a prefetch a few units ahead (the reads are
  // independent, so the memory system can serve several at once).
  constexpr std::size_t kAhead = 16;
  if (weighted || grouped) {
#pragma omp parallel for schedule(static) if (n > 100000)
    for (std::size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) {
        const std::uint32_t ahead = sample.input_index[i + kAhead];
        if (weighted) __builtin_prefetch(&weights[ahead]);
        if (grouped) __builtin_prefetch(&groups[ahead]);
      }
      const std::uint32_t source = sample.input_index[i];
      if (weighted) sample.weights[i] = weights[source];
      if (grouped) sample.groups.codes[i] = groups[source];
    }
  }
  sample.groups.names = std::move(group_names);
  return sample;
}

}  // namespace equalis::measure

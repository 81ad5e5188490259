#pragma once
// Resampling inference shared by every estimator: the nonparametric bootstrap (Efron 1979, Ann. Stat.
// 7:1) with percentile intervals, and permutation tests. A bootstrap replicate is represented by
// multiplying each unit's weight by how often it was drawn, so the sorted order of a Sample is reused
// and every weighted kernel works unchanged; units drawn zero times get weight 0 and drop out.

#include "core/progress.hpp"
#include "measure/sample.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace equalis::measure {

// Beyond a million replicates the intervals and p-values no longer change in the digits reported, and
// the replicates' statistics would not fit in memory: larger requests are errors, not allocation failures.
inline constexpr std::size_t kMaxReplicates = 1'000'000;

struct ResamplingOptions {
  std::size_t bootstrap_replicates = 0;  // 0 = no bootstrap
  double confidence_level = 0.95;
  bool stratified = false;       // resample within groups, keeping every group's unit count
  std::size_t permutations = 0;  // permutation tests; 0 = none
  std::uint64_t seed = 12345;
};

// Throws Error(InvalidInput) naming `bootstrap`, `permutations` or `confidence` when out of range.
void validate(const ResamplingOptions& options);

// A named scalar; nullopt where the statistic is undefined on a replicate (e.g. a group absent from it).
struct Statistic {
  std::string name;
  std::optional<double> value;
};

struct NamedInterval {
  std::string statistic;
  double estimate = 0.0;        // on the original data
  std::optional<double> lower;  // percentile interval; nullopt when fewer than 2 valid replicates
  std::optional<double> upper;
  std::optional<double> standard_error;
  std::size_t valid_replicates = 0;
};

struct BootstrapResult {
  std::size_t replicates = 0;
  double confidence_level = 0.0;
  bool stratified = false;
  std::uint64_t seed = 0;
  std::vector<NamedInterval> intervals;
};

struct PermutationResult {
  std::string statistic;  // e.g. "ge(1).between_share"
  double observed = 0.0;
  double p_value = 0.0;  // (1 + #{perm ≥ observed}) / (P + 1), one-sided upper
  std::size_t permutations = 0;
  std::uint64_t seed = 0;
};

// Computes the statistics for one set of unit weights (same order as the sample). Must be thread-safe.
using StatisticsFunction = std::function<std::vector<Statistic>(std::span<const double> weights)>;

// Who is drawn from whom: the whole sample, or each group separately (stratified resampling).
struct ResamplingStrata {
  std::vector<std::vector<std::uint32_t>> members;  // empty = one stratum, all units
};
ResamplingStrata make_strata(const Sample& sample, bool stratified);

// Fills `counts` with a multinomial resample of the units (within strata). Stream `replicate` of `seed`.
void draw_bootstrap_counts(std::size_t unit_count, const ResamplingStrata& strata, std::uint64_t seed,
                           std::uint64_t replicate, std::vector<std::uint32_t>& counts);

// Percentile bootstrap of every statistic `compute` returns. Parallel over replicates; the result
// depends only on the seed, not on the thread count.
BootstrapResult bootstrap(const Sample& sample, const StatisticsFunction& compute,
                          const ResamplingOptions& options, ProgressSink& progress = null_progress());

}  // namespace equalis::measure

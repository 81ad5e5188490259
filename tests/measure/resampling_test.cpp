#include "measure/resampling.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace equalis::measure {
namespace {

Sample three_groups() {
  std::vector<double> values;
  std::vector<std::uint32_t> groups;
  for (std::uint32_t i = 0; i < 30; ++i) {
    values.push_back(1.0 + i);
    groups.push_back(i < 5 ? 0 : (i < 12 ? 1 : 2));  // sizes 5, 7, 18
  }
  return make_sample(values, {}, groups, {"a", "b", "c"});
}

TEST(Bootstrap, CountsAreAResampleOfEveryUnitCount) {
  const Sample sample = three_groups();
  std::vector<std::uint32_t> counts;
  draw_bootstrap_counts(sample.size(), make_strata(sample, false), 9, 3, counts);
  EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), 0U), 30U);
  std::vector<std::uint32_t> again;
  draw_bootstrap_counts(sample.size(), make_strata(sample, false), 9, 3, again);
  EXPECT_EQ(counts, again);
}

TEST(Bootstrap, StratifiedResampleKeepsEveryGroupSize) {
  const Sample sample = three_groups();
  const ResamplingStrata strata = make_strata(sample, true);
  for (std::uint64_t replicate = 0; replicate < 50; ++replicate) {
    std::vector<std::uint32_t> counts;
    draw_bootstrap_counts(sample.size(), strata, 1, replicate, counts);
    std::vector<std::uint32_t> per_group(3, 0);
    for (std::size_t i = 0; i < counts.size(); ++i) per_group[sample.groups.codes[i]] += counts[i];
    EXPECT_EQ(per_group, (std::vector<std::uint32_t>{5, 7, 18}));
  }
}

TEST(Bootstrap, MeanIntervalCoversTheMeanAndUndefinedReplicatesAreCounted) {
  const Sample sample = three_groups();
  ResamplingOptions options;
  options.bootstrap_replicates = 300;
  // A statistic defined only when unit 0 is drawn: its valid replicates are fewer than all of them
  // (about 1 − (29/30)^30 ≈ 64 % of replicates).
  const StatisticsFunction compute = [&](std::span<const double> weights) {
    double sum = 0.0;
    double total = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      sum += weights[i] * sample.values[i];
      total += weights[i];
    }
    std::vector<Statistic> out{{"mean", sum / total}};
    out.push_back({"first_drawn", weights[0] > 0.0 ? std::optional<double>(weights[0]) : std::nullopt});
    return out;
  };
  const BootstrapResult result = bootstrap(sample, compute, options);
  ASSERT_EQ(result.intervals.size(), 2U);
  EXPECT_EQ(result.intervals[0].valid_replicates, 300U);
  EXPECT_LT(*result.intervals[0].lower, 15.5);
  EXPECT_GT(*result.intervals[0].upper, 15.5);
  EXPECT_GT(result.intervals[1].valid_replicates, 120U);
  EXPECT_LT(result.intervals[1].valid_replicates, 260U);
}

TEST(Bootstrap, RejectsAConfidenceLevelOutsideZeroOne) {
  ResamplingOptions options;
  options.bootstrap_replicates = 10;
  options.confidence_level = 1.5;
  const StatisticsFunction compute = [](std::span<const double>) {
    return std::vector<Statistic>{{"x", 1.0}};
  };
  EXPECT_THROW((void)bootstrap(three_groups(), compute, options), Error);
}

}  // namespace
}  // namespace equalis::measure

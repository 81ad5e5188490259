#include "measure/sample.hpp"

#include "test_support.hpp"

#include "core/error.hpp"
#include "core/random.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>

namespace equalis::measure {
namespace {

// Values with many ties, negatives, zeros of both signs and a wide range of magnitudes.
std::vector<double> awkward_values(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> values(n);
  for (auto& v : values) {
    switch (rng.uniform_index(5)) {
      case 0:
        v = static_cast<double>(rng.uniform_index(10));
        break;  // ties
      case 1:
        v = -rng.uniform01() * 1e6;
        break;
      case 2:
        v = rng.uniform01() * 1e-300;
        break;
      case 3:
        v = rng.uniform_index(2) == 0 ? 0.0 : -0.0;
        break;
      default:
        v = std::exp(30.0 * (rng.uniform01() - 0.5));
        break;
    }
  }
  return values;
}

std::vector<std::uint32_t> stable_reference(const std::vector<double>& values) {
  std::vector<std::uint32_t> order(values.size());
  std::iota(order.begin(), order.end(), 0U);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return values[a] < values[b]; });
  return order;
}

TEST(SortOrder, RadixSortEqualsStableSortOnLargeAwkwardInput) {
  for (const std::size_t n : {5000UL, 70000UL, 300001UL}) {
    const auto values = awkward_values(n, n);
    EXPECT_EQ(sort_order(values), stable_reference(values)) << n;
  }
}

TEST(SortOrder, FewVaryingBitsAndNarrowBandsSortExactly) {
  Rng rng(17);
  std::vector<double> small_integers(200000);
  for (auto& v : small_integers) v = static_cast<double>(rng.uniform_index(50));
  EXPECT_EQ(sort_order(small_integers), stable_reference(small_integers));
  std::vector<double> narrow_band(150000);  // all within a few ulps of 1: only the lowest key bits vary
  for (auto& v : narrow_band) v = 1.0 + static_cast<double>(rng.uniform_index(64)) * 0x1p-52;
  EXPECT_EQ(sort_order(narrow_band), stable_reference(narrow_band));
  std::vector<double> wide_and_crowded(150000);  // huge range plus a crowd sharing the top 32 varying bits
  for (std::size_t i = 0; i < wide_and_crowded.size(); ++i) {
    wide_and_crowded[i] = i % 3 == 0 ? 1e300 * rng.uniform01() : 1.0 + rng.uniform01() * 1e-9;
  }
  EXPECT_EQ(sort_order(wide_and_crowded), stable_reference(wide_and_crowded));
}

TEST(SortOrder, SameResultOnOneAndTwoThreads) {
  const auto values = awkward_values(200000, 3);
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = sort_order(values);
  omp_set_num_threads(2);
  const auto two = sort_order(values);
  omp_set_num_threads(before);
  EXPECT_EQ(one, two);
}

TEST(SortOrder, ConstantInputKeepsInputOrder) {
  const std::vector<double> values(10000, 4.5);
  const auto order = sort_order(values);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

TEST(MakeSample, CarriesWeightsAndGroupsAlong) {
  const std::vector<double> values{3, 1, 2};
  const std::vector<double> weights{30, 10, 20};
  const std::vector<std::uint32_t> groups{1, 0, 1};
  const Sample sample = make_sample(values, weights, groups, {"a", "b"});
  EXPECT_EQ(sample.values, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(sample.weights, (std::vector<double>{10, 20, 30}));
  EXPECT_EQ(sample.groups.codes, (std::vector<std::uint32_t>{0, 1, 1}));
  EXPECT_EQ(sample.groups.names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(sample.input_index, (std::vector<std::uint32_t>{1, 2, 0}));
}

// The sorted values come out of the sort itself (each read once); they must be the input gathered in
// sort order, with weights and groups carried along, on a large input with ties (the radix path).
TEST(MakeSample, LargeSampleIsTheInputGatheredInOrder) {
  const auto values = awkward_values(250000, 5);
  std::vector<double> weights(values.size());
  std::vector<std::uint32_t> groups(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    weights[i] = static_cast<double>(i % 13);
    groups[i] = static_cast<std::uint32_t>(i % 3);
  }
  const Sample sample = make_sample(values, weights, groups, {"a", "b", "c"});
  const auto order = stable_reference(values);
  ASSERT_EQ(sample.input_index, order);
  for (std::size_t k = 0; k < order.size(); ++k) {
    ASSERT_EQ(std::bit_cast<std::uint64_t>(sample.values[k]), std::bit_cast<std::uint64_t>(values[order[k]]))
        << k;
    ASSERT_EQ(sample.weights[k], weights[order[k]]) << k;
    ASSERT_EQ(sample.groups.codes[k], groups[order[k]]) << k;
  }
  const Sample unweighted = make_sample(values);
  EXPECT_TRUE(
      std::all_of(unweighted.weights.begin(), unweighted.weights.end(), [](double w) { return w == 1.0; }));
  EXPECT_TRUE(unweighted.groups.empty());
}

// The check runs in parallel; the message still names the first bad unit in input order.
TEST(MakeSample, NamesTheFirstBadUnitOfALargeInput) {
  std::vector<double> values(300000, 1.0);
  std::vector<double> weights(values.size(), 1.0);
  weights[250000] = -2.0;
  values[280000] = std::nan("");
  EXPECT_EQ(test_support::error_of([&] { (void)make_sample(values, weights); }).message(),
            "weight of unit 250001 is -2");
  values[100] = std::numeric_limits<double>::infinity();
  EXPECT_EQ(test_support::error_of([&] { (void)make_sample(values, weights); }).message(),
            "value of unit 101 is not finite");
  // Magnitudes beyond the overflow guard are refused, not measured from infinity.
  EXPECT_THROW((void)make_sample(std::vector<double>(200000, 1e200), std::vector<double>(200000, 1e60)),
               Error);
}

TEST(MakeSample, RejectsNegativeWeightsAndEmptyInput) {
  EXPECT_THROW((void)make_sample(std::vector<double>{1, 2}, std::vector<double>{1, -1}), Error);
  EXPECT_THROW((void)make_sample(std::vector<double>{}), Error);
}

}  // namespace
}  // namespace equalis::measure

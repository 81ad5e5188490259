#include "measure/moran.hpp"

#include "test_support.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"
#include "measure/spatial_weights.hpp"

#include <gtest/gtest.h>
#include <omp.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

namespace equalis::measure {
namespace {

const std::string kData = EQUALIS_TEST_DATA_DIR;

using test_support::error_of;

// Undirected binary graph from pairs.
SpatialWeights graph(std::size_t n, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs) {
  std::vector<std::uint32_t> from;
  std::vector<std::uint32_t> to;
  for (const auto& [a, b] : pairs) {
    from.push_back(a);
    to.push_back(b);
    from.push_back(b);
    to.push_back(a);
  }
  return weights_from_links(n, from, to, {});
}

SpatialWeights path_graph(std::size_t n) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::uint32_t unit = 0; unit + 1 < n; ++unit) pairs.emplace_back(unit, unit + 1);
  return graph(n, pairs);
}

SpatialWeights cycle_graph(std::size_t n) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::uint32_t unit = 0; unit < n; ++unit)
    pairs.emplace_back(unit, static_cast<std::uint32_t>((unit + 1) % n));
  return graph(n, pairs);
}

// Rook lattice on rows x cols cells.
SpatialWeights rook_lattice(std::size_t rows, std::size_t cols) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      const auto cell = static_cast<std::uint32_t>(r * cols + c);
      if (c + 1 < cols) pairs.emplace_back(cell, cell + 1);
      if (r + 1 < rows) pairs.emplace_back(cell, static_cast<std::uint32_t>(cell + cols));
    }
  }
  return graph(rows * cols, pairs);
}

class CollectingSink : public ProgressSink {
 public:
  void log(LogLevel level, std::string_view message) override {
    if (level == LogLevel::Warning) warnings.emplace_back(message);
  }
  std::vector<std::string> warnings;
};

class StoppingSink : public ProgressSink {
 public:
  [[nodiscard]] bool stop_requested() const override { return true; }
};

// ----- global Moran, hand example ----------------------------------------------------------------------

TEST(Moran, PathOfFourByHand) {
  // Path 0-1-2-3, binary, y = 1, 2, 3, 4: z = -1.5, -0.5, 0.5, 1.5, sum z^2 = 5.
  // sum_ij w_ij z_i z_j = 2 (0.75 - 0.25 + 0.75) = 2.5; S0 = 6, so I = (4/6)(2.5/5) = 1/3; E[I] = -1/3.
  // S1 = 1/2 * 6 ordered pairs * 2^2 = 12; S2 = sum (2 d_i)^2 = 4 (1 + 4 + 4 + 1) = 40.
  // Var_N = (16*12 - 4*40 + 3*36) / (15*36) - 1/9 = 140/540 - 60/540 = 4/27.
  // b2 = 4 (5.0625 + 0.0625 + 0.0625 + 5.0625) / 25 = 1.64;
  // Var_R = [4 (7*12 - 160 + 108) - 1.64 (12*12 - 320 + 216)] / (3*2*1*36) - 1/9 = 62.4/216 - 24/216 = 8/45
  // (equal to the variance over all 24 permutations, checked exhaustively in a scratch script).
  const std::vector<double> y{1, 2, 3, 4};
  const MoranResult result = moran(y, path_graph(4), {.permutations = 0});
  EXPECT_NEAR(result.i, 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(result.expected, -1.0 / 3.0, 1e-15);
  EXPECT_DOUBLE_EQ(result.sums.s0, 6.0);
  EXPECT_DOUBLE_EQ(result.sums.s1, 12.0);
  EXPECT_DOUBLE_EQ(result.sums.s2, 40.0);
  EXPECT_NEAR(result.kurtosis, 1.64, 1e-14);
  EXPECT_NEAR(result.normality.variance, 4.0 / 27.0, 1e-15);
  ASSERT_TRUE(result.randomization.has_value());
  EXPECT_NEAR(result.randomization->variance, 8.0 / 45.0, 1e-15);
  // z_N = (2/3) / sqrt(4/27) = sqrt(3); two-sided p = erfc(sqrt(3)/sqrt(2)) = 0.083264516663550...
  EXPECT_NEAR(*result.normality.z, std::sqrt(3.0), 1e-14);
  EXPECT_NEAR(*result.normality.p_two_sided, 0.0832645166635504, 1e-13);
  EXPECT_FALSE(result.permutation.has_value());
}

TEST(Moran, NoRandomizationMomentsForThreeUnits) {
  const std::vector<double> y{1, 5, 2};
  const MoranResult result = moran(y, path_graph(3), {.permutations = 0});
  EXPECT_FALSE(result.randomization.has_value());
  EXPECT_NEAR(result.expected, -0.5, 1e-15);
}

// Exhaustive permutations of small samples: their mean is E[I] and their variance Var_R.
RC_GTEST_PROP(Moran, RandomizationMomentsEqualExhaustivePermutationMoments, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(4, 7);
  auto y = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(-20, 20));
  RC_PRE(std::adjacent_find(y.begin(), y.end(), std::not_equal_to<>()) != y.end());
  // A random asymmetric weighted graph with at least one link.
  std::vector<std::uint32_t> from;
  std::vector<std::uint32_t> to;
  std::vector<double> weight;
  for (std::uint32_t a = 0; a < n; ++a) {
    for (std::uint32_t b = 0; b < n; ++b) {
      if (a != b && *rc::gen::inRange(0, 3) == 0) {
        from.push_back(a);
        to.push_back(b);
        weight.push_back(*rc::gen::inRange(1, 4));
      }
    }
  }
  RC_PRE(!from.empty());
  const SpatialWeights w = weights_from_links(n, from, to, weight);
  std::vector<double> values(y.begin(), y.end());
  const MoranResult observed = moran(values, w, {.permutations = 0});
  std::sort(values.begin(), values.end());
  double sum = 0.0;
  double sum_squares = 0.0;
  double count = 0.0;
  do {
    const double i = moran(values, w, {.permutations = 0}).i;
    sum += i;
    sum_squares += i * i;
    count += 1.0;
  } while (std::next_permutation(values.begin(), values.end()));
  const double mean = sum / count;
  const double variance = sum_squares / count - mean * mean;
  RC_ASSERT(std::abs(mean - observed.expected) < 1e-12);
  RC_ASSERT(std::abs(variance - observed.randomization->variance) < 1e-12);
}

// ----- invariances
// ------------------------------------------------------------------------------------------

RC_GTEST_PROP(Moran, InvariantToScalingAndShifting, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(4, 40);
  const auto raw = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(0, 1000));
  RC_PRE(std::adjacent_find(raw.begin(), raw.end(), std::not_equal_to<>()) != raw.end());
  const double scale = *rc::gen::element(-3.0, 0.5, 7.0, 1e6);
  const double shift = *rc::gen::element(-100.0, 0.0, 12345.0);
  std::vector<double> y(raw.begin(), raw.end());
  std::vector<double> transformed(n);
  std::transform(y.begin(), y.end(), transformed.begin(), [&](double v) { return scale * v + shift; });
  const SpatialWeights w = transform_weights(path_graph(n), WeightsTransform::RowStandardized);
  const MoranResult a = moran(y, w, {.permutations = 0});
  const MoranResult b = moran(transformed, w, {.permutations = 0});
  RC_ASSERT(std::abs(a.i - b.i) < 1e-9);
  RC_ASSERT(std::abs(a.randomization->variance - b.randomization->variance) < 1e-9);
}

RC_GTEST_PROP(Moran, BinaryAndRowStandardizedAgreeOnARegularGraph, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(4, 50);
  const auto raw = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(-50, 50));
  RC_PRE(std::adjacent_find(raw.begin(), raw.end(), std::not_equal_to<>()) != raw.end());
  const std::vector<double> y(raw.begin(), raw.end());
  const SpatialWeights binary = cycle_graph(n);  // every unit has 2 neighbours
  const SpatialWeights row = transform_weights(binary, WeightsTransform::RowStandardized);
  const MoranResult a = moran(y, binary, {.permutations = 0});
  const MoranResult b = moran(y, row, {.permutations = 0});
  RC_ASSERT(std::abs(a.i - b.i) < 1e-12);
  RC_ASSERT(std::abs(a.normality.variance - b.normality.variance) < 1e-12);
}

// ----- permutation inference
// --------------------------------------------------------------------------------

TEST(Moran, PermutationsAreSeededAndThreadCountIndependent) {
  const SpatialWeights w = transform_weights(rook_lattice(12, 12), WeightsTransform::RowStandardized);
  std::vector<double> y(w.n);
  for (std::size_t cell = 0; cell < y.size(); ++cell) y[cell] = static_cast<double>((cell * 7919) % 101);
  const MoranOptions options{.permutations = 199, .seed = 42};
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const MoranResult one = moran(y, w, options);
  omp_set_num_threads(2);
  const MoranResult two = moran(y, w, options);
  const MoranResult again = moran(y, w, options);
  omp_set_num_threads(threads);
  ASSERT_TRUE(one.permutation && two.permutation);
  EXPECT_EQ(one.permutation->values, two.permutation->values);
  EXPECT_EQ(two.permutation->values, again.permutation->values);
  EXPECT_EQ(one.permutation->p_two_sided, two.permutation->p_two_sided);
  EXPECT_EQ(one.permutation->p_folded, two.permutation->p_folded);
  const MoranResult other_seed = moran(y, w, {.permutations = 199, .seed = 43});
  EXPECT_NE(other_seed.permutation->values, one.permutation->values);
  // The permutation distribution centres on E[I] = -1/143 with about the randomisation variance.
  // (sd of I is about 0.08 here, so the mean of 199 draws is within ~0.006 and their sd within ~0.004.)
  EXPECT_NEAR(one.permutation->mean, one.expected, 0.025);
  EXPECT_NEAR(one.permutation->standard_deviation, std::sqrt(one.randomization->variance), 0.02);
}

TEST(Moran, StrongClusteringGivesSmallestPseudoP) {
  // Left half low, right half high on a 10 x 10 rook lattice: no permutation comes close.
  const SpatialWeights w = rook_lattice(10, 10);
  std::vector<double> y(100);
  for (std::size_t cell = 0; cell < 100; ++cell) y[cell] = (cell % 10) < 5 ? 1.0 : 2.0;
  const MoranResult result = moran(y, w, {.permutations = 99, .seed = 1});
  EXPECT_GT(result.i, 0.8);
  EXPECT_DOUBLE_EQ(result.permutation->p_two_sided, 0.01);
  EXPECT_DOUBLE_EQ(result.permutation->p_folded, 0.01);
  EXPECT_LT(*result.randomization->p_two_sided, 1e-10);
  EXPECT_GT(*result.permutation->z, 5.0);
}

TEST(Moran, FoldedPseudoPCountsTheSideOfTheObservedValue) {
  // A checkerboard has strong negative autocorrelation: the observed I lies below every permutation, so
  // PySAL's folded count is #{I_perm < I} = 0.
  const SpatialWeights w = rook_lattice(8, 8);
  std::vector<double> y(64);
  for (std::size_t cell = 0; cell < 64; ++cell) y[cell] = ((cell / 8 + cell % 8) % 2 == 0) ? 1.0 : 0.0;
  const MoranResult result = moran(y, w, {.permutations = 49, .seed = 3});
  EXPECT_NEAR(result.i, -1.0, 1e-12);
  EXPECT_DOUBLE_EQ(result.permutation->p_folded, 0.02);
  EXPECT_DOUBLE_EQ(result.permutation->p_two_sided, 0.02);
}

TEST(Moran, CancelledThroughTheSink) {
  StoppingSink sink;
  const std::vector<double> y{1, 2, 3, 4, 5};
  EXPECT_EQ(error_of([&] { (void)moran(y, path_graph(5), {.permutations = 999}, sink); }).code(),
            ErrorCode::Cancelled);
}

// ----- Mexico, against an independent computation -------------------------------------------------------

TEST(Moran, MexicoPcgdp1940QueenRowStandardized) {
  // Queen contiguity of mexicojoin.shp (libpysal, 138 directed links), row-standardised; PCGDP1940 in
  // shapefile order. Expected values from a plain-python dense computation of the same formulas
  // (scratch script, not this code): I = 0.11023723904781267, Var_N = 0.015085820965241119,
  // Var_R = 0.013731864325020136, z_N = 1.1601551606482188, z_R = 1.2160062271688308,
  // p_N = 0.24598563925056438, p_R = 0.22398254985568308, S1 = 17.70577664399093, S2 = 134.67090136054424.
  // (libpysal's own mexico.gal is a different, 140-link W; we found no published PySAL value for this W.)
  const CsvTable attributes = CsvTable::read_file(kData + "/mexico/mexicojoin_attributes_shp_order.csv");
  const NumericColumn gdp = read_numeric_column(attributes, "PCGDP1940");
  const CsvTable edges = CsvTable::read_file(kData + "/mexico/mexicojoin_queen_edges.csv");
  std::vector<std::string> ids;
  for (std::size_t unit = 0; unit < 32; ++unit) ids.push_back(std::to_string(unit));
  const SpatialWeights w = transform_weights(
      weights_from_edge_list(edges, "i", "j", std::nullopt, ids, {EdgeEndpoints::ZeroBasedIndices}),
      WeightsTransform::RowStandardized);
  const MoranResult result = moran(gdp.values, w, {.permutations = 999, .seed = 2024});
  EXPECT_NEAR(result.i, 0.11023723904781267, 1e-14);
  EXPECT_NEAR(result.expected, -1.0 / 31.0, 1e-16);
  EXPECT_NEAR(result.sums.s0, 32.0, 1e-12);
  EXPECT_NEAR(result.sums.s1, 17.70577664399093, 1e-12);
  EXPECT_NEAR(result.sums.s2, 134.67090136054424, 1e-11);
  EXPECT_NEAR(result.normality.variance, 0.015085820965241119, 1e-15);
  EXPECT_NEAR(result.randomization->variance, 0.013731864325020136, 1e-15);
  EXPECT_NEAR(*result.normality.z, 1.1601551606482188, 1e-12);
  EXPECT_NEAR(*result.randomization->z, 1.2160062271688308, 1e-12);
  EXPECT_NEAR(*result.normality.p_two_sided, 0.24598563925056438, 1e-12);
  EXPECT_NEAR(*result.randomization->p_two_sided, 0.22398254985568308, 1e-12);
  // The permutation p should be near the randomisation p (0.224) for a moderate sample.
  EXPECT_NEAR(result.permutation->p_two_sided, 0.224, 0.05);
  EXPECT_TRUE(result.islands.empty());

  // LISA on the same data: sum_i I_i = S0 * I = 32 * 0.110237... = 3.5275916495300055 (python, m2 = sum z^2 /
  // n).
  const LocalMoranResult local = local_moran(gdp.values, w, {.permutations = 199, .seed = 7});
  EXPECT_NEAR(std::accumulate(local.local_i.begin(), local.local_i.end(), 0.0), 3.5275916495300055, 1e-12);
  EXPECT_NEAR(local.local_i[0], 0.43553550723488166, 1e-13);
  EXPECT_NEAR(local.local_i[5], 0.18369660890139808, 1e-13);
}

// ----- local Moran
// -------------------------------------------------------------------------------------------

TEST(LocalMoran, PathOfFourByHand) {
  // Path 0-1-2-3 row-standardised, y = 1, 4, 2, 3: z = -1.5, 1.5, -0.5, 0.5, m2 = 5/4.
  // Lags of z: 1.5, (-1.5 - 0.5)/2 = -1, (1.5 + 0.5)/2 = 1, -0.5.
  // I_i = z_i lag_i / m2: -1.8, -1.2, -0.4, -0.2. Quadrants: LH, HL, LH, HL.
  // Lags of y: 4, (1 + 2)/2 = 1.5, (4 + 3)/2 = 3.5, 2.
  const std::vector<double> y{1, 4, 2, 3};
  const SpatialWeights w = transform_weights(path_graph(4), WeightsTransform::RowStandardized);
  const LocalMoranResult local = local_moran(y, w, {.permutations = 0});
  EXPECT_DOUBLE_EQ(local.mean, 2.5);
  EXPECT_DOUBLE_EQ(local.m2, 1.25);
  const std::vector<double> expected_i{-1.8, -1.2, -0.4, -0.2};
  for (std::size_t unit = 0; unit < 4; ++unit) EXPECT_NEAR(local.local_i[unit], expected_i[unit], 1e-15);
  EXPECT_EQ(local.lag_deviation, (std::vector<double>{1.5, -1.0, 1.0, -0.5}));
  EXPECT_EQ(local.spatial_lag, (std::vector<double>{4.0, 1.5, 3.5, 2.0}));
  const std::vector<std::string_view> labels{"LH", "HL", "LH", "HL"};
  for (std::size_t unit = 0; unit < 4; ++unit) EXPECT_EQ(quadrant_label(local.quadrant[unit]), labels[unit]);
  EXPECT_FALSE(local.p_value[0].has_value());
  // Monotone y = 1, 2, 3, 4: the low end is LL, the high end HH.
  const std::vector<double> rising{1, 2, 3, 4};
  const LocalMoranResult clustered = local_moran(rising, w, {.permutations = 0});
  EXPECT_EQ(clustered.quadrant, (std::vector<LisaQuadrant>{LisaQuadrant::LL, LisaQuadrant::LL,
                                                           LisaQuadrant::HH, LisaQuadrant::HH}));
  // With m2 = sum z^2 / (n - 1) = 5/3 every I_i shrinks by (n - 1)/n = 3/4.
  const LocalMoranResult pysal = local_moran(y, w, {.permutations = 0, .variance = LisaVariance::NMinus1});
  EXPECT_NEAR(pysal.local_i[0], -1.8 * 0.75, 1e-15);
}

RC_GTEST_PROP(LocalMoran, SumOfLocalIIsS0TimesGlobalI, ()) {
  const auto rows = *rc::gen::inRange<std::size_t>(2, 7);
  const auto cols = *rc::gen::inRange<std::size_t>(2, 7);
  const std::size_t n = rows * cols;
  const auto raw = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(0, 100));
  RC_PRE(std::adjacent_find(raw.begin(), raw.end(), std::not_equal_to<>()) != raw.end());
  const std::vector<double> y(raw.begin(), raw.end());
  const bool row_standardize = *rc::gen::arbitrary<bool>();
  SpatialWeights w = rook_lattice(rows, cols);
  if (row_standardize) w = transform_weights(w, WeightsTransform::RowStandardized);
  const MoranResult global = moran(y, w, {.permutations = 0});
  const LocalMoranResult local = local_moran(y, w, {.permutations = 0});
  const double sum = std::accumulate(local.local_i.begin(), local.local_i.end(), 0.0);
  RC_ASSERT(std::abs(sum - global.sums.s0 * global.i) < 1e-9);
  if (row_standardize) RC_ASSERT(std::abs(sum - static_cast<double>(n) * global.i) < 1e-9);
  const LocalMoranResult pysal = local_moran(y, w, {.permutations = 0, .variance = LisaVariance::NMinus1});
  const double pysal_sum = std::accumulate(pysal.local_i.begin(), pysal.local_i.end(), 0.0);
  RC_ASSERT(std::abs(pysal_sum -
                     static_cast<double>(n - 1) / static_cast<double>(n) * global.sums.s0 * global.i) < 1e-9);
}

TEST(LocalMoran, ConditionalPermutationOfOneNeighbour) {
  // Star-free toy: unit 0's only neighbour is unit 1; y = 0, 3, 1, 2 (mean 1.5, z = -1.5, 1.5, -0.5, 0.5).
  // Conditionally, unit 0's neighbour value is one of z_1, z_2, z_3 with probability 1/3 each, giving
  // I_0 in {-1.8, 0.6, -0.6}; observed -1.8 is the minimum, so #{I_perm >= I_0} ~ P and
  // #{I_perm < I_0} = 0: the folded p is 1/(P + 1).
  // Unit 2's only neighbour is unit 3 (z = 0.5): I_2 = -0.5 * 0.5 / m2 = -0.2 with m2 = 1.25; the draws give
  // -0.5 z_j / m2 for z_j in {-1.5, 1.5, 0.5}: 0.6, -0.6, -0.2, so #{>= -0.2} has probability 2/3 and the
  // folded count is #{< -0.2}, probability 1/3: p ~ 1/3.
  const SpatialWeights w = graph(4, {{0, 1}, {2, 3}});
  const std::vector<double> y{0, 3, 1, 2};
  const LocalMoranResult local = local_moran(y, w, {.permutations = 3000, .seed = 11});
  EXPECT_NEAR(local.local_i[0], -1.8, 1e-15);
  EXPECT_DOUBLE_EQ(*local.p_value[0], 1.0 / 3001.0);
  EXPECT_EQ(local.significant[0], 1U);
  EXPECT_NEAR(*local.p_value[2], 1.0 / 3.0, 0.03);
  EXPECT_EQ(local.significant[2], 0U);
}

TEST(LocalMoran, LargeNeighbourhoodsUseThePoolAndStayWithoutReplacement) {
  // Unit 0 is linked to all 40 others (> the rejection limit): a draw without replacement of all n - 1
  // values is always the full set, so every permutation reproduces the observed I_0 exactly.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::uint32_t unit = 1; unit <= 40; ++unit) pairs.emplace_back(0, unit);
  const SpatialWeights w = graph(41, pairs);
  // y = -20..20 has mean 0, so deviations and their sums are exact integers in any summation order.
  std::vector<double> y(41);
  for (std::size_t unit = 0; unit < 41; ++unit) y[unit] = static_cast<double>(unit) - 20.0;
  const LocalMoranResult local = local_moran(y, w, {.permutations = 99, .seed = 5});
  // All 99 draws equal I_0, so #{>= I_0} = 99 and the folded count is 0: p = 1/100.
  EXPECT_DOUBLE_EQ(*local.p_value[0], 0.01);
}

TEST(LocalMoran, SeededThreadIndependentAndIslandsReported) {
  SpatialWeights w = rook_lattice(15, 15);
  // Cut unit 224 (a corner) loose: rebuild without its links.
  std::vector<std::uint32_t> from;
  std::vector<std::uint32_t> to;
  for (std::size_t unit = 0; unit < w.n; ++unit) {
    for (std::size_t link = w.offsets[unit]; link < w.offsets[unit + 1]; ++link) {
      if (unit != 224 && w.neighbors[link] != 224) {
        from.push_back(static_cast<std::uint32_t>(unit));
        to.push_back(w.neighbors[link]);
      }
    }
  }
  w = transform_weights(weights_from_links(225, from, to, {}), WeightsTransform::RowStandardized);
  std::vector<double> y(225);
  for (std::size_t cell = 0; cell < 225; ++cell) y[cell] = static_cast<double>(cell / 15 + (cell * 31) % 5);
  const int threads = omp_get_max_threads();
  CollectingSink sink;
  omp_set_num_threads(1);
  const LocalMoranResult one = local_moran(y, w, {.permutations = 99, .seed = 9}, sink);
  omp_set_num_threads(2);
  const LocalMoranResult two = local_moran(y, w, {.permutations = 99, .seed = 9});
  omp_set_num_threads(threads);
  EXPECT_EQ(one.p_value, two.p_value);
  EXPECT_EQ(one.islands, (std::vector<std::uint32_t>{224}));
  EXPECT_FALSE(one.p_value[224].has_value());
  EXPECT_EQ(one.local_i[224], 0.0);
  ASSERT_EQ(sink.warnings.size(), 1U);
  EXPECT_NE(sink.warnings[0].find("'224'"), std::string::npos) << sink.warnings[0];
  // The global statistic reports the island too.
  CollectingSink global_sink;
  const MoranResult global = moran(y, w, {.permutations = 0}, global_sink);
  EXPECT_EQ(global.islands, (std::vector<std::uint32_t>{224}));
  EXPECT_EQ(global_sink.warnings.size(), 1U);
}

// ----- bad input
// ---------------------------------------------------------------------------------------------

TEST(Moran, BadInput) {
  const SpatialWeights w = path_graph(4);
  const std::vector<double> three{1, 2, 3};
  const Error size = error_of([&] { (void)moran(three, w); });
  EXPECT_EQ(size.code(), ErrorCode::InvalidInput);
  EXPECT_FALSE(size.fix().empty());
  const std::vector<double> two{1, 2};
  EXPECT_EQ(error_of([&] { (void)moran(two, path_graph(2)); }).code(), ErrorCode::InvalidInput);
  const std::vector<double> flat{2, 2, 2, 2};
  const Error constant = error_of([&] { (void)moran(flat, w); });
  EXPECT_EQ(constant.code(), ErrorCode::InvalidInput);
  EXPECT_NE(constant.message().find("equal"), std::string::npos);
  EXPECT_EQ(error_of([&] { (void)local_moran(flat, w); }).code(), ErrorCode::InvalidInput);
  const std::vector<double> with_nan{1, std::nan(""), 3, 4};
  EXPECT_EQ(error_of([&] { (void)moran(with_nan, w); }).code(), ErrorCode::InvalidInput);
  const SpatialWeights empty = weights_from_links(4, {}, {}, {});
  const std::vector<double> y{1, 2, 3, 4};
  EXPECT_EQ(error_of([&] { (void)moran(y, empty); }).code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)local_moran(y, empty); }).code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)local_moran(y, w, {.alpha = 0.0}); }).code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)local_moran(three, w); }).code(), ErrorCode::InvalidInput);
}

// Regression (hardening issue): on a column with a 1e300 value Moran's I was NaN while the permutation
// p-value (0.01) and "significant" LISA units were printed as if valid.
TEST(Moran, ValuesBeyondTheRangeAreRefused) {
  std::vector<double> y{1, 2, 3, 1e300, 5, 6};
  const SpatialWeights w = path_graph(6);
  EXPECT_EQ(error_of([&] { (void)moran(y, w, {.permutations = 99}); }).code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)local_moran(y, w, {.permutations = 99}); }).code(), ErrorCode::InvalidInput);
  y[3] = 1e60;  // large but representable: z⁴ sums stay finite, so I is a number
  const MoranResult result = moran(y, w, {.permutations = 0});
  EXPECT_TRUE(std::isfinite(result.i));
}

}  // namespace
}  // namespace equalis::measure

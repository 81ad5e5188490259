#include "measure/density.hpp"

#include "test_support.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "core/table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace equalis::measure {
namespace {

using ::testing::HasSubstr;

using test_support::error_of;

double phi(double z) {
  return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
}

double trapezoid(const std::vector<double>& x, const std::vector<double>& f) {
  double area = 0.0;
  for (std::size_t i = 1; i < x.size(); ++i) area += 0.5 * (f[i] + f[i - 1]) * (x[i] - x[i - 1]);
  return area;
}

std::vector<double> linspace(double lo, double hi, std::size_t points) {
  std::vector<double> grid(points);
  for (std::size_t i = 0; i < points; ++i) {
    grid[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(points - 1);
  }
  return grid;
}

TEST(DensityKde, SinglePointIsTheKernel) {
  const std::vector<double> values{0.0};
  const std::vector<double> grid{-1.0, 0.0, 1.0, 2.0};
  const std::vector<double> f = gaussian_kde(values, {}, 1.0, grid);
  EXPECT_NEAR(f[0], 0.24197072451914337, 1e-16);  // φ(1) = e^{−1/2}/√(2π)
  EXPECT_NEAR(f[1], 0.3989422804014327, 1e-16);   // φ(0) = 1/√(2π)
  EXPECT_NEAR(f[2], 0.24197072451914337, 1e-16);
  EXPECT_NEAR(f[3], 0.053990966513188063, 1e-16);  // φ(2)
}

TEST(DensityKde, WeightedHandExample) {
  // Points 0 and 2 with weights 3 and 1 (normalised to ¾, ¼), h = ½: f(x) = (¾ φ(2x) + ¼ φ(2(x−2))) · 2.
  const std::vector<double> values{0.0, 2.0};
  const std::vector<double> weights{3.0, 1.0};
  const std::vector<double> grid{1.0, 0.0};
  const std::vector<double> f = gaussian_kde(values, weights, 0.5, grid);
  EXPECT_NEAR(f[0], 2.0 * phi(2.0), 1e-15);  // ¾φ(2)·2 + ¼φ(−2)·2 = 2φ(2) = 0.107981933026376
  EXPECT_NEAR(f[1], 1.5 * phi(0.0) + 0.5 * phi(4.0), 1e-15);
}

TEST(DensityKde, IntegerWeightsEqualReplicatedUnits) {
  const std::vector<double> values{0.3, 1.1, 2.0};
  const std::vector<double> weights{2.0, 1.0, 3.0};
  const std::vector<double> replicated{0.3, 0.3, 1.1, 2.0, 2.0, 2.0};
  const std::vector<double> grid = linspace(-1.0, 3.5, 37);
  const std::vector<double> a = gaussian_kde(values, weights, 0.4, grid);
  const std::vector<double> b = gaussian_kde(replicated, {}, 0.4, grid);
  for (std::size_t i = 0; i < grid.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-15);
}

TEST(DensityBandwidth, HandWorkedRules) {
  // 1..5: sample SD √2.5; type-7 quartiles 2 and 4, IQR/1.34 = 1.4925 < √2.5 = 1.5811.
  const std::vector<double> ramp{3, 1, 5, 2, 4};
  EXPECT_NEAR(silverman_bandwidth(ramp), 0.9 * (2.0 / 1.34) * std::pow(5.0, -0.2), 1e-15);
  EXPECT_NEAR(scott_bandwidth(ramp), 1.06 * std::sqrt(2.5) * std::pow(5.0, -0.2), 1e-15);
  // 0,0,1,1: SD √(1/3) = 0.577 < IQR/1.34 = 1/1.34 (quartiles 0 and 1).
  const std::vector<double> two_points{0, 0, 1, 1};
  EXPECT_NEAR(silverman_bandwidth(two_points), 0.9 * std::sqrt(1.0 / 3.0) * std::pow(4.0, -0.2), 1e-15);
  // 1,1,1,1,5: IQR = 0, so the SD √3.2 is used.
  const std::vector<double> ties{1, 1, 1, 1, 5};
  EXPECT_NEAR(silverman_bandwidth(ties), 0.9 * std::sqrt(3.2) * std::pow(5.0, -0.2), 1e-15);
}

TEST(DensityBandwidth, WeightedHandExample) {
  // Values 1, 2, 4 with weights 2, 1, 1: V1 = 4, V2 = 6, mean 2, Σw(y−μ)² = 6,
  // variance 6/4 · 16/10 = 2.4, Kish n = 16/6 = 8/3. Weighted quartiles (midpoints 1, 2.5, 3.5 rescaled
  // over 2.5 from 1): Q1 = 1 + 0.625/1.5 = 17/12, Q3 = 2 + 0.375·2 = 2.75, IQR = 4/3 → /1.34 < √2.4.
  const std::vector<double> values{4, 1, 2};
  const std::vector<double> weights{1, 2, 1};
  EXPECT_NEAR(silverman_bandwidth(values, weights), 0.9 * (4.0 / 3.0 / 1.34) * std::pow(8.0 / 3.0, -0.2),
              1e-15);
  EXPECT_NEAR(scott_bandwidth(values, weights), 1.06 * std::sqrt(2.4) * std::pow(8.0 / 3.0, -0.2), 1e-15);
  // Equal weights reproduce the unweighted rule exactly.
  const std::vector<double> ramp{3, 1, 5, 2, 4};
  const std::vector<double> equal(5, 0.7);
  EXPECT_NEAR(silverman_bandwidth(ramp, equal), silverman_bandwidth(ramp), 1e-15);
  EXPECT_NEAR(scott_bandwidth(ramp, equal), scott_bandwidth(ramp), 1e-15);
}

TEST(DensityBandwidth, AllEqualValuesNeedAFixedBandwidth) {
  const std::vector<double> same{2.5, 2.5, 2.5};
  const Error error = error_of([&] { (void)silverman_bandwidth(same); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(error.fix(), HasSubstr("all values equal; give `bandwidth`"));
  EXPECT_EQ(error_of([&] { (void)scott_bandwidth(same); }).code(), ErrorCode::InvalidInput);
  const std::vector<std::vector<double>> panel{{1, 2, 3}, {4, 4, 4}};
  const Error dynamics = error_of([&] { (void)distribution_dynamics(panel, {}); });
  EXPECT_EQ(dynamics.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(dynamics.message(), HasSubstr("all values equal"));
  // A fixed bandwidth draws it.
  DensityOptions fixed;
  fixed.bandwidth_rule = BandwidthRule::Fixed;
  fixed.bandwidth = 0.1;
  const DistributionDynamics ok = distribution_dynamics(panel, {}, fixed);
  EXPECT_EQ(ok.periods.size(), 2u);
  const std::vector<double> one{1.0};
  EXPECT_EQ(error_of([&] { (void)silverman_bandwidth(one); }).code(), ErrorCode::InvalidInput);
}

std::vector<std::vector<double>> mexico_panel() {
  const CsvTable table = CsvTable::read_file(EQUALIS_TEST_DATA_DIR "/mexico/mexico.csv");
  std::vector<std::vector<double>> panel;
  for (const char* column : {"pcgdp1940", "pcgdp1970", "pcgdp2000"}) {
    panel.push_back(read_numeric_column(table, column).values);
  }
  return panel;
}

TEST(DensityDynamics, MexicoRelativeDensitiesIntegrateToOne) {
  const std::vector<std::vector<double>> panel = mexico_panel();
  DensityOptions wide;
  wide.grid_min = -3.0;
  wide.grid_max = 9.0;
  wide.grid_points = 4001;
  const DistributionDynamics result = distribution_dynamics(panel, {}, wide);
  ASSERT_EQ(result.grid.size(), 4001u);
  EXPECT_DOUBLE_EQ(result.grid.front(), -3.0);
  EXPECT_DOUBLE_EQ(result.grid.back(), 9.0);
  for (const PeriodDensity& period : result.periods) {
    EXPECT_NEAR(trapezoid(result.grid, period.density), 1.0, 1e-9);
    EXPECT_FALSE(period.binned);
    EXPECT_GT(period.bandwidth, 0.0);
  }
  // Period means: plain means of the 1940 column (relative values divide them out).
  double mean_1940 = 0.0;
  for (const double v : panel[0]) mean_1940 += v;
  mean_1940 /= 32.0;
  EXPECT_NEAR(result.periods[0].mean, mean_1940, 1e-9);
  // The bandwidth is the Silverman rule on relative values.
  std::vector<double> relative;
  for (const double v : panel[0]) relative.push_back(v / mean_1940);
  EXPECT_NEAR(result.periods[0].bandwidth, silverman_bandwidth(relative), 1e-15);

  // Default grid: ±3h beyond the extremes keeps all but a sliver of mass (< 0.00135 per extreme unit).
  const DistributionDynamics tight = distribution_dynamics(panel, {});
  EXPECT_EQ(tight.grid.size(), 512u);
  for (const PeriodDensity& period : tight.periods) {
    EXPECT_NEAR(trapezoid(tight.grid, period.density), 1.0, 2e-3);
  }
}

TEST(DensityDynamics, RelativeDensitiesIgnoreTheCurrency) {
  std::vector<std::vector<double>> panel = mexico_panel();
  DensityOptions options;
  options.bandwidth_rule = BandwidthRule::Scott;
  options.grid_min = 0.0;
  options.grid_max = 4.0;
  options.grid_points = 101;
  const DistributionDynamics a = distribution_dynamics(panel, {}, options);
  for (auto& period : panel) {
    for (double& v : period) v *= 0.0517;
  }
  const DistributionDynamics b = distribution_dynamics(panel, {}, options);
  for (std::size_t t = 0; t < a.periods.size(); ++t) {
    EXPECT_NEAR(a.periods[t].bandwidth, b.periods[t].bandwidth, 1e-12);
    for (std::size_t i = 0; i < a.grid.size(); ++i)
      EXPECT_NEAR(a.periods[t].density[i], b.periods[t].density[i], 1e-12);
  }
}

TEST(DensityDynamics, WeightedPeriodsUseWeightedMeans) {
  const std::vector<std::vector<double>> panel{{1, 2, 4}, {2, 2, 8}};
  const std::vector<std::vector<double>> weights{{2, 1, 1}};  // one vector for both periods
  DensityOptions options;
  options.bandwidth_rule = BandwidthRule::Fixed;
  options.bandwidth = 0.25;
  options.grid_min = -2.0;
  options.grid_max = 5.0;
  options.grid_points = 2001;
  const DistributionDynamics result = distribution_dynamics(panel, weights, options);
  EXPECT_DOUBLE_EQ(result.periods[0].mean, 2.0);  // (2·1 + 2 + 4) / 4
  EXPECT_DOUBLE_EQ(result.periods[1].mean, 3.5);  // (4 + 2 + 8) / 4
  // Period 0 relative values 0.5, 1, 2 with weights ½, ¼, ¼: density at 1 by hand.
  const double at_one = (0.5 * phi(0.5 / 0.25) + 0.25 * phi(0.0) + 0.25 * phi(-1.0 / 0.25)) / 0.25;
  const std::vector<double> grid_one{1.0};
  const std::vector<double> relative{0.5, 1.0, 2.0};
  const std::vector<double> w{2, 1, 1};
  EXPECT_NEAR(gaussian_kde(relative, w, 0.25, grid_one)[0], at_one, 1e-15);
  EXPECT_NEAR(trapezoid(result.grid, result.periods[1].density), 1.0, 1e-9);
}

TEST(DensityDynamics, BinnedMatchesExact) {
  Rng rng(20240607, 0);
  std::vector<double> values(5000);
  for (double& v : values) {
    // A skewed, bimodal mix so that the binning error is visible if it is large.
    v = rng.uniform01() < 0.7 ? std::exp(rng.uniform01() - 0.5) : 2.5 + 0.3 * rng.uniform01();
  }
  const std::vector<double> grid = linspace(-0.5, 4.0, 451);
  const double h = silverman_bandwidth(values);
  const std::vector<double> exact = gaussian_kde(values, {}, h, grid, KdeEvaluation::Exact);
  const std::vector<double> binned = gaussian_kde(values, {}, h, grid, KdeEvaluation::Binned);
  double peak = 0.0;
  double worst = 0.0;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    peak = std::max(peak, exact[i]);
    worst = std::max(worst, std::fabs(exact[i] - binned[i]));
  }
  EXPECT_LT(worst, 1e-4 * peak) << "worst " << worst << " peak " << peak;
  RecordProperty("binning_relative_error", std::to_string(worst / peak));
}

TEST(DensityDynamics, AutoSwitchesToBinningAboveTheWorkLimit) {
  Rng rng(7, 1);
  std::vector<double> values(200'000);  // 200 000 · 512 grid points > 1e8
  for (double& v : values) v = 0.5 + rng.uniform01();
  const std::vector<std::vector<double>> panel{values};
  const DistributionDynamics result = distribution_dynamics(panel, {});
  EXPECT_TRUE(result.periods[0].binned);
  EXPECT_NEAR(trapezoid(result.grid, result.periods[0].density), 1.0, 1e-3);
}

TEST(DensityDynamics, Errors) {
  const std::vector<std::vector<double>> panel{{1, 2, 3}, {2, 3, 5}};
  DensityOptions bad_bandwidth;
  bad_bandwidth.bandwidth_rule = BandwidthRule::Fixed;
  bad_bandwidth.bandwidth = 0.0;
  EXPECT_EQ(error_of([&] { (void)distribution_dynamics(panel, {}, bad_bandwidth); }).code(),
            ErrorCode::InvalidInput);
  DensityOptions one_point;
  one_point.grid_points = 1;
  EXPECT_EQ(error_of([&] { (void)distribution_dynamics(panel, {}, one_point); }).code(),
            ErrorCode::InvalidInput);
  DensityOptions empty_grid;
  empty_grid.grid_min = 2.0;
  empty_grid.grid_max = 1.0;
  EXPECT_EQ(error_of([&] { (void)distribution_dynamics(panel, {}, empty_grid); }).code(),
            ErrorCode::InvalidInput);
  const std::vector<std::vector<double>> negative_mean{{-1, -2, 1}};
  EXPECT_EQ(error_of([&] { (void)distribution_dynamics(negative_mean, {}); }).code(),
            ErrorCode::InvalidInput);
  const std::vector<std::vector<double>> with_nan{{1, NAN, 3}};
  EXPECT_EQ(error_of([&] { (void)distribution_dynamics(with_nan, {}); }).code(), ErrorCode::InvalidInput);
  const std::vector<std::vector<double>> three_weight_vectors{{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
  EXPECT_EQ(error_of([&] { (void)distribution_dynamics(panel, three_weight_vectors); }).code(),
            ErrorCode::InvalidInput);
  const std::vector<std::vector<double>> negative_weight{{1, -1, 1}};
  EXPECT_EQ(error_of([&] { (void)distribution_dynamics(panel, negative_weight); }).code(),
            ErrorCode::InvalidInput);
  const std::vector<double> values{1, 2};
  const std::vector<double> grid{0.0};
  EXPECT_EQ(error_of([&] { (void)gaussian_kde(values, {}, -1.0, grid); }).code(), ErrorCode::InvalidInput);
  const std::vector<double> zero_weights{0, 0};
  EXPECT_EQ(error_of([&] { (void)gaussian_kde(values, zero_weights, 1.0, grid); }).code(),
            ErrorCode::InvalidInput);
}

TEST(DensityDynamics, CancelledByTheSink) {
  struct StopAtOnce : ProgressSink {
    [[nodiscard]] bool stop_requested() const override { return true; }
  } sink;
  const std::vector<std::vector<double>> panel{{1, 2, 3}, {2, 3, 5}};
  EXPECT_EQ(error_of([&] { (void)distribution_dynamics(panel, {}, {}, sink); }).code(), ErrorCode::Cancelled);
}

RC_GTEST_PROP(DensityDynamics, NonNegativeAndUnitMass, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(2, 40);
  std::vector<double> values(n);
  std::vector<double> weights(n);
  for (std::size_t i = 0; i < n; ++i) {
    values[i] = static_cast<double>(*rc::gen::inRange(1, 1000)) / 10.0;
    weights[i] = static_cast<double>(*rc::gen::inRange(0, 5));
  }
  RC_PRE(std::any_of(weights.begin(), weights.end(), [](double w) { return w > 0.0; }));
  const double h = static_cast<double>(*rc::gen::inRange(5, 200)) / 10.0;
  const std::vector<double> grid = linspace(-10.0 * h, 100.0 + 10.0 * h, 3001);
  const std::vector<double> f = gaussian_kde(values, weights, h, grid);
  RC_ASSERT(std::all_of(f.begin(), f.end(), [](double v) { return v >= 0.0; }));
  RC_ASSERT(std::fabs(trapezoid(grid, f) - 1.0) <= 1e-6);
}

}  // namespace
}  // namespace equalis::measure

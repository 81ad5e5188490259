// Every physical measure on a two-zone, two-facility example worked by hand (docs/access.md shows the
// arithmetic), the capacity invariants of the catchment family on random instances, and agreement with
// a direct transcription of each formula on a real matrix (Belo Horizonte, from Ipea's package).

#include "access/measures.hpp"

#include "core/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
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

// 3SFCA with a decay that never reaches 0, cut at max_cost 16: A–Y (20) is out of the catchment. Wan et
// al. select among the facilities in the catchment (A: X only); PySAL among every destination (A: X and
// Y). B has both within 16, so its selection is the same either way.
TEST(Measures, ThreeStepSelectionOverEveryDestinationAsPySal) {
  const Example e;
  const auto decay = parse_decay("exponential:0.1", CostUnit::Minutes);
  const auto w = [](double cost) { return std::exp(-0.1 * cost); };
  const auto by_hand = [&](double g_ax) {
    const double g_bx = w(15) / (w(15) + w(8));
    const double g_by = w(8) / (w(15) + w(8));
    const double r_x = 10.0 / (g_ax * 100.0 * w(5) + g_bx * 300.0 * w(15));
    const double r_y = 20.0 / (g_by * 300.0 * w(8));
    return std::vector<double>{g_ax * r_x * w(5), g_bx * r_x * w(15) + g_by * r_y * w(8)};
  };
  CatchmentOptions options;
  options.max_cost = 16.0;
  const auto wan = floating_catchment(CatchmentMethod::ThreeStep, e.rows, e.population, e.capacity, decay,
                                      nullptr, options);
  options.selection_over_all_pairs = true;
  const auto pysal = floating_catchment(CatchmentMethod::ThreeStep, e.rows, e.population, e.capacity, decay,
                                        nullptr, options);
  const auto expected_wan = by_hand(1.0);
  const auto expected_pysal = by_hand(w(5) / (w(5) + w(20)));
  for (std::size_t z = 0; z < 2; ++z) {
    EXPECT_NEAR(wan[z], expected_wan[z], 1e-7) << z;
    EXPECT_NEAR(pysal[z], expected_pysal[z], 1e-7) << z;
  }
  EXPECT_GT(std::abs(wan[0] - pysal[0]), 1e-3);
  // A decay that is 0 beyond max_cost: the two normalisations coincide.
  const auto linear = parse_decay("linear:16", CostUnit::Minutes);
  options.selection_over_all_pairs = false;
  const auto a = floating_catchment(CatchmentMethod::ThreeStep, e.rows, e.population, e.capacity, linear,
                                    nullptr, options);
  options.selection_over_all_pairs = true;
  const auto b = floating_catchment(CatchmentMethod::ThreeStep, e.rows, e.population, e.capacity, linear,
                                    nullptr, options);
  EXPECT_EQ(a, b);
}

// Capacity-limited coverage worked by hand (docs/access.md): zones A 100, B 300, C 200 people; X serves
// 250 people, Y 200; minutes A–X 5, B–X 10, C–X 10, B–Y 5, C–Y 40; limit 30.
struct CoverageExample {
  std::vector<double> population{100.0, 300.0, 200.0};
  std::vector<double> capacity{250.0, 200.0};
  CostRows rows = make_cost_rows(3, {0, 1, 2, 1, 2}, {0, 0, 0, 1, 1}, {5.0F, 10.0F, 10.0F, 5.0F, 40.0F},
                                 CostUnit::Minutes, "coverage example");
};

TEST(Measures, CapacityCoverageByHand) {
  const CoverageExample e;
  // Largest first: X covers A (100) at 5 min, then the ring at 10 min (B 300 + C 200) has 150 places:
  // 30 % of each (B 90, C 60). Y then covers 200 of B's 210 left; C is 40 min from Y, beyond the limit.
  auto c = capacity_coverage(e.rows, e.population, e.capacity, 30.0, CoverageOrder::CapacityDescending);
  EXPECT_EQ(c.order, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_NEAR(c.covered_by_zone[0], 100.0, 1e-9);
  EXPECT_NEAR(c.covered_by_zone[1], 290.0, 1e-9);
  EXPECT_NEAR(c.covered_by_zone[2], 60.0, 1e-9);
  EXPECT_NEAR(c.covered_by_facility[0], 250.0, 1e-9);
  EXPECT_NEAR(c.covered_by_facility[1], 200.0, 1e-9);
  EXPECT_EQ(c.zones_served, (std::vector<std::size_t>{3, 1}));
  EXPECT_EQ(c.population_in_reach, (std::vector<double>{600.0, 300.0}));
  // Smallest first: Y covers 200 of B; X covers A, then half the ring of B's 100 left and C's 200.
  c = capacity_coverage(e.rows, e.population, e.capacity, 30.0, CoverageOrder::CapacityAscending);
  EXPECT_EQ(c.order, (std::vector<std::uint32_t>{1, 0}));
  EXPECT_NEAR(c.covered_by_zone[0], 100.0, 1e-9);
  EXPECT_NEAR(c.covered_by_zone[1], 250.0, 1e-9);
  EXPECT_NEAR(c.covered_by_zone[2], 100.0, 1e-9);
  // By the people within the limit (X 600, Y 300), most first; fewest first reverses it.
  EXPECT_EQ(
      capacity_coverage(e.rows, e.population, e.capacity, 30.0, CoverageOrder::PopulationDescending).order,
      (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(
      capacity_coverage(e.rows, e.population, e.capacity, 30.0, CoverageOrder::PopulationAscending).order,
      (std::vector<std::uint32_t>{1, 0}));
  // A limit of 45 puts C within Y's reach, but Y (second in file order) spends its 200 places on B, nearer.
  c = capacity_coverage(e.rows, e.population, e.capacity, 45.0, CoverageOrder::File);
  EXPECT_NEAR(c.covered_by_zone[2], 60.0, 1e-9);
  // Capacity to spare: everyone within reach is covered and the rest is left.
  const std::vector<double> large{1000.0, 1000.0};
  c = capacity_coverage(e.rows, e.population, large, 30.0, CoverageOrder::File);
  EXPECT_NEAR(c.covered_by_facility[0], 600.0, 1e-9);
  EXPECT_NEAR(c.covered_by_facility[1], 0.0, 1e-9);
  EXPECT_EQ(c.zones_served[1], 0U);
}

// Invariants on random instances: covered ≤ population per zone, ≤ capacity per facility, the same total
// by facility and by zone, and a facility with capacity left has covered everyone within its limit.
TEST(Measures, CapacityCoverageInvariantsOnRandomInstances) {
  Rng rng(20261203);
  for (int round = 0; round < 60; ++round) {
    const std::size_t zones = 1 + rng.uniform_index(25);
    const std::size_t facilities = 1 + rng.uniform_index(8);
    std::vector<double> population(zones);
    std::vector<double> capacity(facilities);
    for (auto& p : population) p = rng.uniform_index(5) == 0 ? 0.0 : 1000.0 * rng.uniform01();
    for (auto& c : capacity) c = 1.0 + 3000.0 * rng.uniform01();
    std::vector<std::uint32_t> zone;
    std::vector<std::uint32_t> facility;
    std::vector<float> cost;
    for (std::size_t i = 0; i < zones; ++i) {
      for (std::size_t j = 0; j < facilities; ++j) {
        if (rng.uniform_index(3) == 0) continue;
        zone.push_back(static_cast<std::uint32_t>(i));
        facility.push_back(static_cast<std::uint32_t>(j));
        cost.push_back(static_cast<float>(rng.uniform_index(12) * 5));  // ties: rings of several zones
      }
    }
    const auto rows = make_cost_rows(zones, zone, facility, cost, CostUnit::Minutes, "random");
    for (const auto order :
         {CoverageOrder::CapacityDescending, CoverageOrder::CapacityAscending,
          CoverageOrder::PopulationDescending, CoverageOrder::PopulationAscending, CoverageOrder::File}) {
      const auto c = capacity_coverage(rows, population, capacity, 30.0, order);
      double by_zone = 0.0;
      for (std::size_t i = 0; i < zones; ++i) {
        EXPECT_GE(c.covered_by_zone[i], 0.0);
        EXPECT_LE(c.covered_by_zone[i], population[i] * (1.0 + 1e-12));
        by_zone += c.covered_by_zone[i];
      }
      double by_facility = 0.0;
      for (std::size_t j = 0; j < facilities; ++j) {
        EXPECT_LE(c.covered_by_facility[j], capacity[j] * (1.0 + 1e-12));
        by_facility += c.covered_by_facility[j];
        if (c.covered_by_facility[j] < capacity[j] * (1.0 - 1e-9)) {
          for (std::size_t p = 0; p < rows.pair_count(); ++p) {
            if (rows.facility[p] != j || rows.cost[p] > 30.0F) continue;
            const auto z = static_cast<std::size_t>(
                std::upper_bound(rows.offsets.begin(), rows.offsets.end(), p) - rows.offsets.begin() - 1);
            EXPECT_NEAR(c.covered_by_zone[z], population[z], 1e-6 * std::max(1.0, population[z]));
          }
        }
      }
      EXPECT_NEAR(by_zone, by_facility, 1e-6 * std::max(1.0, by_zone));
    }
  }
}

// RAAM, one zone of 100 and two facilities of capacity 30 and 70 (ρ = 1), 10 and 20 minutes away, τ 10:
// at equilibrium d₁/30 + 1 = d₂/70 + 2 with d₁ + d₂ = 100, so d₁ = 51 and the cost is 2.7 at both.
TEST(Measures, RaamOneZoneByHand) {
  const auto rows = make_cost_rows(1, {0, 0}, {0, 1}, {10.0F, 20.0F}, CostUnit::Minutes, "raam");
  const std::vector<double> population{100.0};
  const std::vector<double> capacity{30.0, 70.0};
  RaamParameters parameters;
  parameters.tau = 10.0;
  RaamDetail detail;
  const auto cost = raam(rows, population, capacity, parameters, &detail);
  EXPECT_DOUBLE_EQ(detail.rho, 1.0);
  EXPECT_NEAR(detail.load[0], 51.0, 1e-9);
  EXPECT_NEAR(detail.load[1], 49.0, 1e-9);
  EXPECT_NEAR(cost[0], 2.7, 1e-9);
  EXPECT_LT(detail.cycles, parameters.max_cycles);  // nobody moves once the costs are equal
}

// The same equilibrium found independently: Frank–Wolfe on Beckmann's potential
// Σ_j L_j² / (2 ρ S_j) + Σ_ij x_ij c_ij / τ, whose minimum is where no one can lower their cost (the
// property PySAL's RAAM documents: "a single cost at each location, no cheaper cost anywhere").
std::vector<double> raam_by_frank_wolfe(const std::vector<std::vector<double>>& cost,
                                        const std::vector<double>& population,
                                        const std::vector<double>& capacity, double tau, double rho) {
  const std::size_t zones = population.size();
  const std::size_t facilities = capacity.size();
  std::vector<std::vector<double>> x(zones, std::vector<double>(facilities, 0.0));
  for (std::size_t i = 0; i < zones; ++i) x[i][0] = population[i];
  const auto loads = [&] {
    std::vector<double> load(facilities, 0.0);
    for (std::size_t i = 0; i < zones; ++i)
      for (std::size_t j = 0; j < facilities; ++j) load[j] += x[i][j];
    return load;
  };
  for (int iteration = 0; iteration < 20000; ++iteration) {
    const auto load = loads();
    std::vector<std::vector<double>> direction(zones, std::vector<double>(facilities, 0.0));
    double slope = 0.0;
    std::vector<double> load_change(facilities, 0.0);
    for (std::size_t i = 0; i < zones; ++i) {
      std::size_t best = 0;
      for (std::size_t j = 1; j < facilities; ++j) {
        if (cost[i][j] / tau + load[j] / (rho * capacity[j]) <
            cost[i][best] / tau + load[best] / (rho * capacity[best]))
          best = j;
      }
      for (std::size_t j = 0; j < facilities; ++j) {
        direction[i][j] = (j == best ? population[i] : 0.0) - x[i][j];
        slope += direction[i][j] * (cost[i][j] / tau + load[j] / (rho * capacity[j]));
        load_change[j] += direction[i][j];
      }
    }
    double curvature = 0.0;
    for (std::size_t j = 0; j < facilities; ++j)
      curvature += load_change[j] * load_change[j] / (rho * capacity[j]);
    if (curvature <= 0.0 || slope >= 0.0) break;
    const double step = std::min(1.0, -slope / curvature);
    for (std::size_t i = 0; i < zones; ++i)
      for (std::size_t j = 0; j < facilities; ++j) x[i][j] += step * direction[i][j];
  }
  const auto load = loads();
  std::vector<double> out(zones, std::numeric_limits<double>::infinity());
  for (std::size_t i = 0; i < zones; ++i)
    for (std::size_t j = 0; j < facilities; ++j)
      out[i] = std::min(out[i], cost[i][j] / tau + load[j] / (rho * capacity[j]));
  return out;
}

TEST(Measures, RaamReachesTheEquilibriumFoundByFrankWolfe) {
  Rng rng(20261204);
  for (int round = 0; round < 10; ++round) {
    const std::size_t zones = 2 + rng.uniform_index(5);
    const std::size_t facilities = 2 + rng.uniform_index(4);
    std::vector<double> population(zones);
    std::vector<double> capacity(facilities);
    for (auto& p : population) p = 50.0 + 500.0 * rng.uniform01();
    for (auto& c : capacity) c = 5.0 + 50.0 * rng.uniform01();
    std::vector<std::vector<double>> cost(zones, std::vector<double>(facilities));
    std::vector<std::uint32_t> zone;
    std::vector<std::uint32_t> facility;
    std::vector<float> pair_cost;
    for (std::size_t i = 0; i < zones; ++i) {
      for (std::size_t j = 0; j < facilities; ++j) {
        cost[i][j] = static_cast<double>(static_cast<float>(5.0 + 55.0 * rng.uniform01()));
        zone.push_back(static_cast<std::uint32_t>(i));
        facility.push_back(static_cast<std::uint32_t>(j));
        pair_cost.push_back(static_cast<float>(cost[i][j]));
      }
    }
    const auto rows = make_cost_rows(zones, zone, facility, pair_cost, CostUnit::Minutes, "random");
    RaamParameters parameters;
    parameters.tau = 30.0;
    parameters.max_cycles = 5000;
    parameters.min_step = 0.001;
    RaamDetail detail;
    const auto value = raam(rows, population, capacity, parameters, &detail);
    const auto expected = raam_by_frank_wolfe(cost, population, capacity, parameters.tau, detail.rho);
    double people = 0.0;
    for (const double load : detail.load) people += load;
    EXPECT_NEAR(people, std::accumulate(population.begin(), population.end(), 0.0), 1e-6);
    for (std::size_t i = 0; i < zones; ++i) EXPECT_NEAR(value[i], expected[i], 2e-3) << round << " " << i;
  }
}

TEST(Measures, RaamZoneThatReachesNothingHasNoCost) {
  const auto rows = make_cost_rows(2, {0}, {0}, {10.0F}, CostUnit::Minutes, "raam");
  const std::vector<double> population{100.0, 50.0};
  const std::vector<double> capacity{10.0};
  const auto cost = raam(rows, population, capacity, RaamParameters{});
  EXPECT_TRUE(std::isfinite(cost[0]));
  EXPECT_TRUE(std::isinf(cost[1]));
}

}  // namespace
}  // namespace equalis::access

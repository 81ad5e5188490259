// p-median speed on OR-Library instances (path from tests/data, or argv[1] = folder with pmedK.txt).

#include "core/random.hpp"
#include "plan/capacitated.hpp"
#include "plan/group_equity.hpp"
#include "plan/pmedian.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace {

std::string g_folder = EQUALIS_TEST_DATA_DIR "/orlib-pmed";

void BM_OrlibPMedian(benchmark::State& state) {
  const auto k = static_cast<int>(state.range(0));
  const auto orlib = equalis::plan::read_orlib(fmt::format("{}/pmed{}.txt", g_folder, k));
  equalis::plan::PMedianOptions options;
  options.p = orlib.p;
  double gap = 0.0;
  for (auto _ : state) {
    const auto solution = equalis::plan::solve_pmedian(orlib.instance, options);
    benchmark::DoNotOptimize(solution.objective);
    gap = solution.gap.value_or(-1.0);
    state.counters["objective"] = solution.objective;
  }
  state.counters["gap_percent"] = 100.0 * gap;
}
BENCHMARK(BM_OrlibPMedian)->Arg(20)->Arg(25)->Arg(40)->Unit(benchmark::kMillisecond);

void BM_OrlibRead(benchmark::State& state) {
  const auto k = static_cast<int>(state.range(0));
  for (auto _ : state) {
    const auto orlib = equalis::plan::read_orlib(fmt::format("{}/pmed{}.txt", g_folder, k));
    benchmark::DoNotOptimize(orlib.instance.cost.values.data());
  }
}
BENCHMARK(BM_OrlibRead)->Arg(20)->Arg(40)->Unit(benchmark::kMillisecond);

// n clients and m candidate sites uniform in a side × side square, Euclidean costs (dense float matrix).
equalis::plan::PlanInstance euclidean_instance(std::size_t n, std::size_t m, double side, equalis::Rng& rng) {
  std::vector<double> cx(n), cy(n), sx(m), sy(m);
  for (std::size_t i = 0; i < n; ++i) {
    cx[i] = side * rng.uniform01();
    cy[i] = side * rng.uniform01();
  }
  for (std::size_t j = 0; j < m; ++j) {
    sx[j] = side * rng.uniform01();
    sy[j] = side * rng.uniform01();
  }
  equalis::plan::CostMatrix cost(n, m, 0.0F);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < m; ++j)
      cost.at(i, j) = static_cast<float>(std::hypot(cx[i] - sx[j], cy[i] - sy[j]));
  }
  return equalis::plan::make_instance(std::move(cost));
}

// The scale target: 50 000 clients × 5 000 candidates, p = 100, uniform points in a 1000 × 1000
// square (seeded), Euclidean costs in a dense float matrix (1 GB; the solver adds truncated sorted
// neighbour lists, ≈ 1.3 GB resident). One greedy start, then swap local search, VNS and
// the Lagrangian bound until the 45 s limit. `hexagon_ratio` = mean cost / (0.3772 √(area / p)), Fejes
// Tóth's asymptotic optimum for continuous uniform demand — a yardstick, not a certificate.
void BM_LargePMedian(benchmark::State& state) {
  const std::size_t n = 50000, m = 5000, p = 100;
  equalis::Rng rng(2024);
  const auto instance = euclidean_instance(n, m, 1000.0, rng);
  equalis::plan::PMedianOptions options;
  options.p = p;
  options.starts = 1;
  options.time_limit_seconds = 45;
  for (auto _ : state) {
    const auto solution = equalis::plan::solve_pmedian(instance, options);
    benchmark::DoNotOptimize(solution.objective);
    state.counters["objective"] = solution.objective;
    state.counters["lower_bound"] = solution.lower_bound.value_or(-1.0);
    state.counters["gap_percent"] = 100.0 * solution.gap.value_or(-1.0);
    state.counters["hexagon_ratio"] = solution.objective / static_cast<double>(n) /
                                      (0.3772 * std::sqrt(1000.0 * 1000.0 / static_cast<double>(p)));
  }
}
BENCHMARK(BM_LargePMedian)->Iterations(1)->Unit(benchmark::kSecond);

// Capacitated p-median past the CBC limit: 2 000 clients × 200 sites, p = 20, uniform points in a
// 100 × 100 square (seeded), demand 1–20, every site holding 1.03 × total demand / p (tight). Arg 0 =
// split demand, 1 = single source.
void BM_CapacitatedPMedian(benchmark::State& state) {
  const std::size_t n = 2000, m = 200, p = 20;
  equalis::Rng rng(11);
  auto instance = euclidean_instance(n, m, 100.0, rng);
  double total = 0.0;
  for (double& d : instance.demand) {
    d = static_cast<double>(1 + rng.uniform_index(20));
    total += d;
  }
  instance.site_capacity.assign(m, 1.03 * total / static_cast<double>(p));
  equalis::plan::PMedianOptions options;
  options.p = p;
  options.time_limit_seconds = 30;
  const bool single_source = state.range(0) != 0;
  for (auto _ : state) {
    const auto solution = equalis::plan::solve_pmedian_capacitated(instance, options, single_source);
    benchmark::DoNotOptimize(solution.objective);
    state.counters["objective"] = solution.objective;
    state.counters["gap_percent"] = 100.0 * solution.gap.value_or(-1.0);
  }
}
BENCHMARK(BM_CapacitatedPMedian)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kSecond);

// The Belo Horizonte extract: 814 hexagons in income quintiles, the schools as one existing pseudo-site.
equalis::plan::PlanInstance bho_instance() {
  equalis::plan::MatrixCsvSpec spec;
  spec.group_column = "income_group";
  auto instance = equalis::plan::read_matrix_csv(EQUALIS_TEST_DATA_DIR "/bho/matrix.csv",
                                                 std::string(EQUALIS_TEST_DATA_DIR "/bho/demand.csv"), spec);
  instance.fixed_open = equalis::plan::find_candidates(instance, {"existing"});
  return instance;
}

// Rawlsian plan over the poorest quintile on the Belo Horizonte extract (814 clients, 51 sites, p = 3).
void BM_BhoRawls(benchmark::State& state) {
  const auto instance = bho_instance();
  equalis::plan::GroupFairOptions options;
  options.p = 3;
  options.focus_groups = {
      static_cast<std::uint32_t>(std::find(instance.groups.names.begin(), instance.groups.names.end(), "Q1") -
                                 instance.groups.names.begin())};
  for (auto _ : state) {
    const auto result = equalis::plan::solve_group_fair(instance, options);
    benchmark::DoNotOptimize(result.plan.objective);
    state.counters["q1_mean_minutes"] = result.plan.objective;
    state.counters["price_of_fairness"] = result.price_of_fairness;
  }
}
BENCHMARK(BM_BhoRawls)->Unit(benchmark::kMillisecond);

// Smallest max−min gap of the five quintiles' mean school trips (cost cap: p-median total + 10 %), proven
// by CBC on the exact-assignment model.
void BM_BhoGap(benchmark::State& state) {
  const auto instance = bho_instance();
  equalis::plan::GroupFairOptions options;
  options.objective = equalis::plan::GroupObjective::Gap;
  options.p = 3;
  for (auto _ : state) {
    const auto result = equalis::plan::solve_group_fair(instance, options);
    benchmark::DoNotOptimize(result.plan.objective);
    state.counters["gap_minutes"] = result.plan.objective;
    state.counters["pmedian_gap_minutes"] = result.efficient_objective;
    state.counters["certified_gap"] = result.plan.gap.value_or(-1.0);
  }
}
BENCHMARK(BM_BhoGap)->Unit(benchmark::kMillisecond);

// Rawls (worst group mean) on OR-Library pmed6 (200 clients, p = 5) split into two groups of 100
// clients (vertices 1–100 and 101–200). Arg 0: default `mip_max_pairs` (40 000: CBC allowed, tried only
// for a gap the Lagrangian dual leaves open); arg 1: `mip_max_pairs` 0 (the dual alone).
void BM_OrlibRawlsTwoGroups(benchmark::State& state) {
  auto orlib = equalis::plan::read_orlib(fmt::format("{}/pmed6.txt", g_folder));
  auto& instance = orlib.instance;
  instance.groups.names = {"first", "second"};
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    instance.groups.codes[i] = i < instance.client_count() / 2 ? 0 : 1;
  }
  equalis::plan::GroupFairOptions options;
  options.p = orlib.p;
  if (state.range(0) == 1) options.mip_max_pairs = 0;
  for (auto _ : state) {
    const auto result = equalis::plan::solve_group_fair(instance, options);
    benchmark::DoNotOptimize(result.plan.objective);
    state.counters["worst_mean"] = result.plan.objective;
    state.counters["gap_percent"] = 100.0 * result.plan.gap.value_or(-1.0);
    state.counters["cbc_bound"] = result.bound_method == "cbc" ? 1.0 : 0.0;
  }
}
BENCHMARK(BM_OrlibRawlsTwoGroups)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) g_folder = argv[1];
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

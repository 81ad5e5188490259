// Speed goals of the measure engine (issue: measure engine, section 4). Inputs are synthetic and seeded.
//   weighted Gini + Theil T/L decomposition, 31 groups, 10 M rows: < 0.5 s together
//   1000 bootstrap replicates of a weighted Gini on 100 k rows: < 2 s
//   the facade from a table in memory (the Python package's path): the reference of python_inequality.py

#include "core/random.hpp"
#include "measure/decomposition.hpp"
#include "measure/inequality.hpp"
#include "measure/inequality_run.hpp"
#include "measure/profile.hpp"
#include "measure/sample.hpp"
#include "report/measure_json.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <vector>

namespace {

using namespace equalis;

struct Synthetic {
  std::vector<double> values;
  std::vector<double> weights;
  std::vector<std::uint32_t> groups;
  std::vector<std::string> names;
};

// Lognormal incomes (σ = 0.8) with group effects, populations uniform in [100, 10 000].
Synthetic synthetic(std::size_t n, std::uint32_t group_count, std::uint64_t seed) {
  Rng rng(seed);
  Synthetic data;
  data.values.resize(n);
  data.weights.resize(n);
  data.groups.resize(n);
  for (std::uint32_t g = 0; g < group_count; ++g) data.names.push_back("region" + std::to_string(g));
  for (std::size_t i = 0; i < n; ++i) {
    const double u1 = rng.uniform01() + 1e-300;
    const double u2 = rng.uniform01();
    const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    data.groups[i] = static_cast<std::uint32_t>(rng.uniform_index(group_count));
    data.values[i] = std::exp(9.0 + 0.02 * data.groups[i] + 0.8 * normal);
    data.weights[i] = 100.0 + 9900.0 * rng.uniform01();
  }
  return data;
}

// The whole job from unsorted input: weighted Gini (sort + O(n) sweep) and the Theil T and Theil L
// decompositions by 31 groups (one pass; no sorting needed).
void BM_GiniAndTheilDecomposition(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Synthetic data = synthetic(n, 31, 1);
  const std::array<double, 2> alphas{0.0, 1.0};  // Theil L and Theil T in one pass
  for (auto _ : state) {
    const double gini = measure::gini(data.values, data.weights);
    const auto theil = measure::ge_decompositions(data.values, data.weights, data.groups, data.names, alphas);
    benchmark::DoNotOptimize(gini + theil[0].between + theil[1].between);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_GiniAndTheilDecomposition)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// The same job through the facade, from a table in memory, rendered as JSON: what equalis.measure.inequality
// asks of the library for a DataFrame (docs/python.md), so bench/python_inequality.py can compare.
void BM_RunInequalityInMemory(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Synthetic data = synthetic(n, 31, 1);
  std::vector<NumericColumn> numeric;
  numeric.push_back({"value", std::move(data.values), std::vector<std::uint8_t>(n, 1)});
  numeric.push_back({"pop", std::move(data.weights), std::vector<std::uint8_t>(n, 1)});
  std::vector<CategoryColumn> category;
  category.push_back({"region", std::move(data.groups), data.names, std::vector<std::uint8_t>(n, 1)});
  measure::InequalityRequest request;
  request.file = "memory";
  request.columns.value_columns = {"value"};
  request.columns.weight_column = "pop";
  request.columns.group_column = "region";
  request.indices = {"gini", "ge", "decomposition"};
  request.options.indices.ge_alphas = {0.0, 1.0};
  for (auto _ : state) {
    // The typed copy of the columns is part of the work: the binding makes it from the frame's arrays.
    ColumnTable table = ColumnTable::from_columns("memory", n, numeric, category);
    const auto result = measure::run_inequality(request, std::move(table));
    benchmark::DoNotOptimize(report::render(report::Format::Json, report::renderers(request, result)).size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_RunInequalityInMemory)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// The parts on their own: sorting, and the Theil T + L decomposition (which needs no sorting).
void BM_SortOrder(benchmark::State& state) {
  const Synthetic data = synthetic(static_cast<std::size_t>(state.range(0)), 1, 2);
  for (auto _ : state) benchmark::DoNotOptimize(measure::sort_order(data.values).data());
}
BENCHMARK(BM_SortOrder)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// make_sample: the sorted sample measure_inequality builds once (values, weights and groups gathered).
void BM_MakeSample(benchmark::State& state) {
  const Synthetic data = synthetic(static_cast<std::size_t>(state.range(0)), 31, 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        measure::make_sample(data.values, data.weights, data.groups, data.names).values.data());
  }
}
BENCHMARK(BM_MakeSample)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

void BM_TheilTandLDecomposition(benchmark::State& state) {
  const Synthetic data = synthetic(static_cast<std::size_t>(state.range(0)), 31, 2);
  const std::array<double, 2> alphas{0.0, 1.0};  // Theil L and Theil T in one pass
  for (auto _ : state) {
    const auto theil = measure::ge_decompositions(data.values, data.weights, data.groups, data.names, alphas);
    benchmark::DoNotOptimize(theil[1].between);
  }
}
BENCHMARK(BM_TheilTandLDecomposition)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

void BM_BootstrapWeightedGini(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Synthetic data = synthetic(n, 1, 3);
  measure::IndicatorData input{data.values, data.weights, {}, {}};
  measure::MeasureOptions options;
  options.indices.ge_alphas.clear();
  options.indices.atkinson_epsilons.clear();
  options.indices.dispersion = false;
  options.indices.quantile_ratios = false;
  options.inference.bootstrap_replicates = 1000;
  for (auto _ : state) {
    const auto profile = measure::measure_inequality(input, options);
    benchmark::DoNotOptimize(profile.bootstrap->intervals.front().lower);
  }
}
BENCHMARK(BM_BootstrapWeightedGini)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

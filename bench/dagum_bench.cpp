// Dagum (1997) Gini decomposition on seeded synthetic lognormal data: 31 groups (the Mexican states less
// the capital) of 1 000 and of 100 000 units. The Sample is built once, outside the timed loop.

#include "core/random.hpp"
#include "measure/dagum.hpp"
#include "measure/sample.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using equalis::measure::Sample;

Sample lognormal_sample(std::uint32_t group_count, std::size_t units_per_group, std::uint64_t seed) {
  equalis::Rng rng(seed);
  const std::size_t n = group_count * units_per_group;
  std::vector<double> values(n);
  std::vector<double> weights(n);
  std::vector<std::uint32_t> groups(n);
  std::vector<std::string> names;
  for (std::uint32_t g = 0; g < group_count; ++g) names.push_back("region " + std::to_string(g));
  for (std::size_t i = 0; i < n; ++i) {
    groups[i] = static_cast<std::uint32_t>(i % group_count);
    // Box–Muller normal; the group shifts the location so that groups overlap only partly.
    const double u1 = 1.0 - rng.uniform01();
    const double u2 = rng.uniform01();
    const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    values[i] = std::exp(9.0 + 0.04 * groups[i] + 0.7 * normal);
    weights[i] = 1.0 + 99.0 * rng.uniform01();  // population of the unit
  }
  return equalis::measure::make_sample(values, weights, groups, std::move(names));
}

void BM_DagumDecomposition(benchmark::State& state) {
  const Sample sample = lognormal_sample(31, static_cast<std::size_t>(state.range(0)), 20240601);
  for (auto _ : state) {
    auto result = equalis::measure::dagum_decomposition(sample);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(sample.size()));
}
BENCHMARK(BM_DagumDecomposition)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

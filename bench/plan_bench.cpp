// p-median speed on OR-Library instances (path from tests/data, or argv[1] = folder with pmedK.txt).

#include "plan/pmedian.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

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

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) g_folder = argv[1];
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

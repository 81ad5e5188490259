// Speed goals of the audit (issue 5): a 10 M-row decision log with region 31 × occupation 20 × hukou 2
// = 1240 intersections — all metrics with Wilson intervals < 2 s and < 600 MB; 1000 bootstrap replicates
// of the disparities < 30 s. The log is generated once (seeded) at $EQUALIS_AUDIT_BENCH_FILE
// (default /tmp/equalis_audit_bench_10m.csv); $EQUALIS_AUDIT_BENCH_ROWS overrides the row count.

#include "audit/audit.hpp"
#include "audit/decision_log.hpp"
#include "audit/monitor.hpp"
#include "core/random.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

std::string bench_file() {
  const char* path = std::getenv("EQUALIS_AUDIT_BENCH_FILE");
  return path != nullptr ? path : "/tmp/equalis_audit_bench_10m.csv";
}

std::uint64_t bench_rows() {
  const char* rows = std::getenv("EQUALIS_AUDIT_BENCH_ROWS");
  return rows != nullptr ? std::strtoull(rows, nullptr, 10) : 10'000'000ULL;
}

// region_00..30, occ_00..19, hukou local/migrant; selection and outcome depend on the groups.
void ensure_log(const std::string& path, std::uint64_t rows) {
  if (std::filesystem::exists(path)) return;
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) std::abort();
  std::fputs("region,occupation,hukou,decision,label\n", file);
  equalis::Rng rng(2024, 0);
  std::string buffer;
  for (std::uint64_t row = 0; row < rows; ++row) {
    const auto region = rng.uniform_index(31);
    const auto occupation = rng.uniform_index(20);
    const bool migrant = rng.uniform01() < 0.3;
    const int label = rng.uniform01() < 0.3 + 0.01 * static_cast<double>(occupation) ? 1 : 0;
    const double p = (label == 1 ? 0.7 : 0.15) - (migrant ? 0.1 : 0.0) + 0.003 * static_cast<double>(region);
    const int decision = rng.uniform01() < p ? 1 : 0;
    buffer += fmt::format("region_{:02},occ_{:02},{},{},{}\n", region, occupation,
                          migrant ? "migrant" : "local", decision, label);
    if (buffer.size() > (1U << 20U)) {
      std::fwrite(buffer.data(), 1, buffer.size(), file);
      buffer.clear();
    }
  }
  std::fwrite(buffer.data(), 1, buffer.size(), file);
  std::fclose(file);
}

equalis::audit::DecisionLogSpec bench_spec() {
  equalis::audit::DecisionLogSpec spec;
  spec.group_columns = {"region", "occupation", "hukou"};
  spec.decision_column = "decision";
  spec.label_column = "label";
  return spec;
}

const equalis::audit::DecisionTable& bench_table() {
  static const equalis::audit::DecisionTable table = [] {
    ensure_log(bench_file(), bench_rows());
    return equalis::audit::read_decision_log(bench_file(), bench_spec(), equalis::null_progress());
  }();
  return table;
}

// Args: reading threads (1 = sequential streamed read, 0 = parallel chunked read with the hardware
// concurrency), and whether the SHA-256 is computed (as the CLI does).
void BM_ReadDecisionLog(benchmark::State& state) {
  ensure_log(bench_file(), bench_rows());
  auto spec = bench_spec();
  spec.threads = static_cast<std::size_t>(state.range(0));
  spec.hash_input = state.range(1) != 0;
  for (auto _ : state) {
    auto table = equalis::audit::read_decision_log(bench_file(), spec, equalis::null_progress());
    benchmark::DoNotOptimize(table.cells.data());
    state.counters["cells"] = static_cast<double>(table.cell_count());
    state.counters["rows"] = static_cast<double>(table.rows_read);
    state.counters["threads"] = static_cast<double>(table.read_threads);
  }
}
BENCHMARK(BM_ReadDecisionLog)
    ->Args({1, 0})
    ->Args({0, 0})
    ->Args({1, 1})
    ->Args({0, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

void BM_AuditMetrics(benchmark::State& state) {
  const auto& table = bench_table();
  for (auto _ : state) {
    auto result = equalis::audit::audit_decisions(table, {});
    benchmark::DoNotOptimize(result.families.data());
  }
}
BENCHMARK(BM_AuditMetrics)->Unit(benchmark::kMillisecond);

void BM_AuditBootstrap(benchmark::State& state) {
  const auto& table = bench_table();
  equalis::audit::AuditOptions options;
  options.bootstrap_replicates = static_cast<std::size_t>(state.range(0));
  options.bootstrap_scheme = state.range(1) != 0 ? equalis::audit::BootstrapScheme::Stratified
                                                 : equalis::audit::BootstrapScheme::Multinomial;
  for (auto _ : state) {
    auto result = equalis::audit::audit_decisions(table, options);
    benchmark::DoNotOptimize(result.families.data());
  }
}
BENCHMARK(BM_AuditBootstrap)->Args({1000, 0})->Args({1000, 1})->Unit(benchmark::kMillisecond)->Iterations(1);

// Monitoring: decisions per second through Monitor::add (window of 100 000, 62 groups).
void BM_MonitorAdd(benchmark::State& state) {
  std::vector<std::string> names;
  for (int g = 0; g < 62; ++g) names.push_back(fmt::format("region_{:02}", g));
  equalis::Rng rng(11, 0);
  std::vector<std::uint32_t> groups(1U << 20U);
  std::vector<std::uint8_t> selected(groups.size());
  for (std::size_t i = 0; i < groups.size(); ++i) {
    groups[i] = static_cast<std::uint32_t>(rng.uniform_index(names.size()));
    selected[i] = rng.uniform01() < 0.4 + 0.002 * groups[i] ? 1 : 0;
  }
  equalis::audit::MonitorOptions options;
  options.window_count = 100000;
  equalis::audit::Monitor monitor(options);
  std::size_t i = 0;
  std::size_t alerts = 0;
  for (auto _ : state) {
    const std::size_t k = i++ & (groups.size() - 1);
    if (monitor.add(names[groups[k]], selected[k] != 0)) ++alerts;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["alerts"] = static_cast<double>(alerts);
}
BENCHMARK(BM_MonitorAdd);

}  // namespace

BENCHMARK_MAIN();

// Ingest speed (issue "One request, one call, one report": the tokenizer reads ≥ 500 MB/s on 2 cores into
// typed columns). Writes a seeded CSV (id,region,value,pop; 31 regions) to the temp folder once, then
// times ColumnTable (typed columns, parallel ranges) against CsvTable (every cell kept) + column parsing.

#include "core/csv.hpp"
#include "core/csv_columns.hpp"
#include "core/random.hpp"
#include "core/table.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace {

using namespace equalis;

std::string synthetic_csv(std::size_t rows) {
  const auto path = std::filesystem::temp_directory_path() / fmt::format("equalis_csv_bench_{}.csv", rows);
  if (std::filesystem::exists(path)) return path.string();
  const std::string partial = path.string() + ".part";
  std::FILE* out = std::fopen(partial.c_str(), "w");
  Rng rng(2026, 0);
  std::string buffer = "id,region,value,pop\n";
  for (std::size_t i = 0; i < rows; ++i) {
    const double u = rng.uniform01();
    fmt::format_to(std::back_inserter(buffer), "{},r{:02},{:.2f},{}\n", i, rng.uniform_index(31),
                   1000.0 + 90000.0 * u * u, 1 + rng.uniform_index(5000));
    if (buffer.size() > (1U << 20U)) {
      std::fwrite(buffer.data(), 1, buffer.size(), out);
      buffer.clear();
    }
  }
  std::fwrite(buffer.data(), 1, buffer.size(), out);
  std::fclose(out);
  std::filesystem::rename(partial, path);
  return path.string();
}

const std::vector<WantedColumn> kWanted{
    {"value", ColumnKind::Numeric}, {"pop", ColumnKind::Numeric}, {"region", ColumnKind::Category}};

void BM_ColumnTable(benchmark::State& state) {
  const std::string path = synthetic_csv(static_cast<std::size_t>(state.range(0)));
  const auto bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
  for (auto _ : state) {
    const ColumnTable table = ColumnTable::read_file(path, kWanted);
    benchmark::DoNotOptimize(table.numeric("value").values.data());
  }
  state.SetBytesProcessed(bytes * static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ColumnTable)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CsvTableThenColumns(benchmark::State& state) {
  const std::string path = synthetic_csv(static_cast<std::size_t>(state.range(0)));
  const auto bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
  for (auto _ : state) {
    const CsvTable table = CsvTable::read_file(path);
    const NumericColumn value = read_numeric_column(table, "value");
    const NumericColumn pop = read_numeric_column(table, "pop");
    const CategoryColumn region = read_category_column(table, "region");
    benchmark::DoNotOptimize(value.values.data());
  }
  state.SetBytesProcessed(bytes * static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_CsvTableThenColumns)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

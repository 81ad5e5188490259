// Access speed goals (docs/PERFORMANCE.md): every physical measure on the whole Belo Horizonte matrix,
// reading included (< 0.3 s), 2SFCA over 50 M sparse pairs (< 2 s on 2 cores), and, given an OSM extract
// as the last argument (the goal is for porto_portugal.osm.pbf), 100 k zones to 1 k facilities straight
// from its car graph with a 30-minute cutoff (< 5 s).
// Usage: access_bench [--benchmark_… flags] [FILE.osm.pbf]; the graph case alone:
//   access_bench --benchmark_filter=Graph porto_portugal.osm.pbf

#include "access/access_run.hpp"
#include "core/random.hpp"
#include "network/network.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

const std::string kBho = EQUALIS_TEST_DATA_DIR "/bho";

equalis::access::AccessRequest bho_request(const std::string& matrix, std::vector<std::string> measures) {
  equalis::access::AccessRequest request;
  request.zones.file = kBho + "/hexagons.csv";
  request.zones.id_column = "idx";
  request.zones.income_column = "income_per_capita";
  request.facilities.file = kBho + "/hexagons.csv";
  request.facilities.id_column = "idx";
  request.facilities.capacity_column = "jobs";
  request.costs.matrix = matrix;
  request.costs.unit = equalis::io::CostUnit::Minutes;
  request.measures = std::move(measures);
  request.standard = "30min";
  return request;
}

const std::vector<std::vector<std::string>> kMeasureSets{
    {"cumulative=30min"},         {"interval=10min..60min"}, {"closest=10000"},
    {"gravity=exponential:0.05"}, {"2sfca=gaussian:60min"},  {"bfca=gaussian:60min"},
    {"3sfca=gaussian:60min"},     {"m2sfca=gaussian:60min"}, {"spatial-availability=linear:60min"},
};

// The uncompressed matrix, written once beside the process (the gzip one is timed as well).
const std::string& plain_matrix() {
  static const std::string path = [] {
    const auto out =
        std::filesystem::temp_directory_path() / fmt::format("equalis_bench_ttm_{}.csv", ::getpid());
    const std::string command = fmt::format("gzip -dc '{}/ttm_full.csv.gz' > '{}'", kBho, out.string());
    if (std::system(command.c_str()) != 0) std::abort();
    return out.string();
  }();
  return path;
}

void BM_BeloHorizonte(benchmark::State& state) {
  const auto& measures = kMeasureSets[static_cast<std::size_t>(state.range(0))];
  const bool compressed = state.range(1) == 1;
  const auto request = bho_request(compressed ? kBho + "/ttm_full.csv.gz" : plain_matrix(), measures);
  for (auto _ : state) {
    const auto result = equalis::access::run_access(request);
    benchmark::DoNotOptimize(result.measures.front().values.data());
  }
  state.SetLabel(fmt::format("{}{}", measures.front(), compressed ? " (.csv.gz)" : " (.csv)"));
}
BENCHMARK(BM_BeloHorizonte)
    ->ArgsProduct({benchmark::CreateDenseRange(0, 8, 1), {0}})
    ->Args({4, 1})
    ->Unit(benchmark::kMillisecond);

// 1 M zones, 10 k facilities, 50 facilities within reach of each zone: 50 M pairs, rows already built
// (what the sparse kernels cost, apart from reading).
void BM_TwoStepFiftyMillionPairs(benchmark::State& state) {
  constexpr std::size_t kZones = 1'000'000;
  constexpr std::size_t kFacilities = 10'000;
  constexpr std::size_t kPerZone = 50;
  equalis::Rng rng(7);
  equalis::access::CostRows rows;
  rows.unit = equalis::io::CostUnit::Minutes;
  rows.offsets.resize(kZones + 1);
  rows.facility.resize(kZones * kPerZone);
  rows.cost.resize(kZones * kPerZone);
  for (std::size_t z = 0; z < kZones; ++z) {
    rows.offsets[z] = z * kPerZone;
    for (std::size_t k = 0; k < kPerZone; ++k) {
      rows.facility[z * kPerZone + k] = static_cast<std::uint32_t>(rng.uniform_index(kFacilities));
      rows.cost[z * kPerZone + k] = static_cast<float>(k) * 0.6F;  // sorted: 0 … 29.4 minutes
    }
  }
  rows.offsets[kZones] = kZones * kPerZone;
  std::vector<double> population(kZones);
  for (auto& p : population) p = 1.0 + static_cast<double>(rng.uniform_index(5000));
  std::vector<double> capacity(kFacilities, 10.0);
  const auto decay = equalis::access::parse_decay("gaussian:30", equalis::io::CostUnit::Minutes);
  for (auto _ : state) {
    const auto access = equalis::access::floating_catchment(equalis::access::CatchmentMethod::TwoStep, rows,
                                                            population, capacity, decay);
    benchmark::DoNotOptimize(access.data());
  }
  state.counters["pairs"] = static_cast<double>(rows.pair_count());
}
BENCHMARK(BM_TwoStepFiftyMillionPairs)->Unit(benchmark::kMillisecond)->Iterations(3);

std::string g_osm;        // the extract for the graph benchmark ("" = skipped)
std::string g_study_dir;  // its files, removed at exit

// Zones at random graph nodes (jittered by up to ~50 m), facilities at random nodes, written as CSV.
struct GraphStudy {
  std::string graph;
  std::string zones;
  std::string facilities;
};

const GraphStudy& graph_study() {
  static const GraphStudy study = [] {
    const auto dir =
        std::filesystem::temp_directory_path() / fmt::format("equalis_access_bench_{}", ::getpid());
    std::filesystem::create_directories(dir);
    g_study_dir = dir.string();
    GraphStudy s{(dir / "graph.eqg").string(), (dir / "zones.csv").string(),
                 (dir / "facilities.csv").string()};
    const auto built = equalis::network::build_network(g_osm, equalis::network::car_profile());
    equalis::network::save_network(s.graph, built.network);
    const auto& graph = built.network.graph;
    equalis::Rng rng(11);
    std::ofstream zones(s.zones);
    zones << "id,population,pop_60plus,lon,lat\n";
    for (std::size_t i = 0; i < 100'000; ++i) {
      const auto node = rng.uniform_index(graph.node_count());
      const double jitter_lon = (rng.uniform01() - 0.5) * 0.001;
      const double jitter_lat = (rng.uniform01() - 0.5) * 0.001;
      zones << fmt::format("z{},{},{},{},{}\n", i, 100 + rng.uniform_index(900), rng.uniform_index(100),
                           graph.lon[node] + jitter_lon, graph.lat[node] + jitter_lat);
    }
    std::ofstream facilities(s.facilities);
    facilities << "id,capacity,lon,lat\n";
    for (std::size_t j = 0; j < 1000; ++j) {
      const auto node = rng.uniform_index(graph.node_count());
      facilities << fmt::format("f{},{},{},{}\n", j, 1 + rng.uniform_index(20), graph.lon[node],
                                graph.lat[node]);
    }
    return s;
  }();
  return study;
}

void BM_GraphHundredThousandZones(benchmark::State& state) {
  if (g_osm.empty()) {
    state.SkipWithError("give an OSM extract (e.g. porto_portugal.osm.pbf) as the last argument");
    return;
  }
  const GraphStudy& study = graph_study();
  equalis::access::AccessRequest request;
  request.zones.file = study.zones;
  request.zones.group_columns = {"pop_60plus"};
  request.facilities.file = study.facilities;
  request.costs.graph = study.graph;
  request.costs.max_snap_m = 2000.0;
  request.measures = {"cumulative=30min", "2sfca=gaussian:30min"};
  request.standard = "30min";
  std::size_t pairs = 0;
  for (auto _ : state) {
    const auto result = equalis::access::run_access(request);
    pairs = result.join.pairs_kept;
    benchmark::DoNotOptimize(result.measures.front().values.data());
  }
  state.counters["pairs_within_30min"] = static_cast<double>(pairs);
}
BENCHMARK(BM_GraphHundredThousandZones)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) g_osm = argv[argc - 1];
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!g_study_dir.empty()) std::filesystem::remove_all(g_study_dir);
  return 0;
}

// Network benchmarks on a real extract: build (PBF -> graph + contraction hierarchy -> file), and
// travel-time matrices including the graph load, with seeded random origins/destinations on graph nodes.
// Usage: network_bench [--benchmark_… flags] [FILE.osm.pbf]   (default: the Monaco test extract; the
// issue-3 goals are for data/osm/porto_portugal.osm.pbf).

#include "core/random.hpp"
#include "network/network.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

using namespace equalis;

std::string g_osm = std::string(EQUALIS_TEST_DATA_DIR) + "/osm/monaco.osm.pbf";
bool g_graph_built = false;

const std::string& graph_path() {
  static const std::string path = [] {
    const std::string file = (std::filesystem::temp_directory_path() /
                              ("equalis_network_bench_" + std::to_string(::getpid()) + ".eqg"))
                                 .string();
    network::save_network(file, network::build_network(g_osm, network::car_profile()).network);
    g_graph_built = true;
    return file;
  }();
  return path;
}

std::vector<network::Place> random_places(const network::Graph& graph, std::size_t count,
                                          std::uint64_t stream) {
  Rng rng(2024, stream);
  std::vector<network::Place> places(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto node = static_cast<network::NodeId>(rng.uniform_index(graph.node_count()));
    places[i] = {std::to_string(i), graph.lon[node], graph.lat[node]};
  }
  return places;
}

void BM_BuildGraphAndHierarchy(benchmark::State& state) {
  const std::string out = graph_path() + ".build";
  for (auto _ : state) {
    const network::BuiltNetwork built = network::build_network(g_osm, network::car_profile());
    network::save_network(out, built.network);
    state.counters["nodes"] = static_cast<double>(built.network.graph.node_count());
    state.counters["arcs"] = static_cast<double>(built.network.graph.arc_count());
    state.counters["shortcut_arcs"] =
        static_cast<double>(built.network.ch.up_head.size() + built.network.ch.down_head.size()) -
        static_cast<double>(built.network.graph.arc_count());
  }
  std::filesystem::remove(out);
}
BENCHMARK(BM_BuildGraphAndHierarchy)->Unit(benchmark::kSecond)->Iterations(1);

void BM_LoadGraph(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(network::load_network(graph_path()));
}
BENCHMARK(BM_LoadGraph)->Unit(benchmark::kMillisecond);

// Origins x destinations with the graph load and the snapping inside the timing (a cold CLI call).
void BM_MatrixIncludingLoad(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto cols = static_cast<std::size_t>(state.range(1));
  const network::RoutingNetwork probe = network::load_network(graph_path());
  const auto origins = random_places(probe.graph, rows, 1);
  const auto destinations = random_places(probe.graph, cols, 2);
  for (auto _ : state) {
    const network::RoutingNetwork net = network::load_network(graph_path());
    benchmark::DoNotOptimize(network::travel_time_matrix(net, origins, destinations, {}));
  }
  state.counters["pairs_per_s"] =
      benchmark::Counter(static_cast<double>(rows * cols), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MatrixIncludingLoad)->Args({200, 100})->Args({1000, 1000})->Unit(benchmark::kMillisecond);

// The matrix alone on a loaded hierarchy.
void BM_ChMatrix(benchmark::State& state) {
  const network::RoutingNetwork net = network::load_network(graph_path());
  const auto rows = static_cast<std::size_t>(state.range(0));
  Rng rng(7);
  std::vector<network::NodeId> nodes(rows);
  for (auto& v : nodes) v = static_cast<network::NodeId>(rng.uniform_index(net.graph.node_count()));
  for (auto _ : state) benchmark::DoNotOptimize(network::ch_matrix(net.ch, nodes, nodes));
}
BENCHMARK(BM_ChMatrix)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// The reference: one plain Dijkstra per origin (what scipy/pgRouting/networkx do), 200 x 100.
void BM_DijkstraMatrix200x100(benchmark::State& state) {
  const network::RoutingNetwork net = network::load_network(graph_path());
  Rng rng(9);
  std::vector<network::NodeId> origins(200);
  std::vector<network::NodeId> destinations(100);
  for (auto& v : origins) v = static_cast<network::NodeId>(rng.uniform_index(net.graph.node_count()));
  for (auto& v : destinations) v = static_cast<network::NodeId>(rng.uniform_index(net.graph.node_count()));
  for (auto _ : state) benchmark::DoNotOptimize(network::dijkstra_matrix(net.graph, origins, destinations));
}
BENCHMARK(BM_DijkstraMatrix200x100)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc > 1) g_osm = argv[1];
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (g_graph_built) std::filesystem::remove(graph_path());
  return 0;
}

// Moran's I on a 316 x 316 rook lattice (99 856 cells), the size where PySAL esda needs ~4.9 s and
// R spdep ~136 s for 999 permutations. Inputs are synthetic and seeded: a smooth gradient plus noise.
#include "core/random.hpp"
#include "io/vector_file.hpp"
#include "measure/moran.hpp"
#include "measure/spatial_weights.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

namespace {

using equalis::measure::SpatialWeights;

constexpr std::size_t kSide = 316;

std::vector<equalis::geo::Point> cell_centres() {
  std::vector<equalis::geo::Point> centres;
  for (std::size_t row = 0; row < kSide; ++row) {
    for (std::size_t col = 0; col < kSide; ++col) {
      centres.push_back({static_cast<double>(col) + 0.5, static_cast<double>(row) + 0.5});
    }
  }
  return centres;
}

std::vector<std::vector<equalis::geo::Polygon>> cell_polygons() {
  std::vector<std::vector<equalis::geo::Polygon>> cells;
  for (const auto& centre : cell_centres()) {
    const double x = centre.x - 0.5;
    const double y = centre.y - 0.5;
    cells.push_back({equalis::geo::Polygon{
        {equalis::geo::Ring{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}}});
  }
  return cells;
}

const SpatialWeights& rook_weights() {
  static const SpatialWeights weights = equalis::measure::transform_weights(
      equalis::measure::contiguity_from_polygons(cell_polygons(), equalis::measure::Contiguity::Rook),
      equalis::measure::WeightsTransform::RowStandardized);
  return weights;
}

const std::vector<double>& values() {
  static const std::vector<double> field = [] {
    std::vector<double> out;
    equalis::Rng rng(2024);
    for (const auto& centre : cell_centres()) {
      out.push_back(std::sin(centre.x / 40.0) + std::cos(centre.y / 55.0) + 2.0 * rng.uniform01());
    }
    return out;
  }();
  return field;
}

void BM_MoranPermutations(benchmark::State& state) {
  const SpatialWeights& weights = rook_weights();
  const std::vector<double>& y = values();
  const auto permutations = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    const auto result = equalis::measure::moran(y, weights, {.permutations = permutations, .seed = 1});
    benchmark::DoNotOptimize(result.i);
  }
  state.counters["cells"] = static_cast<double>(weights.n);
  state.counters["links"] = static_cast<double>(weights.link_count());
}
BENCHMARK(BM_MoranPermutations)->Arg(0)->Arg(999)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LocalMoranPermutations(benchmark::State& state) {
  const SpatialWeights& weights = rook_weights();
  const std::vector<double>& y = values();
  for (auto _ : state) {
    const auto result = equalis::measure::local_moran(y, weights, {.permutations = 999, .seed = 1});
    benchmark::DoNotOptimize(result.local_i.data());
  }
}
BENCHMARK(BM_LocalMoranPermutations)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

void BM_RookContiguity(benchmark::State& state) {
  const auto polygons = cell_polygons();
  for (auto _ : state) {
    const auto weights =
        equalis::measure::contiguity_from_polygons(polygons, equalis::measure::Contiguity::Rook);
    benchmark::DoNotOptimize(weights.neighbors.data());
  }
}
BENCHMARK(BM_RookContiguity)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_QueenContiguity(benchmark::State& state) {
  const auto polygons = cell_polygons();
  for (auto _ : state) {
    const auto weights =
        equalis::measure::contiguity_from_polygons(polygons, equalis::measure::Contiguity::Queen);
    benchmark::DoNotOptimize(weights.neighbors.data());
  }
}
BENCHMARK(BM_QueenContiguity)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Knn8(benchmark::State& state) {
  std::vector<double> x;
  std::vector<double> y;
  equalis::Rng rng(7);
  for (std::size_t point = 0; point < kSide * kSide; ++point) {
    x.push_back(rng.uniform01() * 1000.0);
    y.push_back(rng.uniform01() * 1000.0);
  }
  for (auto _ : state) {
    const auto weights = equalis::measure::knn_weights(x, y, 8, false);
    benchmark::DoNotOptimize(weights.neighbors.data());
  }
}
BENCHMARK(BM_Knn8)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

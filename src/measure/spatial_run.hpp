#pragma once
// One request, one call, one result for spatial autocorrelation: a CSV of units, spatial weights from one
// source (an edge list, polygons, k nearest neighbours or a distance band), and global Moran's I (and,
// on request, LISA) for each value column. report/spatial_json renders the result.

#include "core/progress.hpp"
#include "measure/moran.hpp"
#include "measure/spatial_weights.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace equalis::measure {

enum class WeightsSource : std::uint8_t { Edges, Polygons, Knn, DistanceBand };

// Field names follow the command line's flags, so messages name them (in backticks) the same way.
struct SpatialRequest {
  std::string file;                // CSV, one row per unit
  std::vector<std::string> value;  // value columns: one result each
  std::string id;                  // unit id column (unique, non-empty)

  WeightsSource source = WeightsSource::Edges;
  // Edges: an edge-list CSV, one link a row; columns default to the first two.
  std::string edges, edge_from, edge_to, edge_weight;
  bool edge_index = false;  // endpoints are 0-based data rows instead of ids
  bool undirected = false;  // each row links both ways
  // Polygons: contiguity from a file GDAL reads, matched to data rows by `polygon_id` (or file order).
  std::string polygons, layer, polygon_id;
  std::string contiguity = "queen";  // queen or rook
  // Knn / DistanceBand: point coordinates in the data file.
  std::size_t knn = 0;
  double distance_band = 0.0;  // coordinate units, metres when geographic
  std::string x, y;
  bool geographic = false;

  std::string transform = "row";  // row, binary or none
  std::size_t permutations = 999;
  std::uint64_t seed = 12345;
  bool local = false;  // LISA too
  double alpha = 0.05;
  std::string lisa_variance = "n";  // n or n-1
  std::string missing = "error";    // error or drop (the unit leaves the data and the weights)
  char delimiter = ',';             // of the data file and the edge list
};

/// One value column's result. `weights` is W exactly as Moran's I saw it: restricted to the units that have
/// a value (and coordinates) and then transformed; its ids label the units.
struct SpatialColumnResult {
  std::string variable;          // value column name
  std::size_t rows_dropped = 0;  // data rows left out (missing value or coordinate, missing = drop)
  std::size_t links_lost = 0;    // links of the full weights that touched a dropped unit
  std::vector<double> values;    // one per unit of `weights`, in unit order
  SpatialWeights weights;        // as used
  std::string transform;         // "row", "binary" or "none"
  MoranResult global;
  std::optional<LocalMoranResult> local;
};

// How the weights were built, where the request leaves it open.
struct WeightsSummary {
  std::string edge_from, edge_to;  // edge-list columns used
  std::string layer;               // polygon layer read
  std::size_t features = 0;        // polygons in the layer
  std::size_t features_unmatched = 0;
};

struct SpatialResult {
  std::size_t rows = 0;  // data rows read
  WeightsSummary weights;
  std::vector<SpatialColumnResult> columns;  // one per value column, in request order
};

// Reads the data, builds the weights once and analyses every value column. Each log message (an island
// warning, say) reaches the sink once, although Moran, LISA and every column share the weights.
// Throws Error(InvalidInput/Parse/Io) naming the request field or the file:line:column at fault.
SpatialResult run_spatial(const SpatialRequest& request, ProgressSink& progress = null_progress());

}  // namespace equalis::measure

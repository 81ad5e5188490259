#pragma once
// JSON, CSV and text forms of a spatial autocorrelation run (global Moran's I and, optionally, LISA) for
// one or more value columns. docs/cli.md documents the layout.

#include "measure/moran.hpp"
#include "measure/spatial_weights.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace equalis::report {

/// One value column's result. `weights` is W exactly as Moran's I saw it: restricted to the units that have
/// a value (and coordinates) and then transformed; its ids label the units.
struct SpatialReport {
  std::string variable;             // value column name
  std::size_t rows_dropped = 0;     // data rows left out (missing value or coordinate, --missing drop)
  std::size_t links_lost = 0;       // links of the full weights that touched a dropped unit
  std::vector<double> values;       // one per unit of `weights`, in unit order
  measure::SpatialWeights weights;  // as used
  std::string transform;            // "row", "binary" or "none"
  measure::MoranResult global;
  std::optional<measure::LocalMoranResult> local;
};

nlohmann::ordered_json to_json(const measure::MoranMoments& moments);
nlohmann::ordered_json to_json(const measure::MoranPermutationTest& test);
nlohmann::ordered_json to_json(const measure::LocalMoranResult& local, const measure::SpatialWeights& weights,
                               std::span<const double> values);
nlohmann::ordered_json to_json(const SpatialReport& report);

/// Without LISA: one row per value column with the global figures. With LISA (every report has `local`):
/// one row per unit and value column (variable,id,value,local_i,spatial_lag,quadrant,p_value,significant).
std::string to_csv(const std::vector<SpatialReport>& reports);

/// A readable summary: I with its three p-values, the weights, islands and the significant LISA clusters.
std::string to_text(const std::vector<SpatialReport>& reports);

}  // namespace equalis::report

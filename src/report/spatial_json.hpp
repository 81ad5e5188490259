#pragma once
// JSON, CSV and text forms of a spatial autocorrelation run (global Moran's I and, optionally, LISA) for
// one or more value columns. docs/cli.md documents the layout.

#include "measure/moran.hpp"
#include "measure/spatial_run.hpp"
#include "measure/spatial_weights.hpp"
#include "report/document.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace equalis::report {

// One value column's result (measure/spatial_run.hpp), under the name the renderers have always used.
using SpatialReport = measure::SpatialColumnResult;

nlohmann::ordered_json to_json(const measure::MoranMoments& moments);
nlohmann::ordered_json to_json(const measure::MoranPermutationTest& test);
nlohmann::ordered_json to_json(const measure::LocalMoranResult& local, const measure::SpatialWeights& weights,
                               std::span<const double> values);
nlohmann::ordered_json to_json(const SpatialReport& report);

// The whole document: envelope, the options (the weights as built) and one result per value column.
nlohmann::ordered_json to_json(const measure::SpatialRequest& request, const measure::SpatialResult& result);

/// Without LISA: one row per value column with the global figures. With LISA (every report has `local`):
/// one row per unit and value column (variable,id,value,local_i,spatial_lag,quadrant,p_value,significant,
/// the LISA run), then the global columns. Both end with the rest of the run: the weights as used and the
/// options, so the CSV carries everything the JSON does (docs/cli.md lists the columns).
std::string to_csv(const measure::SpatialRequest& request, const measure::SpatialResult& result);

/// A readable summary: I with its three p-values, the weights (a distance band with its unit), islands and
/// the significant LISA clusters.
std::string to_text(const measure::SpatialRequest& request, const std::vector<SpatialReport>& reports);

// All three forms of a run, for report::render.
Renderers renderers(const measure::SpatialRequest& request, const measure::SpatialResult& result);

}  // namespace equalis::report

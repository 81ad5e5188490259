#pragma once
// JSON, CSV and text forms of the network jobs (network/run.hpp): the build summary, the long CSV and the
// binary travel-time matrix, the isochrone (JSON, node CSV, one-line text, GeoJSON) and the points of
// interest. docs/network.md documents the layouts.

#include "network/run.hpp"
#include "report/document.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace equalis::report {

// Milliseconds as exact decimal seconds ("123.456"), without a round trip through binary floating point.
std::string seconds_text(network::TravelTimeMs ms);

nlohmann::ordered_json to_json(const network::BuildRequest& request, const network::BuildResult& result);

// Long CSV from_id,to_id,travel_time_s (exact decimal seconds); unreachable pairs are left out, or
// written with an empty travel_time_s when `keep_unreachable`.
std::string matrix_csv(const network::MatrixRunResult& result, bool keep_unreachable);
// The bytes of the binary matrix file (io/matrix_file.hpp).
std::string matrix_binary(const network::MatrixRunResult& result);

nlohmann::ordered_json to_json(const network::IsochroneRequest& request,
                               const network::IsochroneResult& result);
// One row per reachable node: node,osm_id,lon,lat,travel_time_s.
std::string to_csv(const network::IsochroneResult& result);
std::string to_text(const network::IsochroneRequest& request, const network::IsochroneResult& result);
// A FeatureCollection: the outline and the snapped origin.
nlohmann::ordered_json isochrone_geojson(const network::IsochroneRequest& request,
                                         const network::IsochroneResult& result);

// id,osm_type,osm_id,tag,name,lon,lat
std::string to_csv(const network::PoisResult& result);

// The forms each job has: build JSON; matrix the long CSV (its binary form is matrix_binary); isochrone
// JSON, CSV and text; pois CSV.
Renderers renderers(const network::BuildRequest& request, const network::BuildResult& result);
Renderers renderers(const network::MatrixRunRequest& request, const network::MatrixRunResult& result);
Renderers renderers(const network::IsochroneRequest& request, const network::IsochroneResult& result);
Renderers renderers(const network::PoisRequest& request, const network::PoisResult& result);

}  // namespace equalis::report

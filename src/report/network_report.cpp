#include "report/network_report.hpp"

#include "io/csv_writer.hpp"
#include "io/matrix_file.hpp"
#include "report/detail/geojson.hpp"
#include "report/document.hpp"

#include <fmt/format.h>

#include <iterator>

namespace equalis::report {

namespace {

using network::TravelTimeMs;

void append_seconds(std::string& out, TravelTimeMs ms) {
  fmt::format_to(std::back_inserter(out), "{}.{:03}", ms / 1000, ms % 1000);
}

std::vector<std::string> ids_of(const std::vector<network::Place>& places) {
  std::vector<std::string> ids;
  ids.reserve(places.size());
  for (const network::Place& place : places) ids.push_back(place.id);
  return ids;
}

// GeoJSON Feature: a Polygon, a MultiPolygon when the outline falls apart, or a null geometry
// when there is no area (a convex hull of fewer than three distinct points).
nlohmann::ordered_json outline_feature(const network::Isochrone& iso, double max_time_s) {
  const network::IsochroneOutline& outline = iso.outline;
  nlohmann::ordered_json feature;
  feature["type"] = "Feature";
  feature["properties"] = {{"max_time", max_time_s},
                           {"reachable_nodes", iso.nodes.size()},
                           {"outline", network::outline_method_name(outline.method)}};
  if (outline.method == network::OutlineMethod::NetworkBuffer)
    feature["properties"]["buffer_m"] = outline.buffer_m;
  feature["properties"]["area_m2"] = outline.area_m2;
  if (outline.polygons.size() == 1) {
    feature["geometry"] = {{"type", "Polygon"},
                           {"coordinates", detail::polygon_coordinates(outline.polygons.front())}};
  } else if (outline.polygons.size() > 1) {
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();
    for (const auto& polygon : outline.polygons) parts.push_back(detail::polygon_coordinates(polygon));
    feature["geometry"] = {{"type", "MultiPolygon"}, {"coordinates", parts}};
  } else {
    feature["geometry"] = nullptr;
  }
  return feature;
}

}  // namespace

std::string seconds_text(TravelTimeMs ms) {
  std::string out;
  append_seconds(out, ms);
  return out;
}

nlohmann::ordered_json to_json(const network::BuildRequest& request, const network::BuildResult& result) {
  const auto& report = result.report;
  const auto& components = report.components;
  nlohmann::ordered_json out = envelope("network build", request.osm, report.ways_read);
  out["options"] = {{"profile", request.profile}, {"speeds", request.speeds}, {"output", request.output}};
  out["result"] = {
      {"graph_file", request.output},
      {"format_version", network::kGraphFileVersion},
      {"ways_routable", report.ways_routable},
      {"segments_missing_nodes", report.segments_missing_nodes},
      {"nodes", components.nodes_kept},
      {"arcs", components.arcs_kept},
      {"dropped",
       {{"components", components.components == 0 ? 0 : components.components - 1},
        {"nodes", components.nodes_before - components.nodes_kept},
        {"arcs", components.arcs_before - components.arcs_kept}}},
      {"hierarchy", {{"upward_arcs", result.upward_arcs}, {"downward_arcs", result.downward_arcs}}},
      {"seconds", result.seconds}};
  return out;
}

std::string matrix_csv(const network::MatrixRunResult& result, bool keep_unreachable) {
  const network::TravelTimeMatrix& m = result.matrix;
  std::vector<std::string> from(result.origins.size());
  std::vector<std::string> to(result.destinations.size());
  for (std::size_t i = 0; i < from.size(); ++i) from[i] = io::csv_escape(result.origins[i].id);
  for (std::size_t j = 0; j < to.size(); ++j) to[j] = io::csv_escape(result.destinations[j].id);
  std::string out = "from_id,to_id,travel_time_s\n";  // the unit in the header
  out.reserve(out.size() + m.rows * m.cols * 24);
  for (std::size_t i = 0; i < m.rows; ++i) {
    for (std::size_t j = 0; j < m.cols; ++j) {
      const TravelTimeMs t = m.at(i, j);
      if (t == network::kUnreachable && !keep_unreachable) continue;
      out += from[i];
      out += ',';
      out += to[j];
      out += ',';
      if (t != network::kUnreachable) append_seconds(out, t);  // empty cell: unreachable
      out += '\n';
    }
  }
  return out;
}

std::string matrix_binary(const network::MatrixRunResult& result) {
  static_assert(network::kUnreachable == io::kMatrixUnreachable,
                "the file marks unreachable as the graph does");
  return io::encode_matrix_file(ids_of(result.origins), ids_of(result.destinations), result.matrix.time);
}

nlohmann::ordered_json to_json(const network::IsochroneRequest& request,
                               const network::IsochroneResult& result) {
  const network::Graph& g = result.graph;
  const network::NodeId origin = result.origin.node;
  const network::Isochrone& iso = result.isochrone;
  nlohmann::ordered_json out = envelope("network isochrone", request.graph, g.node_count());
  out["options"] = {{"lon", request.lon},
                    {"lat", request.lat},
                    {"max_time", request.max_time},
                    {"max_snap", request.max_snap},
                    {"outline", request.outline},
                    {"buffer", request.buffer},
                    {"units", {{"max_time", "s"}, {"max_snap", "m"}, {"buffer", "m"}}}};
  out["result"] = {{"profile", g.profile},
                   {"origin",
                    {{"node", origin},
                     {"osm_id", g.osm_id[origin]},
                     {"lon", g.lon[origin]},
                     {"lat", g.lat[origin]},
                     {"snap_distance_m", result.origin.distance_m}}},
                   {"reachable_nodes", iso.nodes.size()},
                   {"outline_method", network::outline_method_name(iso.outline.method)},
                   {"area_m2", iso.outline.area_m2},
                   {"outline", outline_feature(iso, request.max_time)}};
  return out;
}

std::string to_csv(const network::IsochroneResult& result) {
  const network::Graph& g = result.graph;
  const network::Isochrone& iso = result.isochrone;
  io::CsvWriter csv({"node", "osm_id", "lon", "lat", "travel_time_s"});
  for (std::size_t k = 0; k < iso.nodes.size(); ++k) {
    const auto node = iso.nodes[k];
    csv.field(fmt::format("{}", node))
        .field(fmt::format("{}", g.osm_id[node]))
        .field(g.lon[node])
        .field(g.lat[node]);
    csv.field(seconds_text(iso.time[k]));
    csv.end_row();
  }
  return csv.text();
}

std::string to_text(const network::IsochroneRequest& request, const network::IsochroneResult& result) {
  return fmt::format("{} nodes reachable within {} s from ({}, {}) (snapped {:.1f} m to OSM node {})\n",
                     result.isochrone.nodes.size(), request.max_time, request.lon, request.lat,
                     result.origin.distance_m, result.graph.osm_id[result.origin.node]);
}

nlohmann::ordered_json isochrone_geojson(const network::IsochroneRequest& request,
                                         const network::IsochroneResult& result) {
  const network::Graph& g = result.graph;
  const network::NodeId node = result.origin.node;
  nlohmann::ordered_json collection;
  collection["type"] = "FeatureCollection";
  nlohmann::ordered_json origin;
  origin["type"] = "Feature";
  origin["properties"] = {{"role", "origin"}, {"osm_id", g.osm_id[node]}};
  origin["geometry"] = {{"type", "Point"}, {"coordinates", {g.lon[node], g.lat[node]}}};
  collection["features"] = {outline_feature(result.isochrone, request.max_time), origin};
  return collection;
}

std::string to_csv(const network::PoisResult& result) {
  io::CsvWriter csv({"id", "osm_type", "osm_id", "tag", "name", "lon", "lat"});
  for (const network::Poi& poi : result.pois) {
    const char* type = poi.osm_type == 'n' ? "node" : poi.osm_type == 'w' ? "way" : "relation";
    csv.field(poi.id()).field(type).field(fmt::format("{}", poi.osm_id)).field(poi.tag).field(poi.name);
    csv.field(poi.lon).field(poi.lat);
    csv.end_row();
  }
  return csv.text();
}

Renderers renderers(const network::BuildRequest& request, const network::BuildResult& result) {
  return {.json = [&request, &result] { return to_json(request, result); }, .csv = {}, .text = {}};
}

Renderers renderers(const network::MatrixRunRequest& request, const network::MatrixRunResult& result) {
  return {.json = {},
          .csv = [&request, &result] { return matrix_csv(result, request.keep_unreachable); },
          .text = {}};
}

Renderers renderers(const network::IsochroneRequest& request, const network::IsochroneResult& result) {
  return {.json = [&request, &result] { return to_json(request, result); },
          .csv = [&result] { return to_csv(result); },
          .text = [&request, &result] { return to_text(request, result); }};
}

Renderers renderers(const network::PoisRequest& /*request*/, const network::PoisResult& result) {
  return {.json = {}, .csv = [&result] { return to_csv(result); }, .text = {}};
}

}  // namespace equalis::report

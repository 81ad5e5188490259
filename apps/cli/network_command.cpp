// `equalis network …`: OSM extract -> graph file (build), travel-time matrices
// (matrix), isochrones (isochrone) and points of interest (pois). Thin shell
// over network/network.hpp.

#include "commands.hpp"
#include "registry.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "io/csv_writer.hpp"
#include "network/isochrone.hpp"
#include "network/network.hpp"
#include "network/pois.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>

namespace equalis::cli {

namespace {

using network::TravelTimeMs;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Milliseconds as exact decimal seconds ("123.456"), without a round trip
// through binary floating point.
void append_seconds(std::string& out, TravelTimeMs ms) {
  fmt::format_to(std::back_inserter(out), "{}.{:03}", ms / 1000, ms % 1000);
}

std::string seconds_text(TravelTimeMs ms) {
  std::string out;
  append_seconds(out, ms);
  return out;
}

// ----- build
// -------------------------------------------------------------------------------------------

struct BuildArgs {
  std::string osm;
  std::string profile = "car";
  std::string speeds;
  std::string output;
};

void run_build(const BuildArgs& args, Context& context) {
  const auto start = std::chrono::steady_clock::now();
  network::Profile profile = network::profile_by_name(args.profile);
  if (!args.speeds.empty()) network::load_speed_table(args.speeds, profile);
  const network::BuiltNetwork built = network::build_network(args.osm, profile, context.progress);
  network::save_network(args.output, built.network);
  const auto& report = built.report;
  const auto& components = report.components;
  nlohmann::ordered_json out = envelope("network build", args.osm, report.ways_read);
  out["options"] = {{"profile", args.profile}, {"speeds", args.speeds}, {"output", args.output}};
  out["result"] = {{"graph_file", args.output},
                   {"format_version", network::kGraphFileVersion},
                   {"ways_routable", report.ways_routable},
                   {"segments_missing_nodes", report.segments_missing_nodes},
                   {"nodes", components.nodes_kept},
                   {"arcs", components.arcs_kept},
                   {"dropped",
                    {{"components", components.components == 0 ? 0 : components.components - 1},
                     {"nodes", components.nodes_before - components.nodes_kept},
                     {"arcs", components.arcs_before - components.arcs_kept}}},
                   {"hierarchy",
                    {{"upward_arcs", built.network.ch.up_head.size()},
                     {"downward_arcs", built.network.ch.down_head.size()}}},
                   {"seconds", seconds_since(start)}};
  context.progress.log(LogLevel::Info,
                       fmt::format("{} graph: {} nodes, {} arcs (dropped {} nodes and {} arcs "
                                   "outside the "
                                   "largest strongly connected component) -> {}",
                                   args.profile, components.nodes_kept, components.arcs_kept,
                                   components.nodes_before - components.nodes_kept,
                                   components.arcs_before - components.arcs_kept, args.output));
  OutputOptions stdout_json;
  emit(stdout_json, out.dump(2) + "\n");
}

// ----- matrix
// ------------------------------------------------------------------------------------------

struct MatrixArgs {
  std::string graph;
  std::string origins;
  std::string destinations;
  std::optional<double> max_time;
  double max_snap = network::kDefaultMaxSnapM;
  bool keep_unreachable = false;
  std::string format = "csv";
  std::string output;
};

std::string matrix_csv(const network::TravelTimeMatrix& m, const std::vector<network::Place>& origins,
                       const std::vector<network::Place>& destinations, bool keep_unreachable) {
  std::vector<std::string> from(origins.size());
  std::vector<std::string> to(destinations.size());
  for (std::size_t i = 0; i < origins.size(); ++i) from[i] = io::csv_escape(origins[i].id);
  for (std::size_t j = 0; j < destinations.size(); ++j) to[j] = io::csv_escape(destinations[j].id);
  std::string out = "from_id,to_id,travel_time\n";
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

template <typename T>
void append_raw(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

// Binary matrix (docs/network.md): "EQMATRX1", u32 version 1, u32 0, u64 rows,
// u64 cols, then each origin id and each destination id as u32 length + UTF-8
// bytes, then rows x cols u32 milliseconds row-major (4294967295 =
// unreachable). Little-endian.
std::string matrix_binary(const network::TravelTimeMatrix& m, const std::vector<network::Place>& origins,
                          const std::vector<network::Place>& destinations) {
  std::string out = "EQMATRX1";
  append_raw(out, std::uint32_t{1});
  append_raw(out, std::uint32_t{0});
  append_raw(out, std::uint64_t{m.rows});
  append_raw(out, std::uint64_t{m.cols});
  for (const auto* places : {&origins, &destinations}) {
    for (const network::Place& place : *places) {
      append_raw(out, static_cast<std::uint32_t>(place.id.size()));
      out += place.id;
    }
  }
  out.append(reinterpret_cast<const char*>(m.time.data()), m.time.size() * sizeof(TravelTimeMs));
  return out;
}

void run_matrix(const MatrixArgs& args, Context& context) {
  const auto start = std::chrono::steady_clock::now();
  if (args.format == "binary" && (args.output.empty() || args.output == "-")) {
    throw Error(ErrorCode::InvalidInput, "a binary matrix needs an output file",
                "add -o FILE (or use --format csv for stdout)");
  }
  const std::vector<network::Place> origins = network::read_places_csv(args.origins);
  const std::vector<network::Place> destinations = network::read_places_csv(args.destinations);
  const network::RoutingNetwork net = network::load_network(args.graph);
  network::MatrixRequest request;
  request.max_time_s = args.max_time;
  request.max_snap_m = args.max_snap;
  const network::PlacesMatrix result =
      network::travel_time_matrix(net, origins, destinations, request, context.progress);
  const auto& m = result.matrix;
  const auto unreachable =
      static_cast<std::size_t>(std::count(m.time.begin(), m.time.end(), network::kUnreachable));
  OutputOptions target;
  target.path = args.output;
  emit(target, args.format == "binary" ? matrix_binary(m, origins, destinations)
                                       : matrix_csv(m, origins, destinations, args.keep_unreachable));
  context.progress.log(
      LogLevel::Info,
      fmt::format("{} x {} matrix on the {} graph: {} pairs reachable{}, {} {} ({:.3f} "
                  "s)",
                  m.rows, m.cols, net.graph.profile, m.time.size() - unreachable,
                  args.max_time ? fmt::format(" within {} s", *args.max_time) : std::string(), unreachable,
                  args.keep_unreachable ? "marked unreachable" : "unreachable omitted",
                  seconds_since(start)));
}

// ----- isochrone
// ---------------------------------------------------------------------------------------

struct IsochroneArgs {
  std::string graph;
  double lon = 0.0;
  double lat = 0.0;
  double max_time = 0.0;
  double max_snap = network::kDefaultMaxSnapM;
  std::string outline = "network";
  double buffer = network::kDefaultIsochroneBufferM;
  std::string geojson;
};

nlohmann::ordered_json ring_json(const network::Ring& ring) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& p : ring) out.push_back({p[0], p[1]});
  return out;
}

nlohmann::ordered_json polygon_json(const network::OutlinePolygon& polygon) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const network::Ring& ring : polygon.rings) out.push_back(ring_json(ring));
  return out;
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
    feature["geometry"] = {{"type", "Polygon"}, {"coordinates", polygon_json(outline.polygons.front())}};
  } else if (outline.polygons.size() > 1) {
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();
    for (const auto& polygon : outline.polygons) parts.push_back(polygon_json(polygon));
    feature["geometry"] = {{"type", "MultiPolygon"}, {"coordinates", parts}};
  } else {
    feature["geometry"] = nullptr;
  }
  return feature;
}

void run_isochrone(const IsochroneArgs& args, Context& context) {
  const TravelTimeMs limit = network::max_time_ms(args.max_time);
  const network::RoutingNetwork net = network::load_network(args.graph);
  const network::Graph& g = net.graph;
  const network::SnapResult snapped = network::NodeSnapper(g).snap(args.lon, args.lat, args.max_snap);
  if (snapped.node == network::kInvalidNode) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("point ({}, {}) is {:.0f} m from the nearest node "
                            "of '{}' (limit {:.0f} m)",
                            args.lon, args.lat, snapped.distance_m, args.graph, args.max_snap),
                "check that the point lies inside the extract and that "
                "--lon/--lat are not swapped, or raise "
                "--max-snap");
  }
  network::IsochroneOptions options;
  options.outline =
      args.outline == "hull" ? network::OutlineMethod::ConvexHull : network::OutlineMethod::NetworkBuffer;
  options.buffer_m = args.buffer;
  const network::Isochrone iso = network::compute_isochrone(g, snapped.node, limit, options);
  const nlohmann::ordered_json feature = outline_feature(iso, args.max_time);
  if (!args.geojson.empty()) {
    nlohmann::ordered_json collection;
    collection["type"] = "FeatureCollection";
    nlohmann::ordered_json origin;
    origin["type"] = "Feature";
    origin["properties"] = {{"role", "origin"}, {"osm_id", g.osm_id[snapped.node]}};
    origin["geometry"] = {{"type", "Point"}, {"coordinates", {g.lon[snapped.node], g.lat[snapped.node]}}};
    collection["features"] = {feature, origin};
    write_file_atomically(args.geojson, collection.dump(2) + "\n");
  }
  if (context.output.format == OutputFormat::Csv) {
    io::CsvWriter csv({"node", "osm_id", "lon", "lat", "travel_time"});
    for (std::size_t k = 0; k < iso.nodes.size(); ++k) {
      const auto node = iso.nodes[k];
      csv.field(fmt::format("{}", node))
          .field(fmt::format("{}", g.osm_id[node]))
          .field(g.lon[node])
          .field(g.lat[node]);
      csv.field(seconds_text(iso.time[k]));
      csv.end_row();
    }
    emit(context.output, csv.text());
    return;
  }
  if (context.output.format == OutputFormat::Text) {
    emit(context.output, fmt::format("{} nodes reachable within {} s from ({}, {}) (snapped "
                                     "{:.1f} m to OSM node {})\n",
                                     iso.nodes.size(), args.max_time, args.lon, args.lat, snapped.distance_m,
                                     g.osm_id[snapped.node]));
    return;
  }
  nlohmann::ordered_json out = envelope("network isochrone", args.graph, g.node_count());
  out["options"] = {{"lon", args.lon},           {"lat", args.lat},         {"max_time", args.max_time},
                    {"max_snap", args.max_snap}, {"outline", args.outline}, {"buffer", args.buffer}};
  out["result"] = {{"profile", g.profile},
                   {"origin",
                    {{"node", snapped.node},
                     {"osm_id", g.osm_id[snapped.node]},
                     {"lon", g.lon[snapped.node]},
                     {"lat", g.lat[snapped.node]},
                     {"snap_distance_m", snapped.distance_m}}},
                   {"reachable_nodes", iso.nodes.size()},
                   {"outline_method", network::outline_method_name(iso.outline.method)},
                   {"area_m2", iso.outline.area_m2},
                   {"outline", feature}};
  emit(context.output, out.dump(2) + "\n");
}

// ----- pois
// --------------------------------------------------------------------------------------------

struct PoisArgs {
  std::string osm;
  std::string tags;
  std::string output;
};

void run_pois(const PoisArgs& args, Context& context) {
  const auto filters = network::parse_poi_filters(args.tags);
  const auto pois = network::extract_pois(args.osm, filters, context.progress);
  io::CsvWriter csv({"id", "osm_type", "osm_id", "tag", "name", "lon", "lat"});
  for (const network::Poi& poi : pois) {
    const char* type = poi.osm_type == 'n' ? "node" : poi.osm_type == 'w' ? "way" : "relation";
    csv.field(poi.id()).field(type).field(fmt::format("{}", poi.osm_id)).field(poi.tag).field(poi.name);
    csv.field(poi.lon).field(poi.lat);
    csv.end_row();
  }
  OutputOptions target;
  target.path = args.output;
  emit(target, csv.text());
  context.progress.log(LogLevel::Info, fmt::format("{} points of interest from '{}'", pois.size(), args.osm));
}

void add_build(CLI::App& parent, Context& context) {
  auto args = std::make_shared<BuildArgs>();
  CLI::App* cmd = parent.add_subcommand("build", "Build a routable graph file (.eqg) from an OSM extract");
  cmd->add_option("--osm", args->osm, "OpenStreetMap extract: .osm.pbf or .osm (XML)")->required();
  cmd->add_option("--profile", args->profile, "Travel mode: car (default), walk or bike")
      ->check(CLI::IsMember({"car", "walk", "bike"}));
  cmd->add_option("--speeds", args->speeds, "CSV highway,speed_kmh overriding the profile's speed table");
  cmd->add_option("-o,--output", args->output, "Graph file to write (atomically)")->required();
  cmd->callback([args, &context] { run_build(*args, context); });
}

void add_matrix(CLI::App& parent, Context& context) {
  auto args = std::make_shared<MatrixArgs>();
  CLI::App* cmd =
      parent.add_subcommand("matrix", "Origin x destination travel times (seconds) on a graph file");
  cmd->add_option("--graph", args->graph, "Graph file from `equalis network build`")->required();
  cmd->add_option("--origins", args->origins, "CSV with columns id, lon, lat")->required();
  cmd->add_option("--destinations", args->destinations, "CSV with columns id, lon, lat")->required();
  cmd->add_option("--max-time", args->max_time,
                  "Catchment limit in seconds: longer trips count as unreachable")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-snap", args->max_snap, "Largest distance (m) from a point to its graph node")
      ->default_val(network::kDefaultMaxSnapM)
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--keep-unreachable", args->keep_unreachable,
                "Write unreachable pairs with an empty travel_time (default: omit them)");
  cmd->add_option("--format", args->format, "csv (long: from_id,to_id,travel_time) or binary")
      ->check(CLI::IsMember({"csv", "binary"}));
  cmd->add_option("-o,--output", args->output, "Output file (atomically); default stdout");
  cmd->callback([args, &context] { run_matrix(*args, context); });
}

void add_isochrone(CLI::App& parent, Context& context) {
  auto args = std::make_shared<IsochroneArgs>();
  CLI::App* cmd =
      parent.add_subcommand("isochrone", "Nodes reachable from a point within a time, and an outline");
  cmd->add_option("--graph", args->graph, "Graph file from `equalis network build`")->required();
  cmd->add_option("--lon", args->lon, "Longitude of the origin (WGS84 degrees)")->required();
  cmd->add_option("--lat", args->lat, "Latitude of the origin (WGS84 degrees)")->required();
  cmd->add_option("--max-time", args->max_time, "Travel-time budget in seconds")
      ->required()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-snap", args->max_snap, "Largest distance (m) from the point to its graph node")
      ->default_val(network::kDefaultMaxSnapM)
      ->check(CLI::NonNegativeNumber);
  cmd->add_option(
         "--outline", args->outline,
         "network (default): reachable roads buffered by --buffer; hull: convex hull of the reachable nodes")
      ->check(CLI::IsMember({"network", "hull"}));
  cmd->add_option("--buffer", args->buffer,
                  "Buffer distance (m) around the reachable roads (--outline network)")
      ->default_val(network::kDefaultIsochroneBufferM)
      ->check(CLI::PositiveNumber);
  cmd->add_option("--geojson", args->geojson, "Also write the outline as a GeoJSON file");
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_isochrone(*args, context); });
}

void add_pois(CLI::App& parent, Context& context) {
  auto args = std::make_shared<PoisArgs>();
  CLI::App* cmd = parent.add_subcommand("pois", "Extract points of interest (schools, hospitals, …) to CSV");
  cmd->add_option("--osm", args->osm, "OpenStreetMap extract: .osm.pbf or .osm (XML)")->required();
  cmd->add_option("--tags", args->tags, "key=value list, e.g. amenity=hospital,clinic,school (value * = any)")
      ->required();
  cmd->add_option("-o,--output", args->output, "CSV file (atomically); default stdout");
  cmd->callback([args, &context] { run_pois(*args, context); });
}

}  // namespace

void add_network_command(CLI::App& app, Context& context) {
  CLI::App* net = app.add_subcommand("network", "Road networks from OpenStreetMap and travel-time matrices");
  net->require_subcommand(1);
  add_build(*net, context);
  add_matrix(*net, context);
  add_isochrone(*net, context);
  add_pois(*net, context);
}

namespace {
const CommandRegistration kRegistration{20, add_network_command};
}  // namespace

}  // namespace equalis::cli

#include "network/run.hpp"

#include "core/error.hpp"
#include "core/input_file.hpp"
#include "core/stopwatch.hpp"
#include "network/graph_file.hpp"
#include "network/network.hpp"
#include "network/profile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>

namespace equalis::network {

namespace {}  // namespace

BuildResult run_build(const BuildRequest& request, ProgressSink& progress) {
  const auto start = std::chrono::steady_clock::now();
  refuse_output_over_inputs(request.output, std::array{request.osm, request.speeds});
  Profile profile = profile_by_name(request.profile);
  if (!request.speeds.empty()) load_speed_table(request.speeds, profile);
  const BuiltNetwork built = build_network(request.osm, profile, progress);
  save_network(request.output, built.network);
  BuildResult result;
  result.report = built.report;
  result.upward_arcs = built.network.ch.up_head.size();
  result.downward_arcs = built.network.ch.down_head.size();
  result.seconds = seconds_since(start);
  const auto& components = result.report.components;
  progress.log(LogLevel::Info,
               fmt::format("{} graph: {} nodes, {} arcs (dropped {} nodes and {} arcs outside the largest "
                           "strongly connected component) -> {}",
                           request.profile, components.nodes_kept, components.arcs_kept,
                           components.nodes_before - components.nodes_kept,
                           components.arcs_before - components.arcs_kept, request.output));
  return result;
}

MatrixRunResult run_matrix(const MatrixRunRequest& request, ProgressSink& progress) {
  const auto start = std::chrono::steady_clock::now();
  MatrixRunResult result;
  result.origins = read_places_csv(request.origins);
  result.destinations = read_places_csv(request.destinations);
  const RoutingNetwork net = load_network(request.graph);
  MatrixRequest options;
  options.max_time_s = request.max_time;
  options.max_snap_m = request.max_snap;
  options.snap = snap_mode_by_name(request.snap);
  PlacesMatrix computed = travel_time_matrix(net, result.origins, result.destinations, options, progress);
  progress.log(LogLevel::Info, describe_snapping(computed.origins, "origins"));
  progress.log(LogLevel::Info, describe_snapping(computed.destinations, "destinations"));
  result.matrix = std::move(computed.matrix);
  result.profile = net.graph.profile;
  const auto& times = result.matrix.time;
  result.unreachable = static_cast<std::size_t>(std::count(times.begin(), times.end(), kUnreachable));
  result.seconds = seconds_since(start);
  progress.log(
      LogLevel::Info,
      fmt::format("{} x {} matrix on the {} graph: {} pairs reachable{}, {} {} ({:.3f} s)",
                  result.matrix.rows, result.matrix.cols, result.profile, times.size() - result.unreachable,
                  request.max_time ? fmt::format(" within {} s", *request.max_time) : std::string(),
                  result.unreachable, request.keep_unreachable ? "marked unreachable" : "unreachable omitted",
                  result.seconds));
  return result;
}

namespace {

// A budget that reaches a handful of nodes is almost always minutes typed as seconds.
void warn_if_tiny(std::size_t reachable_nodes, double max_time_s, ProgressSink& progress) {
  if (reachable_nodes > 5 || max_time_s >= 60.0) return;
  progress.log(LogLevel::Warning,
               fmt::format("only {} nodes are reachable within {} s: `max_time` is in seconds (write {}min, "
                           "or {} s, for {} minutes)",
                           reachable_nodes, max_time_s, max_time_s, max_time_s * 60.0, max_time_s));
}

}  // namespace

IsochroneResult run_isochrone(const IsochroneRequest& request, ProgressSink& progress) {
  // The outline is drawn in a local projection that keeps metres true to 0.01 % within 50 km.
  if (!(request.buffer > 0.0 && request.buffer <= kMaxIsochroneBufferM)) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("`buffer` is {} m; it must be more than 0 and at most {:.0f} m", request.buffer,
                            kMaxIsochroneBufferM),
                "a buffer of 50 to 500 m around the reachable roads is usual");
  }
  const TravelTimeMs limit = max_time_ms(request.max_time);
  // Two stages (read the graph; search and draw the outline), after each Ctrl-C stops the run.
  ProgressTask task(progress, "isochrone", 2);
  const auto stage_done = [&task] {
    task.tick();
    task.throw_if_stopped();
  };
  RoutingNetwork net = load_network(request.graph);
  stage_done();
  IsochroneResult result;
  result.origin = NodeSnapper(net.graph).snap(request.lon, request.lat, request.max_snap);
  if (result.origin.node == kInvalidNode) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("point ({}, {}) is {:.0f} m from the nearest node of '{}' (limit {:.0f} m)", request.lon,
                    request.lat, result.origin.distance_m, request.graph, request.max_snap),
        "check that the point lies inside the extract and that `lon`/`lat` are not swapped, or raise "
        "`max_snap`");
  }
  IsochroneOptions options;
  options.outline = request.outline == "hull" ? OutlineMethod::ConvexHull : OutlineMethod::NetworkBuffer;
  options.buffer_m = request.buffer;
  result.isochrone = compute_isochrone(net.graph, result.origin.node, limit, options);
  stage_done();
  warn_if_tiny(result.isochrone.nodes.size(), request.max_time, progress);
  result.graph = std::move(net.graph);
  return result;
}

PoisResult run_pois(const PoisRequest& request, ProgressSink& progress) {
  PoisResult result;
  result.pois = extract_pois(request.osm, parse_poi_filters(request.tags), progress);
  progress.log(LogLevel::Info,
               fmt::format("{} points of interest from '{}'", result.pois.size(), request.osm));
  return result;
}

}  // namespace equalis::network

#include "network/network.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <cmath>

namespace equalis::network {

BuiltNetwork build_network(const std::string& osm_path, const Profile& profile, ProgressSink& progress) {
  OsmGraph osm = build_graph_from_osm(osm_path, profile, progress);
  BuiltNetwork built;
  built.report = osm.report;
  built.network.ch = build_contraction_hierarchy(osm.graph, {}, progress);
  built.network.graph = std::move(osm.graph);
  return built;
}

TravelTimeMs max_time_ms(std::optional<double> max_time_s) {
  if (!max_time_s) return kUnreachable - 1;
  if (!std::isfinite(*max_time_s) || *max_time_s < 0.0) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("maximum travel time {} s is not a number >= 0", *max_time_s),
                "give `max_time` in seconds, e.g. 1800 for 30 minutes");
  }
  const double ms = std::floor(*max_time_s * 1000.0 + 1e-6);
  return ms >= static_cast<double>(kUnreachable - 1) ? kUnreachable - 1 : static_cast<TravelTimeMs>(ms);
}

namespace {

void require_snapped(const SnappedPlaces& snapped, std::span<const Place> places, const char* what,
                     double max_snap_m) {
  if (snapped.unsnapped.empty()) return;
  std::string ids;
  for (std::size_t k = 0; k < snapped.unsnapped.size() && k < 10; ++k) {
    const std::size_t i = snapped.unsnapped[k];
    ids += fmt::format("{}{} ({:.0f} m)", k == 0 ? "" : ", ", places[i].id, snapped.distance_m[i]);
  }
  if (snapped.unsnapped.size() > 10) ids += fmt::format(", … ({} in all)", snapped.unsnapped.size());
  throw Error(
      ErrorCode::InvalidInput,
      fmt::format("{} {} of {} are further than {:.0f} m from the road graph: {}", snapped.unsnapped.size(),
                  what, places.size(), max_snap_m, ids),
      "check that they lie inside the extract and that lon/lat are not swapped, remove them, or raise "
      "`max_snap`");
}

// Both sets of places snapped, or Error(InvalidInput) naming those too far from the graph.
template <typename Result>
void snap_both(const RoutingNetwork& network, std::span<const Place> origins,
               std::span<const Place> destinations, const MatrixRequest& request, Result& result) {
  const NodeSnapper snapper(network.graph);
  result.origins = snap_places(snapper, origins, request.max_snap_m);
  require_snapped(result.origins, origins, "origins", request.max_snap_m);
  result.destinations = snap_places(snapper, destinations, request.max_snap_m);
  require_snapped(result.destinations, destinations, "destinations", request.max_snap_m);
}

}  // namespace

PlacesMatrix travel_time_matrix(const RoutingNetwork& network, std::span<const Place> origins,
                                std::span<const Place> destinations, const MatrixRequest& request,
                                ProgressSink& progress) {
  MatrixOptions options;
  options.max_time = max_time_ms(request.max_time_s);
  PlacesMatrix result;
  snap_both(network, origins, destinations, request, result);
  result.matrix = ch_matrix(network.ch, result.origins.node, result.destinations.node, options, progress);
  return result;
}

PlacesRows travel_time_rows(const RoutingNetwork& network, std::span<const Place> origins,
                            std::span<const Place> destinations, const MatrixRequest& request,
                            ProgressSink& progress) {
  MatrixOptions options;
  options.max_time = max_time_ms(request.max_time_s);
  PlacesRows result;
  snap_both(network, origins, destinations, request, result);
  result.rows = ch_rows(network.ch, result.origins.node, result.destinations.node, options, progress);
  return result;
}

}  // namespace equalis::network

#pragma once
// Facade of the network module: OSM extract -> routable network (graph + contraction hierarchy), and
// places -> travel-time matrix. The CLI (`equalis network …`) is a thin shell over these two calls.

#include "core/progress.hpp"
#include "network/graph_file.hpp"
#include "network/matrix.hpp"
#include "network/osm_graph.hpp"
#include "network/snap.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace equalis::network {

struct BuiltNetwork {
  RoutingNetwork network;
  OsmBuildReport report;
};

// Reads the extract, applies the profile, keeps the largest strongly connected component and contracts it.
BuiltNetwork build_network(const std::string& osm_path, const Profile& profile,
                           ProgressSink& progress = null_progress());

struct MatrixRequest {
  std::optional<double> max_time_s;  // catchment limit in seconds (inclusive)
  double max_snap_m = kDefaultMaxSnapM;
  // Node: places join the graph at their nearest node. Segment: at the nearest point of the nearest road
  // segment, with the part of its time to each end it can use (one-way arcs respected); two places on
  // one segment may also go straight along it.
  SnapMode snap = SnapMode::Node;
};

struct PlacesMatrix {
  TravelTimeMatrix matrix;  // origins x destinations, milliseconds
  SnappedPlaces origins;
  SnappedPlaces destinations;
};

// Snaps both sets of places and computes the matrix with the contraction hierarchy. Throws
// Error(InvalidInput) naming up to 10 ids of places further than max_snap_m from the graph (nothing is
// computed then), or for a negative max_time_s.
PlacesMatrix travel_time_matrix(const RoutingNetwork& network, std::span<const Place> origins,
                                std::span<const Place> destinations, const MatrixRequest& request,
                                ProgressSink& progress = null_progress());

struct PlacesRows {
  TravelTimeRows rows;  // per origin, the destinations within max_time_s, nearest first
  SnappedPlaces origins;
  SnappedPlaces destinations;
};

// The same as sparse rows: memory linear in the pairs within max_time_s (for many origins, e.g. every
// zone of a city to its facilities). Throws as travel_time_matrix does.
PlacesRows travel_time_rows(const RoutingNetwork& network, std::span<const Place> origins,
                            std::span<const Place> destinations, const MatrixRequest& request,
                            ProgressSink& progress = null_progress());

// How far the places were moved, for the log: "3 origins snapped to road segments: median 12 m, 95th
// percentile 40 m, at most 95 m".
std::string describe_snapping(const SnappedPlaces& places, const char* what);

// Seconds (inclusive, >= 0) to the millisecond limit used by the searches.
TravelTimeMs max_time_ms(std::optional<double> max_time_s);

}  // namespace equalis::network

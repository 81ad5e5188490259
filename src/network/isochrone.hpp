#pragma once
// Isochrones: the nodes reachable from an origin within a travel-time budget, and an outline of the
// reachable area. The default outline is network-based: the union of the reachable road segments —
// including the reachable part of partially reachable arcs — buffered by a distance (GEOS through
// GDAL/OGR, in an azimuthal equidistant projection centred on the origin). The convex hull of the
// reachable nodes (Andrew 1979) stays available; it overstates the area where the network is sparse.

#include "core/geometry.hpp"
#include "network/graph.hpp"

#include <array>
#include <vector>

namespace equalis::network {

enum class OutlineMethod {
  NetworkBuffer,  // union of the reachable road segments buffered by buffer_m
  ConvexHull,     // convex hull of the reachable nodes
};

inline constexpr double kDefaultIsochroneBufferM = 100.0;
inline constexpr double kMaxIsochroneBufferM = 50'000.0;  // the local projection is true to 0.01 % here

struct IsochroneOptions {
  OutlineMethod outline = OutlineMethod::NetworkBuffer;
  double buffer_m = kDefaultIsochroneBufferM;  // metres, > 0 (NetworkBuffer only)
};

struct IsochroneOutline {
  OutlineMethod method = OutlineMethod::NetworkBuffer;
  double buffer_m = 0.0;  // 0 for the convex hull
  // (lon, lat) degrees; rings[0] of each is the exterior ring (counter-clockwise), the others are holes
  // (clockwise), the orientation of RFC 7946 (GeoJSON). Empty: no area (hull of fewer than 3 points).
  std::vector<geo::Polygon> polygons;
  double area_m2 = 0.0;  // area in the local azimuthal equidistant projection
};

// A stretch of road reachable within the budget: from `from` along the arc towards `to`, the first
// `fraction` (0, 1] of its length (see reachable_segments).
struct ReachedSegment {
  NodeId from = 0;
  NodeId to = 0;
  double fraction = 1.0;
};

struct Isochrone {
  std::vector<NodeId> nodes;             // reachable nodes, by increasing travel time then node id
  std::vector<TravelTimeMs> time;        // travel time to each of them
  std::vector<ReachedSegment> segments;  // reachable (parts of) arcs, for the network outline
  IsochroneOutline outline;
};

// Throws Error(InvalidInput) if origin is not a node of the graph or buffer_m is not a positive finite
// number, Error(Unsupported) if the network outline is asked for and GDAL was built without GEOS, and
// Error(Internal) if GEOS fails on the geometry.
Isochrone compute_isochrone(const Graph& graph, NodeId origin, TravelTimeMs max_time,
                            const IsochroneOptions& options = {});

// The reachable (parts of) arcs: an arc u -> v with travel time w and d(u) <= max_time contributes
// min(1, (max_time - d(u)) / w) of its length from u (linear interpolation of the remaining time along
// the arc, i.e. constant speed on it). When u -> v and v -> u together cover the whole road, it is
// reported once as fully reachable from the endpoint with the smaller id.
std::vector<ReachedSegment> reachable_segments(const Graph& graph, const std::vector<TravelTimeMs>& distance,
                                               TravelTimeMs max_time);

// Point-in-outline test (even-odd rule over all rings; points on an edge may go either way).
bool outline_contains(const IsochroneOutline& outline, double lon, double lat) noexcept;

// Convex hull of points (x, y), counter-clockwise starting at the lowest-x point; collinear points are
// dropped. Fewer than 3 distinct points return those points.
std::vector<std::array<double, 2>> convex_hull(std::vector<std::array<double, 2>> points);

// Name used in JSON output: "network_buffer" or "convex_hull".
const char* outline_method_name(OutlineMethod method) noexcept;

}  // namespace equalis::network

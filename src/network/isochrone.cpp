#include "network/isochrone.hpp"

#include "core/error.hpp"
#include "network/matrix.hpp"

#include <cpl_error.h>
#include <fmt/format.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>

namespace equalis::network {

namespace {

// Silences GDAL's default handler (the library never prints) and keeps the last failure message.
class QuietGdalErrors {
 public:
  QuietGdalErrors() {
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
  }
  QuietGdalErrors(const QuietGdalErrors&) = delete;
  QuietGdalErrors& operator=(const QuietGdalErrors&) = delete;
  QuietGdalErrors(QuietGdalErrors&&) = delete;
  QuietGdalErrors& operator=(QuietGdalErrors&&) = delete;
  ~QuietGdalErrors() { CPLPopErrorHandler(); }
  [[nodiscard]] static std::string last(const char* fallback) {
    const char* message = CPLGetLastErrorMsg();
    return (message != nullptr && *message != '\0') ? std::string(message) : std::string(fallback);
  }
};

// Azimuthal equidistant projection on the module's sphere (R = kEarthRadiusM, the radius of the
// haversine lengths) centred on the isochrone origin: distances from the origin are exact and the
// scale error at 50 km from it is below 0.01 %, so a buffer in metres means metres.
class LocalProjection {
 public:
  LocalProjection(double lon0, double lat0) {
    const std::string geographic = fmt::format("+proj=longlat +R={} +no_defs", kEarthRadiusM);
    const std::string planar = fmt::format(
        "+proj=aeqd +lat_0={:.12f} +lon_0={:.12f} +x_0=0 +y_0=0 +R={} "
        "+units=m +no_defs",
        lat0, lon0, kEarthRadiusM);
    OGRSpatialReference lonlat;
    OGRSpatialReference metric;
    if (lonlat.importFromProj4(geographic.c_str()) != OGRERR_NONE ||
        metric.importFromProj4(planar.c_str()) != OGRERR_NONE) {
      throw Error(
          ErrorCode::Internal,
          "PROJ rejected the local projection of the isochrone: " + QuietGdalErrors::last("no reason given"),
          "check the GDAL/PROJ installation (proj-data), or use the convex-hull outline");
    }
    lonlat.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    metric.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    forward_.reset(OGRCreateCoordinateTransformation(&lonlat, &metric));
    inverse_.reset(OGRCreateCoordinateTransformation(&metric, &lonlat));
    if (!forward_ || !inverse_) {
      throw Error(ErrorCode::Internal,
                  "PROJ could not build the local projection of the isochrone: " +
                      QuietGdalErrors::last("no reason given"),
                  "check the GDAL/PROJ installation (proj-data), or use the convex-hull outline");
    }
  }

  // In place, x = lon / y = lat <-> metres.
  void to_metres(std::vector<double>& x, std::vector<double>& y) const { run(*forward_, x, y); }
  void to_degrees(std::vector<double>& x, std::vector<double>& y) const { run(*inverse_, x, y); }

 private:
  static void run(OGRCoordinateTransformation& transform, std::vector<double>& x, std::vector<double>& y) {
    if (x.empty()) return;
    if (x.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
        !transform.Transform(static_cast<int>(x.size()), x.data(), y.data())) {
      throw Error(
          ErrorCode::Internal,
          "PROJ failed to transform isochrone coordinates: " + QuietGdalErrors::last("no reason given"),
          "report this with the graph and the origin");
    }
  }
  struct Destroy {
    void operator()(OGRCoordinateTransformation* t) const noexcept {
      OGRCoordinateTransformation::DestroyCT(t);
    }
  };
  std::unique_ptr<OGRCoordinateTransformation, Destroy> forward_;
  std::unique_ptr<OGRCoordinateTransformation, Destroy> inverse_;
};

struct GeometryDeleter {
  void operator()(OGRGeometry* g) const noexcept { OGRGeometryFactory::destroyGeometry(g); }
};
using GeometryPtr = std::unique_ptr<OGRGeometry, GeometryDeleter>;

// Twice the signed area (shoelace); positive for a counter-clockwise ring.
double twice_signed_area(const std::vector<double>& x, const std::vector<double>& y, std::size_t begin,
                         std::size_t end) {
  double sum = 0.0;
  for (std::size_t i = begin; i < end; ++i) {
    const std::size_t j = (i + 1 == end) ? begin : i + 1;
    sum += x[i] * y[j] - x[j] * y[i];
  }
  return sum;
}

// Rings in metres -> a polygon in degrees with RFC 7946 orientation; adds the planar area.
struct PlanarRing {
  std::vector<double> x;
  std::vector<double> y;  // closed
};

geo::Polygon to_outline_polygon(std::vector<PlanarRing> rings, const LocalProjection& projection,
                                double& area_m2) {
  geo::Polygon polygon;
  for (std::size_t r = 0; r < rings.size(); ++r) {
    PlanarRing& ring = rings[r];
    const double doubled = twice_signed_area(ring.x, ring.y, 0, ring.x.size());
    const bool exterior = r == 0;
    area_m2 += (exterior ? 0.5 : -0.5) * std::abs(doubled);
    if ((doubled > 0.0) != exterior) {  // exterior counter-clockwise, holes clockwise
      std::reverse(ring.x.begin(), ring.x.end());
      std::reverse(ring.y.begin(), ring.y.end());
    }
    projection.to_degrees(ring.x, ring.y);
    geo::Ring out(ring.x.size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = {ring.x[i], ring.y[i]};
    if (!out.empty()) out.back() = out.front();  // exactly closed after the round trip
    polygon.rings.push_back(std::move(out));
  }
  return polygon;
}

PlanarRing planar_ring(const OGRLinearRing& ring) {
  PlanarRing out;
  const int n = ring.getNumPoints();
  out.x.reserve(static_cast<std::size_t>(n));
  out.y.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    out.x.push_back(ring.getX(i));
    out.y.push_back(ring.getY(i));
  }
  return out;
}

void append_polygon(const OGRPolygon& polygon, const LocalProjection& projection, IsochroneOutline& outline) {
  if (polygon.IsEmpty()) return;
  std::vector<PlanarRing> rings;
  rings.push_back(planar_ring(*polygon.getExteriorRing()));
  for (int i = 0; i < polygon.getNumInteriorRings(); ++i)
    rings.push_back(planar_ring(*polygon.getInteriorRing(i)));
  outline.polygons.push_back(to_outline_polygon(std::move(rings), projection, outline.area_m2));
}

// The reached segments in metres, joined into polylines through nodes where exactly two of them meet
// (fewer, longer lines make fewer buffers to merge). The far end of a partial segment is a point of its
// own. Without segments: the origin alone, as a one-point line.
std::vector<std::vector<std::array<double, 2>>> reached_polylines(const Graph& graph, NodeId origin,
                                                                  const std::vector<ReachedSegment>& segments,
                                                                  const LocalProjection& projection) {
  // End points: graph nodes get one key each (first come, first numbered); partial ends their own.
  std::unordered_map<NodeId, std::uint32_t> key_of_node;
  std::vector<NodeId> node_of_key;
  auto node_key = [&](NodeId node) {
    const auto [it, added] = key_of_node.try_emplace(node, static_cast<std::uint32_t>(node_of_key.size()));
    if (added) node_of_key.push_back(node);
    return it->second;
  };
  std::vector<std::array<std::uint32_t, 2>> ends(segments.size());
  for (std::size_t k = 0; k < segments.size(); ++k) {
    ends[k][0] = node_key(segments[k].from);
    if (segments[k].fraction >= 1.0) ends[k][1] = node_key(segments[k].to);
  }
  const auto node_keys = static_cast<std::uint32_t>(node_of_key.size());
  std::vector<double> x(node_keys);
  std::vector<double> y(node_keys);
  for (std::uint32_t key = 0; key < node_keys; ++key) {
    x[key] = graph.lon[node_of_key[key]];
    y[key] = graph.lat[node_of_key[key]];
  }
  // Heads of the partial segments, projected too, to interpolate in metres.
  std::vector<std::size_t> partial;
  for (std::size_t k = 0; k < segments.size(); ++k) {
    if (segments[k].fraction < 1.0) {
      partial.push_back(k);
      x.push_back(graph.lon[segments[k].to]);
      y.push_back(graph.lat[segments[k].to]);
    }
  }
  if (segments.empty()) {
    x.push_back(graph.lon[origin]);
    y.push_back(graph.lat[origin]);
  }
  projection.to_metres(x, y);
  if (segments.empty()) return {{{x[0], y[0]}}};
  for (std::size_t p = 0; p < partial.size(); ++p) {
    const std::size_t k = partial[p];
    const std::uint32_t tail = ends[k][0];
    const double f = segments[k].fraction;
    const std::size_t head = node_keys + p;
    x[head] = x[tail] + f * (x[head] - x[tail]);
    y[head] = y[tail] + f * (y[head] - y[tail]);
    ends[k][1] = static_cast<std::uint32_t>(head);
  }
  // Incidence lists (CSR) of segments per end point.
  const std::size_t key_count = x.size();
  std::vector<std::uint32_t> first(key_count + 1, 0);
  for (const auto& e : ends) {
    ++first[e[0] + 1];
    ++first[e[1] + 1];
  }
  for (std::size_t key = 0; key < key_count; ++key) first[key + 1] += first[key];
  std::vector<std::uint32_t> incident(first.back());
  std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
  for (std::uint32_t k = 0; k < ends.size(); ++k) {
    incident[fill[ends[k][0]]++] = k;
    incident[fill[ends[k][1]]++] = k;
  }
  auto degree = [&](std::uint32_t key) { return first[key + 1] - first[key]; };
  std::vector<bool> used(segments.size(), false);
  std::vector<std::vector<std::array<double, 2>>> lines;
  // Walks from `start` along segment k, through nodes of degree 2, until a junction, an end or a used
  // segment (closing a cycle).
  auto walk = [&](std::uint32_t start, std::uint32_t k) {
    std::vector<std::array<double, 2>> line{{x[start], y[start]}};
    std::uint32_t at = start;
    while (true) {
      used[k] = true;
      at = ends[k][0] == at ? ends[k][1] : ends[k][0];
      line.push_back({x[at], y[at]});
      if (degree(at) != 2) break;
      const std::uint32_t a = incident[first[at]];
      const std::uint32_t b = incident[first[at] + 1];
      const std::uint32_t next = a == k ? b : a;
      if (used[next]) break;
      k = next;
    }
    lines.push_back(std::move(line));
  };
  for (std::uint32_t key = 0; key < key_count; ++key) {
    if (degree(key) == 2) continue;
    for (std::uint32_t i = first[key]; i < first[key + 1]; ++i) {
      if (!used[incident[i]]) walk(key, incident[i]);
    }
  }
  for (std::uint32_t k = 0; k < segments.size(); ++k) {  // what is left lies on cycles of degree-2 nodes
    if (!used[k]) walk(ends[k][0], k);
  }
  return lines;
}

IsochroneOutline network_outline(const Graph& graph, NodeId origin,
                                 const std::vector<ReachedSegment>& segments, double buffer_m) {
  const QuietGdalErrors quiet;
  if (!OGRGeometryFactory::haveGEOS()) {
    throw Error(
        ErrorCode::Unsupported, "this GDAL was built without GEOS, which the network outline needs",
        "install a GDAL built with GEOS (Debian's is), or use the convex-hull outline (`outline` hull)");
  }
  const LocalProjection projection(graph.lon[origin], graph.lat[origin]);
  const std::vector<std::vector<std::array<double, 2>>> lines =
      reached_polylines(graph, origin, segments, projection);
  // Each polyline is buffered on its own (a simple shape, fast), then the buffers are merged by a
  // cascaded union. Buffering the whole multi-line string in one GEOS call gives the same polygon but
  // was about 100 times slower on Monaco (GEOS nodes all offset curves against each other at once).
  // 8 segments per quarter circle: the polygonal arcs lie at most 0.5 % of the buffer distance inside the
  // circle (r (1 - cos(pi/32))).
  constexpr int kQuadrantSegments = 8;
  auto buffers = std::make_unique<OGRMultiPolygon>();
  for (const auto& points : lines) {
    GeometryPtr buffer;
    if (points.size() == 1) {
      const OGRPoint point(points[0][0], points[0][1]);
      buffer.reset(point.Buffer(buffer_m, kQuadrantSegments));
    } else {
      OGRLineString line;
      line.setNumPoints(static_cast<int>(points.size()), FALSE);
      for (std::size_t i = 0; i < points.size(); ++i)
        line.setPoint(static_cast<int>(i), points[i][0], points[i][1]);
      buffer.reset(line.Buffer(buffer_m, kQuadrantSegments));
    }
    if (!buffer) {
      throw Error(ErrorCode::Internal,
                  "GEOS failed to buffer the reachable network: " + QuietGdalErrors::last("no reason given"),
                  "try another `buffer`, or use the convex-hull outline (`outline` hull)");
    }
    const OGRwkbGeometryType type = wkbFlatten(buffer->getGeometryType());
    if (type == wkbPolygon) {
      buffers->addGeometryDirectly(buffer.release());
    } else if (type == wkbMultiPolygon) {
      for (const OGRPolygon* part : *buffer->toMultiPolygon()) buffers->addGeometry(part);
    }
  }
  const GeometryPtr buffered(buffers->getNumGeometries() == 1 ? buffers->clone() : buffers->UnionCascaded());
  if (!buffered) {
    throw Error(ErrorCode::Internal,
                "GEOS failed to merge the buffered network: " + QuietGdalErrors::last("no reason given"),
                "try another `buffer`, or use the convex-hull outline (`outline` hull)");
  }
  IsochroneOutline outline;
  outline.method = OutlineMethod::NetworkBuffer;
  outline.buffer_m = buffer_m;
  const OGRwkbGeometryType type = wkbFlatten(buffered->getGeometryType());
  if (type == wkbPolygon) {
    append_polygon(*buffered->toPolygon(), projection, outline);
  } else if (type == wkbMultiPolygon) {
    for (const OGRPolygon* part : *buffered->toMultiPolygon()) append_polygon(*part, projection, outline);
  } else {
    throw Error(ErrorCode::Internal,
                fmt::format("GEOS returned a {} for the buffered network", OGRGeometryTypeToName(type)),
                "report this with the graph and the origin");
  }
  return outline;
}

IsochroneOutline hull_outline(const Graph& graph, NodeId origin, const std::vector<NodeId>& nodes) {
  std::vector<std::array<double, 2>> points;
  points.reserve(nodes.size());
  for (const NodeId node : nodes) points.push_back({graph.lon[node], graph.lat[node]});
  const std::vector<std::array<double, 2>> hull = convex_hull(std::move(points));
  IsochroneOutline outline;
  outline.method = OutlineMethod::ConvexHull;
  if (hull.size() < 3) return outline;
  const QuietGdalErrors quiet;
  const LocalProjection projection(graph.lon[origin], graph.lat[origin]);
  PlanarRing ring;
  for (const auto& p : hull) {
    ring.x.push_back(p[0]);
    ring.y.push_back(p[1]);
  }
  ring.x.push_back(hull.front()[0]);
  ring.y.push_back(hull.front()[1]);
  projection.to_metres(ring.x, ring.y);
  std::vector<PlanarRing> rings;
  rings.push_back(std::move(ring));
  outline.polygons.push_back(to_outline_polygon(std::move(rings), projection, outline.area_m2));
  geo::Ring& exterior = outline.polygons.back().rings.front();
  exterior.clear();  // the exact input points, not a projection round trip
  for (const auto& p : hull) exterior.push_back({p[0], p[1]});
  exterior.push_back(exterior.front());
  return outline;
}

// Travel time of the arc tail -> head, or nullptr if there is none.
const TravelTimeMs* find_arc(const Graph& graph, NodeId tail, NodeId head) {
  for (std::uint32_t a = graph.first_out[tail]; a < graph.first_out[tail + 1]; ++a) {
    if (graph.head[a] == head) return &graph.travel_time[a];
  }
  return nullptr;
}

double reach_fraction(TravelTimeMs from_time, TravelTimeMs arc_time, TravelTimeMs max_time) {
  if (from_time > max_time) return 0.0;
  if (arc_time == 0 || max_time - from_time >= arc_time) return 1.0;
  return static_cast<double>(max_time - from_time) / static_cast<double>(arc_time);
}

}  // namespace

std::vector<ReachedSegment> reachable_segments(const Graph& graph, const std::vector<TravelTimeMs>& distance,
                                               TravelTimeMs max_time) {
  std::vector<ReachedSegment> segments;
  for (NodeId u = 0; u < graph.node_count(); ++u) {
    if (distance[u] > max_time) continue;
    for (std::uint32_t a = graph.first_out[u]; a < graph.first_out[u + 1]; ++a) {
      const NodeId v = graph.head[a];
      const double forward = reach_fraction(distance[u], graph.travel_time[a], max_time);
      if (forward <= 0.0) continue;
      const TravelTimeMs* back_time = find_arc(graph, v, u);
      const double backward = back_time ? reach_fraction(distance[v], *back_time, max_time) : 0.0;
      if (backward <= 0.0) {
        segments.push_back({u, v, forward});
      } else if (u < v) {  // the pair is seen twice; handle it from the smaller id
        if (forward + backward >= 1.0) {
          segments.push_back({u, v, 1.0});
        } else {
          segments.push_back({u, v, forward});
          segments.push_back({v, u, backward});
        }
      }
    }
  }
  return segments;
}

Isochrone compute_isochrone(const Graph& graph, NodeId origin, TravelTimeMs max_time,
                            const IsochroneOptions& options) {
  if (origin >= graph.node_count()) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("isochrone origin {} is not a node of the graph ({} nodes)", origin, graph.node_count()),
        "snap the origin to the graph first");
  }
  if (options.outline == OutlineMethod::NetworkBuffer &&
      !(options.buffer_m > 0.0 && std::isfinite(options.buffer_m))) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("isochrone buffer must be a positive number of metres, got {}", options.buffer_m),
                "use e.g. `buffer` 100");
  }
  const std::vector<TravelTimeMs> distance = dijkstra_one_to_all(graph, origin, max_time);
  Isochrone result;
  for (NodeId node = 0; node < distance.size(); ++node) {
    if (distance[node] <= max_time) result.nodes.push_back(node);
  }
  std::stable_sort(result.nodes.begin(), result.nodes.end(),
                   [&](NodeId a, NodeId b) { return distance[a] < distance[b]; });
  result.time.reserve(result.nodes.size());
  for (const NodeId node : result.nodes) result.time.push_back(distance[node]);
  result.segments = reachable_segments(graph, distance, max_time);
  result.outline = options.outline == OutlineMethod::ConvexHull
                       ? hull_outline(graph, origin, result.nodes)
                       : network_outline(graph, origin, result.segments, options.buffer_m);
  return result;
}

bool outline_contains(const IsochroneOutline& outline, double lon, double lat) noexcept {
  bool inside = false;
  for (const geo::Polygon& polygon : outline.polygons) {
    for (const geo::Ring& ring : polygon.rings) {
      for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {  // crossing number
        const geo::Point& a = ring[i];
        const geo::Point& b = ring[j];
        if ((a.y > lat) != (b.y > lat) && lon < (b.x - a.x) * (lat - a.y) / (b.y - a.y) + a.x) {
          inside = !inside;
        }
      }
    }
  }
  return inside;
}

const char* outline_method_name(OutlineMethod method) noexcept {
  return method == OutlineMethod::ConvexHull ? "convex_hull" : "network_buffer";
}

std::vector<std::array<double, 2>> convex_hull(std::vector<std::array<double, 2>> points) {
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  if (points.size() < 3) return points;
  auto cross = [](const std::array<double, 2>& o, const std::array<double, 2>& a,
                  const std::array<double, 2>& b) {
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  };
  std::vector<std::array<double, 2>> hull(2 * points.size());
  std::size_t k = 0;
  for (const auto& p : points) {  // lower hull
    while (k >= 2 && cross(hull[k - 2], hull[k - 1], p) <= 0.0) --k;
    hull[k++] = p;
  }
  const std::size_t lower = k + 1;
  for (std::size_t i = points.size() - 1; i-- > 0;) {  // upper hull
    while (k >= lower && cross(hull[k - 2], hull[k - 1], points[i]) <= 0.0) --k;
    hull[k++] = points[i];
  }
  hull.resize(k - 1);  // the last point repeats the first
  return hull;
}

}  // namespace equalis::network

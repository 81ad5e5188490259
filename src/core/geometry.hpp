#pragma once
// The one geometry every module shares: points, rings and polygons in plain (x, y) coordinates — WGS84
// longitude/latitude degrees wherever a module says so (zones, isochrone outlines), the layer's own units
// where it reads a file as it is. Polygons are what a vector file holds (io::read_features), what an
// isochrone outline is (network) and what contiguity weights read (measure); the operations on them that
// need no GDAL live here too.

#include <optional>
#include <vector>

namespace equalis::geo {

struct Point {
  double x = 0.0;  // longitude in degrees for lon/lat data, else the layer's units
  double y = 0.0;
  friend bool operator==(const Point&, const Point&) = default;
};

// A ring closed as GeoJSON and GDAL close them: first point == last point.
using Ring = std::vector<Point>;

// rings[0] is the exterior ring, the others are holes.
struct Polygon {
  std::vector<Ring> rings;
};

// Area-weighted centroid of polygons with holes (shoelace formula). nullopt if the total area is zero.
[[nodiscard]] std::optional<Point> polygon_centroid(const std::vector<Polygon>& polygons);

// True if `point` lies inside one of the polygons (even-odd rule over each polygon's rings, so holes are
// outside). Points exactly on an edge may go either way.
[[nodiscard]] bool inside_polygons(const Point& point, const std::vector<Polygon>& polygons);

// A point certainly inside the largest polygon: the middle of the widest span that a horizontal line
// through the polygon's middle (nudged off every vertex) cuts out of it. nullopt if no polygon has area.
[[nodiscard]] std::optional<Point> point_on_surface(const std::vector<Polygon>& polygons);

// Where a polygonal zone is, for routing: its area-weighted centroid, or, when that falls outside the
// polygons (a concave or crescent-shaped zone, a multipolygon's parts apart), a point on the surface.
struct ZonePoint {
  Point point;
  bool on_surface = false;  // true: the centroid was outside and point_on_surface was taken
};
[[nodiscard]] std::optional<ZonePoint> zone_point(const std::vector<Polygon>& polygons);

}  // namespace equalis::geo

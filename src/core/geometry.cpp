#include "core/geometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace equalis::geo {

// Area-weighted centroid: the standard shoelace moments, each ring taken with its absolute area
// (exterior added, holes subtracted) so the result does not depend on ring orientation.
std::optional<Point> polygon_centroid(const std::vector<Polygon>& polygons) {
  const Point* origin = nullptr;
  for (const auto& polygon : polygons) {
    if (!polygon.rings.empty() && !polygon.rings[0].empty()) {
      origin = &polygon.rings[0][0];
      break;
    }
  }
  if (origin == nullptr) return std::nullopt;
  // Coordinates are shifted to the first vertex so large offsets (projected metres) do not cancel.
  const double x0 = origin->x;
  const double y0 = origin->y;
  double area = 0.0;
  double moment_x = 0.0;
  double moment_y = 0.0;
  for (const auto& polygon : polygons) {
    for (std::size_t ring_idx = 0; ring_idx < polygon.rings.size(); ++ring_idx) {
      const Ring& ring = polygon.rings[ring_idx];
      double ring_area2 = 0.0;  // twice the signed area
      double ring_mx = 0.0;
      double ring_my = 0.0;
      for (std::size_t point_idx = 0; point_idx < ring.size(); ++point_idx) {
        const Point& a = ring[point_idx];
        const Point& b = ring[(point_idx + 1) % ring.size()];
        const double ax = a.x - x0;
        const double ay = a.y - y0;
        const double bx = b.x - x0;
        const double by = b.y - y0;
        const double cross = ax * by - bx * ay;
        ring_area2 += cross;
        ring_mx += (ax + bx) * cross;
        ring_my += (ay + by) * cross;
      }
      const double orientation = ring_area2 < 0.0 ? -1.0 : 1.0;
      const double sign = ring_idx == 0 ? 1.0 : -1.0;
      area += sign * orientation * ring_area2 / 2.0;
      moment_x += sign * orientation * ring_mx / 6.0;
      moment_y += sign * orientation * ring_my / 6.0;
    }
  }
  if (!(std::abs(area) > 0.0) || !std::isfinite(area)) return std::nullopt;
  return Point{x0 + moment_x / area, y0 + moment_y / area};
}

namespace {

// Where the edges of `rings` cross the horizontal line at `y`, unsorted.
std::vector<double> crossings(const std::vector<Ring>& rings, double y) {
  std::vector<double> xs;
  for (const auto& ring : rings) {
    for (std::size_t point_idx = 0; point_idx < ring.size(); ++point_idx) {
      const Point& a = ring[point_idx];
      const Point& b = ring[(point_idx + 1) % ring.size()];
      if ((a.y < y) != (b.y < y)) xs.push_back(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
    }
  }
  return xs;
}

double absolute_area(const Polygon& polygon) {
  double area = 0.0;
  for (std::size_t ring_idx = 0; ring_idx < polygon.rings.size(); ++ring_idx) {
    const Ring& ring = polygon.rings[ring_idx];
    double twice = 0.0;
    for (std::size_t point_idx = 0; point_idx < ring.size(); ++point_idx) {
      const Point& a = ring[point_idx];
      const Point& b = ring[(point_idx + 1) % ring.size()];
      twice += (a.x - ring[0].x) * (b.y - ring[0].y) - (b.x - ring[0].x) * (a.y - ring[0].y);
    }
    area += (ring_idx == 0 ? 0.5 : -0.5) * std::abs(twice);
  }
  return area;
}

}  // namespace

bool inside_polygons(const Point& point, const std::vector<Polygon>& polygons) {
  for (const auto& polygon : polygons) {
    std::size_t left = 0;  // crossings left of the point: odd means inside (even-odd rule)
    for (const double x : crossings(polygon.rings, point.y)) left += x < point.x ? 1U : 0U;
    if (left % 2 == 1) return true;
  }
  return false;
}

std::optional<Point> point_on_surface(const std::vector<Polygon>& polygons) {
  const Polygon* largest = nullptr;
  double largest_area = 0.0;
  for (const auto& polygon : polygons) {
    if (polygon.rings.empty()) continue;
    const double area = absolute_area(polygon);
    if (area > largest_area) {
      largest_area = area;
      largest = &polygon;
    }
  }
  if (largest == nullptr) return std::nullopt;
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (const auto& point : largest->rings[0]) {
    low = std::min(low, point.y);
    high = std::max(high, point.y);
  }
  // A line through a vertex could count it twice: take the middle between the vertex heights nearest the
  // polygon's middle height, below and above (there is a gap: the polygon has area).
  const double middle = (low + high) / 2.0;
  double below = low;
  double above = high;
  for (const auto& ring : largest->rings) {
    for (const auto& point : ring) {
      if (point.y <= middle) below = std::max(below, point.y);
      if (point.y > middle) above = std::min(above, point.y);
    }
  }
  const double y = (below + above) / 2.0;
  std::vector<double> xs = crossings(largest->rings, y);
  std::sort(xs.begin(), xs.end());
  std::optional<Point> best;
  double widest = -1.0;
  for (std::size_t at = 0; at + 1 < xs.size(); at += 2) {  // inside between each pair of crossings
    if (xs[at + 1] - xs[at] > widest) {
      widest = xs[at + 1] - xs[at];
      best = Point{(xs[at] + xs[at + 1]) / 2.0, y};
    }
  }
  return best;
}

std::optional<ZonePoint> zone_point(const std::vector<Polygon>& polygons) {
  const auto centroid = polygon_centroid(polygons);
  if (!centroid) return std::nullopt;
  if (inside_polygons(*centroid, polygons)) return ZonePoint{*centroid, false};
  const auto surface = point_on_surface(polygons);
  if (!surface) return ZonePoint{*centroid, false};
  return ZonePoint{*surface, true};
}

}  // namespace equalis::geo

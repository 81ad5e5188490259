#pragma once
// GeoJSON coordinates of the shared geometry (core/geometry.hpp), for every document that draws a
// polygon: isochrone outlines, access and study zones. Internal to src/report.

#include "core/geometry.hpp"

#include <nlohmann/json.hpp>

namespace equalis::report::detail {

// [[x, y], …] in the ring's order (rings are stored closed, as GeoJSON wants them).
inline nlohmann::ordered_json ring_coordinates(const geo::Ring& ring) {
  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  for (const geo::Point& point : ring) points.push_back({point.x, point.y});
  return points;
}

// A Polygon's "coordinates": its exterior ring, then its holes.
inline nlohmann::ordered_json polygon_coordinates(const geo::Polygon& polygon) {
  nlohmann::ordered_json rings = nlohmann::ordered_json::array();
  for (const geo::Ring& ring : polygon.rings) rings.push_back(ring_coordinates(ring));
  return rings;
}

}  // namespace equalis::report::detail

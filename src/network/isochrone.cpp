#include "network/isochrone.hpp"

#include "network/matrix.hpp"

#include <algorithm>
#include <numeric>

namespace equalis::network {

Isochrone compute_isochrone(const Graph& graph, NodeId origin, TravelTimeMs max_time) {
  const std::vector<TravelTimeMs> distance = dijkstra_one_to_all(graph, origin, max_time);
  Isochrone result;
  for (NodeId node = 0; node < distance.size(); ++node) {
    if (distance[node] <= max_time) result.nodes.push_back(node);
  }
  std::stable_sort(result.nodes.begin(), result.nodes.end(),
                   [&](NodeId a, NodeId b) { return distance[a] < distance[b]; });
  std::vector<std::array<double, 2>> points;
  points.reserve(result.nodes.size());
  for (const NodeId node : result.nodes) {
    result.time.push_back(distance[node]);
    points.push_back({graph.lon[node], graph.lat[node]});
  }
  result.outline = convex_hull(std::move(points));
  return result;
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

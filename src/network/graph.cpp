#include "network/graph.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace equalis::network {

double haversine_m(double lon1, double lat1, double lon2, double lat2) noexcept {
  constexpr double kRad = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double s_lat = std::sin(dlat / 2.0);
  const double s_lon = std::sin(dlon / 2.0);
  const double a = s_lat * s_lat + std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * s_lon * s_lon;
  return 2.0 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

Graph graph_from_arcs(std::size_t node_count, std::vector<Arc> arcs) {
  if (arcs.size() >= std::numeric_limits<std::uint32_t>::max() ||
      node_count >= std::numeric_limits<NodeId>::max()) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("graph too large: {} nodes, {} arcs (limit 2^32 - 1)", node_count, arcs.size()),
                "cut the extract into smaller regions");
  }
  for (const Arc& arc : arcs) {
    if (arc.tail >= node_count || arc.head >= node_count) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("arc {} -> {} names a node outside 0..{}", arc.tail, arc.head, node_count),
                  "number nodes densely from 0");
    }
  }
  std::erase_if(arcs, [](const Arc& arc) { return arc.tail == arc.head; });
  std::sort(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) {
    return a.tail != b.tail ? a.tail < b.tail : a.head != b.head ? a.head < b.head : a.time < b.time;
  });
  // After the sort the fastest of each run of parallel arcs comes first.
  arcs.erase(std::unique(arcs.begin(), arcs.end(),
                         [](const Arc& a, const Arc& b) { return a.tail == b.tail && a.head == b.head; }),
             arcs.end());
  Graph graph;
  graph.first_out.assign(node_count + 1, 0);
  graph.head.reserve(arcs.size());
  graph.travel_time.reserve(arcs.size());
  for (const Arc& arc : arcs) {
    ++graph.first_out[arc.tail + 1];
    graph.head.push_back(arc.head);
    graph.travel_time.push_back(arc.time);
  }
  for (std::size_t node = 0; node < node_count; ++node) graph.first_out[node + 1] += graph.first_out[node];
  return graph;
}

Components strongly_connected_components(const Graph& graph) {
  // Tarjan (1972), "Depth-first search and linear graph algorithms", with an explicit stack of
  // (node, next arc) frames so that 250k-node graphs cannot overflow the call stack.
  constexpr std::uint32_t kUnvisited = std::numeric_limits<std::uint32_t>::max();
  const std::size_t n = graph.node_count();
  std::vector<std::uint32_t> index(n, kUnvisited);
  std::vector<std::uint32_t> low(n, 0);
  std::vector<char> on_stack(n, 0);
  std::vector<NodeId> stack;
  struct Frame {
    NodeId node;
    std::uint32_t next_arc;
  };
  std::vector<Frame> frames;
  Components result;
  result.component.assign(n, 0);
  std::uint32_t counter = 0;
  auto visit = [&](NodeId node) {
    index[node] = low[node] = counter++;
    stack.push_back(node);
    on_stack[node] = 1;
    frames.push_back({node, graph.first_out[node]});
  };
  for (NodeId root = 0; root < n; ++root) {
    if (index[root] != kUnvisited) continue;
    visit(root);
    while (!frames.empty()) {
      const NodeId node = frames.back().node;
      const std::uint32_t arc = frames.back().next_arc;
      if (arc < graph.first_out[node + 1]) {
        ++frames.back().next_arc;
        const NodeId next = graph.head[arc];
        if (index[next] == kUnvisited) {
          visit(next);
        } else if (on_stack[next] != 0) {
          low[node] = std::min(low[node], index[next]);
        }
        continue;
      }
      if (low[node] == index[node]) {
        NodeId member = 0;
        do {
          member = stack.back();
          stack.pop_back();
          on_stack[member] = 0;
          result.component[member] = result.count;
        } while (member != node);
        ++result.count;
      }
      frames.pop_back();
      if (!frames.empty()) {
        const NodeId parent = frames.back().node;
        low[parent] = std::min(low[parent], low[node]);
      }
    }
  }
  return result;
}

ComponentReport keep_largest_strongly_connected_component(Graph& graph) {
  ComponentReport report;
  report.nodes_before = graph.node_count();
  report.arcs_before = graph.arc_count();
  const Components components = strongly_connected_components(graph);
  report.components = components.count;
  if (components.count <= 1) {
    report.nodes_kept = report.nodes_before;
    report.arcs_kept = report.arcs_before;
    return report;
  }
  std::vector<std::size_t> size(components.count, 0);
  for (const std::uint32_t c : components.component) ++size[c];
  // Largest size; among equals the component of the lowest node id (first seen in node order).
  std::uint32_t best = components.component[0];
  for (NodeId node = 0; node < graph.node_count(); ++node) {
    const std::uint32_t c = components.component[node];
    if (size[c] > size[best]) best = c;
  }
  std::vector<NodeId> new_id(graph.node_count(), kInvalidNode);
  NodeId kept = 0;
  for (NodeId node = 0; node < graph.node_count(); ++node) {
    if (components.component[node] == best) new_id[node] = kept++;
  }
  Graph out;
  out.profile = graph.profile;
  out.first_out.reserve(kept + std::size_t{1});
  out.first_out.push_back(0);
  for (NodeId node = 0; node < graph.node_count(); ++node) {
    if (new_id[node] == kInvalidNode) continue;
    for (std::uint32_t arc = graph.first_out[node]; arc < graph.first_out[node + 1]; ++arc) {
      // Arcs out of a strongly connected component cannot come back, so an arc from a kept node to a
      // dropped one is simply cut.
      const NodeId target = new_id[graph.head[arc]];
      if (target == kInvalidNode) continue;
      out.head.push_back(target);
      out.travel_time.push_back(graph.travel_time[arc]);
    }
    out.first_out.push_back(static_cast<std::uint32_t>(out.head.size()));
    if (!graph.lon.empty()) out.lon.push_back(graph.lon[node]);
    if (!graph.lat.empty()) out.lat.push_back(graph.lat[node]);
    if (!graph.osm_id.empty()) out.osm_id.push_back(graph.osm_id[node]);
  }
  graph = std::move(out);
  report.nodes_kept = graph.node_count();
  report.arcs_kept = graph.arc_count();
  return report;
}

Graph reverse_graph(const Graph& graph) {
  const std::size_t n = graph.node_count();
  Graph out;
  out.profile = graph.profile;
  out.lon = graph.lon;
  out.lat = graph.lat;
  out.osm_id = graph.osm_id;
  out.first_out.assign(n + 1, 0);
  for (const NodeId target : graph.head) ++out.first_out[target + 1];
  for (std::size_t node = 0; node < n; ++node) out.first_out[node + 1] += out.first_out[node];
  out.head.resize(graph.arc_count());
  out.travel_time.resize(graph.arc_count());
  std::vector<std::uint32_t> cursor(out.first_out.begin(), out.first_out.end() - 1);
  for (NodeId node = 0; node < n; ++node) {
    for (std::uint32_t arc = graph.first_out[node]; arc < graph.first_out[node + 1]; ++arc) {
      const std::uint32_t slot = cursor[graph.head[arc]]++;
      out.head[slot] = node;
      out.travel_time[slot] = graph.travel_time[arc];
    }
  }
  return out;
}

}  // namespace equalis::network

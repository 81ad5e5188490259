#include "network/contraction.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <utility>

namespace equalis::network {

namespace {

struct Edge {
  NodeId other;
  TravelTimeMs time;
};

using Adjacency = std::vector<std::vector<Edge>>;

std::uint32_t saturating_add(std::uint32_t a, std::uint32_t b) {
  const std::uint64_t sum = std::uint64_t{a} + b;
  return sum >= kUnreachable ? kUnreachable - 1 : static_cast<std::uint32_t>(sum);
}

// Dijkstra among the not yet contracted nodes, skipping the node being contracted, bounded both by
// distance and by the number of settled nodes (Geisberger et al. 2008, section 3.1).
class WitnessSearch {
 public:
  explicit WitnessSearch(std::size_t node_count) : distance_(node_count, kUnreachable) {}

  void run(const Adjacency& out, NodeId source, NodeId skip, TravelTimeMs max_distance,
           std::uint32_t settle_limit) {
    reset();
    set(source, 0);
    heap_.push_back({0, source});
    std::uint32_t settled = 0;
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      const auto [d, node] = heap_.back();
      heap_.pop_back();
      if (d != distance_[node]) continue;
      if (d > max_distance || ++settled > settle_limit) break;
      for (const Edge& edge : out[node]) {
        if (edge.other == skip) continue;
        const TravelTimeMs candidate = saturating_add(d, edge.time);
        if (candidate < distance_[edge.other]) {
          set(edge.other, candidate);
          heap_.push_back({candidate, edge.other});
          std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
        }
      }
    }
  }

  // Length of some path found to `node` (kUnreachable if none): any such path is a valid witness.
  [[nodiscard]] TravelTimeMs distance(NodeId node) const { return distance_[node]; }

 private:
  void set(NodeId node, TravelTimeMs d) {
    if (distance_[node] == kUnreachable) touched_.push_back(node);
    distance_[node] = d;
  }
  void reset() {
    for (const NodeId node : touched_) distance_[node] = kUnreachable;
    touched_.clear();
    heap_.clear();
  }
  std::vector<TravelTimeMs> distance_;
  std::vector<NodeId> touched_;
  std::vector<std::pair<TravelTimeMs, NodeId>> heap_;
};

struct Shortcut {
  NodeId from;
  NodeId to;
  TravelTimeMs time;
};

class Contractor {
 public:
  Contractor(const Graph& graph, const ContractionOptions& options)
      : options_(options), out_(graph.node_count()), in_(graph.node_count()) {
    for (NodeId node = 0; node < graph.node_count(); ++node) {
      for (std::uint32_t arc = graph.first_out[node]; arc < graph.first_out[node + 1]; ++arc) {
        out_[node].push_back({graph.head[arc], graph.travel_time[arc]});
        in_[graph.head[arc]].push_back({node, graph.travel_time[arc]});
      }
    }
    deleted_neighbours_.assign(graph.node_count(), 0);
  }

  // Shortcuts needed if `node` were contracted now (appended to `shortcuts` when it is not null).
  std::size_t shortcuts_of(NodeId node, WitnessSearch& search, std::uint32_t settle_limit,
                           std::vector<Shortcut>* shortcuts) const {
    std::size_t count = 0;
    for (const Edge& in_edge : in_[node]) {
      TravelTimeMs max_out = 0;
      bool any = false;
      for (const Edge& out_edge : out_[node]) {
        if (out_edge.other == in_edge.other) continue;
        max_out = std::max(max_out, out_edge.time);
        any = true;
      }
      if (!any) continue;
      search.run(out_, in_edge.other, node, saturating_add(in_edge.time, max_out), settle_limit);
      for (const Edge& out_edge : out_[node]) {
        if (out_edge.other == in_edge.other) continue;
        const TravelTimeMs via = saturating_add(in_edge.time, out_edge.time);
        if (search.distance(out_edge.other) <= via) continue;
        ++count;
        if (shortcuts != nullptr) shortcuts->push_back({in_edge.other, out_edge.other, via});
      }
    }
    return count;
  }

  // Edge difference plus deleted neighbours (Geisberger et al. 2008, section 2.2).
  long long priority(NodeId node, WitnessSearch& search) const {
    const auto added =
        static_cast<long long>(shortcuts_of(node, search, options_.simulation_settle_limit, nullptr));
    const auto removed = static_cast<long long>(in_[node].size() + out_[node].size());
    return added - removed + deleted_neighbours_[node];
  }

  // Contracts `node`: records its remaining arcs as upward/downward arcs, inserts the shortcuts and
  // detaches it. Returns its neighbours, whose priorities change.
  std::vector<NodeId> contract(NodeId node, WitnessSearch& search, std::vector<Arc>& up,
                               std::vector<Arc>& down) {
    shortcuts_.clear();
    shortcuts_of(node, search, options_.witness_settle_limit, &shortcuts_);
    std::vector<NodeId> neighbours;
    for (const Edge& edge : out_[node]) {
      up.push_back({node, edge.other, edge.time});
      neighbours.push_back(edge.other);
      std::erase_if(in_[edge.other], [node](const Edge& e) { return e.other == node; });
    }
    for (const Edge& edge : in_[node]) {
      down.push_back({node, edge.other, edge.time});
      neighbours.push_back(edge.other);
      std::erase_if(out_[edge.other], [node](const Edge& e) { return e.other == node; });
    }
    std::vector<Edge>().swap(out_[node]);
    std::vector<Edge>().swap(in_[node]);
    for (const Shortcut& shortcut : shortcuts_) add_or_improve(shortcut);
    std::sort(neighbours.begin(), neighbours.end());
    neighbours.erase(std::unique(neighbours.begin(), neighbours.end()), neighbours.end());
    for (const NodeId neighbour : neighbours) ++deleted_neighbours_[neighbour];
    return neighbours;
  }

 private:
  void add_or_improve(const Shortcut& shortcut) {
    auto& outs = out_[shortcut.from];
    const auto existing =
        std::find_if(outs.begin(), outs.end(), [&](const Edge& e) { return e.other == shortcut.to; });
    if (existing == outs.end()) {
      outs.push_back({shortcut.to, shortcut.time});
      in_[shortcut.to].push_back({shortcut.from, shortcut.time});
      return;
    }
    if (existing->time <= shortcut.time) return;
    existing->time = shortcut.time;
    for (Edge& e : in_[shortcut.to]) {
      if (e.other == shortcut.from) e.time = shortcut.time;
    }
  }

  const ContractionOptions& options_;
  Adjacency out_;
  Adjacency in_;
  std::vector<long long> deleted_neighbours_;
  std::vector<Shortcut> shortcuts_;
};

// CSR by rank from arcs given in graph node ids (tail = the lower node).
void to_rank_csr(const std::vector<Arc>& arcs, const std::vector<std::uint32_t>& rank, std::size_t n,
                 std::vector<std::uint32_t>& first_out, std::vector<std::uint32_t>& head,
                 std::vector<TravelTimeMs>& time) {
  first_out.assign(n + 1, 0);
  for (const Arc& arc : arcs) ++first_out[rank[arc.tail] + std::size_t{1}];
  for (std::size_t r = 0; r < n; ++r) first_out[r + 1] += first_out[r];
  head.resize(arcs.size());
  time.resize(arcs.size());
  std::vector<std::uint32_t> cursor(first_out.begin(), first_out.end() - 1);
  for (const Arc& arc : arcs) {
    const std::uint32_t slot = cursor[rank[arc.tail]]++;
    head[slot] = rank[arc.head];
    time[slot] = arc.time;
  }
}

}  // namespace

ContractionHierarchy build_contraction_hierarchy(const Graph& graph, const ContractionOptions& options,
                                                 ProgressSink& progress) {
  const std::size_t n = graph.node_count();
  Contractor contractor(graph, options);
  std::vector<long long> priority(n, 0);
  {
    ProgressTask task(progress, "ordering nodes", n);
#pragma omp parallel
    {
      WitnessSearch search(n);
#pragma omp for schedule(dynamic, 256)
      for (long long i = 0; i < static_cast<long long>(n); ++i) {
        priority[static_cast<std::size_t>(i)] = contractor.priority(static_cast<NodeId>(i), search);
        task.tick();
      }
    }
    task.throw_if_stopped();
  }
  using Entry = std::pair<long long, NodeId>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
  for (NodeId node = 0; node < n; ++node) queue.push({priority[node], node});
  std::vector<char> contracted(n, 0);
  ContractionHierarchy ch;
  ch.rank.assign(n, 0);
  std::vector<Arc> up;
  std::vector<Arc> down;
  WitnessSearch search(n);
  ProgressTask task(progress, "contracting", n);
  std::uint32_t next_rank = 0;
  while (!queue.empty()) {
    const auto [p, node] = queue.top();
    queue.pop();
    if (contracted[node] != 0 || p != priority[node]) continue;
    // Lazy update: the priority may have grown since it was queued.
    const long long current = contractor.priority(node, search);
    if (current != p) {
      priority[node] = current;
      if (!queue.empty() && current > queue.top().first) {
        queue.push({current, node});
        continue;
      }
    }
    for (const NodeId neighbour : contractor.contract(node, search, up, down)) {
      priority[neighbour] = contractor.priority(neighbour, search);
      queue.push({priority[neighbour], neighbour});
    }
    contracted[node] = 1;
    ch.rank[node] = next_rank++;
    if (!task.tick()) break;
  }
  task.throw_if_stopped();
  to_rank_csr(up, ch.rank, n, ch.up_first_out, ch.up_head, ch.up_time);
  to_rank_csr(down, ch.rank, n, ch.down_first_out, ch.down_head, ch.down_time);
  return ch;
}

}  // namespace equalis::network

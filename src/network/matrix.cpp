#include "network/matrix.hpp"

#include "core/error.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <functional>
#include <utility>

namespace equalis::network {

namespace {

using HeapEntry = std::pair<TravelTimeMs, NodeId>;

void check_nodes(std::span<const NodeId> nodes, std::size_t node_count, const char* what) {
  for (const NodeId node : nodes) {
    if (node >= node_count) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("{} node {} is not in the graph ({} nodes)", what, node, node_count),
                  "snap points to the graph before routing");
    }
  }
}

// Distance labels reused across searches: only touched entries are reset.
class SearchSpace {
 public:
  explicit SearchSpace(std::size_t n) : distance(n, kUnreachable) {}
  void set(NodeId node, TravelTimeMs d) {
    if (distance[node] == kUnreachable) touched.push_back(node);
    distance[node] = d;
  }
  void reset() {
    for (const NodeId node : touched) distance[node] = kUnreachable;
    touched.clear();
    heap.clear();
  }
  void push(TravelTimeMs d, NodeId node) {
    heap.push_back({d, node});
    std::push_heap(heap.begin(), heap.end(), std::greater<>());
  }
  HeapEntry pop() {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>());
    const HeapEntry top = heap.back();
    heap.pop_back();
    return top;
  }
  std::vector<TravelTimeMs> distance;
  std::vector<NodeId> touched;
  std::vector<HeapEntry> heap;
};

TravelTimeMs add(TravelTimeMs a, TravelTimeMs b) {
  const std::uint64_t sum = std::uint64_t{a} + b;
  return sum >= kUnreachable ? kUnreachable : static_cast<TravelTimeMs>(sum);
}

// Upward Dijkstra in the hierarchy from `start` (a rank) over (first_out, head, time); `visit(node, d)`
// is called for every settled node that is not stalled. Stall-on-demand (Schultes & Sanders 2007): a
// node reached more cheaply through a higher neighbour by an arc of the opposite direction
// (stall_first_out/head/time) cannot lie on a shortest up-down path and is neither visited nor expanded.
template <typename Visit>
void upward_search(SearchSpace& space, std::uint32_t start, TravelTimeMs max_time,
                   const std::vector<std::uint32_t>& first_out, const std::vector<std::uint32_t>& head,
                   const std::vector<TravelTimeMs>& time, const std::vector<std::uint32_t>& stall_first_out,
                   const std::vector<std::uint32_t>& stall_head, const std::vector<TravelTimeMs>& stall_time,
                   Visit&& visit) {
  space.reset();
  space.set(start, 0);
  space.push(0, start);
  while (!space.heap.empty()) {
    const auto [d, node] = space.pop();
    if (d != space.distance[node]) continue;
    if (d > max_time) break;
    bool stalled = false;
    for (std::uint32_t arc = stall_first_out[node]; arc < stall_first_out[node + 1]; ++arc) {
      const TravelTimeMs other = space.distance[stall_head[arc]];
      if (other != kUnreachable && add(other, stall_time[arc]) < d) {
        stalled = true;
        break;
      }
    }
    if (stalled) continue;
    visit(node, d);
    for (std::uint32_t arc = first_out[node]; arc < first_out[node + 1]; ++arc) {
      const TravelTimeMs candidate = add(d, time[arc]);
      if (candidate < space.distance[head[arc]]) {
        space.set(head[arc], candidate);
        space.push(candidate, head[arc]);
      }
    }
  }
}

struct BucketEntry {
  std::uint32_t destination;
  TravelTimeMs time;
};

}  // namespace

std::vector<TravelTimeMs> dijkstra_one_to_all(const Graph& graph, NodeId source, TravelTimeMs max_time) {
  const NodeId sources[] = {source};
  check_nodes(sources, graph.node_count(), "origin");
  std::vector<TravelTimeMs> distance(graph.node_count(), kUnreachable);
  std::vector<HeapEntry> heap;
  distance[source] = 0;
  heap.push_back({0, source});
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>());
    const auto [d, node] = heap.back();
    heap.pop_back();
    if (d != distance[node]) continue;
    for (std::uint32_t arc = graph.first_out[node]; arc < graph.first_out[node + 1]; ++arc) {
      const TravelTimeMs candidate = add(d, graph.travel_time[arc]);
      if (candidate <= max_time && candidate < distance[graph.head[arc]]) {
        distance[graph.head[arc]] = candidate;
        heap.push_back({candidate, graph.head[arc]});
        std::push_heap(heap.begin(), heap.end(), std::greater<>());
      }
    }
  }
  return distance;
}

TravelTimeMatrix dijkstra_matrix(const Graph& graph, std::span<const NodeId> origins,
                                 std::span<const NodeId> destinations, const MatrixOptions& options,
                                 ProgressSink& progress) {
  check_nodes(origins, graph.node_count(), "origin");
  check_nodes(destinations, graph.node_count(), "destination");
  TravelTimeMatrix matrix{origins.size(), destinations.size(),
                          std::vector<TravelTimeMs>(origins.size() * destinations.size(), kUnreachable)};
  ProgressTask task(progress, "Dijkstra", origins.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (long long i = 0; i < static_cast<long long>(origins.size()); ++i) {
    if (task.stopped()) continue;
    const auto row = static_cast<std::size_t>(i);
    const std::vector<TravelTimeMs> distance = dijkstra_one_to_all(graph, origins[row], options.max_time);
    for (std::size_t col = 0; col < destinations.size(); ++col) {
      matrix.time[row * matrix.cols + col] = distance[destinations[col]];
    }
    task.tick();
  }
  task.throw_if_stopped();
  return matrix;
}

TravelTimeMatrix ch_matrix(const ContractionHierarchy& ch, std::span<const NodeId> origins,
                           std::span<const NodeId> destinations, const MatrixOptions& options,
                           ProgressSink& progress) {
  const std::size_t n = ch.node_count();
  check_nodes(origins, n, "origin");
  check_nodes(destinations, n, "destination");
  TravelTimeMatrix matrix{origins.size(), destinations.size(),
                          std::vector<TravelTimeMs>(origins.size() * destinations.size(), kUnreachable)};
  if (origins.empty() || destinations.empty()) return matrix;
  ProgressTask task(progress, "travel-time matrix", origins.size() + destinations.size());
  const int threads = omp_get_max_threads();
  // Phase 1: backward upward searches from every destination fill per-thread bucket entries.
  std::vector<std::vector<std::pair<std::uint32_t, BucketEntry>>> found(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    SearchSpace space(n);
    auto& mine = found[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 4)
    for (long long j = 0; j < static_cast<long long>(destinations.size()); ++j) {
      if (task.stopped()) continue;
      const auto col = static_cast<std::uint32_t>(j);
      upward_search(space, ch.rank[destinations[col]], options.max_time, ch.down_first_out, ch.down_head,
                    ch.down_time, ch.up_first_out, ch.up_head, ch.up_time, [&](NodeId node, TravelTimeMs d) {
                      mine.push_back({node, BucketEntry{col, d}});
                    });
      task.tick();
    }
  }
  task.throw_if_stopped();
  // Buckets as CSR by node (counting sort); the order inside a bucket does not change the minima.
  std::vector<std::uint32_t> bucket_first(n + 1, 0);
  for (const auto& list : found) {
    for (const auto& [node, entry] : list) ++bucket_first[node + std::size_t{1}];
  }
  for (std::size_t node = 0; node < n; ++node) bucket_first[node + 1] += bucket_first[node];
  std::vector<BucketEntry> buckets(bucket_first.back());
  {
    std::vector<std::uint32_t> cursor(bucket_first.begin(), bucket_first.end() - 1);
    for (auto& list : found) {
      for (const auto& [node, entry] : list) buckets[cursor[node]++] = entry;
      std::vector<std::pair<std::uint32_t, BucketEntry>>().swap(list);
    }
  }
  // Phase 2: forward upward searches scan the buckets of the nodes they settle.
#pragma omp parallel num_threads(threads)
  {
    SearchSpace space(n);
#pragma omp for schedule(dynamic, 4)
    for (long long i = 0; i < static_cast<long long>(origins.size()); ++i) {
      if (task.stopped()) continue;
      const auto row = static_cast<std::size_t>(i);
      TravelTimeMs* out = matrix.time.data() + row * matrix.cols;
      upward_search(space, ch.rank[origins[row]], options.max_time, ch.up_first_out, ch.up_head, ch.up_time,
                    ch.down_first_out, ch.down_head, ch.down_time, [&](NodeId node, TravelTimeMs d) {
                      for (std::uint32_t b = bucket_first[node]; b < bucket_first[node + 1]; ++b) {
                        const TravelTimeMs total = add(d, buckets[b].time);
                        if (total <= options.max_time && total < out[buckets[b].destination]) {
                          out[buckets[b].destination] = total;
                        }
                      }
                    });
      task.tick();
    }
  }
  task.throw_if_stopped();
  return matrix;
}

}  // namespace equalis::network

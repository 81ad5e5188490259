#include "network/matrix.hpp"

#include "core/error.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <functional>
#include <numeric>
#include <utility>

namespace equalis::network {

namespace {

using HeapEntry = std::pair<TravelTimeMs, NodeId>;

void check_anchors(std::span<const Anchor> anchors, std::size_t node_count, const char* what) {
  for (const Anchor& anchor : anchors) {
    if (anchor.count == 0 || anchor.count > 2) {
      throw Error(ErrorCode::InvalidInput, fmt::format("{} with {} seeds", what, anchor.count),
                  "snap points to the graph before routing");
    }
    for (std::size_t k = 0; k < anchor.count; ++k) {
      if (anchor.seeds[k].node >= node_count) {
        throw Error(
            ErrorCode::InvalidInput,
            fmt::format("{} node {} is not in the graph ({} nodes)", what, anchor.seeds[k].node, node_count),
            "snap points to the graph before routing");
      }
    }
  }
}

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

// Upward Dijkstra in the hierarchy from the seeds of `from` (graph nodes, started at their offsets) over
// (first_out, head, time); `visit(node, d)` is called for every settled node that is not stalled.
// Stall-on-demand (Schultes & Sanders 2007): a node reached more cheaply through a higher neighbour by an arc
// of the opposite direction (stall_first_out/head/time) cannot lie on a shortest up-down path and is neither
// visited nor expanded.
template <typename Visit>
void upward_search(SearchSpace& space, const Anchor& from, const std::vector<std::uint32_t>& rank,
                   TravelTimeMs max_time, const std::vector<std::uint32_t>& first_out,
                   const std::vector<std::uint32_t>& head, const std::vector<TravelTimeMs>& time,
                   const std::vector<std::uint32_t>& stall_first_out,
                   const std::vector<std::uint32_t>& stall_head, const std::vector<TravelTimeMs>& stall_time,
                   Visit&& visit) {
  space.reset();
  for (std::size_t k = 0; k < from.count; ++k) {
    const std::uint32_t start = rank[from.seeds[k].node];
    const TravelTimeMs d = from.seeds[k].offset;
    if (d > max_time || d >= space.distance[start]) continue;
    space.set(start, d);
    space.push(d, start);
  }
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

namespace {

// Bucket many-to-many, phase 1: backward upward searches from every destination leave (destination,
// time) entries at the nodes they settle, stored by node (CSR by counting sort; the order inside a
// bucket does not change the minima).
struct Buckets {
  std::vector<std::uint32_t> first;  // node_count + 1
  std::vector<BucketEntry> entries;
};

Buckets fill_buckets(const ContractionHierarchy& ch, std::span<const Anchor> destinations,
                     TravelTimeMs max_time, ProgressTask& task) {
  const std::size_t n = ch.node_count();
  const int threads = omp_get_max_threads();
  std::vector<std::vector<std::pair<std::uint32_t, BucketEntry>>> found(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    SearchSpace space(n);
    auto& mine = found[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 4)
    for (long long j = 0; j < static_cast<long long>(destinations.size()); ++j) {
      if (task.stopped()) continue;
      const auto col = static_cast<std::uint32_t>(j);
      upward_search(space, destinations[col], ch.rank, max_time, ch.down_first_out, ch.down_head,
                    ch.down_time, ch.up_first_out, ch.up_head, ch.up_time, [&](NodeId node, TravelTimeMs d) {
                      mine.push_back({node, BucketEntry{col, d}});
                    });
      task.tick();
    }
  }
  task.throw_if_stopped();
  Buckets buckets;
  buckets.first.assign(n + 1, 0);
  for (const auto& list : found) {
    for (const auto& [node, entry] : list) ++buckets.first[node + std::size_t{1}];
  }
  for (std::size_t node = 0; node < n; ++node) buckets.first[node + 1] += buckets.first[node];
  buckets.entries.resize(buckets.first.back());
  std::vector<std::uint32_t> cursor(buckets.first.begin(), buckets.first.end() - 1);
  for (auto& list : found) {
    for (const auto& [node, entry] : list) buckets.entries[cursor[node]++] = entry;
    std::vector<std::pair<std::uint32_t, BucketEntry>>().swap(list);
  }
  return buckets;
}

// Phase 2 for one origin: its forward upward search scans the buckets of the nodes it settles and lowers
// out[destination] (the caller sets the row to kUnreachable first).
void scan_buckets(const ContractionHierarchy& ch, const Buckets& buckets, SearchSpace& space,
                  const Anchor& origin, TravelTimeMs max_time, TravelTimeMs* out) {
  upward_search(space, origin, ch.rank, max_time, ch.up_first_out, ch.up_head, ch.up_time, ch.down_first_out,
                ch.down_head, ch.down_time, [&](NodeId node, TravelTimeMs d) {
                  for (std::uint32_t b = buckets.first[node]; b < buckets.first[node + 1]; ++b) {
                    const TravelTimeMs total = add(d, buckets.entries[b].time);
                    if (total <= max_time && total < out[buckets.entries[b].destination]) {
                      out[buckets.entries[b].destination] = total;
                    }
                  }
                });
}

// PHAST (Delling, Goldberg, Nowatzyk & Werneck 2013, "PHAST: Hardware-accelerated shortest path trees",
// JPDC 73(7)): after the upward search from a source, one sweep over every node in decreasing rank settles
// the whole tree, each node pulling from its higher neighbours. kTrees sources share a sweep, so the arcs
// are read once for all of them and the labels of one node fill one cache line.
constexpr std::size_t kTrees = 16;

// Labels stay <= max_time + 1 and arcs longer than max_time are skipped, so a sum fits in 32 bits up to
// this limit; longer limits (or none) take saturating sums.
constexpr TravelTimeMs kSweepMaxTime = (TravelTimeMs{1} << 31) - 1;

enum class TreeDirection {
  FromSources,  // times source -> node (forward trees, from origins)
  ToSources,    // times node -> source (backward trees, to destinations)
};

// The hierarchy laid out for sweeps in one direction. A node's level is one more than the highest level
// of the nodes above it (0 at the top); sweeping by increasing level settles every node after the nodes
// it pulls from, and ordering each level by graph node id (nodes along a way are numbered together) keeps
// the labels it reads close in memory: on the Porto graph this is several times faster than rank order.
struct SweepLayout {
  std::vector<std::uint32_t> position;  // rank -> place in the sweep
  std::vector<std::uint32_t> first;     // per place + 1: its arcs to places settled before it
  std::vector<std::uint32_t> head;      // places
  std::vector<TravelTimeMs> time;       // arcs longer than max_time are left out
};

SweepLayout sweep_layout(const ContractionHierarchy& ch, TreeDirection direction, TravelTimeMs max_time) {
  const bool to = direction == TreeDirection::ToSources;
  const auto& arc_first = to ? ch.up_first_out : ch.down_first_out;
  const auto& arc_head = to ? ch.up_head : ch.down_head;
  const auto& arc_time = to ? ch.up_time : ch.down_time;
  const std::size_t n = ch.node_count();
  std::vector<std::uint32_t> level(n, 0);
  for (std::size_t r = n; r-- > 0;) {
    for (std::uint32_t arc = arc_first[r]; arc < arc_first[r + 1]; ++arc) {
      level[r] = std::max(level[r], level[arc_head[arc]] + 1);
    }
  }
  std::vector<std::uint32_t> node_of(n);
  for (std::size_t node = 0; node < n; ++node) node_of[ch.rank[node]] = static_cast<std::uint32_t>(node);
  std::vector<std::uint32_t> order(n);  // places -> ranks
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return level[a] != level[b] ? level[a] < level[b] : node_of[a] < node_of[b];
  });
  SweepLayout layout;
  layout.position.resize(n);
  for (std::size_t place = 0; place < n; ++place)
    layout.position[order[place]] = static_cast<std::uint32_t>(place);
  layout.first.assign(n + 1, 0);
  for (std::size_t place = 0; place < n; ++place) {
    const std::uint32_t r = order[place];
    for (std::uint32_t arc = arc_first[r]; arc < arc_first[r + 1]; ++arc) {
      if (arc_time[arc] > max_time) continue;
      layout.head.push_back(layout.position[arc_head[arc]]);
      layout.time.push_back(arc_time[arc]);
    }
    layout.first[place + 1] = static_cast<std::uint32_t>(layout.head.size());
  }
  return layout;
}

struct SweepSpace {
  explicit SweepSpace(std::size_t n) : search(n), label(n * kTrees) {}
  SearchSpace search;
  std::vector<TravelTimeMs> label;  // label[place * kTrees + tree]
  [[nodiscard]] const TravelTimeMs* of(std::uint32_t place) const { return label.data() + place * kTrees; }
};

// The sweep proper: every place, in order, pulls from the places its arcs lead to. Below kSweepMaxTime
// plain sums cannot overflow; above it (no limit at all) they saturate at kUnreachable.
template <bool kSaturate>
void settle_in_order(const SweepLayout& layout, TravelTimeMs beyond, TravelTimeMs* label) {
  const std::size_t places = layout.first.size() - 1;
  for (std::size_t place = 0; place < places; ++place) {
    TravelTimeMs best[kTrees];
    std::copy_n(label + place * kTrees, kTrees, best);
    for (std::uint32_t arc = layout.first[place]; arc < layout.first[place + 1]; ++arc) {
      const TravelTimeMs t = layout.time[arc];
      const TravelTimeMs* from = label + std::size_t{layout.head[arc]} * kTrees;
      for (std::size_t k = 0; k < kTrees; ++k) {
        TravelTimeMs sum = from[k] + t;
        if constexpr (kSaturate) sum = sum < t ? kUnreachable : sum;
        best[k] = std::min(best[k], sum);
      }
    }
    for (std::size_t k = 0; k < kTrees; ++k) label[place * kTrees + k] = std::min(best[k], beyond);
  }
}

// Up to kTrees trees in one sweep; afterwards of(place)[k] is the time between sources[k] and the node at
// that place of the layout, or max_time + 1 beyond max_time.
void sweep_trees(const ContractionHierarchy& ch, const SweepLayout& layout, TreeDirection direction,
                 std::span<const Anchor> sources, TravelTimeMs max_time, SweepSpace& space) {
  const bool to = direction == TreeDirection::ToSources;
  // A backward tree searches up the reversed arcs and sweeps the upward arcs; a forward one the opposite.
  const TravelTimeMs beyond = max_time + 1;
  std::fill(space.label.begin(), space.label.end(), beyond);
  for (std::size_t k = 0; k < sources.size(); ++k) {
    upward_search(space.search, sources[k], ch.rank, max_time, to ? ch.down_first_out : ch.up_first_out,
                  to ? ch.down_head : ch.up_head, to ? ch.down_time : ch.up_time,
                  to ? ch.up_first_out : ch.down_first_out, to ? ch.up_head : ch.down_head,
                  to ? ch.up_time : ch.down_time,
                  [&](NodeId node, TravelTimeMs d) { space.label[layout.position[node] * kTrees + k] = d; });
  }
  if (max_time <= kSweepMaxTime) {
    settle_in_order<false>(layout, beyond, space.label.data());
  } else {
    settle_in_order<true>(layout, beyond, space.label.data());
  }
}

std::size_t batch_count(std::size_t sources) {
  return (sources + kTrees - 1) / kTrees;
}

std::span<const Anchor> batch_of(std::span<const Anchor> nodes, std::size_t batch) {
  const std::size_t first = batch * kTrees;
  return nodes.subspan(first, std::min(kTrees, nodes.size() - first));
}

// CPU nanoseconds measured on the Porto car graph (253 k nodes, 484 k upward arcs; 30-minute limit and
// none): an upward search with its share of bucket work, a bucket scan per (origin, destination) pair,
// and a sweep of kTrees trees per node and arc (laying the hierarchy out costs about two sweeps).
constexpr double kSearchNs = 40'000.0;
constexpr double kScanNsPerPair = 250.0;
constexpr double kSweepNsPerArc = 27.0;

enum class Plan { Buckets, SweepFromOrigins, SweepToDestinations };

// Buckets cost a search per place and a scan per pair; sweeps a pass over the hierarchy per kTrees
// places of the smaller side, whatever the other side's size: they win when one side is much larger
// (100 000 zones to 1 000 facilities), buckets when the sides are alike (1 000 x 1 000).
Plan plan_of(const ContractionHierarchy& ch, std::size_t origins, std::size_t destinations,
             const MatrixOptions& options) {
  if (options.method == ManyToMany::Buckets) return Plan::Buckets;
  const Plan sweep = origins < destinations ? Plan::SweepFromOrigins : Plan::SweepToDestinations;
  if (options.method == ManyToMany::Sweeps) return sweep;
  const auto sources = static_cast<double>(batch_count(std::min(origins, destinations)));
  const double sweeps =
      (sources + 2.0) * static_cast<double>(ch.node_count() + ch.up_head.size()) * kSweepNsPerArc;
  const double buckets = static_cast<double>(origins + destinations) * kSearchNs +
                         static_cast<double>(origins) * static_cast<double>(destinations) * kScanNsPerPair;
  return sweeps < buckets ? sweep : Plan::Buckets;
}

// Row keys: the time in the high half and the destination in the low one, so that sorted keys order a
// row nearest first, ties by destination.
std::uint64_t row_key(TravelTimeMs time, std::uint32_t destination) {
  return (std::uint64_t{time} << 32) | destination;
}

// Rows that each come whole from one thread: kept per thread (sorted), then copied in origin order.
class WholeRows {
 public:
  WholeRows(std::size_t origins, int threads) : where_(origins), keys_(static_cast<std::size_t>(threads)) {}
  void add(std::size_t origin, std::vector<std::uint64_t>& row) {
    std::sort(row.begin(), row.end());
    const auto thread = static_cast<std::size_t>(omp_get_thread_num());
    where_[origin] = {thread, keys_[thread].size(), row.size()};
    keys_[thread].insert(keys_[thread].end(), row.begin(), row.end());
  }
  TravelTimeRows finish(std::size_t cols) {
    TravelTimeRows rows;
    rows.cols = cols;
    rows.offsets.assign(where_.size() + 1, 0);
    for (std::size_t i = 0; i < where_.size(); ++i) rows.offsets[i + 1] = rows.offsets[i] + where_[i].count;
    rows.destination.resize(rows.offsets.back());
    rows.time.resize(rows.offsets.back());
#pragma omp parallel for schedule(static)
    for (long long i = 0; i < static_cast<long long>(where_.size()); ++i) {
      const Place& at = where_[static_cast<std::size_t>(i)];
      const std::uint64_t* key = keys_[at.thread].data() + at.first;
      std::size_t out = rows.offsets[static_cast<std::size_t>(i)];
      for (std::size_t e = 0; e < at.count; ++e, ++out) {
        rows.time[out] = static_cast<TravelTimeMs>(key[e] >> 32);
        rows.destination[out] = static_cast<std::uint32_t>(key[e]);
      }
    }
    return rows;
  }

 private:
  struct Place {
    std::size_t thread = 0;
    std::size_t first = 0;
    std::size_t count = 0;
  };
  std::vector<Place> where_;
  std::vector<std::vector<std::uint64_t>> keys_;
};

TravelTimeRows rows_by_buckets(const ContractionHierarchy& ch, std::span<const Anchor> origins,
                               std::span<const Anchor> destinations, TravelTimeMs max_time,
                               ProgressTask& task) {
  const Buckets buckets = fill_buckets(ch, destinations, max_time, task);
  const int threads = omp_get_max_threads();
  WholeRows whole(origins.size(), threads);
#pragma omp parallel num_threads(threads)
  {
    SearchSpace space(ch.node_count());
    std::vector<TravelTimeMs> out(destinations.size(), kUnreachable);
    std::vector<std::uint64_t> row;
#pragma omp for schedule(dynamic, 16)
    for (long long i = 0; i < static_cast<long long>(origins.size()); ++i) {
      if (task.stopped()) continue;
      scan_buckets(ch, buckets, space, origins[static_cast<std::size_t>(i)], max_time, out.data());
      row.clear();
      for (std::uint32_t j = 0; j < out.size(); ++j) {
        if (out[j] == kUnreachable) continue;
        row.push_back(row_key(out[j], j));
        out[j] = kUnreachable;
      }
      whole.add(static_cast<std::size_t>(i), row);
      task.tick();
    }
  }
  task.throw_if_stopped();
  return whole.finish(destinations.size());
}

// Where a tree is read for a place: the layout places of its seeds with their offsets.
struct Target {
  std::array<std::uint32_t, 2> place{};
  std::array<TravelTimeMs, 2> offset{};
  std::uint8_t count = 0;
  [[nodiscard]] bool at_node() const { return count == 1 && offset[0] == 0; }
};

std::vector<Target> targets_of(const ContractionHierarchy& ch, const SweepLayout& layout,
                               std::span<const Anchor> anchors, TravelTimeMs max_time) {
  std::vector<Target> targets(anchors.size());
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    targets[i].count = anchors[i].count;
    for (std::size_t k = 0; k < anchors[i].count; ++k) {
      targets[i].place[k] = layout.position[ch.rank[anchors[i].seeds[k].node]];
      targets[i].offset[k] = std::min(anchors[i].seeds[k].offset, max_time + 1);
    }
  }
  return targets;
}

// The times of the batch's trees at a target: its node's labels, or the best over its seeds (written to
// `scratch`); entries above max_time are beyond it. Labels are at most max_time + 1 and offsets are
// capped there by targets_of, so below kSweepMaxTime plain sums cannot overflow.
inline const TravelTimeMs* times_at(const SweepSpace& space, const Target& target, TravelTimeMs max_time,
                                    TravelTimeMs* scratch) {
  if (target.at_node()) return space.of(target.place[0]);
  const TravelTimeMs* first = space.of(target.place[0]);
  const TravelTimeMs* second = space.of(target.place[target.count - 1]);
  const TravelTimeMs offset0 = target.offset[0];
  const TravelTimeMs offset1 = target.offset[target.count - 1];
  if (max_time <= kSweepMaxTime) {
    for (std::size_t k = 0; k < kTrees; ++k) scratch[k] = std::min(first[k] + offset0, second[k] + offset1);
  } else {
    for (std::size_t k = 0; k < kTrees; ++k)
      scratch[k] = std::min(add(first[k], offset0), add(second[k], offset1));
  }
  return scratch;
}

TravelTimeRows rows_by_origin_sweeps(const ContractionHierarchy& ch, std::span<const Anchor> origins,
                                     std::span<const Anchor> destinations, TravelTimeMs max_time,
                                     ProgressTask& task) {
  const SweepLayout layout = sweep_layout(ch, TreeDirection::FromSources, max_time);
  const auto targets = targets_of(ch, layout, destinations, max_time);
  const int threads = omp_get_max_threads();
  WholeRows whole(origins.size(), threads);
  const std::size_t batches = batch_count(origins.size());
#pragma omp parallel num_threads(threads)
  {
    SweepSpace space(ch.node_count());
    std::vector<std::uint64_t> row;
#pragma omp for schedule(dynamic, 1)
    for (long long b = 0; b < static_cast<long long>(batches); ++b) {
      if (task.stopped()) continue;
      const auto batch = batch_of(origins, static_cast<std::size_t>(b));
      sweep_trees(ch, layout, TreeDirection::FromSources, batch, max_time, space);
      for (std::size_t k = 0; k < batch.size(); ++k) {
        row.clear();
        for (std::uint32_t j = 0; j < targets.size(); ++j) {
          TravelTimeMs scratch[kTrees];
          const TravelTimeMs t = times_at(space, targets[j], max_time, scratch)[k];
          if (t <= max_time) row.push_back(row_key(t, j));
        }
        whole.add(static_cast<std::size_t>(b) * kTrees + k, row);
      }
      task.tick(batch.size());
    }
  }
  task.throw_if_stopped();
  return whole.finish(destinations.size());
}

// Stable LSD radix sort of a row's keys on their time (the bits above `shift`), 8 bits a pass, as many
// passes as max_time has bits: keys that come in destination order leave nearest first, ties by
// destination.
template <typename Key>
void sort_by_time(std::vector<Key>& keys, std::vector<Key>& spare, unsigned shift, TravelTimeMs max_time) {
  constexpr unsigned kMaxPasses = 4;
  const unsigned passes = (static_cast<unsigned>(std::bit_width(max_time)) + 7) / 8;
  std::array<std::array<std::uint32_t, 256>, kMaxPasses> count{};
  for (const Key key : keys) {
    for (unsigned pass = 0; pass < passes; ++pass) ++count[pass][(key >> (shift + 8 * pass)) & 0xFFU];
  }
  spare.resize(keys.size());
  for (unsigned pass = 0; pass < passes; ++pass) {
    const unsigned at = shift + 8 * pass;
    auto& start = count[pass];
    if (keys.empty() || start[(keys.front() >> at) & 0xFFU] == keys.size()) continue;  // one digit
    std::uint32_t sum = 0;
    for (auto& c : start) sum += std::exchange(c, sum);
    for (const Key key : keys) spare[start[(key >> at) & 0xFFU]++] = key;
    keys.swap(spare);
  }
}

// Bits set in a mask, inline: the baseline x86-64 target has no popcnt instruction and std::popcount
// becomes a library call.
unsigned bits_set(std::uint16_t mask) {
  unsigned x = mask;
  x = x - ((x >> 1) & 0x5555U);
  x = (x & 0x3333U) + ((x >> 2) & 0x3333U);
  x = (x + (x >> 4)) & 0x0F0FU;
  return (x + (x >> 8)) & 0x1FU;
}

// Per batch of destinations, which origins reach which of them and the times (origins in layout order).
struct Piece {
  std::vector<std::uint16_t> reached;  // per origin: bit k = destination batch * kTrees + k
  std::vector<TravelTimeMs> time;
};

// Joins the pieces into rows, nearest first, chunk by chunk of origins (in layout order): each chunk
// starts at a known time of every piece. Keys hold the time above `shift` bits of destination: 32-bit
// keys when both fit (a 30-minute limit and up to 2 048 destinations), else 64-bit ones.
template <typename Key>
void join_pieces(const std::vector<Piece>& pieces, const std::vector<std::uint32_t>& in_order, unsigned shift,
                 TravelTimeMs max_time, TravelTimeRows& rows) {
  constexpr std::size_t kChunk = 1024;
  const std::size_t batches = pieces.size();
  const std::size_t chunks = (in_order.size() + kChunk - 1) / kChunk;
  std::vector<std::size_t> chunk_first(chunks * batches);
#pragma omp parallel for schedule(static)
  for (long long b = 0; b < static_cast<long long>(batches); ++b) {
    std::size_t at = 0;
    const auto& reached = pieces[static_cast<std::size_t>(b)].reached;
    for (std::size_t p = 0; p < in_order.size(); ++p) {
      if (p % kChunk == 0) chunk_first[(p / kChunk) * batches + static_cast<std::size_t>(b)] = at;
      at += bits_set(reached[p]);
    }
  }
  const Key destination_mask = (Key{1} << shift) - 1;
#pragma omp parallel
  {
    std::vector<std::size_t> cursor(batches);
    std::vector<Key> row;
    std::vector<Key> spare;
#pragma omp for schedule(dynamic, 1)
    for (long long c = 0; c < static_cast<long long>(chunks); ++c) {
      const auto chunk = static_cast<std::size_t>(c);
      std::copy_n(chunk_first.begin() + static_cast<std::ptrdiff_t>(chunk * batches), batches,
                  cursor.begin());
      for (std::size_t p = chunk * kChunk; p < std::min(in_order.size(), (chunk + 1) * kChunk); ++p) {
        const std::size_t first = rows.offsets[in_order[p]];
        row.resize(rows.offsets[in_order[p] + 1] - first);
        std::size_t n = 0;
        for (std::size_t b = 0; b < batches; ++b) {
          const TravelTimeMs* time = pieces[b].time.data() + cursor[b];
          std::size_t taken = 0;
          for (std::uint32_t bits = pieces[b].reached[p]; bits != 0; bits &= bits - 1, ++taken) {
            const auto destination =
                static_cast<Key>(b * kTrees + static_cast<std::size_t>(std::countr_zero(bits)));
            row[n++] = static_cast<Key>((Key{time[taken]} << shift) | destination);
          }
          cursor[b] += taken;
        }
        sort_by_time(row, spare, shift, max_time);
        for (std::size_t e = 0; e < n; ++e) {
          rows.time[first + e] = static_cast<TravelTimeMs>(row[e] >> shift);
          rows.destination[first + e] = static_cast<std::uint32_t>(row[e] & destination_mask);
        }
      }
    }
  }
}

// Backward trees from kTrees destinations at a time give every origin a piece of its row: per batch, a
// bit mask per origin (which of the batch's destinations it reaches) and the times, origins in layout
// order so that the label reads go forward through memory. The pieces are then joined per origin.
TravelTimeRows rows_by_destination_sweeps(const ContractionHierarchy& ch, std::span<const Anchor> origins,
                                          std::span<const Anchor> destinations, TravelTimeMs max_time,
                                          ProgressTask& task) {
  static_assert(kTrees <= 16, "a piece holds 16 bits per origin");
  const SweepLayout layout = sweep_layout(ch, TreeDirection::ToSources, max_time);
  const auto origin_targets = targets_of(ch, layout, origins, max_time);
  std::vector<std::uint32_t> in_order(origins.size());  // origins by place
  std::iota(in_order.begin(), in_order.end(), 0U);
  std::sort(in_order.begin(), in_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return origin_targets[a].place[0] < origin_targets[b].place[0];
  });
  const std::size_t batches = batch_count(destinations.size());
  std::vector<Piece> pieces(batches);
#pragma omp parallel
  {
    SweepSpace space(ch.node_count());
    std::vector<TravelTimeMs> times(origins.size() * kTrees);
#pragma omp for schedule(dynamic, 1)
    for (long long b = 0; b < static_cast<long long>(batches); ++b) {
      if (task.stopped()) continue;
      const auto batch = batch_of(destinations, static_cast<std::size_t>(b));
      sweep_trees(ch, layout, TreeDirection::ToSources, batch, max_time, space);
      Piece& piece = pieces[static_cast<std::size_t>(b)];
      piece.reached.resize(origins.size());
      std::size_t kept = 0;
      for (std::size_t p = 0; p < in_order.size(); ++p) {
        TravelTimeMs scratch[kTrees];
        const TravelTimeMs* label = times_at(space, origin_targets[in_order[p]], max_time, scratch);
        std::uint16_t reached = 0;
        for (std::size_t k = 0; k < batch.size(); ++k) {
          times[kept] = label[k];
          const bool within = label[k] <= max_time;
          reached = static_cast<std::uint16_t>(reached | (std::uint16_t{within} << k));
          kept += within ? 1 : 0;
        }
        piece.reached[p] = reached;
      }
      piece.time.assign(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(kept));
      task.tick(batch.size());
    }
  }
  task.throw_if_stopped();
  TravelTimeRows rows;
  rows.cols = destinations.size();
  rows.offsets.assign(origins.size() + 1, 0);
#pragma omp parallel for schedule(static)
  for (long long p = 0; p < static_cast<long long>(in_order.size()); ++p) {
    std::size_t count = 0;
    for (const Piece& piece : pieces) count += bits_set(piece.reached[static_cast<std::size_t>(p)]);
    rows.offsets[in_order[static_cast<std::size_t>(p)] + std::size_t{1}] = count;
  }
  std::partial_sum(rows.offsets.begin(), rows.offsets.end(), rows.offsets.begin());
  rows.destination.resize(rows.offsets.back());
  rows.time.resize(rows.offsets.back());
  const auto destination_bits = static_cast<unsigned>(std::bit_width(destinations.size() - 1));
  if (destination_bits + static_cast<unsigned>(std::bit_width(max_time)) <= 32) {
    join_pieces<std::uint32_t>(pieces, in_order, destination_bits, max_time, rows);
  } else {
    join_pieces<std::uint64_t>(pieces, in_order, 32, max_time, rows);
  }
  return rows;
}

}  // namespace

TravelTimeMatrix ch_matrix(const ContractionHierarchy& ch, std::span<const Anchor> origins,
                           std::span<const Anchor> destinations, const MatrixOptions& options,
                           ProgressSink& progress) {
  const std::size_t n = ch.node_count();
  check_anchors(origins, n, "origin");
  check_anchors(destinations, n, "destination");
  TravelTimeMatrix matrix{origins.size(), destinations.size(),
                          std::vector<TravelTimeMs>(origins.size() * destinations.size(), kUnreachable)};
  if (origins.empty() || destinations.empty()) return matrix;
  ProgressTask task(progress, "travel-time matrix", origins.size() + destinations.size());
  const TravelTimeMs max_time = options.max_time;
  const Plan plan = plan_of(ch, origins.size(), destinations.size(), options);
  if (plan == Plan::Buckets) {
    const Buckets buckets = fill_buckets(ch, destinations, max_time, task);
#pragma omp parallel
    {
      SearchSpace space(n);
#pragma omp for schedule(dynamic, 4)
      for (long long i = 0; i < static_cast<long long>(origins.size()); ++i) {
        if (task.stopped()) continue;
        const auto row = static_cast<std::size_t>(i);
        scan_buckets(ch, buckets, space, origins[row], max_time, matrix.time.data() + row * matrix.cols);
        task.tick();
      }
    }
    task.throw_if_stopped();
    return matrix;
  }
  const bool from_origins = plan == Plan::SweepFromOrigins;
  const TreeDirection direction = from_origins ? TreeDirection::FromSources : TreeDirection::ToSources;
  const SweepLayout layout = sweep_layout(ch, direction, max_time);
  const auto sources = from_origins ? origins : destinations;
  const auto targets = targets_of(ch, layout, from_origins ? destinations : origins, max_time);
  task.tick(targets.size());
#pragma omp parallel
  {
    SweepSpace space(n);
#pragma omp for schedule(dynamic, 1)
    for (long long b = 0; b < static_cast<long long>(batch_count(sources.size())); ++b) {
      if (task.stopped()) continue;
      const auto batch = batch_of(sources, static_cast<std::size_t>(b));
      sweep_trees(ch, layout, direction, batch, max_time, space);
      for (std::size_t k = 0; k < batch.size(); ++k) {
        const std::size_t source = static_cast<std::size_t>(b) * kTrees + k;
        for (std::size_t target = 0; target < targets.size(); ++target) {
          TravelTimeMs scratch[kTrees];
          const TravelTimeMs t = times_at(space, targets[target], max_time, scratch)[k];
          if (t > max_time) continue;
          matrix.time[from_origins ? source * matrix.cols + target : target * matrix.cols + source] = t;
        }
      }
      task.tick(batch.size());
    }
  }
  task.throw_if_stopped();
  return matrix;
}

TravelTimeRows ch_rows(const ContractionHierarchy& ch, std::span<const Anchor> origins,
                       std::span<const Anchor> destinations, const MatrixOptions& options,
                       ProgressSink& progress) {
  check_anchors(origins, ch.node_count(), "origin");
  check_anchors(destinations, ch.node_count(), "destination");
  if (origins.empty() || destinations.empty()) {
    TravelTimeRows rows;
    rows.cols = destinations.size();
    rows.offsets.assign(origins.size() + 1, 0);
    return rows;
  }
  ProgressTask task(progress, "travel times", origins.size() + destinations.size());
  switch (plan_of(ch, origins.size(), destinations.size(), options)) {
    case Plan::Buckets:
      return rows_by_buckets(ch, origins, destinations, options.max_time, task);
    case Plan::SweepFromOrigins:
      task.tick(destinations.size());
      return rows_by_origin_sweeps(ch, origins, destinations, options.max_time, task);
    case Plan::SweepToDestinations:
      task.tick(origins.size());
      return rows_by_destination_sweeps(ch, origins, destinations, options.max_time, task);
  }
  return {};
}

std::vector<Anchor> anchors_at(std::span<const NodeId> nodes) {
  std::vector<Anchor> anchors(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) anchors[i] = Anchor::at(nodes[i]);
  return anchors;
}

TravelTimeMatrix ch_matrix(const ContractionHierarchy& ch, std::span<const NodeId> origins,
                           std::span<const NodeId> destinations, const MatrixOptions& options,
                           ProgressSink& progress) {
  return ch_matrix(ch, anchors_at(origins), anchors_at(destinations), options, progress);
}

TravelTimeRows ch_rows(const ContractionHierarchy& ch, std::span<const NodeId> origins,
                       std::span<const NodeId> destinations, const MatrixOptions& options,
                       ProgressSink& progress) {
  return ch_rows(ch, anchors_at(origins), anchors_at(destinations), options, progress);
}

}  // namespace equalis::network

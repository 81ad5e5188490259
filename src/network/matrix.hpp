#pragma once
// Shortest travel times: plain Dijkstra (the reference) and two many-to-many searches on the contraction
// hierarchy: buckets (Knopp, Sanders, Schultes, Schulz & Wagner 2007, "Computing Many-to-Many Shortest
// Paths Using Highway Hierarchies", ALENEX), parallel over origins, and, when one side is much larger than
// the other, whole shortest-path trees from the smaller side by PHAST sweeps (Delling, Goldberg,
// Nowatzyk & Werneck 2013, JPDC). All return identical integer milliseconds on the same graph.

#include "core/progress.hpp"
#include "network/contraction.hpp"
#include "network/graph.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace equalis::network {

// Row-major origins x destinations; kUnreachable where no path exists or it is longer than max_time.
struct TravelTimeMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<TravelTimeMs> time;  // milliseconds
  [[nodiscard]] TravelTimeMs at(std::size_t row, std::size_t col) const { return time[row * cols + col]; }
};

// Where a place joins the graph: one node (a place snapped to a node, offset 0) or the two ends of the
// road segment it was snapped to, each with the time between the place and that node along the segment
// (from the place to the node when the place is an origin, from the node to the place when it is a
// destination). A one-way segment gives one seed.
struct Seed {
  NodeId node = kInvalidNode;
  TravelTimeMs offset = 0;
};
struct Anchor {
  std::array<Seed, 2> seeds{};
  std::uint8_t count = 0;
  [[nodiscard]] static Anchor at(NodeId node) { return Anchor{{Seed{node, 0}, Seed{}}, 1}; }
};

// An allocator that leaves integers uninitialised on resize: the large result arrays are first written
// (and their pages first touched) by the threads that fill them, not zeroed by one thread beforehand.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() noexcept = default;
  template <typename U>
  explicit UninitializedAllocator(const UninitializedAllocator<U>& /*other*/) noexcept {}
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <typename T>
using FillLaterVector = std::vector<T, UninitializedAllocator<T>>;

// Sparse rows: per origin, the destinations within max_time and their times, nearest first (ties: lower
// destination index first). Memory is linear in the pairs kept, never origins x destinations.
struct TravelTimeRows {
  std::size_t cols = 0;                        // destinations
  std::vector<std::size_t> offsets;            // origins + 1: row i is [offsets[i], offsets[i + 1])
  FillLaterVector<std::uint32_t> destination;  // index into the destinations
  FillLaterVector<TravelTimeMs> time;          // milliseconds, <= max_time
  [[nodiscard]] std::size_t rows() const noexcept { return offsets.empty() ? 0 : offsets.size() - 1; }
  [[nodiscard]] std::size_t pair_count() const noexcept { return time.size(); }
};

enum class ManyToMany {
  Automatic,  // the cheaper of the two for the sizes (see plan_of in matrix.cpp)
  Buckets,
  Sweeps,  // trees from the smaller side
};

struct MatrixOptions {
  // Inclusive limit in milliseconds: pairs further apart are reported as kUnreachable. The searches stop
  // there, so a catchment limit also makes the computation faster.
  TravelTimeMs max_time = kUnreachable - 1;
  ManyToMany method = ManyToMany::Automatic;  // the same numbers either way; only the speed differs
};

// Dijkstra (1959) with a binary heap from `source` to every node, stopping beyond max_time.
std::vector<TravelTimeMs> dijkstra_one_to_all(const Graph& graph, NodeId source,
                                              TravelTimeMs max_time = kUnreachable - 1);

// Reference matrix: one Dijkstra per origin (parallel over origins).
TravelTimeMatrix dijkstra_matrix(const Graph& graph, std::span<const NodeId> origins,
                                 std::span<const NodeId> destinations, const MatrixOptions& options = {},
                                 ProgressSink& progress = null_progress());

// The fast matrix. `origins` and `destinations` are graph node ids (not ranks). Memory: the hierarchy,
// one distance array per thread, the bucket entries (destinations x their search spaces) and the result.
TravelTimeMatrix ch_matrix(const ContractionHierarchy& ch, std::span<const NodeId> origins,
                           std::span<const NodeId> destinations, const MatrixOptions& options = {},
                           ProgressSink& progress = null_progress());

// The same from places given by their seeds: the time of a pair is the best over the origin's and the
// destination's seeds of offset + path + offset.
TravelTimeMatrix ch_matrix(const ContractionHierarchy& ch, std::span<const Anchor> origins,
                           std::span<const Anchor> destinations, const MatrixOptions& options = {},
                           ProgressSink& progress = null_progress());

// The same times as sparse rows (pairs beyond max_time left out): for many origins with a catchment
// limit, where the dense matrix would be mostly empty or simply too large.
TravelTimeRows ch_rows(const ContractionHierarchy& ch, std::span<const NodeId> origins,
                       std::span<const NodeId> destinations, const MatrixOptions& options = {},
                       ProgressSink& progress = null_progress());
TravelTimeRows ch_rows(const ContractionHierarchy& ch, std::span<const Anchor> origins,
                       std::span<const Anchor> destinations, const MatrixOptions& options = {},
                       ProgressSink& progress = null_progress());

}  // namespace equalis::network

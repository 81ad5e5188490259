#pragma once
// Spatial weights: who is a neighbour of whom, stored as a compressed sparse row (CSR) matrix W with
// one row per unit. Built from an edge-list CSV, from polygon contiguity (queen / rook), from the k
// nearest neighbours of points, or from a distance band. Units without any neighbour ("islands") are
// kept with an empty row and listed, never silently dropped.

#include "core/csv.hpp"
#include "io/vector_file.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::measure {

/// W in CSR form. Row i holds the links i -> neighbors[k] with weight weights[k] for
/// k in [offsets[i], offsets[i + 1]); neighbours are sorted ascending within a row and never include i.
/// W need not be symmetric (k nearest neighbours is not).
struct SpatialWeights {
  std::size_t n = 0;
  std::vector<std::size_t> offsets;      // n + 1 entries, offsets[0] = 0, offsets[n] = link_count()
  std::vector<std::uint32_t> neighbors;  // 0-based unit index of each link
  std::vector<double> weights;           // w_ij of each link, finite and >= 0
  std::vector<std::string> ids;          // n unit ids, in unit order

  [[nodiscard]] std::size_t link_count() const noexcept { return neighbors.size(); }
  [[nodiscard]] std::size_t neighbor_count(std::size_t unit) const {
    return offsets[unit + 1] - offsets[unit];
  }
  /// S0 = sum of all weights.
  [[nodiscard]] double s0() const noexcept;
  /// Units with no neighbour, ascending.
  [[nodiscard]] std::vector<std::uint32_t> islands() const;
  /// Mean number of neighbours per unit.
  [[nodiscard]] double mean_neighbors() const noexcept;
};

enum class WeightsTransform : std::uint8_t {
  Binary,           // every link weighs 1
  RowStandardized,  // w_ij / sum_j w_ij, so each non-empty row sums to 1; islands keep an empty row
};

/// Returns W transformed. RowStandardized throws Error(InvalidInput) for a non-empty row whose weights
/// sum to 0 (all its links have weight 0).
[[nodiscard]] SpatialWeights transform_weights(const SpatialWeights& weights, WeightsTransform transform);

/// The constants of Cliff & Ord (1981, Spatial Processes, ch. 1): S0 = sum_ij w_ij,
/// S1 = 1/2 sum_ij (w_ij + w_ji)^2, S2 = sum_i (w_i. + w_.i)^2. O(links log degree).
struct WeightSums {
  double s0 = 0.0;
  double s1 = 0.0;
  double s2 = 0.0;
};
[[nodiscard]] WeightSums weight_sums(const SpatialWeights& weights);

/// Checks the CSR invariants (sizes, sorted unique in-range neighbours, no self links, finite
/// non-negative weights, ids empty or of size n). Throws Error(InvalidInput) describing the first breach.
void validate_weights(const SpatialWeights& weights);

/// Builds W from (from, to, weight) links among n units; sorts rows. Throws Error(InvalidInput) on an
/// out-of-range index, a self link or a duplicate link. `ids` empty means "0", "1", … .
[[nodiscard]] SpatialWeights weights_from_links(std::size_t n, std::span<const std::uint32_t> from,
                                                std::span<const std::uint32_t> to,
                                                std::span<const double> weight,
                                                std::vector<std::string> ids = {});

// ---------------------------------------------------------------------------------------------------
// Edge lists

enum class EdgeEndpoints : std::uint8_t {
  Ids,               // from/to cells are unit ids, matched exactly (case-sensitive) against `ids`
  ZeroBasedIndices,  // from/to cells are 0-based unit positions 0..n-1
};

enum class EdgeDirection : std::uint8_t {
  Directed,    // each row is one link from -> to (list both directions for a symmetric relation)
  Undirected,  // each row links both ways; the reverse row is then a duplicate
};

struct EdgeListOptions {
  EdgeEndpoints endpoints = EdgeEndpoints::Ids;
  EdgeDirection direction = EdgeDirection::Directed;
};

/// Reads W from an edge-list table. `ids` are the units' ids in the order of the values they will be
/// paired with (n = ids.size(); they must be unique). Without a weight column every link weighs 1.
/// @throws Error(InvalidInput) naming file:line:column and the fix for: an unknown id or index,
///         a self link, a duplicate link, a negative weight, duplicate `ids`, an unknown column;
///         Error(Parse) for a weight cell that is not a number.
[[nodiscard]] SpatialWeights weights_from_edge_list(const CsvTable& table, std::string_view from_column,
                                                    std::string_view to_column,
                                                    std::optional<std::string_view> weight_column,
                                                    std::span<const std::string> ids,
                                                    const EdgeListOptions& options = {});

// ---------------------------------------------------------------------------------------------------
// Polygon contiguity

enum class Contiguity : std::uint8_t {
  Queen,  // neighbours share at least one vertex
  Rook,   // neighbours share at least one edge (the same segment between two vertices)
};

/// Contiguity weights (binary) from each unit's polygons (`units[i]` are unit i's parts, e.g. from
/// io::VectorLayer::polygons()). Vertices are matched by exact coordinates (bit-identical doubles,
/// with -0.0 == 0.0), which is how libpysal's Queen/Rook and R spdep's poly2nb (snap = 0) behave on
/// topologically clean data: shared borders are digitised once and reused, so their vertices are equal.
/// Rook needs a common segment (two consecutive shared vertices in both rings), so a border digitised
/// with different intermediate vertices on the two sides is not a rook link. Cost O(V log V) in the
/// total vertex count V (sorting vertex and segment keys), no pairwise polygon tests.
/// Checked: identical, link for link, to libpysal's Queen/Rook (= spdep poly2nb) on mexicojoin.shp (queen
/// 138 / rook 130 directed links) and us48.shp (214 / 210); exact matching missed no link there, because
/// shared borders in those files reuse bit-identical vertices. Data whose neighbours' borders were
/// digitised separately (gaps, slivers, different vertex sets) need snapping or distance-based weights.
/// A unit without polygons becomes an island. Throws Error(InvalidInput) for a non-finite coordinate.
[[nodiscard]] SpatialWeights contiguity_from_polygons(std::span<const std::vector<geo::Polygon>> units,
                                                      Contiguity contiguity,
                                                      std::vector<std::string> ids = {});

// ---------------------------------------------------------------------------------------------------
// Point-based weights (nanoflann k-d tree)

/// Mean Earth radius (IUGG R1) in metres, used for geographic distance bands.
inline constexpr double kEarthRadiusMetres = 6371008.8;

/// Binary k-nearest-neighbour weights (asymmetric in general). Planar: Euclidean distance in the
/// coordinates' units. Geographic (x = longitude, y = latitude, degrees): great-circle order on a sphere,
/// computed as chord length between unit vectors (monotone in great-circle distance).
/// Ties: the k nearest other units by distance, ties at the k-th distance broken by the lower unit index;
/// coincident points are each other's neighbours at distance 0.
/// @throws Error(InvalidInput) if x and y differ in length, k == 0, k > n - 1, or a coordinate is not
///         finite (or, geographic, a latitude is outside [-90, 90] or a longitude outside [-360, 360]).
[[nodiscard]] SpatialWeights knn_weights(std::span<const double> x, std::span<const double> y, std::size_t k,
                                         bool geographic, std::vector<std::string> ids = {});

/// Binary distance-band weights: every j != i with distance(i, j) <= threshold is a neighbour of i
/// (coincident points included). Planar: threshold in coordinate units. Geographic: threshold
/// in metres of great-circle distance on a sphere of radius kEarthRadiusMetres. Units with nobody in
/// range are islands (listed by SpatialWeights::islands(), not an error).
/// @throws Error(InvalidInput) as knn_weights, and for a negative or non-finite threshold.
[[nodiscard]] SpatialWeights distance_band_weights(std::span<const double> x, std::span<const double> y,
                                                   double threshold, bool geographic,
                                                   std::vector<std::string> ids = {});

}  // namespace equalis::measure

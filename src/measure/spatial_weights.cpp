#include "measure/spatial_weights.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/table.hpp"

#include <fmt/format.h>
#include <nanoflann.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>
#include <unordered_map>
#include <utility>

namespace equalis::measure {
namespace {

constexpr std::size_t kMaxUnits = std::numeric_limits<std::uint32_t>::max();

std::vector<std::string> checked_ids(std::size_t n, std::vector<std::string> ids) {
  if (ids.empty()) {
    ids.reserve(n);
    for (std::size_t unit = 0; unit < n; ++unit) ids.push_back(std::to_string(unit));
    return ids;
  }
  if (ids.size() != n) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{} ids were given for {} units", ids.size(), n),
                "pass one id per unit, in unit order, or none");
  }
  return ids;
}

void check_unit_count(std::size_t n) {
  if (n > kMaxUnits) {
    throw Error(ErrorCode::Unsupported,
                fmt::format("{} units exceed the limit of {} for spatial weights", n, kMaxUnits),
                "split the study area");
  }
}

// Sorted (from, to) pairs -> CSR. `links` must be sorted and free of duplicates and self links.
struct Link {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  double weight = 1.0;
};

SpatialWeights csr_from_sorted_links(std::size_t n, const std::vector<Link>& links,
                                     std::vector<std::string> ids) {
  SpatialWeights result;
  result.n = n;
  result.offsets.assign(n + 1, 0);
  result.neighbors.reserve(links.size());
  result.weights.reserve(links.size());
  for (const Link& link : links) {
    ++result.offsets[link.from + 1];
    result.neighbors.push_back(link.to);
    result.weights.push_back(link.weight);
  }
  for (std::size_t unit = 0; unit < n; ++unit) result.offsets[unit + 1] += result.offsets[unit];
  result.ids = std::move(ids);
  return result;
}

void sort_links(std::vector<Link>& links) {
  std::sort(links.begin(), links.end(),
            [](const Link& a, const Link& b) { return a.from != b.from ? a.from < b.from : a.to < b.to; });
}

// ----- contiguity ---------------------------------------------------------------------------------

// Exact coordinate key: the bit pattern of the double, with -0.0 folded onto 0.0 so the two zeros match.
std::uint64_t coordinate_key(double value) {
  return std::bit_cast<std::uint64_t>(value == 0.0 ? 0.0 : value);
}

struct VertexKey {
  std::uint64_t x = 0;
  std::uint64_t y = 0;
  std::uint32_t unit = 0;
  auto operator<=>(const VertexKey&) const = default;
};

struct SegmentKey {
  std::uint64_t ax = 0;  // (ax, ay) <= (bx, by) lexicographically, so a segment matches its reverse
  std::uint64_t ay = 0;
  std::uint64_t bx = 0;
  std::uint64_t by = 0;
  std::uint32_t unit = 0;
  auto operator<=>(const SegmentKey&) const = default;
};

// Sorts keys, then links every pair of distinct units whose keys are equal up to the unit field.
template <typename Key, typename SameShape>
void link_units_sharing_keys(std::vector<Key>& keys, SameShape same_shape, std::vector<Link>& links) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::size_t group_begin = 0;
  while (group_begin < keys.size()) {
    std::size_t group_end = group_begin + 1;
    while (group_end < keys.size() && same_shape(keys[group_begin], keys[group_end])) ++group_end;
    // Units within a group are distinct (duplicates removed above) and sorted.
    for (std::size_t a = group_begin; a < group_end; ++a) {
      for (std::size_t b = a + 1; b < group_end; ++b) {
        links.push_back(Link{keys[a].unit, keys[b].unit, 1.0});
        links.push_back(Link{keys[b].unit, keys[a].unit, 1.0});
      }
    }
    group_begin = group_end;
  }
}

// ----- k-d tree over points --------------------------------------------------------------------------

template <int Dim>
struct PointCloud {
  std::vector<double> coordinates;  // Dim values per point
  [[nodiscard]] std::size_t kdtree_get_point_count() const { return coordinates.size() / Dim; }
  [[nodiscard]] double kdtree_get_pt(std::uint32_t index, std::size_t dim) const {
    return coordinates[static_cast<std::size_t>(index) * Dim + dim];
  }
  template <class BoundingBox>
  bool kdtree_get_bbox(BoundingBox& /*box*/) const {
    return false;
  }
};

template <int Dim>
using KdTree =
    nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, PointCloud<Dim>, double>,
                                        PointCloud<Dim>, Dim, std::uint32_t>;

void check_coordinates(std::span<const double> x, std::span<const double> y, bool geographic) {
  if (x.size() != y.size()) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} x coordinates but {} y coordinates", x.size(), y.size()),
                "pass one (x, y) pair per unit");
  }
  check_unit_count(x.size());
  for (std::size_t unit = 0; unit < x.size(); ++unit) {
    if (!std::isfinite(x[unit]) || !std::isfinite(y[unit])) {
      throw Error(ErrorCode::InvalidInput, fmt::format("unit {} has a non-finite coordinate", unit),
                  "give every unit a finite location (drop units without one)");
    }
    if (geographic && (std::abs(y[unit]) > 90.0 || std::abs(x[unit]) > 360.0)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("unit {} has longitude {} and latitude {}, outside the valid range", unit,
                              x[unit], y[unit]),
                  "geographic coordinates are (longitude, latitude) in degrees; for projected coordinates "
                  "use planar distances");
    }
  }
}

// Geographic points become unit vectors: the chord between two unit vectors, 2 sin(theta / 2), grows
// with the central angle theta, so Euclidean k-d tree order equals great-circle order.
template <int Dim>
PointCloud<Dim> make_cloud(std::span<const double> x, std::span<const double> y) {
  PointCloud<Dim> cloud;
  cloud.coordinates.reserve(x.size() * Dim);
  for (std::size_t unit = 0; unit < x.size(); ++unit) {
    if constexpr (Dim == 2) {
      cloud.coordinates.push_back(x[unit]);
      cloud.coordinates.push_back(y[unit]);
    } else {
      const double lon = x[unit] * std::numbers::pi / 180.0;
      const double lat = y[unit] * std::numbers::pi / 180.0;
      cloud.coordinates.push_back(std::cos(lat) * std::cos(lon));
      cloud.coordinates.push_back(std::cos(lat) * std::sin(lon));
      cloud.coordinates.push_back(std::sin(lat));
    }
  }
  return cloud;
}

using Rows = std::vector<std::vector<std::uint32_t>>;

// Small inputs are searched serially: waking the thread team costs more than the queries.
template <typename Body>
void for_each_point(std::size_t n, Body&& body) {
  constexpr std::size_t kParallelFrom = 4096;
  if (n < kParallelFrom) {
    for (std::size_t unit = 0; unit < n; ++unit) body(unit);
  } else {
    parallel_for(n, body);
  }
}

SpatialWeights csr_from_rows(const Rows& rows, std::vector<std::string> ids) {
  SpatialWeights result;
  result.n = rows.size();
  result.offsets.assign(rows.size() + 1, 0);
  for (std::size_t unit = 0; unit < rows.size(); ++unit)
    result.offsets[unit + 1] = result.offsets[unit] + rows[unit].size();
  result.neighbors.reserve(result.offsets.back());
  for (const auto& row : rows) result.neighbors.insert(result.neighbors.end(), row.begin(), row.end());
  result.weights.assign(result.neighbors.size(), 1.0);
  result.ids = std::move(ids);
  return result;
}

template <int Dim>
Rows knn_rows(const PointCloud<Dim>& cloud, std::size_t k) {
  const std::size_t n = cloud.kdtree_get_point_count();
  const KdTree<Dim> tree(Dim, cloud, nanoflann::KDTreeSingleIndexAdaptorParams(16));
  Rows rows(n);
  for_each_point(n, [&](std::size_t unit) {
    const double* query = &cloud.coordinates[unit * Dim];
    std::vector<std::uint32_t> indices;
    std::vector<double> distances;
    std::size_t count = std::min(n, k + 1);
    double kth = 0.0;
    while (true) {
      indices.resize(count);
      distances.resize(count);
      const std::size_t found = tree.knnSearch(query, count, indices.data(), distances.data());
      indices.resize(found);
      distances.resize(found);
      // The query point itself is at distance 0, the smallest possible, so the k-th nearest *other*
      // unit's distance is the (k+1)-th smallest distance overall, whichever tied points were returned.
      kth = distances[k];
      // All points at distance <= kth are present once a farther point was returned (or all points were).
      if (found == n || distances.back() > kth) break;
      count = std::min(n, 2 * count);
    }
    std::vector<std::pair<double, std::uint32_t>> candidates;
    for (std::size_t found_idx = 0; found_idx < indices.size(); ++found_idx) {
      if (indices[found_idx] != unit && distances[found_idx] <= kth) {
        candidates.emplace_back(distances[found_idx], indices[found_idx]);
      }
    }
    std::sort(candidates.begin(), candidates.end());  // by distance, then by lower index
    std::vector<std::uint32_t>& row = rows[unit];
    for (std::size_t rank = 0; rank < k; ++rank) row.push_back(candidates[rank].second);
    std::sort(row.begin(), row.end());
  });
  return rows;
}

template <int Dim>
Rows band_rows(const PointCloud<Dim>& cloud, double squared_radius) {
  const std::size_t n = cloud.kdtree_get_point_count();
  const KdTree<Dim> tree(Dim, cloud, nanoflann::KDTreeSingleIndexAdaptorParams(16));
  // nanoflann keeps points with squared distance < radius; the next double up makes it <= radius.
  const double search_radius = std::nextafter(squared_radius, std::numeric_limits<double>::infinity());
  Rows rows(n);
  for_each_point(n, [&](std::size_t unit) {
    std::vector<std::pair<std::uint32_t, double>> found;
    nanoflann::SearchParams params;
    params.sorted = false;
    tree.radiusSearch(&cloud.coordinates[unit * Dim], search_radius, found, params);
    std::vector<std::uint32_t>& row = rows[unit];
    for (const auto& [index, squared_distance] : found) {
      if (index != unit) row.push_back(index);
    }
    std::sort(row.begin(), row.end());
  });
  return rows;
}

// ----- edge lists --------------------------------------------------------------------------------------

std::optional<std::uint64_t> parse_index(std::string_view cell) {
  std::uint64_t value = 0;
  const char* end = cell.data() + cell.size();
  const auto [ptr, error] = std::from_chars(cell.data(), end, value);
  if (error != std::errc() || ptr != end || cell.empty()) return std::nullopt;
  return value;
}

std::string preview_ids(std::span<const std::string> ids) {
  std::string text;
  for (std::size_t unit = 0; unit < std::min<std::size_t>(ids.size(), 3); ++unit) {
    text += (unit > 0 ? ", '" : "'") + ids[unit] + "'";
  }
  if (ids.size() > 3) text += ", …";
  return text;
}

}  // namespace

// ===== SpatialWeights ====================================================================================

double SpatialWeights::s0() const noexcept {
  double sum = 0.0;
  for (const double weight : weights) sum += weight;
  return sum;
}

std::vector<std::uint32_t> SpatialWeights::islands() const {
  std::vector<std::uint32_t> result;
  for (std::size_t unit = 0; unit < n; ++unit) {
    if (offsets[unit + 1] == offsets[unit]) result.push_back(static_cast<std::uint32_t>(unit));
  }
  return result;
}

double SpatialWeights::mean_neighbors() const noexcept {
  return n == 0 ? 0.0 : static_cast<double>(neighbors.size()) / static_cast<double>(n);
}

SpatialWeights transform_weights(const SpatialWeights& weights, WeightsTransform transform) {
  SpatialWeights result = weights;
  for (std::size_t unit = 0; unit < result.n; ++unit) {
    const std::size_t begin = result.offsets[unit];
    const std::size_t end = result.offsets[unit + 1];
    if (transform == WeightsTransform::Binary) {
      std::fill(result.weights.begin() + static_cast<std::ptrdiff_t>(begin),
                result.weights.begin() + static_cast<std::ptrdiff_t>(end), 1.0);
      continue;
    }
    if (begin == end) continue;  // an island keeps its empty row
    double row_sum = 0.0;
    for (std::size_t link = begin; link < end; ++link) row_sum += result.weights[link];
    if (!(row_sum > 0.0)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("unit '{}' has {} links but their weights sum to 0, so its row cannot be "
                              "standardised",
                              result.ids.empty() ? std::to_string(unit) : result.ids[unit], end - begin),
                  "give its links positive weights or remove them");
    }
    for (std::size_t link = begin; link < end; ++link) result.weights[link] /= row_sum;
  }
  return result;
}

WeightSums weight_sums(const SpatialWeights& weights) {
  WeightSums sums;
  std::vector<double> row_sum(weights.n, 0.0);
  std::vector<double> column_sum(weights.n, 0.0);
  for (std::size_t unit = 0; unit < weights.n; ++unit) {
    for (std::size_t link = weights.offsets[unit]; link < weights.offsets[unit + 1]; ++link) {
      const std::uint32_t other = weights.neighbors[link];
      const double w = weights.weights[link];
      sums.s0 += w;
      row_sum[unit] += w;
      column_sum[other] += w;
      // Each stored link i->j stands for the ordered pairs (i, j) and (j, i) of S1's double sum. If j->i
      // is stored too, (j, i) is counted when that link is visited; otherwise both pairs are w_ij^2.
      const auto row_begin = weights.neighbors.begin() + static_cast<std::ptrdiff_t>(weights.offsets[other]);
      const auto row_end =
          weights.neighbors.begin() + static_cast<std::ptrdiff_t>(weights.offsets[other + 1]);
      const auto reverse = std::lower_bound(row_begin, row_end, static_cast<std::uint32_t>(unit));
      if (reverse != row_end && *reverse == unit) {
        const double sum = w + weights.weights[static_cast<std::size_t>(reverse - weights.neighbors.begin())];
        sums.s1 += 0.5 * sum * sum;
      } else {
        sums.s1 += w * w;
      }
    }
  }
  for (std::size_t unit = 0; unit < weights.n; ++unit) {
    const double total = row_sum[unit] + column_sum[unit];
    sums.s2 += total * total;
  }
  return sums;
}

void validate_weights(const SpatialWeights& weights) {
  const auto fail = [](const std::string& what) {
    throw Error(ErrorCode::InvalidInput, "malformed spatial weights: " + what,
                "build weights with the equalis builders, or keep the CSR invariants documented in "
                "measure/spatial_weights.hpp");
  };
  const std::size_t n = weights.n;
  if (weights.offsets.size() != n + 1)
    fail(fmt::format("{} offsets for {} units (need n + 1)", weights.offsets.size(), n));
  if (weights.offsets.front() != 0 || weights.offsets.back() != weights.neighbors.size()) {
    fail("offsets must start at 0 and end at the number of links");
  }
  if (weights.weights.size() != weights.neighbors.size()) {
    fail(fmt::format("{} weights for {} links", weights.weights.size(), weights.neighbors.size()));
  }
  if (!weights.ids.empty() && weights.ids.size() != n)
    fail(fmt::format("{} ids for {} units", weights.ids.size(), n));
  for (std::size_t unit = 0; unit < n; ++unit) {
    if (weights.offsets[unit + 1] < weights.offsets[unit])
      fail(fmt::format("offsets decrease at unit {}", unit));
    for (std::size_t link = weights.offsets[unit]; link < weights.offsets[unit + 1]; ++link) {
      const std::uint32_t other = weights.neighbors[link];
      if (other >= n) fail(fmt::format("unit {} links to {}, beyond the {} units", unit, other, n));
      if (other == unit) fail(fmt::format("unit {} is linked to itself", unit));
      if (link > weights.offsets[unit] && weights.neighbors[link - 1] >= other) {
        fail(fmt::format("neighbours of unit {} are not strictly ascending (duplicate or unsorted link)",
                         unit));
      }
      if (!std::isfinite(weights.weights[link]) || weights.weights[link] < 0.0) {
        fail(fmt::format("link {} -> {} has weight {}; weights must be finite and >= 0", unit, other,
                         weights.weights[link]));
      }
    }
  }
}

SpatialWeights weights_from_links(std::size_t n, std::span<const std::uint32_t> from,
                                  std::span<const std::uint32_t> to, std::span<const double> weight,
                                  std::vector<std::string> ids) {
  check_unit_count(n);
  if (from.size() != to.size() || (!weight.empty() && weight.size() != from.size())) {
    throw Error(ErrorCode::InvalidInput,
                "links need as many 'to' entries (and weights, if any) as 'from' entries",
                "pass equally long arrays");
  }
  ids = checked_ids(n, std::move(ids));
  std::vector<Link> links;
  links.reserve(from.size());
  for (std::size_t link = 0; link < from.size(); ++link) {
    const double w = weight.empty() ? 1.0 : weight[link];
    if (from[link] >= n || to[link] >= n) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("link {} ({} -> {}) refers to a unit beyond the {} units", link, from[link],
                              to[link], n),
                  "use 0-based unit indices below n");
    }
    if (from[link] == to[link]) {
      throw Error(ErrorCode::InvalidInput, fmt::format("link {} links unit {} to itself", link, from[link]),
                  "remove self links: a unit is not its own neighbour");
    }
    if (!std::isfinite(w) || w < 0.0) {
      throw Error(ErrorCode::InvalidInput, fmt::format("link {} has weight {}", link, w),
                  "weights must be finite and >= 0");
    }
    links.push_back(Link{from[link], to[link], w});
  }
  sort_links(links);
  for (std::size_t link = 1; link < links.size(); ++link) {
    if (links[link].from == links[link - 1].from && links[link].to == links[link - 1].to) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("the link {} -> {} is given twice", links[link].from, links[link].to),
                  "give each link once");
    }
  }
  return csr_from_sorted_links(n, links, std::move(ids));
}

// ===== edge lists ========================================================================================

SpatialWeights weights_from_edge_list(const CsvTable& table, std::string_view from_column,
                                      std::string_view to_column,
                                      std::optional<std::string_view> weight_column,
                                      std::span<const std::string> ids, const EdgeListOptions& options) {
  const std::size_t n = ids.size();
  check_unit_count(n);
  const std::size_t from_idx = table.column_index(from_column);
  const std::size_t to_idx = table.column_index(to_column);
  // A plain index plus a flag: std::optional<std::size_t> here trips GCC 12's -Wmaybe-uninitialized.
  const bool has_weight = weight_column.has_value();
  const std::size_t weight_idx = has_weight ? table.column_index(*weight_column) : 0;

  std::unordered_map<std::string_view, std::uint32_t> unit_of_id;
  if (options.endpoints == EdgeEndpoints::Ids) {
    unit_of_id.reserve(n);
    for (std::size_t unit = 0; unit < n; ++unit) {
      const auto [it, inserted] = unit_of_id.emplace(ids[unit], static_cast<std::uint32_t>(unit));
      if (!inserted) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("unit id '{}' appears twice (units {} and {})", ids[unit], it->second, unit),
                    "unit ids must be unique: pick an id column without repeats");
      }
    }
  }

  const auto resolve = [&](std::size_t row, std::size_t column) -> std::uint32_t {
    const std::string_view cell = table.cell(row, column);
    if (options.endpoints == EdgeEndpoints::ZeroBasedIndices) {
      const std::optional<std::uint64_t> index = parse_index(cell);
      if (!index || *index >= n) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("'{}' in column '{}' is not a unit index: expected an integer from 0 to {}",
                                cell, table.header()[column], n == 0 ? 0 : n - 1),
                    "edge-list indices are 0-based positions of the units in the value table",
                    table.location(row, column));
      }
      return static_cast<std::uint32_t>(*index);
    }
    const auto found = unit_of_id.find(cell);
    if (found == unit_of_id.end()) {
      const std::string nearest = nearest_name(cell, std::vector<std::string>(ids.begin(), ids.end()));
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("unknown unit id '{}' in column '{}'", excerpt(cell), table.header()[column]),
          nearest.empty()
              ? fmt::format("use the ids of the value table ({}), or add the missing unit", preview_ids(ids))
              : fmt::format("did you mean '{}'? edge-list ids must match the value table's "
                            "ids exactly",
                            nearest),
          table.location(row, column));
    }
    return found->second;
  };

  struct SourcedLink {
    Link link;
    std::size_t row = 0;
  };
  std::vector<SourcedLink> links;
  links.reserve(table.row_count() * (options.direction == EdgeDirection::Undirected ? 2 : 1));
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const std::uint32_t from = resolve(row, from_idx);
    const std::uint32_t to = resolve(row, to_idx);
    if (from == to) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("self link: unit '{}' is listed as its own neighbour", ids[from]),
                  "remove the row: a unit is not its own neighbour", table.location(row, from_idx));
    }
    double weight = 1.0;
    if (has_weight) {
      const std::string_view cell = table.cell(row, weight_idx);
      const std::optional<double> parsed = parse_number(cell);
      if (!parsed) {
        throw Error(ErrorCode::Parse, fmt::format("weight '{}' is not a number", excerpt(cell)),
                    "give every link a finite decimal weight", table.location(row, weight_idx));
      }
      if (*parsed < 0.0) {
        throw Error(ErrorCode::InvalidInput, fmt::format("negative weight {}", cell),
                    "spatial weights must be >= 0", table.location(row, weight_idx));
      }
      weight = *parsed;
    }
    links.push_back(SourcedLink{Link{from, to, weight}, row});
    if (options.direction == EdgeDirection::Undirected)
      links.push_back(SourcedLink{Link{to, from, weight}, row});
  }
  std::stable_sort(links.begin(), links.end(), [](const SourcedLink& a, const SourcedLink& b) {
    return a.link.from != b.link.from ? a.link.from < b.link.from : a.link.to < b.link.to;
  });
  std::vector<Link> sorted;
  sorted.reserve(links.size());
  for (std::size_t link = 0; link < links.size(); ++link) {
    if (link > 0 && links[link].link.from == links[link - 1].link.from &&
        links[link].link.to == links[link - 1].link.to) {
      // stable_sort keeps file order within equal links, so links[link] is the later row.
      const std::size_t first_row = std::min(links[link - 1].row, links[link].row);
      const std::size_t later_row = std::max(links[link - 1].row, links[link].row);
      const bool reversed = options.direction == EdgeDirection::Undirected;
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("duplicate link '{}' -> '{}'{}: already given on line {}", ids[links[link].link.from],
                      ids[links[link].link.to], reversed ? " (rows are undirected)" : "",
                      table.row_location(first_row).line),
          reversed ? "list each pair once in an undirected edge list" : "give each directed link once",
          table.location(later_row, from_idx));
    }
    sorted.push_back(links[link].link);
  }
  return csr_from_sorted_links(n, sorted, std::vector<std::string>(ids.begin(), ids.end()));
}

// ===== contiguity ========================================================================================

SpatialWeights contiguity_from_polygons(std::span<const std::vector<geo::Polygon>> units,
                                        Contiguity contiguity, std::vector<std::string> ids) {
  const std::size_t n = units.size();
  check_unit_count(n);
  ids = checked_ids(n, std::move(ids));
  std::vector<VertexKey> vertices;
  std::vector<SegmentKey> segments;
  for (std::size_t unit = 0; unit < n; ++unit) {
    const auto unit_idx = static_cast<std::uint32_t>(unit);
    for (const geo::Polygon& polygon : units[unit]) {
      for (const geo::Ring& ring : polygon.rings) {
        for (std::size_t point_idx = 0; point_idx < ring.size(); ++point_idx) {
          const geo::Point& a = ring[point_idx];
          if (!std::isfinite(a.x) || !std::isfinite(a.y)) {
            throw Error(ErrorCode::InvalidInput,
                        fmt::format("unit '{}' has a polygon vertex with a non-finite coordinate", ids[unit]),
                        "repair the geometry (e.g. with a GIS 'fix geometries' tool)");
          }
          if (contiguity == Contiguity::Queen) {
            vertices.push_back(VertexKey{coordinate_key(a.x), coordinate_key(a.y), unit_idx});
            continue;
          }
          if (point_idx + 1 == ring.size()) break;  // rings are closed: the last point repeats the first
          const geo::Point& b = ring[point_idx + 1];
          std::pair<std::uint64_t, std::uint64_t> first{coordinate_key(a.x), coordinate_key(a.y)};
          std::pair<std::uint64_t, std::uint64_t> second{coordinate_key(b.x), coordinate_key(b.y)};
          if (first == second) continue;  // repeated vertex: no segment
          if (second < first) std::swap(first, second);
          segments.push_back(SegmentKey{first.first, first.second, second.first, second.second, unit_idx});
        }
        // An unclosed ring (not produced by GDAL) still gets its closing segment.
        if (contiguity == Contiguity::Rook && ring.size() > 2 &&
            (ring.front().x != ring.back().x || ring.front().y != ring.back().y)) {
          std::pair<std::uint64_t, std::uint64_t> first{coordinate_key(ring.back().x),
                                                        coordinate_key(ring.back().y)};
          std::pair<std::uint64_t, std::uint64_t> second{coordinate_key(ring.front().x),
                                                         coordinate_key(ring.front().y)};
          if (second < first) std::swap(first, second);
          segments.push_back(SegmentKey{first.first, first.second, second.first, second.second, unit_idx});
        }
      }
    }
  }
  std::vector<Link> links;
  if (contiguity == Contiguity::Queen) {
    link_units_sharing_keys(
        vertices, [](const VertexKey& a, const VertexKey& b) { return a.x == b.x && a.y == b.y; }, links);
  } else {
    link_units_sharing_keys(
        segments,
        [](const SegmentKey& a, const SegmentKey& b) {
          return a.ax == b.ax && a.ay == b.ay && a.bx == b.bx && a.by == b.by;
        },
        links);
  }
  sort_links(links);
  links.erase(std::unique(links.begin(), links.end(),
                          [](const Link& a, const Link& b) { return a.from == b.from && a.to == b.to; }),
              links.end());
  return csr_from_sorted_links(n, links, std::move(ids));
}

// ===== points ============================================================================================

SpatialWeights knn_weights(std::span<const double> x, std::span<const double> y, std::size_t k,
                           bool geographic, std::vector<std::string> ids) {
  check_coordinates(x, y, geographic);
  const std::size_t n = x.size();
  if (k == 0 || k >= n) {
    throw Error(ErrorCode::InvalidInput, fmt::format("k = {} nearest neighbours among {} units", k, n),
                n < 2 ? std::string("k nearest neighbours need at least 2 units")
                      : fmt::format("choose k between 1 and {} (n - 1)", n - 1));
  }
  ids = checked_ids(n, std::move(ids));
  const Rows rows = geographic ? knn_rows(make_cloud<3>(x, y), k) : knn_rows(make_cloud<2>(x, y), k);
  return csr_from_rows(rows, std::move(ids));
}

SpatialWeights distance_band_weights(std::span<const double> x, std::span<const double> y, double threshold,
                                     bool geographic, std::vector<std::string> ids) {
  check_coordinates(x, y, geographic);
  if (!std::isfinite(threshold) || threshold < 0.0) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("distance threshold {} is not a finite non-negative number", threshold),
                geographic ? "give the band in metres" : "give the band in the coordinates' units");
  }
  const std::size_t n = x.size();
  ids = checked_ids(n, std::move(ids));
  if (n == 0) return csr_from_rows({}, std::move(ids));
  if (!geographic)
    return csr_from_rows(band_rows(make_cloud<2>(x, y), threshold * threshold), std::move(ids));
  // Great-circle distance d on a sphere of radius R spans the angle d / R, whose chord is 2 sin(d / 2R).
  const double angle = std::min(threshold / kEarthRadiusMetres, std::numbers::pi);
  const double chord = 2.0 * std::sin(angle / 2.0);
  return csr_from_rows(band_rows(make_cloud<3>(x, y), chord * chord), std::move(ids));
}

}  // namespace equalis::measure

#include "network/snap.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"

#include <fmt/format.h>
#include <nanoflann.hpp>

#include <array>
#include <cmath>
#include <initializer_list>
#include <numbers>
#include <string_view>
#include <unordered_map>

namespace equalis::network {

namespace {

std::array<double, 3> unit_vector(double lon, double lat) {
  constexpr double kRad = std::numbers::pi / 180.0;
  return {std::cos(lat * kRad) * std::cos(lon * kRad), std::cos(lat * kRad) * std::sin(lon * kRad),
          std::sin(lat * kRad)};
}

struct Cloud {
  std::vector<double> xyz;
  [[nodiscard]] std::size_t kdtree_get_point_count() const { return xyz.size() / 3; }
  [[nodiscard]] double kdtree_get_pt(std::uint32_t index, std::size_t dim) const {
    return xyz[std::size_t{index} * 3 + dim];
  }
  template <class BoundingBox>
  bool kdtree_get_bbox(BoundingBox& /*box*/) const {
    return false;
  }
};

using Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, Cloud, double>, Cloud,
                                                 3, std::uint32_t>;

}  // namespace

struct NodeSnapper::Index {
  Cloud cloud;
  std::unique_ptr<Tree> tree;
};

NodeSnapper::NodeSnapper(const Graph& graph) : index_(std::make_unique<Index>()) {
  if (graph.node_count() == 0 || graph.lon.size() != graph.node_count()) {
    throw Error(ErrorCode::InvalidInput, "cannot snap to a graph without node coordinates",
                "build the graph from an OSM extract");
  }
  index_->cloud.xyz.reserve(graph.node_count() * 3);
  for (std::size_t node = 0; node < graph.node_count(); ++node) {
    const auto p = unit_vector(graph.lon[node], graph.lat[node]);
    index_->cloud.xyz.insert(index_->cloud.xyz.end(), p.begin(), p.end());
  }
  index_->tree = std::make_unique<Tree>(3, index_->cloud, nanoflann::KDTreeSingleIndexAdaptorParams(16));
}

NodeSnapper::NodeSnapper(NodeSnapper&&) noexcept = default;
NodeSnapper& NodeSnapper::operator=(NodeSnapper&&) noexcept = default;
NodeSnapper::~NodeSnapper() = default;

SnapResult NodeSnapper::snap(double lon, double lat, double max_distance_m) const {
  if (!std::isfinite(lon) || !std::isfinite(lat) || std::abs(lat) > 90.0 || std::abs(lon) > 180.0) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("point ({}, {}) is not a longitude/latitude pair", lon, lat),
                "give WGS84 degrees: lon in [-180, 180], lat in [-90, 90]");
  }
  const auto query = unit_vector(lon, lat);
  std::uint32_t nearest = 0;
  double chord_sq = 0.0;
  index_->tree->knnSearch(query.data(), 1, &nearest, &chord_sq);
  // Chord c between unit vectors spans the central angle 2 asin(c / 2).
  const double chord = std::sqrt(chord_sq);
  SnapResult result;
  result.distance_m = 2.0 * kEarthRadiusM * std::asin(std::min(1.0, chord / 2.0));
  result.node = result.distance_m <= max_distance_m ? nearest : kInvalidNode;
  return result;
}

SnappedPlaces snap_places(const NodeSnapper& snapper, std::span<const Place> places, double max_distance_m) {
  SnappedPlaces out;
  out.node.reserve(places.size());
  out.distance_m.reserve(places.size());
  for (std::size_t i = 0; i < places.size(); ++i) {
    const SnapResult r = snapper.snap(places[i].lon, places[i].lat, max_distance_m);
    out.node.push_back(r.node);
    out.distance_m.push_back(r.distance_m);
    if (r.node == kInvalidNode) out.unsnapped.push_back(i);
  }
  return out;
}

}  // namespace equalis::network

namespace equalis::network {

std::vector<Place> read_places_csv(const std::string& path) {
  return read_places(CsvTable::read_file(path));
}

namespace {

// Coordinates go by several names: lon/lat first, then the spelt-out and GIS names. Without any of them
// the error names the first (and lists the header's columns).
std::size_t coordinate_column(const CsvTable& table, std::initializer_list<std::string_view> names) {
  for (const std::string_view name : names) {
    if (table.has_column(name)) return table.column_index(name);
  }
  return table.column_index(*names.begin());
}

}  // namespace

std::vector<Place> read_places(const CsvTable& table) {
  const std::size_t id_col = table.column_index("id");
  const std::size_t lon_col = coordinate_column(table, {"lon", "longitude", "lng", "x"});
  const std::size_t lat_col = coordinate_column(table, {"lat", "latitude", "y"});
  if (table.row_count() == 0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("'{}' has no rows", table.source()),
                "give one row per place: id,lon,lat");
  }
  std::vector<Place> places;
  places.reserve(table.row_count());
  std::unordered_map<std::string_view, std::size_t> first_row;
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const std::string_view id = table.cell(row, id_col);
    if (id.empty()) {
      throw Error(ErrorCode::InvalidInput, "empty id", "give every place an id", table.location(row, id_col));
    }
    const auto [it, inserted] = first_row.try_emplace(id, row);
    if (!inserted) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("duplicate id '{}' (first at line {})", excerpt(id),
                              table.row_location(it->second).line),
                  "make ids unique: each row is one origin or destination", table.location(row, id_col));
    }
    const auto lon = parse_number(table.cell(row, lon_col));
    const auto lat = parse_number(table.cell(row, lat_col));
    if (!lon || !std::isfinite(*lon) || std::abs(*lon) > 180.0) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("longitude '{}' is not a number in [-180, 180]", excerpt(table.cell(row, lon_col))),
          "give WGS84 longitude in degrees", table.location(row, lon_col));
    }
    if (!lat || !std::isfinite(*lat) || std::abs(*lat) > 90.0) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("latitude '{}' is not a number in [-90, 90]", excerpt(table.cell(row, lat_col))),
          "give WGS84 latitude in degrees (columns lon, lat: longitude first)", table.location(row, lat_col));
    }
    places.push_back({std::string(id), *lon, *lat});
  }
  return places;
}

}  // namespace equalis::network

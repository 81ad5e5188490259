#include "network/snap.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"
#include "core/unique_ids.hpp"
#include "network/sphere.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <initializer_list>
#include <limits>
#include <numbers>
#include <string_view>

namespace equalis::network {

struct NodeSnapper::Index {
  SphereCloud cloud;
  std::unique_ptr<SphereTree> tree;
};

NodeSnapper::NodeSnapper(const Graph& graph) : index_(std::make_unique<Index>()) {
  if (graph.node_count() == 0 || graph.lon.size() != graph.node_count()) {
    throw Error(ErrorCode::InvalidInput, "cannot snap to a graph without node coordinates",
                "build the graph from an OSM extract");
  }
  index_->cloud.xyz.reserve(graph.node_count() * 3);
  for (std::size_t node = 0; node < graph.node_count(); ++node) {
    index_->cloud.add(graph.lon[node], graph.lat[node]);
  }
  index_->tree =
      std::make_unique<SphereTree>(3, index_->cloud, nanoflann::KDTreeSingleIndexAdaptorParams(16));
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
  SnapResult result;
  result.distance_m = metres_of_chord(std::sqrt(chord_sq));
  result.node = result.distance_m <= max_distance_m ? nearest : kInvalidNode;
  return result;
}

// ----- segments

SnapMode snap_mode_by_name(const std::string& name) {
  if (name == "node") return SnapMode::Node;
  if (name == "segment") return SnapMode::Segment;
  throw Error(ErrorCode::InvalidInput, fmt::format("`snap` '{}' is not a snapping mode", excerpt(name)),
              "say node (the nearest graph node) or segment (the nearest point on the nearest road)");
}

const char* snap_mode_name(SnapMode mode) {
  return mode == SnapMode::Node ? "node" : "segment";
}

namespace {

TravelTimeMs part_of(TravelTimeMs time, double fraction) {
  return static_cast<TravelTimeMs>(std::llround(static_cast<double>(time) * fraction));
}

}  // namespace

Anchor SegmentSnap::leave() const {
  Anchor anchor;
  if (forward != kUnreachable) anchor.seeds[anchor.count++] = {head, part_of(forward, 1.0 - fraction)};
  if (backward != kUnreachable) anchor.seeds[anchor.count++] = {tail, part_of(backward, fraction)};
  return anchor;
}

Anchor SegmentSnap::arrive() const {
  Anchor anchor;
  if (forward != kUnreachable) anchor.seeds[anchor.count++] = {tail, part_of(forward, fraction)};
  if (backward != kUnreachable) anchor.seeds[anchor.count++] = {head, part_of(backward, 1.0 - fraction)};
  return anchor;
}

TravelTimeMs along_segment(const SegmentSnap& from, const SegmentSnap& to) {
  if (from.tail == kInvalidNode || from.tail != to.tail || from.head != to.head) return kUnreachable;
  TravelTimeMs best = kUnreachable;
  if (from.forward != kUnreachable && from.fraction <= to.fraction)
    best = part_of(from.forward, to.fraction - from.fraction);
  if (from.backward != kUnreachable && from.fraction >= to.fraction)
    best = std::min(best, part_of(from.backward, from.fraction - to.fraction));
  return best;
}

namespace {

struct Segment {
  NodeId tail = 0;
  NodeId head = 0;
  TravelTimeMs forward = kUnreachable;
  TravelTimeMs backward = kUnreachable;
};

// One segment per pair of nodes joined by an arc either way (the arcs of a two-way road share it).
std::vector<Segment> segments_of(const Graph& graph) {
  const auto arc_to = [&](NodeId from, NodeId to) {
    for (std::uint32_t arc = graph.first_out[from]; arc < graph.first_out[from + 1]; ++arc) {
      if (graph.head[arc] == to) return graph.travel_time[arc];
    }
    return kUnreachable;
  };
  std::vector<Segment> segments;
  for (NodeId u = 0; u < graph.node_count(); ++u) {
    for (std::uint32_t arc = graph.first_out[u]; arc < graph.first_out[u + 1]; ++arc) {
      const NodeId v = graph.head[arc];
      const TravelTimeMs back = arc_to(v, u);
      if (back != kUnreachable && v < u) continue;  // added from v
      segments.push_back({u, v, graph.travel_time[arc], back});
    }
  }
  return segments;
}

// Metres east and north of (lon0, lat0) in the local equirectangular plane.
struct Local {
  double x = 0.0;
  double y = 0.0;
};

Local local_of(double lon, double lat, double lon0, double lat0) {
  constexpr double kRad = std::numbers::pi / 180.0;
  return {(lon - lon0) * kRad * std::cos(lat0 * kRad) * kEarthRadiusM, (lat - lat0) * kRad * kEarthRadiusM};
}

}  // namespace

struct SegmentSnapper::Index {
  const Graph* graph = nullptr;
  std::vector<Segment> segments;
  std::vector<std::uint32_t> sample_segment;  // per sample
  SphereCloud cloud;
  std::unique_ptr<SphereTree> tree;
};

SegmentSnapper::SegmentSnapper(const Graph& graph) : index_(std::make_unique<Index>()) {
  if (graph.node_count() == 0 || graph.lon.size() != graph.node_count() || graph.arc_count() == 0) {
    throw Error(ErrorCode::InvalidInput, "cannot snap to a graph without road segments and node coordinates",
                "build the graph from an OSM extract");
  }
  index_->graph = &graph;
  index_->segments = segments_of(graph);
  for (std::uint32_t s = 0; s < index_->segments.size(); ++s) {
    const Segment& seg = index_->segments[s];
    const double length =
        haversine_m(graph.lon[seg.tail], graph.lat[seg.tail], graph.lon[seg.head], graph.lat[seg.head]);
    const auto pieces = static_cast<std::size_t>(std::max(1.0, std::ceil(length / kSegmentSampleM)));
    for (std::size_t i = 0; i <= pieces; ++i) {
      const double f = static_cast<double>(i) / static_cast<double>(pieces);
      index_->cloud.add(graph.lon[seg.tail] + f * (graph.lon[seg.head] - graph.lon[seg.tail]),
                        graph.lat[seg.tail] + f * (graph.lat[seg.head] - graph.lat[seg.tail]));
      index_->sample_segment.push_back(s);
    }
  }
  index_->tree =
      std::make_unique<SphereTree>(3, index_->cloud, nanoflann::KDTreeSingleIndexAdaptorParams(16));
}

SegmentSnapper::SegmentSnapper(SegmentSnapper&&) noexcept = default;
SegmentSnapper& SegmentSnapper::operator=(SegmentSnapper&&) noexcept = default;
SegmentSnapper::~SegmentSnapper() = default;

SegmentSnap SegmentSnapper::snap(double lon, double lat, double max_distance_m) const {
  if (!std::isfinite(lon) || !std::isfinite(lat) || std::abs(lat) > 90.0 || std::abs(lon) > 180.0) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("point ({}, {}) is not a longitude/latitude pair", lon, lat),
                "give WGS84 degrees: lon in [-180, 180], lat in [-90, 90]");
  }
  const Graph& graph = *index_->graph;
  const auto query = unit_vector(lon, lat);
  std::uint32_t nearest = 0;
  double chord_sq = 0.0;
  index_->tree->knnSearch(query.data(), 1, &nearest, &chord_sq);
  // Every point of a segment lies within half a spacing of one of its samples, so the nearest segment
  // has a sample within (nearest sample) + spacing / 2.
  const double bound = chord_of_metres(metres_of_chord(std::sqrt(chord_sq)) + kSegmentSampleM / 2.0 + 1.0);
  std::vector<std::pair<std::uint32_t, double>> near;
  nanoflann::SearchParams params;
  params.sorted = false;
  index_->tree->radiusSearch(query.data(), bound * bound, near, params);
  std::vector<std::uint32_t> candidates;
  candidates.reserve(near.size() + 1);
  candidates.push_back(index_->sample_segment[nearest]);
  for (const auto& item : near) candidates.push_back(index_->sample_segment[item.first]);
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  SegmentSnap best;
  double best_m = std::numeric_limits<double>::infinity();
  for (const std::uint32_t s : candidates) {  // ascending: ties go to the lowest segment
    const Segment& seg = index_->segments[s];
    const Local a = local_of(graph.lon[seg.tail], graph.lat[seg.tail], lon, lat);
    const Local b = local_of(graph.lon[seg.head], graph.lat[seg.head], lon, lat);
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double length_sq = dx * dx + dy * dy;
    const double f = length_sq > 0.0 ? std::clamp(-(a.x * dx + a.y * dy) / length_sq, 0.0, 1.0) : 0.0;
    const double px = a.x + f * dx;
    const double py = a.y + f * dy;
    const double metres = std::sqrt(px * px + py * py);
    if (metres < best_m) {
      best_m = metres;
      best.tail = seg.tail;
      best.head = seg.head;
      best.fraction = f;
      best.forward = seg.forward;
      best.backward = seg.backward;
      best.segment = s;
    }
  }
  best.distance_m = best_m;
  if (best_m > max_distance_m) best.tail = best.head = kInvalidNode;
  return best;
}

SnappedPlaces snap_places(const SegmentSnapper& snapper, std::span<const Place> places,
                          double max_distance_m) {
  SnappedPlaces out;
  out.segment.resize(places.size());
  out.distance_m.resize(places.size());
  // In parallel (100 000 zones); the first bad coordinate is rethrown after the loop.
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 256)
  for (long long il = 0; il < static_cast<long long>(places.size()); ++il) {
    const auto i = static_cast<std::size_t>(il);
    try {
      out.segment[i] = snapper.snap(places[i].lon, places[i].lat, max_distance_m);
      out.distance_m[i] = out.segment[i].distance_m;
    } catch (...) {
#pragma omp critical(equalis_snap_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  for (std::size_t i = 0; i < places.size(); ++i) {
    if (out.segment[i].tail == kInvalidNode) out.unsnapped.push_back(i);
  }
  return out;
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
  require_unique_ids(table, id_col, "id", "make ids unique: each row is one origin or destination");
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const std::string_view id = table.cell(row, id_col);
    if (id.empty()) {
      throw Error(ErrorCode::InvalidInput, "empty id", "give every place an id", table.location(row, id_col));
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

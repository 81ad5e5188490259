#include "network/network.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>
#include <utility>

namespace equalis::network {

BuiltNetwork build_network(const std::string& osm_path, const Profile& profile, ProgressSink& progress) {
  OsmGraph osm = build_graph_from_osm(osm_path, profile, progress);
  BuiltNetwork built;
  built.report = osm.report;
  built.network.ch = build_contraction_hierarchy(osm.graph, {}, progress);
  built.network.graph = std::move(osm.graph);
  return built;
}

TravelTimeMs max_time_ms(std::optional<double> max_time_s) {
  if (!max_time_s) return kUnreachable - 1;
  if (!std::isfinite(*max_time_s) || *max_time_s < 0.0) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("maximum travel time {} s is not a number >= 0", *max_time_s),
                "give `max_time` in seconds, e.g. 1800 for 30 minutes");
  }
  const double ms = std::floor(*max_time_s * 1000.0 + 1e-6);
  return ms >= static_cast<double>(kUnreachable - 1) ? kUnreachable - 1 : static_cast<TravelTimeMs>(ms);
}

namespace {

void require_snapped(const SnappedPlaces& snapped, std::span<const Place> places, const char* what,
                     double max_snap_m) {
  if (snapped.unsnapped.empty()) return;
  std::string ids;
  for (std::size_t k = 0; k < snapped.unsnapped.size() && k < 10; ++k) {
    const std::size_t i = snapped.unsnapped[k];
    ids += fmt::format("{}{} ({:.0f} m)", k == 0 ? "" : ", ", places[i].id, snapped.distance_m[i]);
  }
  if (snapped.unsnapped.size() > 10) ids += fmt::format(", … ({} in all)", snapped.unsnapped.size());
  throw Error(
      ErrorCode::InvalidInput,
      fmt::format("{} {} of {} are further than {:.0f} m from the road graph: {}", snapped.unsnapped.size(),
                  what, places.size(), max_snap_m, ids),
      "check that they lie inside the extract and that lon/lat are not swapped, remove them, or raise "
      "`max_snap`");
}

// Both sets of places snapped, or Error(InvalidInput) naming those too far from the graph.
template <typename Result, typename Snapper>
void snap_both(const Snapper& snapper, std::span<const Place> origins, std::span<const Place> destinations,
               const MatrixRequest& request, Result& result) {
  result.origins = snap_places(snapper, origins, request.max_snap_m);
  require_snapped(result.origins, origins, "origins", request.max_snap_m);
  result.destinations = snap_places(snapper, destinations, request.max_snap_m);
  require_snapped(result.destinations, destinations, "destinations", request.max_snap_m);
}

template <typename Result>
void snap_both(const RoutingNetwork& network, std::span<const Place> origins,
               std::span<const Place> destinations, const MatrixRequest& request, Result& result) {
  if (request.snap == SnapMode::Node) {
    snap_both(NodeSnapper(network.graph), origins, destinations, request, result);
  } else {
    snap_both(SegmentSnapper(network.graph), origins, destinations, request, result);
  }
}

// How the snapped places join the graph, as origins (leaving) or as destinations (arriving).
std::vector<Anchor> anchors_of(const SnappedPlaces& places, bool leaving) {
  std::vector<Anchor> anchors;
  if (places.segment.empty()) {
    for (const NodeId node : places.node) anchors.push_back(Anchor::at(node));
  } else {
    for (const SegmentSnap& s : places.segment) anchors.push_back(leaving ? s.leave() : s.arrive());
  }
  return anchors;
}

struct DirectPair {
  std::uint32_t origin;
  std::uint32_t destination;
  TravelTimeMs time;
};

// Origin and destination on one segment may go straight along it (no node on the way), within max_time.
std::vector<DirectPair> same_segment_pairs(const SnappedPlaces& origins, const SnappedPlaces& destinations,
                                           TravelTimeMs max_time) {
  std::vector<DirectPair> pairs;
  if (origins.segment.empty() || destinations.segment.empty()) return pairs;
  std::unordered_multimap<std::uint32_t, std::uint32_t> by_segment;
  for (std::uint32_t j = 0; j < destinations.segment.size(); ++j) {
    by_segment.emplace(destinations.segment[j].segment, j);
  }
  for (std::uint32_t i = 0; i < origins.segment.size(); ++i) {
    const auto [first, last] = by_segment.equal_range(origins.segment[i].segment);
    for (auto it = first; it != last; ++it) {
      const TravelTimeMs t = along_segment(origins.segment[i], destinations.segment[it->second]);
      if (t <= max_time) pairs.push_back({i, it->second, t});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const DirectPair& a, const DirectPair& b) {
    return a.origin != b.origin ? a.origin < b.origin : a.destination < b.destination;
  });
  return pairs;
}

// Rows with the direct pairs merged in (the shorter time of a pair kept, rows re-sorted).
void merge_direct(TravelTimeRows& rows, const std::vector<DirectPair>& direct) {
  if (direct.empty()) return;
  std::vector<std::size_t> first_direct(rows.rows() + 1, 0);  // direct pairs of origin i
  for (const DirectPair& pair : direct) ++first_direct[pair.origin + std::size_t{1}];
  std::partial_sum(first_direct.begin(), first_direct.end(), first_direct.begin());
  const auto merged_row = [&](std::size_t i) {
    std::vector<std::pair<TravelTimeMs, std::uint32_t>> row;
    for (std::size_t e = rows.offsets[i]; e < rows.offsets[i + 1]; ++e)
      row.push_back({rows.time[e], rows.destination[e]});
    for (std::size_t k = first_direct[i]; k < first_direct[i + 1]; ++k) {
      const auto at = std::find_if(row.begin(), row.end(),
                                   [&](const auto& p) { return p.second == direct[k].destination; });
      if (at == row.end()) {
        row.push_back({direct[k].time, direct[k].destination});
      } else {
        at->first = std::min(at->first, direct[k].time);
      }
    }
    std::sort(row.begin(), row.end());
    return row;
  };
  TravelTimeRows out;
  out.cols = rows.cols;
  out.offsets.assign(rows.offsets.size(), 0);
  for (std::size_t i = 0; i < rows.rows(); ++i) {
    const std::size_t size =
        first_direct[i] == first_direct[i + 1] ? rows.offsets[i + 1] - rows.offsets[i] : merged_row(i).size();
    out.offsets[i + 1] = out.offsets[i] + size;
  }
  out.destination.resize(out.offsets.back());
  out.time.resize(out.offsets.back());
#pragma omp parallel for schedule(dynamic, 256)
  for (long long il = 0; il < static_cast<long long>(rows.rows()); ++il) {
    const auto i = static_cast<std::size_t>(il);
    std::size_t write = out.offsets[i];
    if (first_direct[i] == first_direct[i + 1]) {
      for (std::size_t e = rows.offsets[i]; e < rows.offsets[i + 1]; ++e, ++write) {
        out.time[write] = rows.time[e];
        out.destination[write] = rows.destination[e];
      }
    } else {
      for (const auto& [t, j] : merged_row(i)) {
        out.time[write] = t;
        out.destination[write++] = j;
      }
    }
  }
  rows = std::move(out);
}

}  // namespace

std::string describe_snapping(const SnappedPlaces& places, const char* what) {
  std::vector<double> metres = places.distance_m;
  if (metres.empty()) return fmt::format("no {} to snap", what);
  std::sort(metres.begin(), metres.end());
  const auto at = [&](double q) {
    return metres[static_cast<std::size_t>(std::floor(q * static_cast<double>(metres.size() - 1)))];
  };
  return fmt::format("{} {} snapped to {}: median {:.0f} m, 95th percentile {:.0f} m, at most {:.0f} m",
                     metres.size(), what, places.segment.empty() ? "graph nodes" : "road segments", at(0.5),
                     at(0.95), metres.back());
}

PlacesMatrix travel_time_matrix(const RoutingNetwork& network, std::span<const Place> origins,
                                std::span<const Place> destinations, const MatrixRequest& request,
                                ProgressSink& progress) {
  MatrixOptions options;
  options.max_time = max_time_ms(request.max_time_s);
  PlacesMatrix result;
  snap_both(network, origins, destinations, request, result);
  result.matrix = ch_matrix(network.ch, anchors_of(result.origins, true),
                            anchors_of(result.destinations, false), options, progress);
  for (const DirectPair& pair : same_segment_pairs(result.origins, result.destinations, options.max_time)) {
    TravelTimeMs& t = result.matrix.time[pair.origin * result.matrix.cols + pair.destination];
    t = std::min(t, pair.time);
  }
  return result;
}

PlacesRows travel_time_rows(const RoutingNetwork& network, std::span<const Place> origins,
                            std::span<const Place> destinations, const MatrixRequest& request,
                            ProgressSink& progress) {
  MatrixOptions options;
  options.max_time = max_time_ms(request.max_time_s);
  PlacesRows result;
  snap_both(network, origins, destinations, request, result);
  result.rows = ch_rows(network.ch, anchors_of(result.origins, true), anchors_of(result.destinations, false),
                        options, progress);
  merge_direct(result.rows, same_segment_pairs(result.origins, result.destinations, options.max_time));
  return result;
}

}  // namespace equalis::network

#pragma once
// Snapping points to the nearest graph node with a k-d tree (nanoflann) over 3-D unit-sphere
// coordinates: chord order equals great-circle order, so there is no distortion near the poles or the
// antimeridian. A point further than the limit is not moved: it is reported, by id, as unsnapped.

#include "core/csv.hpp"
#include "network/graph.hpp"
#include "network/matrix.hpp"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace equalis::network {

inline constexpr double kDefaultMaxSnapM = 1000.0;

struct SnapResult {
  NodeId node = kInvalidNode;  // kInvalidNode if the nearest node is further than the limit
  double distance_m = 0.0;     // great-circle distance to the nearest node
};

class NodeSnapper {
 public:
  explicit NodeSnapper(const Graph& graph);
  NodeSnapper(const NodeSnapper&) = delete;
  NodeSnapper& operator=(const NodeSnapper&) = delete;
  NodeSnapper(NodeSnapper&&) noexcept;
  NodeSnapper& operator=(NodeSnapper&&) noexcept;
  ~NodeSnapper();

  // Nearest node of (lon, lat) in degrees; node = kInvalidNode if it is further than max_distance_m.
  // Throws Error(InvalidInput) for a non-finite or out-of-range coordinate.
  [[nodiscard]] SnapResult snap(double lon, double lat, double max_distance_m = kDefaultMaxSnapM) const;

 private:
  struct Index;
  std::unique_ptr<Index> index_;
};

// How places join the graph: at the nearest node, or at the nearest point of the nearest road segment
// with the part of the segment's travel time between that point and its ends (rural places beside long
// roads are not moved to a far junction).
enum class SnapMode { Node, Segment };

// "node" or "segment"; throws Error(InvalidInput) naming `snap` otherwise.
SnapMode snap_mode_by_name(const std::string& name);
const char* snap_mode_name(SnapMode mode);

// A point on a road segment: a straight piece of road between two graph nodes, run either way or one way.
struct SegmentSnap {
  NodeId tail = kInvalidNode;  // kInvalidNode if the nearest segment is further than the limit
  NodeId head = kInvalidNode;
  double fraction = 0.0;                 // of the segment from tail (0) to head (1)
  TravelTimeMs forward = kUnreachable;   // the arc tail -> head; kUnreachable if it is one-way back
  TravelTimeMs backward = kUnreachable;  // the arc head -> tail
  double distance_m = 0.0;               // from the point to the segment
  std::uint32_t segment = 0;             // index in the snapper (same index: same segment)

  // As an origin: the place goes on to the ends it can drive to (head by the forward arc, tail by the
  // backward one), taking the rest of that arc's time.
  [[nodiscard]] Anchor leave() const;
  // As a destination: the place is reached from the tail along the forward arc, from the head along the
  // backward one.
  [[nodiscard]] Anchor arrive() const;
};

// Time from `from` to `to` along their common segment without leaving it (kUnreachable: not the same
// segment, or against a one-way arc).
TravelTimeMs along_segment(const SegmentSnap& from, const SegmentSnap& to);

// Nearest point on the nearest segment. Every segment is sampled every kSegmentSampleM metres (ends
// included) into a k-d tree; the nearest sample bounds the search, and every segment with a sample
// within that bound plus half a spacing is projected exactly (in a local equirectangular plane, exact
// to well under a metre for road segments). Build O(S log S) for S samples, query O(log S + candidates).
class SegmentSnapper {
 public:
  static constexpr double kSegmentSampleM = 50.0;
  explicit SegmentSnapper(const Graph& graph);
  SegmentSnapper(const SegmentSnapper&) = delete;
  SegmentSnapper& operator=(const SegmentSnapper&) = delete;
  SegmentSnapper(SegmentSnapper&&) noexcept;
  SegmentSnapper& operator=(SegmentSnapper&&) noexcept;
  ~SegmentSnapper();

  // Throws Error(InvalidInput) for a non-finite or out-of-range coordinate.
  [[nodiscard]] SegmentSnap snap(double lon, double lat, double max_distance_m = kDefaultMaxSnapM) const;

 private:
  struct Index;
  std::unique_ptr<Index> index_;
};

struct Place {
  std::string id;
  double lon = 0.0;
  double lat = 0.0;
};

struct SnappedPlaces {
  std::vector<NodeId> node;            // per place; kInvalidNode for unsnapped ones (node mode)
  std::vector<SegmentSnap> segment;    // per place (segment mode; empty in node mode)
  std::vector<double> distance_m;      // per place
  std::vector<std::size_t> unsnapped;  // indices of places beyond the limit
};

SnappedPlaces snap_places(const NodeSnapper& snapper, std::span<const Place> places,
                          double max_distance_m = kDefaultMaxSnapM);
SnappedPlaces snap_places(const SegmentSnapper& snapper, std::span<const Place> places,
                          double max_distance_m = kDefaultMaxSnapM);

}  // namespace equalis::network

namespace equalis::network {

// Reads places from a CSV file with columns id, lon, lat (WGS84 degrees). Throws Error(Parse or
// InvalidInput) at file:line:column for a missing column, a bad number, an out-of-range coordinate or a
// duplicate id, and for a file without rows.
std::vector<Place> read_places_csv(const std::string& path);

// The same from a table already read (a file that also carries other columns, e.g. demand weights).
std::vector<Place> read_places(const CsvTable& table);

}  // namespace equalis::network

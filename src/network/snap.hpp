#pragma once
// Snapping points to the nearest graph node with a k-d tree (nanoflann) over 3-D unit-sphere
// coordinates: chord order equals great-circle order, so there is no distortion near the poles or the
// antimeridian. A point further than the limit is not moved: it is reported, by id, as unsnapped.

#include "core/csv.hpp"
#include "network/graph.hpp"

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

struct Place {
  std::string id;
  double lon = 0.0;
  double lat = 0.0;
};

struct SnappedPlaces {
  std::vector<NodeId> node;            // per place; kInvalidNode for unsnapped ones
  std::vector<double> distance_m;      // per place
  std::vector<std::size_t> unsnapped;  // indices of places beyond the limit
};

SnappedPlaces snap_places(const NodeSnapper& snapper, std::span<const Place> places,
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

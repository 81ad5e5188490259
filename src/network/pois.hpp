#pragma once
// Points of interest (schools, hospitals, town halls, …) from an OSM extract: tagged nodes as they are,
// ways at their centroid (area centroid for closed ways, mean of the nodes for open ones), multipolygon
// relations at the node-weighted mean of their member ways (an approximation, see docs/network.md).

#include "core/progress.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::network {

struct PoiFilter {
  std::string key;    // e.g. "amenity"
  std::string value;  // e.g. "hospital"; "*" matches any value
};

// "amenity=hospital,clinic,school;shop=supermarket" or "amenity=hospital,amenity=school": an item
// without '=' reuses the previous key. Throws Error(InvalidInput) for an empty list or a value without key.
std::vector<PoiFilter> parse_poi_filters(std::string_view text);

struct Poi {
  char osm_type = 'n';  // 'n' node, 'w' way, 'r' relation
  std::int64_t osm_id = 0;
  std::string tag;   // the matching "key=value"
  std::string name;  // name=* or empty
  double lon = 0.0;
  double lat = 0.0;
  [[nodiscard]] std::string id() const { return osm_type + std::to_string(osm_id); }  // "n123"
};

// Objects matching any filter (each once, with the first filter it matches), in file order: nodes, ways,
// relations. Throws Error(Io|Parse|Unsupported) like build_graph_from_osm.
std::vector<Poi> extract_pois(const std::string& path, const std::vector<PoiFilter>& filters,
                              ProgressSink& progress = null_progress());

}  // namespace equalis::network

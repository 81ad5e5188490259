#include "network/pois.hpp"

#include "core/error.hpp"
#include "network/osm_read.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/sparse_mem_array.hpp>
#include <osmium/visitor.hpp>
#include <unordered_map>

namespace equalis::network {

namespace {
std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}
}  // namespace

std::vector<PoiFilter> parse_poi_filters(std::string_view text) {
  std::vector<PoiFilter> filters;
  std::string key;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find_first_of(",;", start), text.size());
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      const std::size_t eq = item.find('=');
      std::string value;
      if (eq == std::string_view::npos) {
        value = std::string(trimmed(item));
      } else {
        key = std::string(trimmed(item.substr(0, eq)));
        value = std::string(trimmed(item.substr(eq + 1)));
      }
      if (key.empty() || value.empty()) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("tag filter '{}' has no key or no value", excerpt(item)),
                    "write key=value items, e.g. amenity=hospital,school,townhall (value * for any)");
      }
      // Such a filter could never match an OSM tag: say so rather than return nothing.
      if (key == "*" || key.find_first_of(" \t=") != std::string::npos ||
          value.find('=') != std::string::npos) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("tag filter '{}' cannot match any OSM tag", excerpt(item)),
                    "the key is a plain OSM key such as amenity (only the value may be *), one = per item");
      }
      filters.push_back({key, value});
    }
    start = end + 1;
  }
  if (filters.empty()) {
    throw Error(ErrorCode::InvalidInput, "no tag filter given",
                "write key=value items, e.g. amenity=hospital,school,townhall");
  }
  return filters;
}

namespace {

using LocationIndex = osmium::index::map::SparseMemArray<osmium::unsigned_object_id_type, osmium::Location>;
using LocationHandler = osmium::handler::NodeLocationsForWays<LocationIndex>;

struct WayGeometry {
  double sum_lon = 0.0;
  double sum_lat = 0.0;
  std::uint32_t count = 0;
};

class PoiCollector : public osmium::handler::Handler {
 public:
  explicit PoiCollector(const std::vector<PoiFilter>& filters) : filters_(filters) {}

  void node(const osmium::Node& node) {
    if (node.tags().empty() || !node.location().valid()) return;
    if (const PoiFilter* f = match(node.tags())) {
      add('n', node.id(), *f, node.tags(), node.location().lon(), node.location().lat());
    }
  }

  void way(const osmium::Way& way) {
    WayGeometry geometry;
    std::vector<std::array<double, 2>> ring;
    for (const osmium::NodeRef& ref : way.nodes()) {
      if (!ref.location().valid()) continue;
      geometry.sum_lon += ref.location().lon();
      geometry.sum_lat += ref.location().lat();
      ++geometry.count;
      ring.push_back({ref.location().lon(), ref.location().lat()});
    }
    if (geometry.count == 0) return;
    geometry_.emplace(way.id(), geometry);
    const PoiFilter* f = match(way.tags());
    if (f == nullptr) return;
    double lon = geometry.sum_lon / geometry.count;
    double lat = geometry.sum_lat / geometry.count;
    // Closed way: area centroid by the shoelace formula in degrees (extracts span a few km, where the
    // planar error is negligible next to the size of a building).
    if (way.is_closed() && ring.size() >= 4) {
      double area2 = 0.0;
      double cx = 0.0;
      double cy = 0.0;
      const auto& o = ring.front();  // shift to keep the products small
      for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const double x0 = ring[i][0] - o[0];
        const double y0 = ring[i][1] - o[1];
        const double x1 = ring[i + 1][0] - o[0];
        const double y1 = ring[i + 1][1] - o[1];
        const double c = x0 * y1 - x1 * y0;
        area2 += c;
        cx += (x0 + x1) * c;
        cy += (y0 + y1) * c;
      }
      if (std::abs(area2) > 1e-18) {
        lon = o[0] + cx / (3.0 * area2);
        lat = o[1] + cy / (3.0 * area2);
      }
    }
    add('w', way.id(), *f, way.tags(), lon, lat);
  }

  void relation(const osmium::Relation& relation) {
    const PoiFilter* f = match(relation.tags());
    if (f == nullptr) return;
    WayGeometry total;
    for (const osmium::RelationMember& member : relation.members()) {
      if (member.type() != osmium::item_type::way) continue;
      if (std::strcmp(member.role(), "inner") == 0) continue;
      const auto it = geometry_.find(member.ref());
      if (it == geometry_.end()) continue;
      total.sum_lon += it->second.sum_lon;
      total.sum_lat += it->second.sum_lat;
      total.count += it->second.count;
    }
    if (total.count == 0) {
      ++skipped;
      return;
    }
    add('r', relation.id(), *f, relation.tags(), total.sum_lon / total.count, total.sum_lat / total.count);
  }

  std::vector<Poi> pois;
  std::size_t skipped = 0;

 private:
  const PoiFilter* match(const osmium::TagList& tags) const {
    for (const PoiFilter& f : filters_) {
      const char* value = tags[f.key.c_str()];
      if (value != nullptr && (f.value == "*" || f.value == value)) return &f;
    }
    return nullptr;
  }
  void add(char type, std::int64_t id, const PoiFilter& f, const osmium::TagList& tags, double lon,
           double lat) {
    const char* name = tags["name"];
    pois.push_back({type, id, f.key + "=" + (f.value == "*" ? std::string(tags[f.key.c_str()]) : f.value),
                    name != nullptr ? name : "", lon, lat});
  }

  const std::vector<PoiFilter>& filters_;
  std::unordered_map<std::int64_t, WayGeometry> geometry_;
};

}  // namespace

std::vector<Poi> extract_pois(const std::string& path, const std::vector<PoiFilter>& filters,
                              ProgressSink& progress) {
  LocationIndex index;
  LocationHandler locations(index);
  locations.ignore_errors();
  PoiCollector collector(filters);
  detail::read_osm(path, osmium::osm_entity_bits::nwr, progress, "reading OSM",
                   [&](osmium::memory::Buffer& buffer) { osmium::apply(buffer, locations, collector); });
  if (collector.skipped > 0) {
    progress.log(LogLevel::Warning,
                 fmt::format("{} matching relations have no member way in the extract and were skipped",
                             collector.skipped));
  }
  return std::move(collector.pois);
}

}  // namespace equalis::network

#include "network/osm_graph.hpp"

#include "core/error.hpp"
#include "network/osm_read.hpp"

#include <fmt/format.h>

#include <cmath>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/sparse_mem_array.hpp>
#include <osmium/visitor.hpp>
#include <unordered_map>

namespace equalis::network {

namespace {

using LocationIndex = osmium::index::map::SparseMemArray<osmium::unsigned_object_id_type, osmium::Location>;
using LocationHandler = osmium::handler::NodeLocationsForWays<LocationIndex>;

class RoadCollector : public osmium::handler::Handler {
 public:
  explicit RoadCollector(const Profile& profile) : profile_(profile) {}

  void way(const osmium::Way& way) {
    ++report.ways_read;
    const osmium::TagList& tags = way.tags();
    const WayRule rule = classify_way(profile_, [&tags](const char* key) { return tags[key]; });
    if (rule.direction == Direction::None) return;
    ++report.ways_routable;
    const osmium::WayNodeList& nodes = way.nodes();
    for (std::size_t i = 1; i < nodes.size(); ++i) {
      const osmium::NodeRef& from = nodes[i - 1];
      const osmium::NodeRef& to = nodes[i];
      if (!from.location().valid() || !to.location().valid()) {
        ++report.segments_missing_nodes;
        continue;
      }
      const NodeId tail = node_id(from);
      const NodeId head = node_id(to);
      const double length_m =
          haversine_m(from.location().lon(), from.location().lat(), to.location().lon(), to.location().lat());
      // seconds = metres / (km/h / 3.6); stored in milliseconds, which must fit, never wrap around.
      const double time_ms = std::round(length_m * 3600.0 / rule.speed_kmh);
      if (!(time_ms < static_cast<double>(kUnreachable))) {
        throw Error(
            ErrorCode::InvalidInput,
            fmt::format("way {}: a {:.0f} m segment at {} km/h takes longer than the {} days a travel "
                        "time can hold",
                        way.id(), length_m, rule.speed_kmh, kUnreachable / 86'400'000U),
            "check the way's geometry and the speed of its highway class");
      }
      const auto time = static_cast<TravelTimeMs>(time_ms);
      if (rule.direction == Direction::Forward || rule.direction == Direction::Both) {
        arcs.push_back({tail, head, time});
      }
      if (rule.direction == Direction::Backward || rule.direction == Direction::Both) {
        arcs.push_back({head, tail, time});
      }
    }
  }

  OsmBuildReport report;
  std::vector<Arc> arcs;
  std::vector<double> lon;
  std::vector<double> lat;
  std::vector<std::int64_t> osm_id;

 private:
  NodeId node_id(const osmium::NodeRef& ref) {
    const auto [it, inserted] = ids_.try_emplace(ref.ref(), static_cast<NodeId>(osm_id.size()));
    if (inserted) {
      osm_id.push_back(ref.ref());
      lon.push_back(ref.location().lon());
      lat.push_back(ref.location().lat());
    }
    return it->second;
  }

  const Profile& profile_;
  std::unordered_map<std::int64_t, NodeId> ids_;
};

}  // namespace

OsmGraph build_graph_from_osm(const std::string& path, const Profile& profile, ProgressSink& progress) {
  LocationIndex index;
  LocationHandler locations(index);
  locations.ignore_errors();  // ways cut at the extract border keep their nodes inside it
  RoadCollector collector(profile);
  detail::read_osm(path, osmium::osm_entity_bits::node | osmium::osm_entity_bits::way, progress,
                   "reading OSM",
                   [&](osmium::memory::Buffer& buffer) { osmium::apply(buffer, locations, collector); });
  if (collector.arcs.empty()) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("'{}' has no way usable by the {} profile ({} ways read)", path, profile.name,
                    collector.report.ways_read),
        profile.name == "car"
            ? "use an extract that contains roads (highway=residential, primary, …), or `profile` walk"
            : "use an extract that contains streets and footways");
  }
  OsmGraph result;
  result.report = collector.report;
  result.graph = graph_from_arcs(collector.osm_id.size(), std::move(collector.arcs));
  result.graph.profile = profile.name;
  result.graph.lon = std::move(collector.lon);
  result.graph.lat = std::move(collector.lat);
  result.graph.osm_id = std::move(collector.osm_id);
  progress.log(LogLevel::Debug, "keeping the largest strongly connected component");
  result.report.components = keep_largest_strongly_connected_component(result.graph);
  return result;
}

}  // namespace equalis::network

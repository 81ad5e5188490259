#pragma once
// Planning on a road network: the cost of serving a demand point from a candidate site is the travel time
// between them (seconds) on a network built by the network module (equalis network build).

#include "core/progress.hpp"
#include "network/network.hpp"
#include "plan/instance.hpp"

#include <string>

namespace equalis::plan {

struct RoadInstanceSource {
  std::string graph;   // network file
  std::string demand;  // CSV: id, lon, lat, and the weight and group columns of `spec`
  std::string sites;   // CSV: id, lon, lat of the candidate sites
  MatrixCsvSpec spec;
  network::MatrixRequest routing;  // catchment limit and farthest snap
};

// Clients are the demand rows (file order), candidates the sites (file order), costs the travel times in
// seconds (kUnreachable beyond routing.max_time_s or without a path). The demand file is read once, for
// both its weights and groups and its coordinates. Throws Error(InvalidInput) naming points farther than
// the snap limit from the roads, and as read_demand_table and network::read_places do.
[[nodiscard]] PlanInstance read_road_instance(const RoadInstanceSource& source,
                                              ProgressSink& progress = null_progress());

}  // namespace equalis::plan

#include "plan/road_instance.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"

#include <fmt/format.h>

#include <unordered_map>
#include <utility>
#include <vector>

namespace equalis::plan {

namespace {

// The network's times are integral milliseconds; plans are costed in seconds.
float seconds_of(network::TravelTimeMs ms) {
  constexpr float kMsPerSecond = 1000.0F;
  return static_cast<float>(ms) / kMsPerSecond;
}

// The coordinates of each client, matched by id (a dropped row, e.g. without a group, is no client).
std::vector<network::Place> client_places(const CsvTable& demand, const PlanInstance& instance) {
  std::unordered_map<std::string, network::Place> by_id;
  for (network::Place& place : network::read_places(demand)) by_id.emplace(place.id, std::move(place));
  std::vector<network::Place> origins;
  origins.reserve(instance.client_ids.size());
  for (const std::string& id : instance.client_ids) {
    const auto found = by_id.find(id);
    if (found == by_id.end()) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("{}: client '{}' has no lon/lat row", demand.source(), id),
                  "with `graph` the demand file's id column must be named id");
    }
    origins.push_back(found->second);
  }
  return origins;
}

}  // namespace

PlanInstance read_road_instance(const RoadInstanceSource& source, ProgressSink& progress) {
  const CsvTable demand = CsvTable::read_file(source.demand);
  PlanInstance instance = read_demand_table(demand, source.spec);
  instance.name = source.graph;
  const std::vector<network::Place> origins = client_places(demand, instance);
  const std::vector<network::Place> sites = network::read_places_csv(source.sites);
  const network::RoutingNetwork net = network::load_network(source.graph);
  const network::PlacesMatrix times =
      network::travel_time_matrix(net, origins, sites, source.routing, progress);
  instance.cost = CostMatrix(origins.size(), sites.size(), kUnreachable);
  for (std::size_t i = 0; i < origins.size(); ++i) {
    for (std::size_t j = 0; j < sites.size(); ++j) {
      const network::TravelTimeMs ms = times.matrix.at(i, j);
      if (ms != network::kUnreachable) instance.cost.at(i, j) = seconds_of(ms);
    }
  }
  for (const network::Place& site : sites) instance.candidate_ids.push_back(site.id);
  instance.validate();
  return instance;
}

}  // namespace equalis::plan

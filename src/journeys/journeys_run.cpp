#include "journeys/journeys_run.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <cmath>

namespace equalis::journeys {

namespace {

using access::Channel;

// The access run behind the journeys: every site kind, channels judged by place only (the catalogue's
// requirements stand for the person's device and skills).
access::AccessRequest access_request(const JourneyRequest& request) {
  access::AccessRequest out = request.access;
  if (out.standard.empty()) {
    throw Error(ErrorCode::InvalidInput, "journeys need `standard`",
                "say how far a site may be and still count as reachable, e.g. 30min");
  }
  out.measures = {"closest"};  // the journeys use the channels, not a measure
  access::ChannelOffer offer = out.channels.value_or(access::ChannelOffer{});
  offer.online = true;
  offer.phone = true;
  offer.joint_abilities.clear();
  out.channels = offer;
  access::DigitalProfiles place_only;
  place_only.file = "(place only)";
  access::GroupDigital everyone;
  everyone.group = "all";
  place_only.groups.push_back(everyone);
  out.profiles = place_only;
  out.digital_profiles.clear();
  out.scenarios.clear();
  out.scenarios_file.clear();
  return out;
}

double minutes_per_unit(io::CostUnit unit) {
  switch (unit) {
    case io::CostUnit::Seconds:
      return 1.0 / 60.0;
    case io::CostUnit::Minutes:
      return 1.0;
    default:
      throw Error(ErrorCode::InvalidInput, "journeys add up time: the costs must be travel times",
                  "give `cost_unit` minutes or seconds, or costs from a graph");
  }
}

JourneyInputs inputs_of(const access::AccessResult& access) {
  const access::ChannelResult& channels = *access.channels;
  const access::Zones& zones = access.zones;
  const double scale = minutes_per_unit(access.cost_unit);
  JourneyInputs in;
  in.zone_ids = zones.ids;
  in.groups = channels.groups;
  in.people.push_back(zones.population);
  for (const auto& people : zones.group_people) in.people.push_back(people);
  in.place.available.resize(zones.size());
  in.place.travel_minutes.resize(zones.size());
  for (std::size_t z = 0; z < zones.size(); ++z) {
    in.place.available[z] = channels.cells[z][0].usable;
    for (std::size_t c = 0; c < access::kChannelCount; ++c) {
      const auto& nearest = channels.nearest_site[c];
      const double cost = nearest.empty() ? 0.0 : nearest[z];
      in.place.travel_minutes[z][c] = std::isfinite(cost) ? cost * scale : 0.0;
    }
  }
  return in;
}

}  // namespace

JourneyRunResult run_journeys(const JourneyRequest& request, ProgressSink& progress) {
  JourneyRunResult result;
  result.catalogue = read_catalogue(request.catalogue);
  result.abilities = read_abilities(request.abilities, result.catalogue);
  // Scenarios are checked before the long part: a misspelt step fails at once.
  std::vector<JourneyScenario> scenarios;
  if (!request.scenarios.empty()) {
    scenarios = read_journey_scenarios(request.scenarios);
    check_journey_scenarios(scenarios, result.catalogue, request.scenarios);
  }
  check_journey_scenarios(request.scenario_list, result.catalogue, "`scenario_list`");
  scenarios.insert(scenarios.end(), request.scenario_list.begin(), request.scenario_list.end());
  const access::AccessRequest access = access_request(request);
  // Checked before the costs are read; a graph and straight lines give seconds.
  const bool from_places = !access.costs.graph.empty() || !access.costs.straight_line.empty();
  (void)minutes_per_unit(from_places ? io::CostUnit::Seconds : access.costs.unit);
  result.access = access::run_access(access, progress);
  const JourneyInputs inputs = inputs_of(result.access);
  result.journeys = evaluate_journeys(result.catalogue, result.abilities, inputs, request.options, progress);
  result.scenarios = evaluate_scenarios(scenarios, result.catalogue, result.abilities, inputs,
                                        result.journeys, request.options, progress);
  return result;
}

}  // namespace equalis::journeys

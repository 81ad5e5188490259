#include "journeys/journeys_run.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/problems.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

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

// Every office kind of the catalogue has exactly one file, and every file names a kind of the catalogue:
// each problem at once (a kind without a file at its line in the catalogue).
std::vector<std::string> office_files(const Catalogue& catalogue, const std::vector<OfficeFile>& given) {
  Problems problems(catalogue.source, "the office kinds");
  std::vector<std::string> files(catalogue.offices.size());
  std::vector<std::string> kinds;
  for (const auto& office : catalogue.offices) kinds.push_back(office.id);
  for (const OfficeFile& file : given) {
    const std::size_t k = catalogue.office_index(file.kind);
    if (k == catalogue.offices.size()) {
      const std::string near = nearest_name(file.kind, kinds);
      problems.add(0, 0,
                   fmt::format("`offices`: '{}' is no office kind of the catalogue", excerpt(file.kind)),
                   near.empty() ? "declare it under [offices] in the catalogue"
                                : fmt::format("did you mean '{}'? or declare it under [offices]", near));
    } else if (!files[k].empty()) {
      problems.add(0, 0, fmt::format("`offices`: office kind '{}' is given twice", file.kind),
                   "give each office kind one facilities file");
    } else if (file.facilities.empty()) {
      problems.add(0, 0, fmt::format("`offices`: office kind '{}' without a file", file.kind),
                   "give its facilities CSV, e.g. police=police_stations.csv");
    } else {
      files[k] = file.facilities;
    }
  }
  for (std::size_t k = 0; k < catalogue.offices.size(); ++k) {
    const OfficeKind& office = catalogue.offices[k];
    if (files[k].empty() && catalogue.office_index(office.id) == k) {
      problems.add(office.line, office.column,
                   fmt::format("office kind '{}' has no facilities file", office.id),
                   fmt::format("give `offices` an entry {}=FILE: its sites, one row each", office.id));
    }
  }
  problems.throw_if_any();
  return files;
}

// The access run for one office kind: its sites as the in-person channel, nothing else offered.
access::AccessRequest office_request(const access::AccessRequest& base, const std::string& file) {
  access::AccessRequest out = base;
  out.facilities.file = file;
  out.facilities.capacity_column.clear();
  out.facilities.capacity_optional = true;
  access::ChannelOffer offer;
  offer.in_person = true;
  offer.online = true;
  offer.phone = true;
  out.channels = offer;
  return out;
}

// Each office kind's availability (within the standard) and one-way minutes, per zone.
void add_office_kind(const access::AccessResult& office, JourneyInputs& in) {
  const auto c = static_cast<std::size_t>(Channel::InPerson);
  const access::ChannelResult& channels = *office.channels;
  const double scale = minutes_per_unit(office.cost_unit);
  const auto& nearest = channels.nearest_site[c];
  for (std::size_t z = 0; z < in.zone_ids.size(); ++z) {
    in.place.office_available[z].push_back(channels.cells[z][0].usable[c]);
    const double cost = nearest.empty() ? 0.0 : nearest[z];
    in.place.office_travel_minutes[z].push_back(std::isfinite(cost) ? cost * scale : 0.0);
  }
}

// Help with a capacity serves those who need it for a journey: per zone, the people who finish a matter
// only with this channel (completion with it everywhere it reaches, minus without it), summed over the
// matters (each matter is a session of help), share the sites within their reach by a 2SFCA ratio capped
// at 1 (access::ration_help, Luo & Wang 2003). The channel's availability in each zone becomes that served
// share. Returns what was rationed.
HelpRationed ration_on_journeys(access::Channel channel, const access::HelpSites& sites,
                                const std::vector<double>& nearest, const Catalogue& catalogue,
                                const GroupAbilities& abilities, const JourneyOptions& options,
                                JourneyInputs& inputs, ProgressSink& progress) {
  const auto c = static_cast<std::size_t>(channel);
  const std::size_t zones = inputs.zone_ids.size();
  JourneyInputs with = inputs;
  JourneyInputs without = inputs;
  for (std::size_t z = 0; z < zones; ++z) {
    const bool reached = z < nearest.size() && nearest[z] <= sites.reach;
    with.place.available[z][c] = reached ? 1.0 : 0.0;
    without.place.available[z][c] = 0.0;
  }
  const JourneyResult a = evaluate_journeys(catalogue, abilities, with, options, progress);
  const JourneyResult b = evaluate_journeys(catalogue, abilities, without, options, progress);
  std::vector<double> need(zones, 0.0);
  for (std::size_t m = 0; m < a.matters.size(); ++m) {
    for (std::size_t z = 0; z < zones; ++z) {
      const double gain = a.matters[m].cells[z][0].completion - b.matters[m].cells[z][0].completion;
      need[z] += inputs.people[0][z] * std::max(0.0, gain);
    }
  }
  const access::HelpRationing rationing = access::ration_help(sites, need);
  HelpRationed out;
  out.channel = std::string(access::channel_name(channel));
  for (std::size_t z = 0; z < zones; ++z) {
    inputs.place.available[z][c] = with.place.available[z][c] * rationing.served_share[z];
    out.need += need[z];
    out.served += need[z] * rationing.served_share[z];
  }
  for (std::size_t j = 0; j < rationing.capacity.size(); ++j)
    if (rationing.demand[j] > 0.0) out.capacity += rationing.capacity[j];
  return out;
}

}  // namespace

JourneyRunResult run_journeys(const JourneyRequest& request, ProgressSink& progress) {
  if (const auto& sites = request.access.channels;
      sites && !sites->outreach_reach.empty() && sites->outreach.empty()) {
    throw Error(ErrorCode::InvalidInput, "`outreach_reach` without outreach bases",
                "give the bases of the home visits with `outreach` FILE");
  }
  JourneyRunResult result;
  result.catalogue = read_catalogue(request.catalogue);
  const std::vector<std::string> offices = office_files(result.catalogue, request.offices);
  result.abilities = read_abilities(request.abilities, result.catalogue);
  if (!request.joint_abilities.empty())
    read_joint_requirements(request.joint_abilities, result.catalogue, result.abilities);
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
  JourneyInputs inputs = inputs_of(result.access);
  if (!offices.empty()) {
    inputs.place.office_available.assign(inputs.zone_ids.size(), {});
    inputs.place.office_travel_minutes.assign(inputs.zone_ids.size(), {});
  }
  for (const std::string& file : offices) {
    result.office_access.push_back(access::run_access(office_request(access, file), progress));
    add_office_kind(result.office_access.back(), inputs);
  }
  const access::ChannelResult& channels = *result.access.channels;
  const std::pair<access::Channel, const access::HelpSites*> help[] = {
      {access::Channel::Assisted, &channels.assisted_sites_reached},
      {access::Channel::Outreach, &channels.outreach_sites_reached}};
  for (const auto& [channel, sites] : help) {  // assisted first: outreach serves those still left
    if (!sites->offered() || sites->capacity.empty()) continue;
    result.rationed.push_back(
        ration_on_journeys(channel, *sites, channels.nearest_site[static_cast<std::size_t>(channel)],
                           result.catalogue, result.abilities, request.options, inputs, progress));
  }
  result.journeys = evaluate_journeys(result.catalogue, result.abilities, inputs, request.options, progress);
  result.scenarios = evaluate_scenarios(scenarios, result.catalogue, result.abilities, inputs,
                                        result.journeys, request.options, progress);
  return result;
}

}  // namespace equalis::journeys

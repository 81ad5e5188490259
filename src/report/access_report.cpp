#include "report/access_report.hpp"

#include "io/csv_writer.hpp"
#include "report/detail/geojson.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace equalis::report {

using json = nlohmann::ordered_json;

namespace {

// A value, or null where it is infinite (cost to a facility the zone does not reach).
json finite_or_null(double value) {
  return std::isfinite(value) ? json(value) : json(nullptr);
}

std::string unit_of(const access::AccessResult& result) {
  return std::string(io::cost_unit_name(result.cost_unit));
}

json group_json(const access::GroupSummary& group, const char* without_name) {
  json out = {{"group", group.group},
              {"people", group.people},
              {"mean", group.mean},
              {"min", group.min},
              {"max", group.max},
              {without_name, group.people_without},
              {"share_without", group.people > 0.0 ? group.people_without / group.people : 0.0}};
  if (group.fgt)
    out["fgt"] = {{"fgt0", (*group.fgt)[0]}, {"fgt1", (*group.fgt)[1]}, {"fgt2", (*group.fgt)[2]}};
  return out;
}

json equity_json(const access::EquitySummary& equity) {
  return {{"units", equity.units},
          {"gini", equity.gini},
          {"theil_t", equity.theil_t},
          {"theil_t_between", optional_number(equity.between)},
          {"theil_t_within", optional_number(equity.within)},
          {"concentration_index", optional_number(equity.concentration_index)},
          {"concentration_index_erreygers", optional_number(equity.concentration_erreygers)},
          {"palma_by_income", optional_number(equity.palma_income)},
          {"note", equity.note}};
}

bool is_cost(const access::MeasureResult& measure) {
  return measure.spec.kind == access::MeasureKind::CostToClosest ||
         measure.spec.kind == access::MeasureKind::Raam;
}

const char* without_name(const access::MeasureResult& measure) {
  if (measure.spec.kind == access::MeasureKind::Coverage) return "people_in_zones_not_covered";
  return is_cost(measure) ? "people_unreached" : "people_with_none";
}

// A group's people covered: each zone's covered people split in proportion to the group's share of it.
double group_covered(const access::AccessResult& result, const access::MeasureResult& measure,
                     std::size_t group_index) {
  const auto& people =
      group_index == 0 ? result.zones.population : result.zones.group_people[group_index - 1];
  double covered = 0.0;
  for (std::size_t z = 0; z < people.size(); ++z) covered += people[z] * measure.values[z];
  return covered;
}

json coverage_json(const access::AccessResult& result, const access::MeasureResult& measure) {
  const access::CoverageResult& coverage = *measure.coverage;
  json facilities = json::array();
  for (std::size_t rank = 0; rank < coverage.order.size(); ++rank) {
    const std::uint32_t j = coverage.order[rank];
    const double capacity = result.facilities.capacity[j];
    facilities.push_back({{"id", result.facilities.ids[j]},
                          {"processed", rank + 1},
                          {"capacity", capacity},
                          {"people_within_limit", coverage.population_in_reach[j]},
                          {"people_covered", coverage.covered_by_facility[j]},
                          {"capacity_left", std::max(0.0, capacity - coverage.covered_by_facility[j])},
                          {"zones_served", coverage.zones_served[j]}});
    if (!measure.order_values.empty())
      facilities.back()["order_value"] = finite_or_null(measure.order_values[j]);
  }
  json groups = json::array();
  for (std::size_t g = 0; g < measure.groups.size(); ++g) {
    const double people = measure.groups[g].people;
    const double covered = group_covered(result, measure, g);
    groups.push_back({{"group", measure.groups[g].group},
                      {"people", people},
                      {"people_covered", covered},
                      {"people_uncovered", people - covered},
                      {"share_covered", people > 0.0 ? covered / people : 0.0}});
  }
  return {{"time_limit", measure.spec.cutoff},
          {"order", access::coverage_order_name(measure.spec)},
          {"facilities", std::move(facilities)},
          {"groups", std::move(groups)}};
}

json raam_json(const access::MeasureResult& measure) {
  const access::RaamParameters& p = measure.spec.raam;
  return {{"tau", p.tau},
          {"rho", measure.raam->rho},
          {"rho_given", p.rho.has_value()},
          {"max_cycles", p.max_cycles},
          {"initial_step", p.initial_step},
          {"min_step", p.min_step},
          {"half_life", p.half_life},
          {"cycles_moving_people", measure.raam->cycles},
          {"people_moved_last_cycle", measure.raam->moved_last_cycle}};
}

json measure_json(const access::AccessResult& result, const access::MeasureResult& measure) {
  json out = {
      {"key", measure.key}, {"label", measure.label}, {"unit", measure.unit}, {"spec", measure.spec.text}};
  if (measure.spec.decay) out["decay"] = measure.spec.decay->describe();
  json groups = json::array();
  for (const auto& group : measure.groups) groups.push_back(group_json(group, without_name(measure)));
  out["groups"] = std::move(groups);
  out["poverty_line"] = optional_number(measure.poverty_line);
  out["equity"] = equity_json(measure.equity);
  if (measure.spec.kind == access::MeasureKind::Catchment) {
    out["facilities_without_demand"] = measure.facilities_without_demand;
    out["capacity_check"] = optional_number(measure.capacity_check);
  }
  if (measure.coverage) out["coverage"] = coverage_json(result, measure);
  if (measure.raam) out["raam"] = raam_json(measure);
  out["zones_without_access"] = measure.zones_without_access;
  return out;
}

// A help channel's sites: what each could give, how many needed it within reach, how many it served.
json help_json(const access::HelpRationing& help) {
  json sites = json::array();
  for (std::size_t j = 0; j < help.site_ids.size(); ++j) {
    sites.push_back({{"id", help.site_ids[j]},
                     {"capacity", help.capacity_limited ? json(help.capacity[j]) : json(nullptr)},
                     {"people_in_need_within_reach", help.demand[j]},
                     {"people_served", help.served[j]}});
  }
  return {{"capacity_limited", help.capacity_limited}, {"sites", std::move(sites)}};
}

json channels_json(const access::ChannelResult& channels, double standard, const std::string& unit) {
  json offer = json::array();
  if (channels.offer.in_person) offer.push_back("in_person");
  if (!channels.offer.terminals.empty()) offer.push_back("terminal");
  if (channels.offer.online) offer.push_back("online");
  if (channels.offer.phone) offer.push_back("phone");
  if (!channels.offer.assisted.empty()) offer.push_back("assisted");
  if (!channels.offer.outreach.empty()) offer.push_back("outreach");
  json profiles = json::array();
  for (const auto& p : channels.profiles.groups) {
    profiles.push_back({{"group", p.group},
                        {"coverage", p.coverage},
                        {"device", p.device},
                        {"online_skill", p.online_skill},
                        {"terminal_skill", p.terminal_skill},
                        {"phone", p.phone},
                        {"source", p.source},
                        {"illustrative", p.illustrative}});
  }
  json groups = json::array();
  for (const auto& total : channels.totals) {
    json usable = json::object();
    for (std::size_t c = 0; c < access::kChannelCount; ++c) {
      usable[std::string(access::channel_name(static_cast<access::Channel>(c)))] = total.usable_people[c];
    }
    groups.push_back({{"group", total.group},
                      {"people", total.people},
                      {"people_who_can_use", std::move(usable)},
                      {"excluded", total.excluded},
                      {"share_excluded", total.people > 0.0 ? total.excluded / total.people : 0.0},
                      {"excluded_if_offices_closed", total.excluded_offices_closed},
                      {"share_excluded_if_offices_closed",
                       total.people > 0.0 ? total.excluded_offices_closed / total.people : 0.0}});
  }
  return {{"offer", std::move(offer)},
          {"standard", standard},
          {"unit", unit},
          {"assumption", channels.assumption},
          {"profiles_file", channels.profiles.file},
          {"profiles", std::move(profiles)},
          {"terminals", channels.terminals},
          {"assisted_sites", channels.assisted_sites},
          {"outreach_bases", channels.outreach_bases},
          {"outreach_reach", channels.outreach_bases > 0 ? json(channels.outreach_reach) : json(nullptr)},
          {"joint_abilities_file", channels.offer.joint_abilities},
          {"joint_groups", channels.joint_groups},
          {"help",
           {{"assisted", help_json(channels.assisted)},
            {"outreach", help_json(channels.outreach)},
            {"assisted_if_offices_closed", help_json(channels.assisted_offices_closed)},
            {"outreach_if_offices_closed", help_json(channels.outreach_offices_closed)},
            {"note",
             "people use their own channels first; those left are helped at assisted sites, those still left "
             "by outreach visits; a site with a capacity serves those in need within reach in proportion "
             "(2SFCA ratio capped at 1)"}}},
          {"offline_queue",
           {{"capacity_per_person_in_queue", channels.offline_mean},
            {"capacity_per_person_if_all_in_person", channels.offline_mean_if_all_in_person},
            {"note",
             "office capacity per person who must come in person (people-weighted over zones within the "
             "standard of an office); the queue is the people who cannot go online"}}},
          {"groups", std::move(groups)}};
}

json scenario_json(const access::ScenarioResult& scenario, const access::AccessResult& result) {
  const auto& s = scenario.scenario;
  json changes = json::object();
  if (!s.close_channels.empty()) changes["close_channels"] = s.close_channels;
  if (!s.open_channels.empty()) changes["open_channels"] = s.open_channels;
  if (!s.close_facilities.empty()) changes["close_facilities"] = s.close_facilities;
  const auto ids = [](const std::vector<access::NewSite>& sites) {
    json out = json::array();
    for (const auto& site : sites) out.push_back({{"id", site.id}, {"capacity", site.capacity}});
    return out;
  };
  if (!s.open_facilities.empty()) changes["open_facilities"] = ids(s.open_facilities);
  if (!s.add_terminals.empty()) changes["add_terminals"] = ids(s.add_terminals);
  if (!s.add_assisted.empty()) changes["add_assisted"] = ids(s.add_assisted);
  for (const auto& profile : s.profiles) {
    json fields = json::object();
    for (const auto& [name, value] :
         {std::pair{"coverage", profile.coverage}, std::pair{"device", profile.device},
          std::pair{"online_skill", profile.online_skill},
          std::pair{"terminal_skill", profile.terminal_skill}, std::pair{"phone", profile.phone}}) {
      if (value) fields[name] = *value;
    }
    changes["profiles"][profile.group] = std::move(fields);
  }
  json groups = json::array();
  for (const auto& group : scenario.groups) {
    json means = json::object();
    for (std::size_t m = 0; m < result.measures.size(); ++m) {
      means[result.measures[m].key] = {{"before", group.mean_before[m]}, {"after", group.mean_after[m]}};
    }
    groups.push_back({{"group", group.group},
                      {"people", group.people},
                      {"excluded_before", optional_number(group.excluded_before)},
                      {"excluded_after", optional_number(group.excluded_after)},
                      {"beyond_standard_before", optional_number(group.beyond_before)},
                      {"beyond_standard_after", optional_number(group.beyond_after)},
                      {"mean_access", std::move(means)},
                      {"loses", group.loses}});
  }
  json between = json::object();
  for (std::size_t m = 0; m < result.measures.size(); ++m) {
    between[result.measures[m].key] = {{"before", optional_number(scenario.between_before[m])},
                                       {"after", optional_number(scenario.between_after[m])}};
  }
  return {{"name", s.name},
          {"changes", std::move(changes)},
          {"groups", std::move(groups)},
          {"theil_t_between_groups", std::move(between)},
          {"zones_losing", scenario.zones_losing},
          {"people_losing", scenario.people_losing},
          {"warnings", scenario.warnings}};
}

json snap_summary_json(const access::SnapSummary& summary, const std::string& places) {
  return {{"places", places},
          {"count", summary.count},
          {"median_m", summary.median_m},
          {"max_m", summary.max_m},
          {"beyond_threshold", summary.beyond}};
}

json snapping_json(const access::Snapping& snapping) {
  return {{"mode", snapping.mode},
          {"threshold_m", snapping.threshold_m},
          {"zones", snap_summary_json(snapping.zones, snapping.zone_places)},
          {"sites", snap_summary_json(snapping.sites, "sites")},
          {"note",
           "metres from each place to the road graph it was snapped to; travel times start and end on the "
           "road and leave that way out"}};
}

json zones_json(const access::AccessResult& result) {
  const access::Zones& zones = result.zones;
  json rows = json::array();
  for (std::size_t z = 0; z < zones.size(); ++z) {
    json row = {{"id", zones.ids[z]}, {"population", zones.population[z]}};
    if (!zones.place.empty()) row["place"] = access::zone_place_name(zones.place[z]);
    if (!zones.group_names.empty()) {
      json groups = json::object();
      for (std::size_t g = 0; g < zones.group_names.size(); ++g)
        groups[zones.group_names[g]] = zones.group_people[g][z];
      row["groups"] = std::move(groups);
    }
    row["nearest_cost"] = finite_or_null(result.nearest[z]);
    if (result.snapping) row["snap_distance_m"] = result.snapping->zone_m[z];
    if (result.exclusion) row["people_beyond_standard"] = result.exclusion->by_zone[z];
    json values = json::object();
    for (const auto& measure : result.measures) values[measure.key] = finite_or_null(measure.values[z]);
    row["access"] = std::move(values);
    for (const auto& measure : result.measures) {
      if (!measure.coverage) continue;
      row["coverage"][measure.key] = {
          {"people_covered", measure.coverage->covered_by_zone[z]},
          {"people_uncovered", zones.population[z] - measure.coverage->covered_by_zone[z]}};
    }
    if (result.channels) {
      json channels = json::object();
      for (std::size_t g = 0; g < result.channels->groups.size(); ++g) {
        const auto& cell = result.channels->cells[z][g];
        channels[result.channels->groups[g]] = {
            {"effective", cell.effective},
            {"excluded", cell.excluded_people},
            {"excluded_if_offices_closed", result.channels->offices_closed[z][g].excluded_people}};
      }
      if (!result.channels->offline_capacity_per_person.empty()) {
        channels["offline_capacity_per_person"] = result.channels->offline_capacity_per_person[z];
        channels["offline_capacity_if_all_in_person"] = result.channels->offline_capacity_if_all_in_person[z];
      }
      row["channels"] = std::move(channels);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

json to_json(const access::AccessRequest& request, const access::AccessResult& result) {
  json out = envelope("access", result.zones.source, result.zones.size());
  const access::MatrixJoin& join = result.join;
  double capacity = 0.0;
  for (const double c : result.facilities.capacity) capacity += c;
  out["inputs"] = {
      {"zones",
       {{"file", result.zones.source},
        {"count", result.zones.size()},
        {"groups", result.zones.group_names},
        {"groups_partition", result.groups_partition},
        {"income_column",
         result.zones.income_column.empty() ? json(nullptr) : json(result.zones.income_column)}}},
      {"facilities",
       {{"file", result.facilities.source},
        {"capacity_column", result.facilities.capacity_column},
        {"count", result.facilities.size()},
        {"capacity", capacity},
        {"dropped_without_capacity", result.facilities.dropped_without_capacity}}},
      {"costs",
       {{"source", result.cost_source},
        {"unit", unit_of(result)},
        {"pairs_read", join.pairs_read},
        {"pairs_kept", join.pairs_kept},
        {"pairs_beyond_reach", join.pairs_beyond_reach},
        {"repeated_pairs", join.repeated_pairs},
        {"origins_not_zones", join.origins_not_zones},
        {"destinations_not_facilities", join.destinations_not_facilities},
        {"destinations_without_capacity", join.destinations_without_capacity}}}};
  if (result.snapping) out["inputs"]["costs"]["snapping"] = snapping_json(*result.snapping);
  // Zones from a vector file (or placed by their polygons): how each was placed.
  if (!result.zones.locations.empty()) out["inputs"]["zones"]["locations"] = result.zones.locations;
  out["options"] = {
      {"measures", request.measures},
      {"decay", request.decay.empty() ? json(nullptr) : json(request.decay)},
      {"alpha", request.alpha},
      {"no_access", request.no_access == access::NoAccess::Missing ? "missing" : "zero"},
      {"concentration_index_form",
       request.concentration == access::ConcentrationForm::Textbook ? "textbook" : "unweighted-rank-mean"},
      {"standard", result.exclusion ? json(result.exclusion->standard) : json(nullptr)},
      {"cost_unit", unit_of(result)}};
  json measures = json::array();
  for (const auto& measure : result.measures) measures.push_back(measure_json(result, measure));
  out["measures"] = std::move(measures);
  if (result.exclusion) {
    json groups = json::array();
    for (const auto& group : result.exclusion->groups) {
      groups.push_back({{"group", group.group},
                        {"people", group.people},
                        {"people_beyond", group.people_without},
                        {"share_beyond", group.people > 0.0 ? group.people_without / group.people : 0.0}});
    }
    out["beyond_standard"] = {
        {"standard", result.exclusion->standard}, {"unit", unit_of(result)}, {"groups", std::move(groups)}};
  }
  if (result.channels)
    out["channels"] = channels_json(*result.channels, result.exclusion->standard, unit_of(result));
  if (!result.scenarios.empty()) {
    json scenarios = json::array();
    for (const auto& scenario : result.scenarios) scenarios.push_back(scenario_json(scenario, result));
    out["scenarios"] = std::move(scenarios);
  }
  out["zones"] = zones_json(result);
  out["warnings"] = result.warnings;
  return out;
}

std::string zone_csv(const access::AccessResult& result) {
  const std::string unit = unit_of(result);
  std::vector<std::string> header{"zone", "group", "people", fmt::format("nearest_cost_{}", unit),
                                  "beyond_standard"};
  for (const auto& measure : result.measures) header.push_back(measure.key);
  for (const auto& measure : result.measures) {
    if (!measure.coverage) continue;
    header.push_back(measure.key + "_people_covered");
    header.push_back(measure.key + "_people_uncovered");
  }
  if (result.channels) {
    for (std::size_t c = 0; c < access::kChannelCount; ++c) {
      header.push_back(fmt::format("p_{}", access::channel_name(static_cast<access::Channel>(c))));
    }
    for (const char* name : {"effective_access", "excluded_people", "excluded_if_offices_closed"})
      header.emplace_back(name);
  }
  if (result.snapping) header.emplace_back("snap_distance_m");  // last: a graph's own column
  io::CsvWriter csv(std::move(header));
  const access::Zones& zones = result.zones;
  const auto write_row = [&](std::size_t z, std::size_t group_index, const std::string& group,
                             double people) {
    csv.field(zones.ids[z]).field(group).field(people);
    if (std::isfinite(result.nearest[z])) {
      csv.field(result.nearest[z]);
    } else {
      csv.empty_field();
    }
    if (result.exclusion) {
      csv.field(result.exclusion->beyond[z] != 0 ? 1.0 : 0.0);
    } else {
      csv.empty_field();
    }
    for (const auto& measure : result.measures) {
      if (std::isfinite(measure.values[z])) {
        csv.field(measure.values[z]);
      } else {
        csv.empty_field();  // unreachable, or no access reported as missing
      }
    }
    for (const auto& measure : result.measures) {
      if (!measure.coverage) continue;
      // The group's people covered in this zone: the zone's share covered applies to every group.
      csv.field(people * measure.values[z]).field(people * (1.0 - measure.values[z]));
    }
    if (result.channels) {
      const auto& cell = result.channels->cells[z][group_index];
      for (const double p : cell.usable) csv.field(p);
      csv.field(cell.effective).field(cell.excluded_people);
      csv.field(result.channels->offices_closed[z][group_index].excluded_people);
    }
    if (result.snapping) csv.field(result.snapping->zone_m[z]);
    csv.end_row();
  };
  for (std::size_t z = 0; z < zones.size(); ++z) {
    write_row(z, 0, "all", zones.population[z]);
    for (std::size_t g = 0; g < zones.group_names.size(); ++g) {
      write_row(z, g + 1, zones.group_names[g], zones.group_people[g][z]);
    }
  }
  return csv.text();
}

std::string summary_csv(const access::AccessResult& result) {
  io::CsvWriter csv({"section", "measure", "group", "statistic", "value", "unit"});
  const auto row = [&](const char* section, const std::string& measure, const std::string& group,
                       const char* statistic, std::optional<double> value, const std::string& unit) {
    csv.field(section).field(measure).field(group).field(statistic);
    if (value && std::isfinite(*value)) {
      csv.field(*value);
    } else {
      csv.empty_field();
    }
    csv.field(unit).end_row();
  };
  for (const auto& measure : result.measures) {
    for (const auto& group : measure.groups) {
      row("group", measure.key, group.group, "people", group.people, "people");
      row("group", measure.key, group.group, "mean", group.mean, measure.unit);
      row("group", measure.key, group.group, "min", group.min, measure.unit);
      row("group", measure.key, group.group, "max", group.max, measure.unit);
      row("group", measure.key, group.group, without_name(measure), group.people_without, "people");
      if (group.fgt) {
        for (std::size_t a = 0; a < 3; ++a) {
          const std::string statistic = fmt::format("fgt{}", a);
          row("group", measure.key, group.group, statistic.c_str(), (*group.fgt)[a], "");
        }
      }
    }
    const auto& equity = measure.equity;
    row("equity", measure.key, "all", "units", static_cast<double>(equity.units), "zones");
    row("equity", measure.key, "all", "gini", equity.gini, "");
    row("equity", measure.key, "all", "theil_t", equity.theil_t, "");
    row("equity", measure.key, "all", "theil_t_between", equity.between, "");
    row("equity", measure.key, "all", "theil_t_within", equity.within, "");
    row("equity", measure.key, "all", "concentration_index", equity.concentration_index, "");
    row("equity", measure.key, "all", "concentration_index_erreygers", equity.concentration_erreygers, "");
    row("equity", measure.key, "all", "palma_by_income", equity.palma_income, "");
    row("check", measure.key, "all", "zones_without_access",
        static_cast<double>(measure.zones_without_access), "zones");
    if (measure.coverage) {
      const auto& coverage = *measure.coverage;
      row("coverage", measure.key, "all", "time_limit", measure.spec.cutoff, unit_of(result));
      const std::string order = fmt::format("order_by_{}", access::coverage_order_name(measure.spec));
      row("coverage", measure.key, "all", order.c_str(), 1.0, "");
      for (std::size_t rank = 0; rank < coverage.order.size(); ++rank) {
        const std::uint32_t j = coverage.order[rank];
        const std::string& id = result.facilities.ids[j];
        const double capacity = result.facilities.capacity[j];
        row("coverage_facility", measure.key, id, "processed", static_cast<double>(rank + 1), "");
        row("coverage_facility", measure.key, id, "capacity", capacity, "people");
        row("coverage_facility", measure.key, id, "people_within_limit", coverage.population_in_reach[j],
            "people");
        row("coverage_facility", measure.key, id, "people_covered", coverage.covered_by_facility[j],
            "people");
        row("coverage_facility", measure.key, id, "capacity_left",
            std::max(0.0, capacity - coverage.covered_by_facility[j]), "people");
        row("coverage_facility", measure.key, id, "zones_served",
            static_cast<double>(coverage.zones_served[j]), "zones");
        if (!measure.order_values.empty())
          row("coverage_facility", measure.key, id, "order_value", measure.order_values[j], "");
      }
      for (std::size_t g = 0; g < measure.groups.size(); ++g) {
        const double people = measure.groups[g].people;
        const double covered = group_covered(result, measure, g);
        row("coverage", measure.key, measure.groups[g].group, "people_covered", covered, "people");
        row("coverage", measure.key, measure.groups[g].group, "people_uncovered", people - covered, "people");
        row("coverage", measure.key, measure.groups[g].group, "share_covered",
            people > 0.0 ? covered / people : 0.0, "");
      }
    }
    if (measure.raam) {
      const auto& p = measure.spec.raam;
      row("raam", measure.key, "all", "tau", p.tau, unit_of(result));
      row("raam", measure.key, "all", "rho", measure.raam->rho, "people per capacity");
      row("raam", measure.key, "all", "rho_given", p.rho ? 1.0 : 0.0, "");
      row("raam", measure.key, "all", "max_cycles", p.max_cycles, "cycles");
      row("raam", measure.key, "all", "initial_step", p.initial_step, "");
      row("raam", measure.key, "all", "min_step", p.min_step, "");
      row("raam", measure.key, "all", "half_life", p.half_life, "cycles");
      row("raam", measure.key, "all", "cycles_moving_people", measure.raam->cycles, "cycles");
      row("raam", measure.key, "all", "people_moved_last_cycle", measure.raam->moved_last_cycle, "people");
    }
    if (measure.spec.kind == access::MeasureKind::Catchment) {
      row("check", measure.key, "all", "facilities_without_demand",
          static_cast<double>(measure.facilities_without_demand), "facilities");
      row("check", measure.key, "all", "capacity_check", measure.capacity_check, "");
    }
  }
  if (result.exclusion) {
    for (const auto& group : result.exclusion->groups) {
      row("beyond_standard", "", group.group, "people", group.people, "people");
      row("beyond_standard", "", group.group, "people_beyond", group.people_without, "people");
    }
    row("beyond_standard", "", "all", "standard", result.exclusion->standard, unit_of(result));
  }
  if (result.snapping) {
    const access::Snapping& snapping = *result.snapping;
    for (const auto& [summary, places] : {std::pair{&snapping.zones, snapping.zone_places},
                                          std::pair{&snapping.sites, std::string("sites")}}) {
      row("snapping", places, "all", "count", static_cast<double>(summary->count), places);
      row("snapping", places, "all", "median", summary->median_m, "m");
      row("snapping", places, "all", "max", summary->max_m, "m");
      row("snapping", places, "all", "beyond_threshold", static_cast<double>(summary->beyond), places);
    }
    row("snapping", "", "all", "threshold", snapping.threshold_m, "m");
  }
  if (result.channels) {
    for (const auto& total : result.channels->totals) {
      row("channels", "", total.group, "people", total.people, "people");
      for (std::size_t c = 0; c < access::kChannelCount; ++c) {
        const std::string statistic =
            fmt::format("can_use_{}", access::channel_name(static_cast<access::Channel>(c)));
        row("channels", "", total.group, statistic.c_str(), total.usable_people[c], "people");
      }
      row("channels", "", total.group, "excluded", total.excluded, "people");
      row("channels", "", total.group, "excluded_if_offices_closed", total.excluded_offices_closed, "people");
    }
    const auto help_rows = [&](const char* what, const access::HelpRationing& help) {
      for (std::size_t j = 0; j < help.site_ids.size(); ++j) {
        if (help.capacity_limited) row(what, "", help.site_ids[j], "capacity", help.capacity[j], "people");
        row(what, "", help.site_ids[j], "people_in_need_within_reach", help.demand[j], "people");
        row(what, "", help.site_ids[j], "people_served", help.served[j], "people");
      }
    };
    help_rows("help_assisted", result.channels->assisted);
    help_rows("help_outreach", result.channels->outreach);
    help_rows("help_assisted_if_offices_closed", result.channels->assisted_offices_closed);
    help_rows("help_outreach_if_offices_closed", result.channels->outreach_offices_closed);
    if (result.channels->outreach_bases > 0)
      row("channels", "", "all", "outreach_reach", result.channels->outreach_reach, unit_of(result));
  }
  for (const auto& scenario : result.scenarios) {
    const std::string& name = scenario.scenario.name;
    for (const auto& group : scenario.groups) {
      row("scenario", name, group.group, "excluded_before", group.excluded_before, "people");
      row("scenario", name, group.group, "excluded_after", group.excluded_after, "people");
      row("scenario", name, group.group, "beyond_standard_before", group.beyond_before, "people");
      row("scenario", name, group.group, "beyond_standard_after", group.beyond_after, "people");
      for (std::size_t m = 0; m < result.measures.size(); ++m) {
        const std::string before = fmt::format("mean_{}_before", result.measures[m].key);
        const std::string after = fmt::format("mean_{}_after", result.measures[m].key);
        row("scenario", name, group.group, before.c_str(), group.mean_before[m], result.measures[m].unit);
        row("scenario", name, group.group, after.c_str(), group.mean_after[m], result.measures[m].unit);
      }
      row("scenario", name, group.group, "loses", group.loses ? 1.0 : 0.0, "");
    }
    for (std::size_t m = 0; m < result.measures.size(); ++m) {
      const std::string before = fmt::format("theil_t_between_{}_before", result.measures[m].key);
      const std::string after = fmt::format("theil_t_between_{}_after", result.measures[m].key);
      row("scenario", name, "all", before.c_str(), scenario.between_before[m], "");
      row("scenario", name, "all", after.c_str(), scenario.between_after[m], "");
    }
    row("scenario", name, "all", "zones_losing", static_cast<double>(scenario.zones_losing), "zones");
    row("scenario", name, "all", "people_losing", scenario.people_losing, "people");
  }
  return csv.text();
}

std::string to_text(const access::AccessRequest& request, const access::AccessResult& result) {
  (void)request;
  const std::string unit = unit_of(result);
  double capacity = 0.0;
  for (const double c : result.facilities.capacity) capacity += c;
  std::string out = fmt::format("access: {} zones, {} facilities ({:g} '{}'), costs in {} from {}\n",
                                result.zones.size(), result.facilities.size(), capacity,
                                result.facilities.capacity_column, unit, result.cost_source);
  if (!result.zones.locations.empty()) out += fmt::format("zone places: {}\n", result.zones.locations);
  if (result.snapping) {
    const access::Snapping& snapping = *result.snapping;
    out += fmt::format("snapped to the graph's {}:", snapping.mode == "node" ? "nodes" : "road segments");
    for (const auto& [summary, places] : {std::pair{&snapping.zones, snapping.zone_places},
                                          std::pair{&snapping.sites, std::string("sites")}}) {
      out += fmt::format(" {} {} median {:.0f} m, at most {:.0f} m, {} beyond {:g} m;", summary->count,
                         places, summary->median_m, summary->max_m, summary->beyond, snapping.threshold_m);
    }
    out.back() = '\n';
  }
  for (const auto& measure : result.measures) {
    out += fmt::format("\n{} — {} (unit: {})\n", measure.key, measure.label, measure.unit);
    out += fmt::format("  {:<24} {:>12} {:>12} {:>12} {:>12}\n", "group", "people", "mean", "min", "max");
    for (const auto& group : measure.groups) {
      out += fmt::format("  {:<24} {:>12.0f} {:>12.4g} {:>12.4g} {:>12.4g}", group.group, group.people,
                         group.mean, group.min, group.max);
      if (group.people_without > 0.0) {
        out += fmt::format("   {:.0f} with {}", group.people_without,
                           is_cost(measure) ? "none reachable" : "none");
      }
      out += "\n";
    }
    const auto& equity = measure.equity;
    out += fmt::format("  Gini {:.4f}, Theil T {:.4f}", equity.gini, equity.theil_t);
    if (equity.between)
      out += fmt::format(" (between groups {:.4f}, within {:.4f})", *equity.between, *equity.within);
    if (equity.concentration_index)
      out += fmt::format(", concentration index by income {:.4f}", *equity.concentration_index);
    if (equity.palma_income) out += fmt::format(", Palma by income {:.3f}", *equity.palma_income);
    out += "\n";
    if (!equity.note.empty()) out += fmt::format("  note: {}\n", equity.note);
    if (measure.zones_without_access > 0)
      out += fmt::format("  {} zone(s) reach nothing: no value (reach nothing is reported as missing)\n",
                         measure.zones_without_access);
    if (measure.coverage) {
      const auto& coverage = *measure.coverage;
      out += fmt::format("  facilities in the order processed (by {}):\n",
                         access::coverage_order_name(measure.spec));
      out += fmt::format("    {:<20} {:>12} {:>12} {:>12} {:>8}\n", "facility", "capacity", "covered", "left",
                         "zones");
      for (const std::uint32_t j : coverage.order) {
        const double places = result.facilities.capacity[j];
        out += fmt::format("    {:<20} {:>12.0f} {:>12.0f} {:>12.0f} {:>8}\n", result.facilities.ids[j],
                           places, coverage.covered_by_facility[j],
                           std::max(0.0, places - coverage.covered_by_facility[j]), coverage.zones_served[j]);
      }
      for (std::size_t g = 0; g < measure.groups.size(); ++g) {
        const double people = measure.groups[g].people;
        const double covered = group_covered(result, measure, g);
        out += fmt::format("  {:<24} {:>12.0f} covered, {:.0f} not ({:.1f} % covered)\n",
                           measure.groups[g].group, covered, people - covered,
                           people > 0.0 ? 100.0 * covered / people : 0.0);
      }
    }
    if (measure.raam) {
      out += fmt::format("  ρ {:.4g}, people moved in {} cycle(s), {:.4g} in the last\n", measure.raam->rho,
                         measure.raam->cycles, measure.raam->moved_last_cycle);
    }
    if (measure.poverty_line) {
      out += fmt::format("  below {:g} {} (FGT0 share, FGT1 gap, FGT2 severity):", *measure.poverty_line,
                         measure.unit);
      for (const auto& group : measure.groups) {
        out += fmt::format(" {} {:.3f}/{:.3f}/{:.3f};", group.group, (*group.fgt)[0], (*group.fgt)[1],
                           (*group.fgt)[2]);
      }
      out += "\n";
    }
  }
  if (result.exclusion) {
    out += fmt::format("\nbeyond the standard ({:g} {} to the nearest facility):\n",
                       result.exclusion->standard, unit);
    for (const auto& group : result.exclusion->groups) {
      out +=
          fmt::format("  {:<24} {:>12.0f} of {:.0f} ({:.1f} %)\n", group.group, group.people_without,
                      group.people, group.people > 0.0 ? 100.0 * group.people_without / group.people : 0.0);
    }
  }
  if (result.channels) {
    const auto& channels = *result.channels;
    out += fmt::format("\nthrough every channel (a site counts within {:g} {}; {}):\n",
                       result.exclusion->standard, unit, channels.assumption);
    out += fmt::format("  {:<20} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>11} {:>15}\n", "group",
                       "people", "in person", "terminal", "online", "phone", "assisted", "outreach",
                       "no channel", "offices closed");
    for (const auto& total : channels.totals) {
      const auto share = [&](double people) {
        return total.people > 0.0 ? 100.0 * people / total.people : 0.0;
      };
      out += fmt::format("  {:<20} {:>10.0f}", total.group, total.people);
      for (const double people : total.usable_people) out += fmt::format(" {:>8.1f}%", share(people));
      out += fmt::format(" {:>10.1f}% {:>14.1f}%\n", share(total.excluded),
                         share(total.excluded_offices_closed));
    }
    out +=
        "  (shares of each group able to use a channel; 'no channel': excluded today; 'offices closed': "
        "excluded if the service went digital by default)\n";
    if (!channels.offline_capacity_per_person.empty()) {
      out += fmt::format(
          "  offline queue: {:.4g} {} per person who must come in person ({:.4g} if everyone came)\n",
          channels.offline_mean, result.facilities.capacity_column, channels.offline_mean_if_all_in_person);
    }
    for (const auto* help : {&channels.assisted, &channels.outreach}) {
      if (!help->capacity_limited) continue;
      double help_capacity = 0.0;
      double served = 0.0;
      for (std::size_t j = 0; j < help->site_ids.size(); ++j) {
        help_capacity += help->capacity[j];
        served += help->served[j];
      }
      out += fmt::format("  {} help: {:.0f} people served of a capacity of {:.0f} at {} site(s)\n",
                         help == &channels.assisted ? "assisted" : "outreach", served, help_capacity,
                         help->site_ids.size());
    }
  }
  for (const auto& scenario : result.scenarios) {
    out += fmt::format("\nscenario '{}': {} zone(s) with {:.0f} people lose access\n", scenario.scenario.name,
                       scenario.zones_losing, scenario.people_losing);
    out += fmt::format("  {:<20} {:>10} {:>22} {:>22}  {}\n", "group", "people", "no channel (before→after)",
                       "beyond std (before→after)", "");
    for (const auto& group : scenario.groups) {
      const auto pair = [](const std::optional<double>& before, const std::optional<double>& after) {
        return before ? fmt::format("{:.0f} → {:.0f}", *before, *after) : std::string("—");
      };
      out += fmt::format("  {:<20} {:>10.0f} {:>22} {:>22}  {}\n", group.group, group.people,
                         pair(group.excluded_before, group.excluded_after),
                         pair(group.beyond_before, group.beyond_after), group.loses ? "loses" : "");
    }
    for (std::size_t m = 0; m < result.measures.size(); ++m) {
      if (scenario.between_before[m]) {
        out += fmt::format("  {}: Theil T between groups {:.4f} → {:.4f}\n", result.measures[m].key,
                           *scenario.between_before[m], *scenario.between_after[m]);
      }
    }
  }
  for (const auto& warning : result.warnings) out += fmt::format("warning: {}\n", warning);
  return out;
}

namespace {

json zone_geometry(const access::AccessResult& result, std::size_t z) {
  if (!result.zone_polygons.empty() && !result.zone_polygons[z].empty()) {
    json polygons = json::array();
    for (const auto& polygon : result.zone_polygons[z])
      polygons.push_back(detail::polygon_coordinates(polygon));
    return {{"type", "MultiPolygon"}, {"coordinates", std::move(polygons)}};
  }
  if (!result.zones.lon.empty()) {
    return {{"type", "Point"}, {"coordinates", json::array({result.zones.lon[z], result.zones.lat[z]})}};
  }
  return nullptr;
}

}  // namespace

json zones_geojson(const access::AccessResult& result) {
  const std::string unit = unit_of(result);
  json features = json::array();
  const access::Zones& zones = result.zones;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    json properties = {{"id", zones.ids[z]}, {"population", zones.population[z]}};
    if (!zones.place.empty()) properties["place"] = access::zone_place_name(zones.place[z]);
    for (std::size_t g = 0; g < zones.group_names.size(); ++g)
      properties[zones.group_names[g]] = zones.group_people[g][z];
    properties[fmt::format("nearest_cost_{}", unit)] = finite_or_null(result.nearest[z]);
    if (result.snapping) properties["snap_distance_m"] = result.snapping->zone_m[z];
    if (result.exclusion) properties["beyond_standard"] = result.exclusion->beyond[z] != 0;
    for (const auto& measure : result.measures) {
      properties[measure.key] = finite_or_null(measure.values[z]);
      if (measure.coverage)
        properties[measure.key + "_people_covered"] = measure.coverage->covered_by_zone[z];
    }
    if (result.channels) {
      const auto& channels = *result.channels;
      properties["effective_access"] = channels.cells[z][0].effective;
      for (std::size_t g = 0; g < channels.groups.size(); ++g) {
        const std::string suffix = g == 0 ? "" : "_" + channels.groups[g];
        properties["excluded" + suffix] = channels.cells[z][g].excluded_people;
        properties["excluded_if_offices_closed" + suffix] = channels.offices_closed[z][g].excluded_people;
      }
    }
    features.push_back(
        {{"type", "Feature"}, {"geometry", zone_geometry(result, z)}, {"properties", std::move(properties)}});
  }
  // Foreign members (RFC 7946 §6.1): what the costs are and where the zones were placed, on the map too.
  json collection = {{"type", "FeatureCollection"}, {"cost_source", result.cost_source}, {"cost_unit", unit}};
  if (!result.zones.locations.empty()) collection["zone_locations"] = result.zones.locations;
  collection["features"] = std::move(features);
  return collection;
}

Renderers renderers(const access::AccessRequest& request, const access::AccessResult& result) {
  return {.json = [&] { return to_json(request, result); },
          .csv = [&] { return zone_csv(result); },
          .text = [&] { return to_text(request, result); }};
}

}  // namespace equalis::report

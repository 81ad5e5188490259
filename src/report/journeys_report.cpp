#include "report/journeys_report.hpp"

#include "io/csv_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace equalis::report {

using json = nlohmann::ordered_json;

namespace {

std::string_view choice_name(journeys::ChoiceRule rule) {
  switch (rule) {
    case journeys::ChoiceRule::Cheapest:
      return "cheapest";
    case journeys::ChoiceRule::PreferOnline:
      return "prefer-online";
    case journeys::ChoiceRule::PreferOffline:
      return "prefer-offline";
  }
  return "";
}

double share(double part, double whole) {
  return whole > 0.0 ? part / whole : 0.0;
}

json reasons_json(const journeys::MatterResult& matter, const journeys::MatterGroup& group) {
  json out = json::array();
  for (std::size_t k = 0; k < matter.reasons.size(); ++k) {
    if (!(group.failing_by_reason[k] > 0.0)) continue;
    const auto& reason = matter.reasons[k];
    out.push_back({{"reason", reason.text},
                   {"kind", reason.kind},
                   {"step", reason.step.empty() ? json(nullptr) : json(reason.step)},
                   {"requirement", reason.requirement.empty() ? json(nullptr) : json(reason.requirement)},
                   {"channel", reason.channel.empty() ? json(nullptr) : json(reason.channel)},
                   {"office", reason.office.empty() ? json(nullptr) : json(reason.office)},
                   {"people", group.failing_by_reason[k]},
                   {"share_of_group", share(group.failing_by_reason[k], group.people)}});
  }
  return out;
}

json scenarios_json(const std::vector<journeys::ScenarioOutcome>& scenarios) {
  json out = json::array();
  for (const auto& scenario : scenarios) {
    json changes = json::array();
    for (const auto& change : scenario.changes) {
      changes.push_back({{"matter", change.matter},
                         {"group", change.group},
                         {"completion_before", change.completion_before},
                         {"completion_after", change.completion_after},
                         {"completion_change", change.completion_after - change.completion_before},
                         {"visits_before", change.visits_before},
                         {"visits_after", change.visits_after},
                         {"visits_change", change.visits_after - change.visits_before},
                         {"loses", change.loses}});
    }
    out.push_back({{"name", scenario.name}, {"changes", std::move(changes)}});
  }
  return out;
}

// Per scenario the matter × group pairs that change, the losers marked.
std::string scenarios_text(const std::vector<journeys::ScenarioOutcome>& scenarios) {
  std::string out;
  for (const auto& scenario : scenarios) {
    out += fmt::format("\nscenario '{}' (against the baseline):\n", scenario.name);
    std::size_t shown = 0;
    for (const auto& change : scenario.changes) {
      const double completion = change.completion_after - change.completion_before;
      const double visits = change.visits_after - change.visits_before;
      if (std::abs(completion) < 5e-4 && std::abs(visits) < 5e-3) continue;
      out += fmt::format(
          "  {:<24} {:<20} finish {:>5.1f}% -> {:>5.1f}% ({:+.1f} pts), trips {:.2f} -> {:.2f}{}\n",
          change.matter, change.group, 100.0 * change.completion_before, 100.0 * change.completion_after,
          100.0 * completion, change.visits_before, change.visits_after, change.loses ? "  LOSES" : "");
      ++shown;
    }
    if (shown == 0) out += "  no matter or group changes\n";
  }
  return out;
}

}  // namespace

json to_json(const journeys::JourneyRequest& request, const journeys::JourneyRunResult& result) {
  const auto& access = result.access;
  json out = envelope("journeys", access.zones.source, access.zones.size());
  json requirements = json::array();
  const auto& kinds = result.catalogue.offices;
  for (const auto& r : result.catalogue.requirements) {
    json requirement = {{"id", r.id}, {"description", r.description}};
    if (r.issued_by) requirement["issued_by"] = kinds[*r.issued_by].id;
    requirements.push_back(std::move(requirement));
  }
  json office_kinds = json::array();
  for (std::size_t k = 0; k < kinds.size() && k < result.office_access.size(); ++k) {
    const auto& sites = result.office_access[k].facilities;
    office_kinds.push_back({{"kind", kinds[k].id},
                            {"description", kinds[k].description},
                            {"file", sites.source},
                            {"count", sites.size()}});
  }
  out["inputs"] = {
      {"zones",
       {{"file", access.zones.source}, {"count", access.zones.size()}, {"groups", access.zones.group_names}}},
      {"offices", {{"file", access.facilities.source}, {"count", access.facilities.size()}}},
      {"office_kinds", std::move(office_kinds)},
      {"costs", {{"source", access.cost_source}, {"unit", io::cost_unit_name(access.cost_unit)}}},
      {"catalogue", {{"file", result.catalogue.source}, {"requirements", std::move(requirements)}}},
      {"abilities", {{"file", result.abilities.file}, {"illustrative", result.journeys.illustrative}}}};
  out["options"] = {{"standard", access.exclusion ? json(access.exclusion->standard) : json(nullptr)},
                    {"choice", choice_name(request.options.choice)}};
  out["assumption"] = result.journeys.assumption;
  json matters = json::array();
  for (const auto& matter : result.journeys.matters) {
    json groups = json::array();
    for (std::size_t g = 0; g < matter.groups.size(); ++g) {
      const auto& group = matter.groups[g];
      groups.push_back({{"group", access.channels->groups[g]},
                        {"people", group.people},
                        {"eligible", group.eligible},
                        {"completing", group.completing},
                        {"share_completing", share(group.completing, group.people)},
                        {"visits_mean", group.visits},
                        {"share_more_than_one_visit", group.more_than_one},
                        {"minutes_mean", group.minutes},
                        {"money_mean", group.money},
                        {"failing", group.people - group.completing},
                        {"reasons", reasons_json(matter, group)}});
    }
    matters.push_back({{"id", matter.id},
                       {"name", matter.name},
                       {"share_at_most_one_visit", matter.at_most_one_visit},
                       {"groups", std::move(groups)}});
  }
  out["matters"] = std::move(matters);
  if (!result.scenarios.empty()) out["scenarios"] = scenarios_json(result.scenarios);
  if (!result.rationed.empty()) {
    json rationed = json::array();
    for (const auto& help : result.rationed) {
      rationed.push_back({{"channel", help.channel},
                          {"need", help.need},
                          {"capacity", help.capacity},
                          {"served", help.served}});
    }
    out["help_rationed"] = std::move(rationed);
  }
  out["warnings"] = access.warnings;
  return out;
}

std::string journeys_zone_csv(const journeys::JourneyRunResult& result) {
  io::CsvWriter csv({"zone", "group", "matter", "people", "eligible", "completion", "visits",
                     "more_than_one_visit", "minutes", "money", "main_reason"});
  const auto& zones = result.access.zones;
  const auto& groups = result.access.channels->groups;
  for (const auto& matter : result.journeys.matters) {
    for (std::size_t z = 0; z < zones.size(); ++z) {
      for (std::size_t g = 0; g < groups.size(); ++g) {
        const double people = g == 0 ? zones.population[z] : zones.group_people[g - 1][z];
        const auto& cell = matter.cells[z][g];
        csv.field(zones.ids[z]).field(groups[g]).field(matter.id).field(people);
        csv.field(cell.eligible).field(cell.completion).field(cell.visits).field(cell.more_than_one);
        csv.field(cell.minutes).field(cell.money);
        if (cell.completion < 1.0 && !matter.reasons.empty())
          csv.field(matter.reasons[cell.main_reason].text);
        else
          csv.empty_field();
        csv.end_row();
      }
    }
  }
  return csv.text();
}

std::string journeys_summary_csv(const journeys::JourneyRunResult& result) {
  io::CsvWriter csv({"matter", "group", "statistic", "reason", "value", "unit"});
  const auto& groups = result.access.channels->groups;
  const auto row = [&](const std::string& matter, const std::string& group, const char* statistic,
                       const std::string& reason, double value, const char* unit) {
    csv.field(matter).field(group).field(statistic).field(reason).field(value).field(unit);
    csv.end_row();
  };
  for (const auto& matter : result.journeys.matters) {
    row(matter.id, "all", "share_at_most_one_visit", "", matter.at_most_one_visit, "share");
    for (std::size_t g = 0; g < matter.groups.size(); ++g) {
      const auto& group = matter.groups[g];
      row(matter.id, groups[g], "people", "", group.people, "people");
      row(matter.id, groups[g], "eligible", "", group.eligible, "people");
      row(matter.id, groups[g], "completing", "", group.completing, "people");
      row(matter.id, groups[g], "visits_mean", "", group.visits, "trips");
      row(matter.id, groups[g], "share_more_than_one_visit", "", group.more_than_one, "share");
      row(matter.id, groups[g], "minutes_mean", "", group.minutes, "minutes");
      row(matter.id, groups[g], "money_mean", "", group.money, "money");
      for (std::size_t k = 0; k < matter.reasons.size(); ++k) {
        if (group.failing_by_reason[k] > 0.0)
          row(matter.id, groups[g], "failing", matter.reasons[k].text, group.failing_by_reason[k], "people");
      }
    }
  }
  return csv.text();
}

std::string to_text(const journeys::JourneyRequest& request, const journeys::JourneyRunResult& result) {
  const auto& groups = result.access.channels->groups;
  std::string out = fmt::format(
      "service journeys: {} zones, {} matters, choice {}, a site counts within {:g} {}\n",
      result.access.zones.size(), result.journeys.matters.size(), choice_name(request.options.choice),
      result.access.exclusion ? result.access.exclusion->standard : 0.0,
      io::cost_unit_name(result.access.cost_unit));
  out += fmt::format("assumption: {}\n", result.journeys.assumption);
  for (const auto& help : result.rationed) {
    out += fmt::format(
        "{} help rationed: {:.0f} people finish a matter only with it, capacity {:.0f}, {:.0f} served\n",
        help.channel, help.need, help.capacity, help.served);
  }
  if (!result.journeys.illustrative.empty()) {
    out += fmt::format("illustrative figures (not published): {}\n",
                       fmt::join(result.journeys.illustrative, "; "));
  }
  for (const auto& matter : result.journeys.matters) {
    out += fmt::format("\n{} ({}): {:.1f}% of those who finish need at most one trip\n", matter.name,
                       matter.id, 100.0 * matter.at_most_one_visit);
    out += fmt::format("  {:<20} {:>10} {:>9} {:>9} {:>7} {:>9} {:>8} {:>8}\n", "group", "people", "eligible",
                       "finish", "trips", ">1 trip", "minutes", "money");
    for (std::size_t g = 0; g < matter.groups.size(); ++g) {
      const auto& group = matter.groups[g];
      out += fmt::format("  {:<20} {:>10.0f} {:>8.1f}% {:>8.1f}% {:>7.2f} {:>8.1f}% {:>8.1f} {:>8.1f}\n",
                         groups[g], group.people, 100.0 * share(group.eligible, group.people),
                         100.0 * share(group.completing, group.people), group.visits,
                         100.0 * group.more_than_one, group.minutes, group.money);
    }
    for (std::size_t g = 0; g < matter.groups.size(); ++g) {
      const auto& group = matter.groups[g];
      std::vector<std::size_t> order(matter.reasons.size());
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return group.failing_by_reason[a] > group.failing_by_reason[b];
      });
      std::string line;
      for (std::size_t i = 0; i < std::min<std::size_t>(3, order.size()); ++i) {
        const double people = group.failing_by_reason[order[i]];
        if (!(people > 0.5)) break;
        line += fmt::format("{}{} {:.0f}", line.empty() ? "" : "; ", matter.reasons[order[i]].text, people);
      }
      if (!line.empty()) out += fmt::format("  why {} fail: {}\n", groups[g], line);
    }
  }
  out += scenarios_text(result.scenarios);
  for (const auto& warning : result.access.warnings) out += fmt::format("warning: {}\n", warning);
  return out;
}

Renderers renderers(const journeys::JourneyRequest& request, const journeys::JourneyRunResult& result) {
  return {.json = [&] { return to_json(request, result); },
          .csv = [&] { return journeys_zone_csv(result); },
          .text = [&] { return to_text(request, result); }};
}

}  // namespace equalis::report

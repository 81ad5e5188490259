#include "report/study_findings.hpp"

#include "report/detail/json_read.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace equalis::report {
namespace {

using nlohmann::json;

using detail::member;
using detail::number;

std::string text(const json& object, const char* key) {
  const json& v = member(object, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// The groups of a summary other than "all"; "all" alone when there are no others.
std::vector<const json*> proper_groups(const json& groups) {
  std::vector<const json*> out;
  if (!groups.is_array()) return out;
  for (const auto& g : groups)
    if (text(g, "group") != "all") out.push_back(&g);
  return out;
}

const json* everyone(const json& groups) {
  if (!groups.is_array()) return nullptr;
  for (const auto& g : groups)
    if (text(g, "group") == "all") return &g;
  return nullptr;
}

// The worst group by `key` (the largest share when `larger_is_worse`) and the reference it is compared
// with: the best group when there are two or more, else everyone.
struct Contrast {
  const json* worst = nullptr;
  const json* reference = nullptr;
};
Contrast contrast(const json& groups, const char* key, bool larger_is_worse) {
  Contrast c;
  const auto proper = proper_groups(groups);
  for (const json* g : proper) {
    const auto v = number(*g, key);
    if (!v) continue;
    auto worse = [&](const json* other) {
      const auto o = number(*other, key);
      return !o || (larger_is_worse ? *v > *o : *v < *o);
    };
    auto better = [&](const json* other) {
      const auto o = number(*other, key);
      return !o || (larger_is_worse ? *v < *o : *v > *o);
    };
    if (c.worst == nullptr || worse(c.worst)) c.worst = g;
    if (c.reference == nullptr || better(c.reference)) c.reference = g;
  }
  if (proper.size() < 2 || c.reference == c.worst) c.reference = everyone(groups);
  return c;
}

void share_contrast_finding(json& findings, const char* id, const json& groups, const char* share_key,
                            const char* people_key, double standard, const std::string& unit) {
  const Contrast c = contrast(groups, share_key, true);
  if (c.worst == nullptr) return;
  const double share = number(*c.worst, share_key).value_or(0.0);
  if (share <= 0.0) return;  // nobody is left out: nothing to say
  json f = {{"id", id},
            {"section", "access"},
            {"group", text(*c.worst, "group")},
            {"share", share},
            {"people", number(*c.worst, people_key).value_or(0.0)},
            {"standard", standard},
            {"unit", unit}};
  if (c.reference != nullptr) {
    f["reference_group"] = text(*c.reference, "group");
    f["reference_share"] = number(*c.reference, share_key).value_or(0.0);
  }
  findings.push_back(std::move(f));
}

void access_findings(const json& access, json& findings) {
  const json& channels = member(access, "channels");
  if (channels.is_object()) {
    share_contrast_finding(findings, "no_usable_channel", member(channels, "groups"), "share_excluded",
                           "excluded", number(channels, "standard").value_or(0.0), text(channels, "unit"));
  }
  const json& beyond = member(access, "beyond_standard");
  if (beyond.is_object()) {
    share_contrast_finding(findings, "beyond_standard", member(beyond, "groups"), "share_beyond",
                           "people_beyond", number(beyond, "standard").value_or(0.0), text(beyond, "unit"));
  }
  const json& measures = member(access, "measures");
  if (!measures.is_array()) return;
  for (const auto& m : measures) {
    const bool cost = access_measure_is_cost(m);
    const auto proper = proper_groups(member(m, "groups"));
    if (proper.size() < 2) continue;
    const json* worst = nullptr;
    const json* best = nullptr;
    for (const json* g : proper) {
      const auto v = number(*g, "mean");
      if (!v) continue;
      if (worst == nullptr || (cost ? *v > *number(*worst, "mean") : *v < *number(*worst, "mean"))) worst = g;
      if (best == nullptr || (cost ? *v < *number(*best, "mean") : *v > *number(*best, "mean"))) best = g;
    }
    if (worst == nullptr || best == nullptr || *number(*worst, "mean") == *number(*best, "mean")) continue;
    findings.push_back({{"id", "access_gap"},
                        {"section", "access"},
                        {"measure", text(m, "key")},
                        {"measure_label", text(m, "label")},
                        {"unit", text(m, "unit")},
                        {"lower_is_better", cost},
                        {"worst_group", text(*worst, "group")},
                        {"worst_mean", *number(*worst, "mean")},
                        {"best_group", text(*best, "group")},
                        {"best_mean", *number(*best, "mean")}});
  }
  // The between-group share of the first measure whose groups partition the zones.
  for (const auto& m : measures) {
    const json& equity = member(m, "equity");
    const auto total = number(equity, "theil_t");
    const auto between = number(equity, "theil_t_between");
    if (!total || !between || *total <= 0.0) continue;
    findings.push_back({{"id", "between_group_share"},
                        {"section", "access"},
                        {"what", text(m, "label")},
                        {"measure", text(m, "key")},
                        {"share", *between / *total}});
    break;
  }
}

void scenario_findings(const json& access, json& findings) {
  const json& scenarios = member(access, "scenarios");
  if (!scenarios.is_array()) return;
  for (const auto& s : scenarios) {
    // The group whose people with no usable channel change the most (the largest rise, else the largest
    // fall); without channels, people beyond the standard.
    for (const char* count : {"excluded", "beyond_standard"}) {
      const std::string before_key = std::string(count) + "_before";
      const std::string after_key = std::string(count) + "_after";
      const json* pick = nullptr;
      double pick_change = 0.0;
      auto groups = proper_groups(member(s, "groups"));
      if (groups.empty()) {
        if (const json* all = everyone(member(s, "groups"))) groups.push_back(all);
      }
      for (const json* g : groups) {
        const auto before = number(*g, before_key.c_str());
        const auto after = number(*g, after_key.c_str());
        if (!before || !after) continue;
        const double change = *after - *before;
        const bool larger = pick == nullptr || (change > 0.0 ? change > pick_change || pick_change < 0.0
                                                             : pick_change < 0.0 && change < pick_change);
        if (std::abs(change) > 1e-9 && larger) {
          pick = g;
          pick_change = change;
        }
      }
      if (pick == nullptr) continue;
      findings.push_back({{"id", "scenario_change"},
                          {"section", "scenarios"},
                          {"scenario", text(s, "name")},
                          {"count", count},
                          {"group", text(*pick, "group")},
                          {"people", number(*pick, "people").value_or(0.0)},
                          {"before", *number(*pick, before_key.c_str())},
                          {"after", *number(*pick, after_key.c_str())}});
      break;
    }
  }
}

void journeys_findings(const json& journeys, json& findings) {
  const json& matters = member(journeys, "matters");
  if (!matters.is_array()) return;
  const json* lowest_matter = nullptr;
  const json* lowest_group = nullptr;
  for (const auto& matter : matters) {
    auto groups = proper_groups(member(matter, "groups"));
    if (groups.empty()) {
      if (const json* all = everyone(member(matter, "groups"))) groups.push_back(all);
    }
    for (const json* g : groups) {
      const auto share = number(*g, "share_completing");
      if (!share || number(*g, "people").value_or(0.0) <= 0.0) continue;
      if (lowest_group == nullptr || *share < *number(*lowest_group, "share_completing")) {
        lowest_group = g;
        lowest_matter = &matter;
      }
    }
  }
  if (lowest_group == nullptr) return;
  json f = {{"id", "lowest_completion"},
            {"section", "journeys"},
            {"matter", text(*lowest_matter, "id")},
            {"matter_name", text(*lowest_matter, "name")},
            {"group", text(*lowest_group, "group")},
            {"share", *number(*lowest_group, "share_completing")}};
  const json* main_reason = nullptr;
  const json& reasons = member(*lowest_group, "reasons");
  if (reasons.is_array()) {
    for (const auto& r : reasons) {
      const double people = number(r, "people").value_or(0.0);
      if (people > 0.0 && (main_reason == nullptr || people > number(*main_reason, "people").value_or(0.0)))
        main_reason = &r;
    }
  }
  if (main_reason != nullptr) {
    f["reason"] = text(*main_reason, "reason");
    f["reason_kind"] = text(*main_reason, "kind");
    for (const char* key : {"requirement", "step", "channel"})
      if (member(*main_reason, key).is_string()) f[std::string("reason_") + key] = member(*main_reason, key);
    f["reason_share"] = number(*main_reason, "share_of_group").value_or(0.0);
  }
  findings.push_back(std::move(f));
}

void audit_findings(const json& audit, json& findings) {
  const json& families = member(member(audit, "result"), "families");
  if (!families.is_array()) return;
  int flags = 0;
  json largest;
  double largest_distance = -1.0;
  for (const auto& family : families) {
    const std::string reference = text(member(family, "reference"), "group");
    const json& groups = member(family, "groups");
    if (!groups.is_array()) continue;
    for (const auto& g : groups) {
      if (member(g, "suppressed").is_boolean() && member(g, "suppressed").get<bool>()) continue;
      const json& four_fifths = member(g, "four_fifths");
      const bool four_fifths_flag =
          member(four_fifths, "flag").is_boolean() && member(four_fifths, "flag").get<bool>();
      const json& disparities = member(g, "disparities");
      if (!disparities.is_object()) continue;
      for (const auto& [metric, d] : disparities.items()) {
        const bool significant =
            member(d, "significant").is_boolean() && member(d, "significant").get<bool>();
        const bool flagged = significant || (metric == "selection_rate" && four_fifths_flag);
        if (!flagged) continue;
        ++flags;
        const auto ratio = number(d, "ratio");
        // How far from parity: |log ratio| (ratios 0.5 and 2 equally far).
        const double distance = ratio && *ratio > 0.0 ? std::abs(std::log(*ratio)) : 0.0;
        if (distance > largest_distance) {
          largest_distance = distance;
          largest = {{"family", text(family, "name")},
                     {"group", text(g, "name")},
                     {"reference_group", reference},
                     {"metric", metric},
                     {"ratio", ratio ? json(*ratio) : json(nullptr)},
                     {"difference", number(d, "difference") ? json(*number(d, "difference")) : json(nullptr)},
                     {"significant", significant},
                     {"four_fifths", metric == "selection_rate" && four_fifths_flag}};
        }
      }
    }
  }
  if (flags == 0) {
    findings.push_back({{"id", "audit_no_flags"}, {"section", "audit"}});
    return;
  }
  findings.push_back({{"id", "audit_flags"}, {"section", "audit"}, {"count", flags}, {"largest", largest}});
}

void plan_findings(const json& plan, json& findings) {
  const json& result = member(member(plan, "fair"), "result");
  const json& fairness = member(result, "fairness");
  if (text(fairness, "objective") != "worst_group_mean_cost") return;
  const auto before = number(fairness, "pmedian_objective");
  const auto after = number(result, "objective");
  if (!before || !after) return;
  // The group the efficient plan leaves worst off, among the focus groups (all groups without focus).
  std::vector<std::string> focus;
  if (member(fairness, "focus_groups").is_array())
    for (const auto& g : member(fairness, "focus_groups")) focus.push_back(g.get<std::string>());
  std::string worst;
  double worst_mean = -1.0;
  const json& groups = member(fairness, "pmedian_groups");
  if (groups.is_array()) {
    for (const auto& g : groups) {
      const std::string name = text(g, "group");
      if (!focus.empty() && std::find(focus.begin(), focus.end(), name) == focus.end()) continue;
      const double mean = number(g, "mean_cost").value_or(-1.0);
      if (mean > worst_mean) {
        worst_mean = mean;
        worst = name;
      }
    }
  }
  findings.push_back({{"id", "rawls_plan"},
                      {"section", "plan"},
                      {"group", worst},
                      {"before", *before},
                      {"after", *after},
                      {"price_of_fairness", number(fairness, "price_of_fairness").value_or(0.0)}});
}

// The variable of a panel: one value column as it is; several ("pcgdp1940", "pcgdp2000") by their common
// stem without the trailing digits.
std::string panel_variable(const json& options) {
  const json& values = member(options, "value");
  if (!values.is_array() || values.empty()) return {};
  auto stem = [](std::string s) {
    while (!s.empty() && (std::isdigit(static_cast<unsigned char>(s.back())) != 0 || s.back() == '_'))
      s.pop_back();
    return s;
  };
  if (values.size() == 1) return values[0].get<std::string>();
  const std::string first = stem(values[0].get<std::string>());
  for (const auto& v : values)
    if (stem(v.get<std::string>()) != first) return values[0].get<std::string>();
  return first;
}

void convergence_findings(const json& convergence, json& findings) {
  const json& sigma = member(member(convergence, "result"), "sigma");
  const json& times = member(sigma, "times");
  const json& cv = member(sigma, "cv");
  if (!times.is_array() || !cv.is_array() || times.size() < 2 || cv.size() != times.size()) return;
  if (!cv.front().is_number() || !cv.back().is_number()) return;
  const double first = cv.front().get<double>();
  const double last = cv.back().get<double>();
  if (first == last) return;
  findings.push_back({{"id", "convergence"},
                      {"section", "convergence"},
                      {"variable", panel_variable(member(convergence, "options"))},
                      {"statistic", "cv"},
                      {"first_time", times.front()},
                      {"last_time", times.back()},
                      {"first", first},
                      {"last", last},
                      {"converging", last < first}});
}

void inequality_findings(const json& inequality, json& findings) {
  const json& results = member(inequality, "results");
  if (!results.is_array()) return;
  for (const auto& r : results) {
    const json& ge = member(member(r, "decomposition"), "ge");
    if (!ge.is_array()) continue;
    for (const auto& d : ge) {
      if (text(d, "index") != "theil_t") continue;
      const auto share = number(d, "between_share");
      if (!share) continue;
      json f = {{"id", "between_group_share"},
                {"section", "inequality"},
                {"what", text(r, "indicator")},
                {"share", *share}};
      if (member(r, "period").is_number() || member(r, "period").is_string())
        f["period"] = member(r, "period");
      findings.push_back(std::move(f));
    }
  }
}

}  // namespace

bool access_measure_is_cost(const nlohmann::json& measure) {
  const std::string spec = text(measure, "spec");
  if (spec.rfind("closest", 0) == 0 || spec.rfind("raam", 0) == 0) return true;
  const json& groups = member(measure, "groups");
  return groups.is_array() && !groups.empty() && groups[0].contains("people_unreached");
}

nlohmann::json study_findings(const nlohmann::json& report) {
  json findings = json::array();
  const json& sections = member(report, "sections");
  const json& access = member(sections, "access");
  if (access.is_object()) access_findings(access, findings);
  if (member(sections, "inequality").is_object()) inequality_findings(sections["inequality"], findings);
  if (access.is_object()) scenario_findings(access, findings);
  if (member(sections, "journeys").is_object()) journeys_findings(sections["journeys"], findings);
  if (member(sections, "audit").is_object()) audit_findings(sections["audit"], findings);
  if (member(sections, "plan").is_object()) plan_findings(sections["plan"], findings);
  if (member(sections, "convergence").is_object()) convergence_findings(sections["convergence"], findings);
  return findings;
}

}  // namespace equalis::report

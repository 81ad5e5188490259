#include "audit/audit_report.hpp"

#include <fmt/format.h>

#include <array>

namespace equalis::audit {

#ifndef EQUALIS_VERSION
#define EQUALIS_VERSION "unknown"
#endif

std::string_view equalis_version() noexcept {
  return EQUALIS_VERSION;
}

namespace {

using Json = nlohmann::ordered_json;

// The fairness criterion each disparity metric stands for.
constexpr std::array<std::string_view, kDisparityCount> kCriterion{
    "demographic_parity", "equal_opportunity", "false_positive_parity", "false_negative_parity",
    "predictive_parity"};

Json counts_json(const ConfusionCounts& counts, bool has_label) {
  if (!has_label)
    return Json{{"selected", counts.selected()}, {"not_selected", counts.n() - counts.selected()}};
  return Json{{"tp", counts.tp}, {"fp", counts.fp}, {"fn", counts.fn}, {"tn", counts.tn}};
}

Json rates_json(const std::array<RateEstimate, kMetricCount>& rates) {
  Json out = Json::object();
  for (std::size_t metric_idx = 0; metric_idx < kMetricCount; ++metric_idx) {
    const RateEstimate& rate = rates[metric_idx];
    out[std::string(kMetricNames[metric_idx])] = {{"value", optional_json(rate.value)},
                                                  {"numerator", rate.successes},
                                                  {"denominator", rate.trials},
                                                  {"wilson", interval_json(rate.interval)}};
  }
  return out;
}

Json test_json(const std::optional<TestResult>& test, bool with_statistic) {
  if (!test) return nullptr;
  if (with_statistic) return Json{{"z", test->statistic}, {"p", test->p_value}};
  return Json{{"p", test->p_value}};
}

Json group_json(const GroupResult& group, bool has_label, bool bootstrapped) {
  Json out;
  out["name"] = group.name;
  out["values"] = group.values;
  out["suppressed"] = group.suppressed;
  if (group.suppressed) return out;
  out["reference"] = group.is_reference;
  out["n"] = group.counts.n();
  out["counts"] = counts_json(group.counts, has_label);
  out["rates"] = rates_json(group.rates);
  Json disparities = Json::object();
  for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
    const MetricDisparity& d = group.disparities[slot];
    Json item{{"criterion", kCriterion[slot]},       {"difference", optional_json(d.difference)},
              {"ratio", optional_json(d.ratio)},     {"newcombe", interval_json(d.difference_interval)},
              {"z_test", test_json(d.z_test, true)}, {"fisher", test_json(d.fisher, false)},
              {"significant", d.significant}};
    if (bootstrapped) {
      item["bootstrap_difference"] = interval_json(d.bootstrap_difference);
      item["bootstrap_ratio"] = interval_json(d.bootstrap_ratio);
      item["bootstrap_undefined"] = d.bootstrap_undefined;
    }
    disparities[std::string(metric_name(kDisparityMetrics[slot]))] = std::move(item);
  }
  out["disparities"] = std::move(disparities);
  out["equalized_odds_gap"] = optional_json(group.equalized_odds_gap);
  out["four_fifths"] = {{"ratio_to_highest", optional_json(group.selection_ratio_to_highest)},
                        {"flag", group.four_fifths_flag}};
  out["minimum_detectable_gap"] = optional_json(group.minimum_detectable_gap);
  return out;
}

std::string csv_number(const std::optional<double>& value) {
  return value ? fmt::format("{:.10g}", *value) : std::string{};
}

std::string csv_quote(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string percent(const std::optional<double>& value) {
  return value ? fmt::format("{:.1f}%", 100.0 * *value) : std::string("undef");
}

std::string signed_points(const std::optional<double>& value) {
  return value ? fmt::format("{:+.1f}", 100.0 * *value) : std::string("undef");
}

}  // namespace

Json optional_json(const std::optional<double>& value) {
  if (!value) return nullptr;
  return *value;
}

Json interval_json(const std::optional<Interval>& interval) {
  if (!interval) return nullptr;
  return Json::array({interval->low, interval->high});
}

Json recipe_json(const Recipe& recipe) {
  return Json{{"equalis_version", equalis_version()},
              {"command", recipe.command},
              {"input",
               {{"file", recipe.input_file},
                {"sha256", recipe.input_sha256.empty() ? Json(nullptr) : Json(recipe.input_sha256)}}},
              {"options", recipe.options}};
}

Json to_json(const AuditResult& result, const DecisionTable& table) {
  Json out;
  out["input"] = {{"rows_read", table.rows_read},
                  {"rows_dropped_missing_group", table.rows_dropped_missing_group},
                  {"rows_dropped_missing_outcome", table.rows_dropped_missing_outcome},
                  {"rows_with_zero_count", table.rows_zero_count},
                  {"attributes", table.group_columns},
                  {"has_label", table.has_label},
                  {"cells", table.cell_count()},
                  {"read_threads", table.read_threads}};
  const AuditOptions& options = result.options;
  out["settings"] = {{"alpha", options.alpha},
                     {"power", options.power},
                     {"min_cell_size", options.min_cell_size},
                     {"four_fifths_threshold", options.four_fifths_threshold},
                     {"bootstrap_replicates", result.bootstrap_replicates},
                     {"bootstrap_scheme",
                      options.bootstrap_scheme == BootstrapScheme::Stratified ? "stratified" : "multinomial"},
                     {"seed", options.seed}};
  Json overall;
  overall["n"] = result.overall.counts.n();
  overall["counts"] = counts_json(result.overall.counts, table.has_label);
  overall["rates"] = rates_json(result.overall.rates);
  out["overall"] = std::move(overall);
  const bool bootstrapped = result.bootstrap_replicates > 0;
  Json families = Json::array();
  std::size_t suppressed_total = 0;
  for (const FamilyResult& family : result.families) {
    Json f;
    f["name"] = family.name;
    f["attributes"] = family.attributes;
    f["reference"] = {{"rule", family.reference_rule}, {"group", family.reference_name}};
    f["suppressed"] = {{"groups", family.suppressed_groups}, {"applicants", family.suppressed_applicants}};
    suppressed_total += family.suppressed_groups;
    Json spread = Json::object();
    for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
      const SpreadSummary& s = family.spread[slot];
      Json item{{"criterion", kCriterion[slot]},
                {"max_minus_min", optional_json(s.max_minus_min)},
                {"min_over_max", optional_json(s.min_over_max)},
                {"highest", s.highest_group.empty() ? Json(nullptr) : Json(s.highest_group)},
                {"lowest", s.lowest_group.empty() ? Json(nullptr) : Json(s.lowest_group)}};
      if (bootstrapped) {
        item["bootstrap_max_minus_min"] = interval_json(s.bootstrap_max_minus_min);
        item["bootstrap_undefined"] = s.bootstrap_undefined;
      }
      spread[std::string(metric_name(kDisparityMetrics[slot]))] = std::move(item);
    }
    f["between_groups"] = std::move(spread);
    f["worst_equalized_odds_gap"] = optional_json(family.worst_equalized_odds_gap);
    f["four_fifths_flags"] = family.four_fifths_flags;
    Json groups = Json::array();
    for (const GroupResult& group : family.groups)
      groups.push_back(group_json(group, table.has_label, bootstrapped));
    f["groups"] = std::move(groups);
    families.push_back(std::move(f));
  }
  out["suppressed_groups"] = suppressed_total;
  out["families"] = std::move(families);
  return out;
}

std::string to_csv(const AuditResult& result) {
  std::string out = "family,group,suppressed,reference,n";
  for (const auto name : kMetricNames) out += fmt::format(",{0},{0}_low,{0}_high", name);
  for (const Metric metric : kDisparityMetrics) {
    out += fmt::format(
        ",{0}_difference,{0}_ratio,{0}_newcombe_low,{0}_newcombe_high,{0}_p_z,{0}_p_fisher,{0}_significant",
        metric_name(metric));
    if (result.bootstrap_replicates > 0) {
      out +=
          fmt::format(",{0}_bootstrap_low,{0}_bootstrap_high,{0}_bootstrap_undefined", metric_name(metric));
    }
  }
  out += ",equalized_odds_gap,four_fifths_ratio,four_fifths_flag,minimum_detectable_gap\n";
  for (const FamilyResult& family : result.families) {
    for (const GroupResult& group : family.groups) {
      out += csv_quote(family.name) + "," + csv_quote(group.name) + ",";
      if (group.suppressed) {
        out += "1,0,";  // no counts, no rates: the remaining columns stay empty
        out += std::string(
            kMetricCount * 3 + kDisparityCount * (result.bootstrap_replicates > 0 ? 10 : 7) + 4, ',');
        out += "\n";
        continue;
      }
      out += fmt::format("0,{},{}", group.is_reference ? 1 : 0, group.counts.n());
      for (const RateEstimate& rate : group.rates) {
        out += "," + csv_number(rate.value) + "," +
               csv_number(rate.interval ? std::optional(rate.interval->low) : std::nullopt) + "," +
               csv_number(rate.interval ? std::optional(rate.interval->high) : std::nullopt);
      }
      for (const MetricDisparity& d : group.disparities) {
        out += "," + csv_number(d.difference) + "," + csv_number(d.ratio) + "," +
               csv_number(d.difference_interval ? std::optional(d.difference_interval->low) : std::nullopt) +
               "," +
               csv_number(d.difference_interval ? std::optional(d.difference_interval->high) : std::nullopt) +
               "," + csv_number(d.z_test ? std::optional(d.z_test->p_value) : std::nullopt) + "," +
               csv_number(d.fisher ? std::optional(d.fisher->p_value) : std::nullopt) + "," +
               (d.significant ? "1" : "0");
        if (result.bootstrap_replicates > 0) {
          out +=
              "," +
              csv_number(d.bootstrap_difference ? std::optional(d.bootstrap_difference->low) : std::nullopt) +
              "," +
              csv_number(d.bootstrap_difference ? std::optional(d.bootstrap_difference->high)
                                                : std::nullopt) +
              "," + std::to_string(d.bootstrap_undefined);
        }
      }
      out += "," + csv_number(group.equalized_odds_gap) + "," + csv_number(group.selection_ratio_to_highest) +
             "," + (group.four_fifths_flag ? "1" : "0") + "," + csv_number(group.minimum_detectable_gap) +
             "\n";
    }
  }
  return out;
}

std::string to_text(const AuditResult& result, const DecisionTable& table, const Recipe& recipe) {
  std::string out;
  out += fmt::format("equalis {} — {}\n", equalis_version(), recipe.command);
  out += fmt::format("input: {}{}\n", recipe.input_file,
                     recipe.input_sha256.empty() ? std::string() : " (sha256 " + recipe.input_sha256 + ")");
  out += fmt::format("rows read: {}, dropped (missing group): {}, dropped (missing decision/label): {}\n",
                     table.rows_read, table.rows_dropped_missing_group, table.rows_dropped_missing_outcome);
  const auto sel = static_cast<std::size_t>(Metric::SelectionRate);
  const auto& overall = result.overall.rates;
  out += fmt::format("overall: n = {}, selection rate {}", result.overall.counts.n(),
                     percent(overall[sel].value));
  if (table.has_label) {
    out += fmt::format(", TPR {}, FPR {}, PPV {}, accuracy {}", percent(overall[2].value),
                       percent(overall[3].value), percent(overall[6].value), percent(overall[8].value));
  }
  out += "\n";
  for (const FamilyResult& family : result.families) {
    out += fmt::format("\n== {} ({} groups; reference: {} [{}]) ==\n", family.name, family.groups.size(),
                       family.reference_name, family.reference_rule);
    out += fmt::format("{:<28} {:>9} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9}  flags\n", "group", "n", "select",
                       "TPR", "FPR", "PPV", "Δselect", "ΔTPR");
    std::size_t shown = 0;
    for (const GroupResult& group : family.groups) {
      if (group.suppressed) continue;
      if (++shown > 40) continue;
      std::string flags;
      if (group.is_reference) flags += " reference";
      if (group.four_fifths_flag) flags += " four-fifths";
      for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
        if (group.disparities[slot].significant)
          flags += fmt::format(" {}*", metric_name(kDisparityMetrics[slot]));
      }
      out += fmt::format("{:<28} {:>9} {:>8} {:>8} {:>8} {:>8} {:>9} {:>9} {}\n", group.name.substr(0, 28),
                         group.counts.n(), percent(group.rates[sel].value), percent(group.rates[2].value),
                         percent(group.rates[3].value), percent(group.rates[6].value),
                         signed_points(group.disparities[0].difference),
                         signed_points(group.disparities[1].difference), flags);
    }
    if (shown > 40) out += fmt::format("… {} more groups in the JSON/CSV output\n", shown - 40);
    out += fmt::format("suppressed (n < {}): {} groups, {} applicants\n", result.options.min_cell_size,
                       family.suppressed_groups, family.suppressed_applicants);
    const SpreadSummary& selection = family.spread[0];
    if (selection.max_minus_min) {
      out +=
          fmt::format("demographic parity: max − min selection = {} points ({} vs {}); min/max = {}\n",
                      signed_points(selection.max_minus_min), selection.highest_group, selection.lowest_group,
                      selection.min_over_max ? fmt::format("{:.3f}", *selection.min_over_max) : "undef");
    }
    if (family.worst_equalized_odds_gap) {
      out += fmt::format("equalized odds: worst gap to the reference = {} points\n",
                         signed_points(family.worst_equalized_odds_gap));
    }
    out += fmt::format("four-fifths rule: {} group(s) below {:.0f}% of the highest selection rate\n",
                       family.four_fifths_flags, 100.0 * result.options.four_fifths_threshold);
  }
  out += "\n* = significant at alpha " + fmt::format("{}", result.options.alpha) +
         " (z test; Fisher's exact test when an expected count is below 5). Δ in percentage points vs the "
         "reference.\n";
  return out;
}

namespace {

Json rule_group_json(const RuleGroup& group) {
  Json out{{"name", group.name}, {"suppressed", group.suppressed}};
  if (group.suppressed) return out;
  out["population"] = group.population;
  out["eligible"] = group.eligible;
  out["excluded"] = group.excluded;
  out["undetermined"] = group.undetermined;
  out["exclusion_rate"] = optional_json(group.exclusion_rate);
  out["wilson"] = interval_json(group.exclusion_interval);
  out["difference_to_least_excluded"] = optional_json(group.difference_to_least_excluded);
  out["ratio_to_least_excluded"] = optional_json(group.ratio_to_least_excluded);
  out["z_test"] = test_json(group.z_test, true);
  return out;
}

}  // namespace

Json to_json(const RuleAuditResult& result) {
  Json out;
  out["rule"] = result.rule;
  out["overall"] = rule_group_json(result.overall);
  Json families = Json::array();
  for (const RuleFamily& family : result.families) {
    Json groups = Json::array();
    for (const RuleGroup& group : family.groups) groups.push_back(rule_group_json(group));
    families.push_back({{"attribute", family.attribute},
                        {"least_excluded", family.least_excluded},
                        {"suppressed_groups", family.suppressed_groups},
                        {"groups", std::move(groups)}});
  }
  out["by_attribute"] = std::move(families);
  return out;
}

std::string to_csv(const RuleAuditResult& result) {
  std::string out =
      "attribute,group,suppressed,population,eligible,excluded,undetermined,exclusion_rate,wilson_low,wilson_"
      "high,"
      "difference_to_least_excluded,ratio_to_least_excluded,p_z\n";
  auto row = [&out](const std::string& attribute, const RuleGroup& group) {
    out += csv_quote(attribute) + "," + csv_quote(group.name) + ",";
    if (group.suppressed) {
      out += "1,,,,,,,,,,\n";
      return;
    }
    out +=
        fmt::format("0,{},{},{},{},", group.population, group.eligible, group.excluded, group.undetermined);
    out +=
        csv_number(group.exclusion_rate) + "," +
        csv_number(group.exclusion_interval ? std::optional(group.exclusion_interval->low) : std::nullopt) +
        "," +
        csv_number(group.exclusion_interval ? std::optional(group.exclusion_interval->high) : std::nullopt) +
        "," + csv_number(group.difference_to_least_excluded) + "," +
        csv_number(group.ratio_to_least_excluded) + "," +
        csv_number(group.z_test ? std::optional(group.z_test->p_value) : std::nullopt) + "\n";
  };
  row("(all)", result.overall);
  for (const RuleFamily& family : result.families) {
    for (const RuleGroup& group : family.groups) row(family.attribute, group);
  }
  return out;
}

std::string to_text(const RuleAuditResult& result, const Recipe& recipe) {
  std::string out = fmt::format("equalis {} — {}\nrule: {}\npopulation: {}{}\n", equalis_version(),
                                recipe.command, result.rule, recipe.input_file,
                                recipe.input_sha256.empty() ? "" : " (sha256 " + recipe.input_sha256 + ")");
  out += fmt::format("overall: {} people, {} eligible, {} excluded ({}), {} undetermined (missing values)\n",
                     result.overall.population, result.overall.eligible, result.overall.excluded,
                     percent(result.overall.exclusion_rate), result.overall.undetermined);
  for (const RuleFamily& family : result.families) {
    out +=
        fmt::format("\n== excluded by {} (least excluded: {}) ==\n", family.attribute, family.least_excluded);
    out += fmt::format("{:<24} {:>10} {:>10} {:>9} {:>17} {:>8}\n", "group", "population", "excluded", "rate",
                       "95% interval", "ratio");
    for (const RuleGroup& group : family.groups) {
      if (group.suppressed) continue;
      out += fmt::format("{:<24} {:>10} {:>10} {:>9} {:>17} {:>8}\n", group.name.substr(0, 24),
                         group.population, group.excluded, percent(group.exclusion_rate),
                         group.exclusion_interval
                             ? fmt::format("{:.1f}–{:.1f}%", 100.0 * group.exclusion_interval->low,
                                           100.0 * group.exclusion_interval->high)
                             : std::string("undef"),
                         group.ratio_to_least_excluded ? fmt::format("{:.2f}", *group.ratio_to_least_excluded)
                                                       : std::string("undef"));
    }
    out += fmt::format("suppressed groups (population < min cell size): {}\n", family.suppressed_groups);
  }
  return out;
}

}  // namespace equalis::audit

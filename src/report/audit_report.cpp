#include "report/audit_report.hpp"

#include "core/version.hpp"

#include <fmt/format.h>

#include <array>

namespace equalis::report {

using audit::AuditOptions;
using audit::AuditResult;
using audit::BootstrapScheme;
using audit::CalibrationResult;
using audit::ConfusionCounts;
using audit::DecisionTable;
using audit::FamilyResult;
using audit::GroupCalibration;
using audit::GroupResult;
using audit::Interval;
using audit::kDisparityCount;
using audit::kDisparityMetrics;
using audit::kMetricCount;
using audit::kMetricNames;
using audit::Metric;
using audit::metric_name;
using audit::MetricDisparity;
using audit::PeriodAudit;
using audit::RateEstimate;
using audit::RuleAuditResult;
using audit::RuleFamily;
using audit::RuleGroup;
using audit::SpreadSummary;
using audit::TestResult;
using Json = nlohmann::ordered_json;

namespace {

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
    out[std::string(kMetricNames[metric_idx])] = {{"value", optional_number(rate.value)},
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
    Json item{{"criterion", kCriterion[slot]},       {"difference", optional_number(d.difference)},
              {"ratio", optional_number(d.ratio)},   {"newcombe", interval_json(d.difference_interval)},
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
  out["equalized_odds_gap"] = optional_number(group.equalized_odds_gap);
  out["four_fifths"] = {{"ratio_to_highest", optional_number(group.selection_ratio_to_highest)},
                        {"flag", group.four_fifths_flag}};
  out["minimum_detectable_gap"] = optional_number(group.minimum_detectable_gap);
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

std::string signed_points(const std::optional<double>& value, int decimals = 1) {
  return value ? fmt::format("{:+.{}f}", 100.0 * *value, decimals) : std::string("undef");
}

// Percentage points with two decimals (calibration errors), "undef" when undefined (never 0).
std::string points(const std::optional<double>& value) {
  return value ? fmt::format("{:.2f}", 100.0 * *value) : std::string("undef");
}

Json calibration_group_json(const GroupCalibration& group) {
  Json out{{"name", group.name}, {"suppressed", group.suppressed}};
  if (group.suppressed) return out;
  out["n"] = group.n;
  out["mean_score"] = optional_number(group.mean_score);
  out["observed_rate"] = optional_number(group.observed_rate);
  out["calibration_in_the_large"] = optional_number(group.calibration_in_the_large);
  out["ece"] = optional_number(group.ece);
  Json bins = Json::array();
  for (const auto& bin : group.bins) {
    Json item{{"low", bin.low}, {"high", bin.high}, {"suppressed", bin.suppressed}};
    if (!bin.suppressed) {
      item["n"] = bin.n;
      item["mean_score"] = optional_number(bin.mean_score);
      item["observed_rate"] = optional_number(bin.observed_rate);
      item["wilson"] = interval_json(bin.wilson);
    }
    bins.push_back(std::move(item));
  }
  out["bins"] = std::move(bins);
  return out;
}

// As csv_quote, but a lone carriage return stays unquoted: the calibration and period sections always
// quoted this way, and their bytes stay as they were.
std::string csv_text(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

constexpr std::array<Metric, 4> kPeriodMetrics{Metric::SelectionRate, Metric::Tpr, Metric::Fpr, Metric::Ppv};

}  // namespace

Json interval_json(const std::optional<Interval>& interval) {
  if (!interval) return nullptr;
  return Json::array({interval->low, interval->high});
}

Json recipe_json(const Recipe& recipe) {
  return Json{{"equalis_version", version()},
              {"command", recipe.command},
              {"input",
               {{"file", recipe.input_file},
                {"sha256", recipe.input_sha256.empty() ? Json(nullptr) : Json(recipe.input_sha256)}}},
              {"options", recipe.options}};
}

namespace {

Json audit_input_json(const DecisionTable& table) {
  return {{"rows_read", table.rows_read},
          {"rows_dropped_missing_group", table.rows_dropped_missing_group},
          {"rows_dropped_missing_outcome", table.rows_dropped_missing_outcome},
          {"rows_with_zero_count", table.rows_zero_count},
          {"attributes", table.group_columns},
          {"has_label", table.has_label},
          {"cells", table.cell_count()},
          {"read_threads", table.read_threads}};
}

Json audit_settings_json(const AuditResult& result) {
  const AuditOptions& options = result.options;
  Json settings{{"alpha", options.alpha},
                {"power", options.power},
                {"min_cell_size", options.min_cell_size},
                {"four_fifths_threshold", options.four_fifths_threshold},
                {"bootstrap_replicates", result.bootstrap_replicates},
                {"bootstrap_scheme",
                 options.bootstrap_scheme == BootstrapScheme::Stratified ? "stratified" : "multinomial"},
                {"seed", options.seed}};
  // Only when not the default, so reports of the default audit stay as they were.
  if (options.favourable == audit::Favourable::NotSelected) settings["favourable"] = "not_selected";
  return settings;
}

std::size_t suppressed_group_total(const AuditResult& result) {
  std::size_t total = 0;
  for (const FamilyResult& family : result.families) total += family.suppressed_groups;
  return total;
}

}  // namespace

Json to_json(const AuditResult& result, const DecisionTable& table) {
  Json out;
  out["input"] = audit_input_json(table);
  out["settings"] = audit_settings_json(result);
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
    // The total over the suppressed groups is the overall total minus the shown ones anyway; for a lone
    // suppressed group (one no complement could protect) it would be that group's size, so it is left out.
    f["suppressed"] = {
        {"groups", family.suppressed_groups},
        {"applicants", family.suppressed_groups != 1 ? Json(family.suppressed_applicants) : Json(nullptr)}};
    suppressed_total += family.suppressed_groups;
    Json spread = Json::object();
    for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
      const SpreadSummary& s = family.spread[slot];
      Json item{{"criterion", kCriterion[slot]},
                {"max_minus_min", optional_number(s.max_minus_min)},
                {"min_over_max", optional_number(s.min_over_max)},
                {"highest", s.highest_group.empty() ? Json(nullptr) : Json(s.highest_group)},
                {"lowest", s.lowest_group.empty() ? Json(nullptr) : Json(s.lowest_group)}};
      if (bootstrapped) {
        item["bootstrap_max_minus_min"] = interval_json(s.bootstrap_max_minus_min);
        item["bootstrap_undefined"] = s.bootstrap_undefined;
      }
      spread[std::string(metric_name(kDisparityMetrics[slot]))] = std::move(item);
    }
    f["between_groups"] = std::move(spread);
    f["worst_equalized_odds_gap"] = optional_number(family.worst_equalized_odds_gap);
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

std::string to_text(const AuditResult& result, const DecisionTable& table, const Recipe& recipe) {
  std::string out;
  out += fmt::format("equalis {} — {}\n", version(), recipe.command);
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
    out += fmt::format("suppressed (n < {}, with complements): {} groups{}\n", result.options.min_cell_size,
                       family.suppressed_groups,
                       family.suppressed_groups != 1
                           ? fmt::format(", {} applicants", family.suppressed_applicants)
                           : std::string());
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
    out +=
        fmt::format("four-fifths rule: {} group(s) below {:.0f}% of the highest {} rate\n",
                    family.four_fifths_flags, 100.0 * result.options.four_fifths_threshold,
                    result.options.favourable == audit::Favourable::Selected ? "selection" : "not-selected");
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
  out["exclusion_rate"] = optional_number(group.exclusion_rate);
  out["wilson"] = interval_json(group.exclusion_interval);
  out["difference_to_least_excluded"] = optional_number(group.difference_to_least_excluded);
  out["ratio_to_least_excluded"] = optional_number(group.ratio_to_least_excluded);
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

std::string to_text(const RuleAuditResult& result, const Recipe& recipe) {
  std::string out = fmt::format("equalis {} — {}\nrule: {}\npopulation: {}{}\n", version(), recipe.command,
                                result.rule, recipe.input_file,
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
    out += fmt::format("suppressed groups (population < min cell size, with complements): {}\n",
                       family.suppressed_groups);
  }
  return out;
}

Json to_json(const CalibrationResult& result) {
  Json families = Json::array();
  for (const auto& family : result.families) {
    Json groups = Json::array();
    for (const auto& group : family.groups) groups.push_back(calibration_group_json(group));
    families.push_back(
        {{"name", family.name},
         {"suppressed", {{"groups", family.suppressed_groups}, {"bins", family.suppressed_bins}}},
         {"groups", std::move(groups)}});
  }
  return {{"bins", result.bins},
          {"binning", result.binning},
          {"ece_over", "published_bins"},
          {"overall_suppressed_bins", result.overall_suppressed_bins},
          {"overall", calibration_group_json(result.overall)},
          {"families", std::move(families)}};
}

Json to_json(const std::vector<PeriodAudit>& periods) {
  Json out = Json::array();
  for (const auto& period : periods) {
    const AuditResult& audit = period.audit;
    Json overall{{"n", period.n}};
    for (const Metric metric : kPeriodMetrics) {
      overall[std::string(metric_name(metric))] =
          optional_number(audit.overall.rates[static_cast<std::size_t>(metric)].value);
    }
    Json families = Json::array();
    for (const auto& family : audit.families) {
      Json spread = Json::object();
      for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
        const Metric metric = kDisparityMetrics[slot];
        if (metric == Metric::Fnr) continue;
        spread[std::string(metric_name(metric))] = {
            {"max_minus_min", optional_number(family.spread[slot].max_minus_min)},
            {"min_over_max", optional_number(family.spread[slot].min_over_max)}};
      }
      Json groups = Json::array();
      for (const auto& group : family.groups) {
        Json item{{"name", group.name}, {"suppressed", group.suppressed}};
        if (!group.suppressed) {
          item["reference"] = group.is_reference;
          item["n"] = group.counts.n();
          for (const Metric metric : kPeriodMetrics) {
            const RateEstimate& rate = group.rates[static_cast<std::size_t>(metric)];
            item[std::string(metric_name(metric))] = {{"value", optional_number(rate.value)},
                                                      {"wilson", interval_json(rate.interval)}};
          }
          const MetricDisparity& selection = group.disparities[0];
          item["selection_rate_difference"] = optional_number(selection.difference);
          item["newcombe"] = interval_json(selection.difference_interval);
          item["significant"] = selection.significant;
          item["equalized_odds_gap"] = optional_number(group.equalized_odds_gap);
          item["four_fifths_flag"] = group.four_fifths_flag;
        }
        groups.push_back(std::move(item));
      }
      families.push_back({{"name", family.name},
                          {"reference", family.reference_name},
                          {"suppressed_groups", family.suppressed_groups},
                          {"between_groups", std::move(spread)},
                          {"worst_equalized_odds_gap", optional_number(family.worst_equalized_odds_gap)},
                          {"four_fifths_flags", family.four_fifths_flags},
                          {"groups", std::move(groups)}});
    }
    Json item{{"period", period.period}, {"overall", std::move(overall)}};
    if (!period.note.empty()) item["note"] = period.note;
    item["families"] = std::move(families);
    out.push_back(std::move(item));
  }
  return out;
}

std::string to_text(const CalibrationResult& result) {
  std::string out = fmt::format(
      "\nCalibration by score bin ({} {} bins): mean score vs observed positive rate\n"
      "  overall: mean score {}, observed {}, calibration-in-the-large {} points, ECE {} points "
      "(over the published bins; {} suppressed)\n",
      result.bins, result.binning == "quantile" ? "quantile" : "equal-width",
      percent(result.overall.mean_score), percent(result.overall.observed_rate),
      signed_points(result.overall.calibration_in_the_large, 2), points(result.overall.ece),
      result.overall_suppressed_bins);
  for (const auto& family : result.families) {
    out += fmt::format("  {} ({} groups suppressed, {} bins suppressed)\n", family.name,
                       family.suppressed_groups, family.suppressed_bins);
    std::size_t shown = 0;
    for (const auto& group : family.groups) {
      if (++shown > 40) {
        out += fmt::format("    … {} more groups (see JSON/CSV)\n", family.groups.size() - 40);
        break;
      }
      if (group.suppressed) {
        out += fmt::format("    {:<32} suppressed (n < min cell)\n", group.name.substr(0, 32));
        continue;
      }
      out += fmt::format(
          "    {:<32} n {:>9}  mean score {:>6}  observed {:>6}  in-the-large {:>6}  ECE {:>5}\n",
          group.name.substr(0, 32), group.n, percent(group.mean_score), percent(group.observed_rate),
          signed_points(group.calibration_in_the_large, 2), points(group.ece));
    }
  }
  return out;
}

std::string to_text(const std::vector<PeriodAudit>& periods) {
  std::string out = "\nBy period: selection rate and the key disparities (max − min between groups)\n";
  for (const auto& period : periods) {
    const auto& overall = period.audit.overall.rates;
    out +=
        fmt::format("  {:<10} n {:>9}  selection {:>6}  TPR {:>6}  FPR {:>6}\n", period.period, period.n,
                    percent(overall[0].value), percent(overall[static_cast<std::size_t>(Metric::Tpr)].value),
                    percent(overall[static_cast<std::size_t>(Metric::Fpr)].value));
    for (const auto& family : period.audit.families) {
      out += fmt::format(
          "    {:<28} selection gap {:>6}  TPR gap {:>6}  FPR gap {:>6}  worst EO gap {:>6}  "
          "four-fifths flags {}  suppressed {}\n",
          family.name.substr(0, 28), percent(family.spread[0].max_minus_min),
          percent(family.spread[1].max_minus_min), percent(family.spread[2].max_minus_min),
          percent(family.worst_equalized_odds_gap), family.four_fifths_flags, family.suppressed_groups);
    }
    if (!period.note.empty()) out += fmt::format("    note: {}\n", period.note);
  }
  return out;
}

// ---- mitigation ------------------------------------------------------------------------------------

namespace {

// The reasons are part of the documented output; options are named by their request fields, as in
// every front end.
std::string skipped_reason(audit::ThresholdsSkipped skipped) {
  switch (skipped) {
    case audit::ThresholdsSkipped::NoScore:
      return "no `score`: group thresholds need a score";
    case audit::ThresholdsSkipped::Stdin:
      return "group thresholds need a second pass over the input, which stdin does not allow";
    case audit::ThresholdsSkipped::Ndjson:
      return "group thresholds are computed from CSV input only";
    case audit::ThresholdsSkipped::CountTable:
      return "group thresholds need one row per applicant (not `count` tables)";
    case audit::ThresholdsSkipped::No:
      break;
  }
  return {};
}

Json thresholds_json(const audit::ThresholdResult& result) {
  Json groups = Json::array();
  for (const auto& g : result.groups) {
    if (g.suppressed) {
      groups.push_back({{"group", g.group}, {"suppressed", true}});
      continue;
    }
    groups.push_back(
        {{"group", g.group},
         {"n", g.n},
         {"positives", g.positives},
         {"threshold", optional_number(g.threshold)},
         {"tpr", {{"before", optional_number(g.tpr_before)}, {"after", optional_number(g.tpr_after)}}},
         {"fpr", {{"before", optional_number(g.fpr_before)}, {"after", optional_number(g.fpr_after)}}},
         {"selection_rate",
          {{"before", optional_number(g.selection_before)}, {"after", optional_number(g.selection_after)}}}});
  }
  return {{"base_threshold", result.base_threshold},
          {"target_tpr", result.target_tpr},
          {"accuracy_before", result.accuracy_before},
          {"accuracy_after", result.accuracy_after},
          {"accuracy_change", result.accuracy_after - result.accuracy_before},
          {"groups", std::move(groups)}};
}

std::string thresholds_text(const audit::ThresholdResult& result) {
  std::string text = fmt::format(
      "\nGroup thresholds for equal opportunity (Hardt et al. "
      "2016), target TPR {:.1f}%\n"
      "  accuracy {:.2f}% -> {:.2f}% (change {:+.2f} points)\n",
      100.0 * result.target_tpr, 100.0 * result.accuracy_before, 100.0 * result.accuracy_after,
      100.0 * (result.accuracy_after - result.accuracy_before));
  for (const auto& g : result.groups) {
    if (g.suppressed) {
      text += fmt::format("  {:<32} suppressed\n", g.group.substr(0, 32));
      continue;
    }
    text += fmt::format("  {:<32} threshold {}  TPR {} -> {}\n", g.group.substr(0, 32),
                        g.threshold ? fmt::format("{:.4g}", *g.threshold) : std::string("(base)"),
                        g.tpr_before ? fmt::format("{:.1f}%", 100 * *g.tpr_before) : std::string("undef"),
                        g.tpr_after ? fmt::format("{:.1f}%", 100 * *g.tpr_after) : std::string("undef"));
  }
  return text;
}

}  // namespace

Json to_json(const audit::Mitigation& mitigation) {
  Json reweighing = Json::array();
  for (const auto& cell : mitigation.reweighing) {
    if (cell.suppressed) {
      reweighing.push_back({{"group", cell.group}, {"label", cell.label}, {"suppressed", true}});
      continue;
    }
    reweighing.push_back({{"group", cell.group},
                          {"label", cell.label},
                          {"count", cell.count},
                          {"weight", optional_number(cell.weight)}});
  }
  Json json{{"reweighing", std::move(reweighing)},
            {"equal_opportunity_thresholds",
             mitigation.thresholds ? thresholds_json(*mitigation.thresholds) : Json(nullptr)}};
  if (mitigation.skipped != audit::ThresholdsSkipped::No)
    json["thresholds_not_computed"] = skipped_reason(mitigation.skipped);
  return json;
}

std::string to_text(const audit::Mitigation& mitigation) {
  std::string text = "Reweighing (Kamiran & Calders 2012): training weight per (group, label)\n";
  for (const auto& cell : mitigation.reweighing) {
    if (cell.suppressed) {
      text += fmt::format("  {:<32} label {}  suppressed\n", cell.group.substr(0, 32), cell.label);
      continue;
    }
    text += fmt::format("  {:<32} label {}  n = {:>9}  weight {}\n", cell.group.substr(0, 32), cell.label,
                        cell.count,
                        cell.weight ? fmt::format("{:.4f}", *cell.weight) : std::string("- (empty cell)"));
  }
  if (mitigation.thresholds) return text + thresholds_text(*mitigation.thresholds);
  return text + fmt::format("\nGroup thresholds: not computed ({})\n", skipped_reason(mitigation.skipped));
}

// ---- representation --------------------------------------------------------------------------------

namespace {

Json representation_rows_json(const audit::RepresentationResult& result) {
  Json rows = Json::array();
  for (const auto& row : result.rows) {
    Json item{{"group", row.group}, {"suppressed", row.suppressed}};
    if (!row.suppressed) {
      item["count"] = row.count;
      item["data_share"] = optional_number(row.data_share);
      item["wilson"] = interval_json(row.data_interval);
    }
    item["population_share"] = optional_number(row.population_share);
    item["coverage_ratio"] = optional_number(row.coverage_ratio);
    item["under_covered"] = row.under_covered;
    item["significantly_under"] = row.significantly_under;
    rows.push_back(std::move(item));
  }
  return rows;
}

// "-" rather than "undef" for a missing share: the column is about the data, not a rate.
std::string share_percent(const std::optional<double>& value) {
  return value ? fmt::format("{:.1f}%", 100.0 * *value) : std::string("-");
}

std::string representation_text(const audit::RepresentationRequest& request,
                                const audit::RepresentationReport& report) {
  const audit::RepresentationResult& result = report.result;
  std::string text = fmt::format("equalis {} — audit representation\ndata: {} (sha256 {}), {} records\n\n",
                                 version(), request.file, report.sha256, result.total);
  text += fmt::format("{:<24} {:>9} {:>9} {:>17} {:>9} {:>7}  flags\n", "group", "count", "data",
                      "95% interval", "population", "ratio");
  for (const auto& row : result.rows) {
    text += fmt::format(
        "{:<24} {:>9} {:>9} {:>17} {:>9} {:>7} {}{}\n", row.group.substr(0, 24),
        row.suppressed ? std::string("<min") : std::to_string(row.count), share_percent(row.data_share),
        row.data_interval
            ? fmt::format("{:.1f}–{:.1f}%", 100 * row.data_interval->low, 100 * row.data_interval->high)
            : std::string("-"),
        share_percent(row.population_share),
        row.coverage_ratio ? fmt::format("{:.2f}", *row.coverage_ratio) : std::string("-"),
        row.under_covered ? " under-covered" : "", row.significantly_under ? " (significant)" : "");
  }
  text += fmt::format(
      "\nunder-covered (share < {:.0f}% of the population share): {}; significantly: {}; suppressed: {}; not "
      "in the reference: {}\n",
      100.0 * request.coverage, result.under_covered, result.significantly_under, result.suppressed,
      result.not_in_reference.size());
  return text;
}

}  // namespace

// ---- monitor ---------------------------------------------------------------------------------------

Json to_json(const audit::MonitorAlert& alert) {
  if (alert.suppressed) {
    return {{"type", alert.kind}, {"group", alert.group},       {"event", alert.event_index},
            {"time", alert.time}, {"window_n", alert.window_n}, {"suppressed", true}};
  }
  return {{"type", alert.kind},
          {"group", alert.group},
          {"event", alert.event_index},
          {"time", alert.time},
          {"window_n", alert.window_n},
          {"group_n", alert.group_n},
          {"group_selection_rate", alert.group_rate},
          {"rest_selection_rate", alert.rest_rate},
          {"gap", alert.gap},
          {"z", alert.z},
          {"p", alert.p_value}};
}

Json to_json(const audit::MonitorSummary& summary) {
  Json out{{"type", "summary"},
           {"events", summary.events},
           {"new_events", summary.new_events},
           {"window", summary.window},
           {"alerts", summary.alerts}};
  if (summary.interrupted) out["interrupted"] = true;
  return out;
}

// ---- whole documents -------------------------------------------------------------------------------

namespace {

const char* missing_group_name(audit::MissingGroupPolicy policy) {
  switch (policy) {
    case audit::MissingGroupPolicy::Drop:
      return "drop";
    case audit::MissingGroupPolicy::Error:
      return "error";
    case audit::MissingGroupPolicy::OwnGroup:
      break;
  }
  return "own";
}

const char* period_name(audit::Period period) {
  switch (period) {
    case audit::Period::Day:
      return "day";
    case audit::Period::Week:
      return "week";
    case audit::Period::Quarter:
      return "quarter";
    case audit::Period::Year:
      return "year";
    case audit::Period::Month:
      break;
  }
  return "month";
}

// The decision-log options as given (the input format as resolved).
Json decision_options_json(const audit::DecisionLogInput& log) {
  return {{"group", log.group},
          {"decision", log.decision},
          {"score", log.score},
          {"threshold", optional_number(log.threshold)},
          {"label", log.label},
          {"count", log.count},
          {"positive", log.positive},
          {"negative", log.negative},
          {"label_positive", log.label_positive},
          {"missing_group", missing_group_name(log.missing_group)},
          {"missing", log.missing == MissingPolicy::Drop ? "drop" : "error"},
          {"delimiter", std::string(1, log.delimiter)},
          {"input_format", audit::reads_ndjson(log.input_format, log.file) ? "ndjson" : "csv"}};
}

Recipe metrics_recipe(const audit::AuditMetricsRequest& request, const audit::AuditMetricsReport& report) {
  Recipe recipe{"audit metrics", request.log.file, report.table.sha256, decision_options_json(request.log)};
  recipe.options["reference"] = request.reference;
  recipe.options["alpha"] = request.alpha;
  recipe.options["power"] = request.power;
  recipe.options["min_cell"] = request.min_cell;
  recipe.options["four_fifths"] = request.four_fifths;
  if (request.favourable == audit::Favourable::NotSelected) recipe.options["favourable"] = "not-selected";
  recipe.options["bootstrap"] = request.bootstrap;
  recipe.options["seed"] = request.seed;
  recipe.options["stratified"] = request.stratified;
  recipe.options["intersections"] = request.intersections;
  recipe.options["rule"] = request.rule;
  recipe.options["bins"] = report.calibration ? request.bins : 0;
  recipe.options["binning"] = request.binning == audit::Binning::Quantile ? "quantile" : "equal-width";
  recipe.options["time"] = request.time;
  recipe.options["period"] = period_name(request.period);
  recipe.options["mitigation"] = report.mitigation.has_value();
  recipe.options["target_tpr"] = optional_number(request.target_tpr);
  return recipe;
}

std::string metrics_text(const audit::AuditMetricsRequest& request, const audit::AuditMetricsReport& report,
                         const Recipe& recipe) {
  std::string text = to_text(report.audit, report.table, recipe);
  if (report.rule_audit) {
    const Recipe rule_recipe{"rule audit on the same log", request.log.file, report.table.sha256, {}};
    text += "\n" + to_text(*report.rule_audit, rule_recipe);
  }
  if (report.calibration) text += to_text(*report.calibration);
  if (!report.table.calibration_skipped.empty())
    text += "\nCalibration: not computed (" + report.table.calibration_skipped + ")\n";
  if (!report.periods.empty()) text += to_text(report.periods);
  if (report.mitigation) {
    text += "\nMitigation options (automatic: the true outcome is known)\n" + to_text(*report.mitigation);
  }
  return text;
}

// ---- the tidy CSV of `audit metrics` ---------------------------------------------------------------

// One long table for every part of `audit metrics`: a row per (section, period, family, group, bin,
// metric) with its value and, where there is one, its interval (Wilson for rates, Newcombe for
// differences, bootstrap percentiles for the `_bootstrap` metrics). Empty cells are undefined values; a
// suppressed group or bin has one row, metric `suppressed` = 1, and nothing else.
class TidyCsv {
 public:
  TidyCsv() : out_("section,period,family,group,bin,metric,value,low,high\n") {}

  struct Key {
    std::string_view section;
    std::string period;
    std::string family;
    std::string group;
    std::string bin;
  };

  void text(const Key& key, std::string_view metric, const std::string& value, const std::string& low = {},
            const std::string& high = {}) {
    out_ += fmt::format("{},{},{},{},{},{},{},{},{}\n", key.section, csv_text(key.period),
                        csv_text(key.family), csv_text(key.group), key.bin, metric, value, low, high);
  }
  void count(const Key& key, std::string_view metric, std::uint64_t value) {
    text(key, metric, std::to_string(value));
  }
  void number(const Key& key, std::string_view metric, const std::optional<double>& value,
              const std::optional<audit::Interval>& interval = std::nullopt) {
    text(key, metric, csv_number(value), interval ? fmt::format("{:.10g}", interval->low) : std::string(),
         interval ? fmt::format("{:.10g}", interval->high) : std::string());
  }
  void flag(const Key& key, std::string_view metric, bool value) { text(key, metric, value ? "1" : "0"); }
  // A word or a sentence (a rule, a reason): quoted when it has to be.
  void words(const Key& key, std::string_view metric, const std::string& value) {
    text(key, metric, csv_quote(value));
  }
  // Every scalar of `value` as a row named by its path (`a.b`); an array gives one row per element.
  void json(const Key& key, const std::string& name, const Json& value) {
    if (value.is_object()) {
      for (const auto& [field, item] : value.items())
        json(key, name.empty() ? field : name + "." + field, item);
    } else if (value.is_array()) {
      for (const auto& item : value) json(key, name, item);
    } else if (value.is_string()) {
      words(key, name, value.get<std::string>());
    } else if (value.is_boolean()) {
      flag(key, name, value.get<bool>());
    } else {
      text(key, name, value.is_null() ? std::string() : value.dump());
    }
  }

  void rates(const Key& key, const std::array<audit::RateEstimate, audit::kMetricCount>& rates,
             bool has_label) {
    for (std::size_t idx = 0; idx < rates.size(); ++idx) {
      if (!has_label && idx != static_cast<std::size_t>(Metric::SelectionRate)) continue;
      number(key, audit::kMetricNames[idx], rates[idx].value, rates[idx].interval);
    }
  }
  void counts(const Key& key, const ConfusionCounts& counts, bool has_label) {
    count(key, "n", counts.n());
    count(key, "selected", counts.selected());
    if (!has_label) return;
    count(key, "tp", counts.tp);
    count(key, "fp", counts.fp);
    count(key, "fn", counts.fn);
    count(key, "tn", counts.tn);
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string metric_key(Metric metric, std::string_view suffix) {
  return fmt::format("{}_{}", metric_name(metric), suffix);
}

void tidy_group(TidyCsv& csv, const TidyCsv::Key& key, const GroupResult& group, bool has_label,
                bool bootstrapped) {
  if (group.suppressed) {
    csv.flag(key, "suppressed", true);
    return;
  }
  csv.flag(key, "reference", group.is_reference);
  csv.counts(key, group.counts, has_label);
  csv.rates(key, group.rates, has_label);
  for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
    const Metric metric = kDisparityMetrics[slot];
    if (!has_label && metric != Metric::SelectionRate) continue;
    const MetricDisparity& d = group.disparities[slot];
    csv.number(key, metric_key(metric, "difference"), d.difference, d.difference_interval);
    csv.number(key, metric_key(metric, "ratio"), d.ratio);
    csv.number(key, metric_key(metric, "z"), d.z_test ? std::optional(d.z_test->statistic) : std::nullopt);
    csv.number(key, metric_key(metric, "p_z"), d.z_test ? std::optional(d.z_test->p_value) : std::nullopt);
    csv.number(key, metric_key(metric, "p_fisher"),
               d.fisher ? std::optional(d.fisher->p_value) : std::nullopt);
    csv.flag(key, metric_key(metric, "significant"), d.significant);
    if (bootstrapped) {
      csv.number(key, metric_key(metric, "difference_bootstrap"), std::nullopt, d.bootstrap_difference);
      csv.number(key, metric_key(metric, "ratio_bootstrap"), std::nullopt, d.bootstrap_ratio);
      csv.count(key, metric_key(metric, "bootstrap_undefined"), d.bootstrap_undefined);
    }
  }
  csv.number(key, "equalized_odds_gap", group.equalized_odds_gap);
  csv.number(key, "four_fifths_ratio", group.selection_ratio_to_highest);
  csv.flag(key, "four_fifths_flag", group.four_fifths_flag);
  csv.number(key, "minimum_detectable_gap", group.minimum_detectable_gap);
}

void tidy_audit(TidyCsv& csv, const AuditResult& result, std::string_view section, const std::string& period,
                std::uint64_t period_n) {
  const bool bootstrapped = result.bootstrap_replicates > 0;
  const TidyCsv::Key overall{section, period, "", "overall", ""};
  if (period.empty()) {
    csv.counts(overall, result.overall.counts, result.has_label);
  } else {
    csv.count(overall, "n", period_n);
  }
  csv.rates(overall, result.overall.rates, result.has_label);
  for (const FamilyResult& family : result.families) {
    const TidyCsv::Key family_key{section, period, family.name, "", ""};
    csv.text({section, period, family.name, family.reference_name, ""}, "reference_group", "1");
    csv.words(family_key, "reference_rule", family.reference_rule);
    csv.count(family_key, "suppressed_groups", family.suppressed_groups);
    if (family.suppressed_groups != 1)
      csv.count(family_key, "suppressed_applicants", family.suppressed_applicants);
    csv.count(family_key, "four_fifths_flags", family.four_fifths_flags);
    csv.number(family_key, "worst_equalized_odds_gap", family.worst_equalized_odds_gap);
    for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
      const Metric metric = kDisparityMetrics[slot];
      if (!result.has_label && metric != Metric::SelectionRate) continue;
      const SpreadSummary& spread = family.spread[slot];
      csv.number(family_key, metric_key(metric, "max_minus_min"), spread.max_minus_min,
                 spread.bootstrap_max_minus_min);
      csv.number(family_key, metric_key(metric, "min_over_max"), spread.min_over_max);
    }
    for (const GroupResult& group : family.groups) {
      tidy_group(csv, {section, period, family.name, group.name, ""}, group, result.has_label, bootstrapped);
    }
  }
}

void tidy_rule_group(TidyCsv& csv, const TidyCsv::Key& key, const audit::RuleGroup& group) {
  if (group.suppressed) {
    csv.flag(key, "suppressed", true);
    return;
  }
  csv.count(key, "population", group.population);
  csv.count(key, "eligible", group.eligible);
  csv.count(key, "excluded", group.excluded);
  csv.count(key, "undetermined", group.undetermined);
  csv.number(key, "exclusion_rate", group.exclusion_rate, group.exclusion_interval);
  csv.number(key, "difference_to_least_excluded", group.difference_to_least_excluded);
  csv.number(key, "ratio_to_least_excluded", group.ratio_to_least_excluded);
  csv.number(key, "z", group.z_test ? std::optional(group.z_test->statistic) : std::nullopt);
  csv.number(key, "p_z", group.z_test ? std::optional(group.z_test->p_value) : std::nullopt);
}

void tidy_calibration_group(TidyCsv& csv, const std::string& family, const GroupCalibration& group) {
  const TidyCsv::Key key{"calibration", "", family, group.name, ""};
  if (group.suppressed) {
    csv.flag(key, "suppressed", true);
    return;
  }
  csv.count(key, "n", group.n);
  csv.number(key, "mean_score", group.mean_score);
  csv.number(key, "observed_rate", group.observed_rate);
  csv.number(key, "ece", group.ece);
  csv.number(key, "calibration_in_the_large", group.calibration_in_the_large);
  for (std::size_t bin_idx = 0; bin_idx < group.bins.size(); ++bin_idx) {
    const auto& bin = group.bins[bin_idx];
    const TidyCsv::Key bin_key{"calibration", "", family, group.name, std::to_string(bin_idx + 1)};
    csv.number(bin_key, "bin_low", bin.low);
    csv.number(bin_key, "bin_high", bin.high);
    if (bin.suppressed) {
      csv.flag(bin_key, "suppressed", true);
      continue;
    }
    csv.count(bin_key, "n", bin.n);
    csv.number(bin_key, "mean_score", bin.mean_score);
    csv.number(bin_key, "observed_rate", bin.observed_rate, bin.wilson);
  }
}

void tidy_recipe(TidyCsv& csv, const Recipe& recipe) {
  csv.json({"recipe", "", "", "", ""}, "", recipe_json(recipe));
}

void tidy_rule_audit(TidyCsv& csv, const RuleAuditResult& result) {
  const TidyCsv::Key overall{"rule_audit", "", "", "overall", ""};
  csv.words(overall, "rule", result.rule);
  tidy_rule_group(csv, overall, result.overall);
  for (const auto& family : result.families) {
    const TidyCsv::Key family_key{"rule_audit", "", family.attribute, "", ""};
    csv.words(family_key, "least_excluded", family.least_excluded);
    csv.count(family_key, "suppressed_groups", family.suppressed_groups);
    for (const auto& group : family.groups)
      tidy_rule_group(csv, {"rule_audit", "", family.attribute, group.name, ""}, group);
  }
}

void tidy_calibration(TidyCsv& csv, const CalibrationResult& calibration) {
  const TidyCsv::Key key{"calibration", "", "", "", ""};
  csv.count(key, "bins", calibration.bins);
  csv.words(key, "binning", calibration.binning);
  csv.words(key, "ece_over", "published_bins");
  csv.count(key, "overall_suppressed_bins", calibration.overall_suppressed_bins);
  tidy_calibration_group(csv, "", calibration.overall);
  for (const auto& family : calibration.families) {
    const TidyCsv::Key family_key{"calibration", "", family.name, "", ""};
    csv.count(family_key, "suppressed_groups", family.suppressed_groups);
    csv.count(family_key, "suppressed_bins", family.suppressed_bins);
    for (const auto& group : family.groups) tidy_calibration_group(csv, family.name, group);
  }
}

// Reweighing per (cell, label) as `label_<y>_count` / `label_<y>_weight`, one `suppressed` row per hidden
// cell; the thresholds per cell and their summary on the family's own rows.
void tidy_mitigation(TidyCsv& csv, const audit::Mitigation& mitigation) {
  std::string last_suppressed;
  for (const auto& cell : mitigation.reweighing) {
    const TidyCsv::Key key{"mitigation", "", "reweighing", cell.group, ""};
    if (cell.suppressed) {
      if (cell.group != last_suppressed) csv.flag(key, "suppressed", true);
      last_suppressed = cell.group;
      continue;
    }
    csv.count(key, fmt::format("label_{}_count", cell.label), cell.count);
    csv.number(key, fmt::format("label_{}_weight", cell.label), cell.weight);
  }
  const TidyCsv::Key thresholds_key{"mitigation", "", "equal_opportunity_thresholds", "", ""};
  if (!mitigation.thresholds) {
    csv.words(thresholds_key, "not_computed", skipped_reason(mitigation.skipped));
    return;
  }
  const audit::ThresholdResult& result = *mitigation.thresholds;
  csv.number(thresholds_key, "base_threshold", result.base_threshold);
  csv.number(thresholds_key, "target_tpr", result.target_tpr);
  csv.number(thresholds_key, "accuracy_before", result.accuracy_before);
  csv.number(thresholds_key, "accuracy_after", result.accuracy_after);
  csv.number(thresholds_key, "accuracy_change", result.accuracy_after - result.accuracy_before);
  for (const auto& group : result.groups) {
    const TidyCsv::Key key{"mitigation", "", "equal_opportunity_thresholds", group.group, ""};
    if (group.suppressed) {
      csv.flag(key, "suppressed", true);
      continue;
    }
    csv.count(key, "n", group.n);
    csv.count(key, "positives", group.positives);
    csv.number(key, "threshold", group.threshold);
    csv.number(key, "tpr_before", group.tpr_before);
    csv.number(key, "tpr_after", group.tpr_after);
    csv.number(key, "fpr_before", group.fpr_before);
    csv.number(key, "fpr_after", group.fpr_after);
    csv.number(key, "selection_rate_before", group.selection_before);
    csv.number(key, "selection_rate_after", group.selection_after);
  }
}

// `audit metrics --format csv`: one tidy long table for every part (docs/audit.md, "CSV of audit metrics"),
// the recipe, the input counts and the settings included.
std::string metrics_tidy_csv(const audit::AuditMetricsReport& report, const Recipe& recipe) {
  TidyCsv csv;
  tidy_recipe(csv, recipe);
  csv.json({"input", "", "", "", ""}, "", audit_input_json(report.table));
  csv.json({"settings", "", "", "", ""}, "", audit_settings_json(report.audit));
  tidy_audit(csv, report.audit, "metrics", "", 0);
  csv.count({"metrics", "", "", "", ""}, "suppressed_groups", suppressed_group_total(report.audit));
  if (report.rule_audit) tidy_rule_audit(csv, *report.rule_audit);
  if (report.calibration) tidy_calibration(csv, *report.calibration);
  if (!report.table.calibration_skipped.empty())
    csv.words({"calibration", "", "", "", ""}, "not_computed", report.table.calibration_skipped);
  for (const auto& period : report.periods) {
    tidy_audit(csv, period.audit, "period", period.period, period.n);
    if (!period.note.empty()) csv.words({"period", period.period, "", "", ""}, "note", period.note);
  }
  if (report.mitigation) tidy_mitigation(csv, *report.mitigation);
  return csv.take();
}

// `audit rules --format csv`: the same tidy table (section `rule_audit`), with the recipe.
std::string rules_tidy_csv(const audit::RulesReport& report, const Recipe& recipe) {
  TidyCsv csv;
  tidy_recipe(csv, recipe);
  csv.count({"input", "", "", "", ""}, "rows", report.rows);
  tidy_rule_audit(csv, report.result);
  return csv.take();
}

// `audit representation --format csv`: the same tidy table (section `representation`), with the recipe.
std::string representation_tidy_csv(const audit::RepresentationReport& report, const Recipe& recipe) {
  TidyCsv csv;
  tidy_recipe(csv, recipe);
  csv.count({"input", "", "", "", ""}, "rows", report.rows);
  const audit::RepresentationResult& result = report.result;
  const TidyCsv::Key overall{"representation", "", "", "overall", ""};
  csv.count(overall, "total", result.total);
  csv.count(overall, "under_covered", result.under_covered);
  csv.count(overall, "significantly_under", result.significantly_under);
  csv.count(overall, "suppressed", result.suppressed);
  for (const auto& group : result.not_in_reference) csv.words(overall, "not_in_reference", group);
  for (const auto& row : result.rows) {
    const TidyCsv::Key key{"representation", "", "", row.group, ""};
    csv.flag(key, "suppressed", row.suppressed);
    if (!row.suppressed) {
      csv.count(key, "count", row.count);
      csv.number(key, "data_share", row.data_share, row.data_interval);
    }
    // A suppressed group keeps its population share and flags (docs/audit.md, limitations).
    csv.number(key, "population_share", row.population_share);
    csv.number(key, "coverage_ratio", row.coverage_ratio);
    csv.flag(key, "under_covered", row.under_covered);
    csv.flag(key, "significantly_under", row.significantly_under);
  }
  return csv.take();
}

Json metrics_json(const audit::AuditMetricsRequest& request, const audit::AuditMetricsReport& report,
                  const Recipe& recipe) {
  Json out = envelope("audit metrics", request.log.file, report.table.rows_read);
  out["recipe"] = recipe_json(recipe);
  out["result"] = to_json(report.audit, report.table);
  if (report.rule_audit) out["result"]["rule_audit"] = to_json(*report.rule_audit);
  if (report.calibration) out["result"]["calibration"] = to_json(*report.calibration);
  if (!report.table.calibration_skipped.empty())
    out["result"]["calibration_not_computed"] = report.table.calibration_skipped;
  if (!request.time.empty()) out["result"]["periods"] = to_json(report.periods);
  if (report.mitigation) {
    out["result"]["mitigation"] = to_json(*report.mitigation);
    out["result"]["mitigation"]["mode"] =
        "automatic (the true outcome is known; turn `mitigation` off to skip)";
  }
  return out;
}

}  // namespace

Renderers metrics_renderers(const audit::AuditMetricsRequest& request,
                            const audit::AuditMetricsReport& report) {
  return {.json = [&] { return metrics_json(request, report, metrics_recipe(request, report)); },
          .csv = [&] { return metrics_tidy_csv(report, metrics_recipe(request, report)); },
          .text = [&] { return metrics_text(request, report, metrics_recipe(request, report)); }};
}

Renderers rules_renderers(const audit::RulesRequest& request, const audit::RulesReport& report) {
  const auto recipe = [&] {
    return Recipe{"audit rules",
                  request.file,
                  report.sha256,
                  {{"rule", request.rule},
                   {"group", request.group},
                   {"count", request.count},
                   {"min_cell", request.min_cell},
                   {"alpha", request.alpha}}};
  };
  return {.json =
              [&, recipe] {
                Json out = envelope("audit rules", request.file, report.rows);
                out["recipe"] = recipe_json(recipe());
                out["result"] = to_json(report.result);
                return out;
              },
          .csv = [&, recipe] { return rules_tidy_csv(report, recipe()); },
          .text = [&, recipe] { return to_text(report.result, recipe()); }};
}

Renderers representation_renderers(const audit::RepresentationRequest& request,
                                   const audit::RepresentationReport& report) {
  const auto recipe = [&] {
    return Recipe{"audit representation",
                  request.file,
                  report.sha256,
                  {{"group", request.group},
                   {"count", request.count},
                   {"reference", request.reference},
                   {"reference_sha256", report.reference_sha256},
                   {"reference_group", report.reference_group},
                   {"reference_value", request.reference_value},
                   {"coverage_threshold", request.coverage},
                   {"min_cell", request.min_cell},
                   {"alpha", request.alpha}}};
  };
  return {.json =
              [&, recipe] {
                const audit::RepresentationResult& result = report.result;
                Json out = envelope("audit representation", request.file, report.rows);
                out["recipe"] = recipe_json(recipe());
                out["result"] = {{"total", result.total},
                                 {"under_covered", result.under_covered},
                                 {"significantly_under", result.significantly_under},
                                 {"suppressed", result.suppressed},
                                 {"not_in_reference", result.not_in_reference},
                                 {"groups", representation_rows_json(result)}};
                return out;
              },
          .csv = [&, recipe] { return representation_tidy_csv(report, recipe()); },
          .text = [&] { return representation_text(request, report); }};
}

Renderers mitigate_renderers(const audit::MitigateRequest& request, const audit::MitigateReport& report) {
  const auto recipe = [&] {
    Recipe made{"audit mitigate", request.log.file, report.table.sha256, decision_options_json(request.log)};
    made.options["target_tpr"] = optional_number(request.target_tpr);
    made.options["min_cell"] = request.min_cell;
    return made;
  };
  return {.json =
              [&, recipe] {
                Json out = envelope("audit mitigate", request.log.file, report.table.rows_read);
                out["recipe"] = recipe_json(recipe());
                out["result"] = to_json(report.mitigation);
                return out;
              },
          .csv =
              [&, recipe] {
                TidyCsv csv;
                tidy_recipe(csv, recipe());
                csv.count({"input", "", "", "", ""}, "rows_read", report.table.rows_read);
                tidy_mitigation(csv, report.mitigation);
                return csv.take();
              },
          .text =
              [&] {
                return fmt::format("equalis {} — audit mitigate\ninput: {} (sha256 {})\n\n{}", version(),
                                   request.log.file, report.table.sha256, to_text(report.mitigation));
              }};
}

}  // namespace equalis::report

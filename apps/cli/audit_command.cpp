// `equalis audit …`: fairness audit of automated decisions (metrics, rules,
// representation, mitigation, monitoring). Each subcommand is a thin shell over
// src/audit.

#include "commands.hpp"
#include "registry.hpp"

#include "audit/audit.hpp"
#include "audit/audit_report.hpp"
#include "audit/breakdown.hpp"
#include "audit/csv_stream.hpp"
#include "audit/decision_log.hpp"
#include "audit/mitigation.hpp"
#include "audit/monitor.hpp"
#include "audit/ndjson_stream.hpp"
#include "audit/representation.hpp"
#include "audit/rules.hpp"
#include "audit/sha256.hpp"
#include "core/atomic_file.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

namespace equalis::cli {

namespace {

struct DecisionArgs {
  std::string file;
  std::vector<std::string> groups;
  std::string decision, score, label, count;
  std::optional<double> threshold;
  std::vector<std::string> positive, negative, label_positive;
  std::string missing_group = "own";
  std::string missing = "error";
  char delimiter = ',';
  std::string input_format = "auto";
};

struct MetricsArgs {
  DecisionArgs log;
  std::vector<std::string> reference{"most-favoured"};
  audit::AuditOptions options;
  bool stratified = false;
  bool no_intersections = false;
  std::string rule;
  std::size_t bins = 10;
  std::string binning = "equal-width";
  std::string time_column;
  std::string period = "month";
  bool no_mitigation = false;
  std::optional<double> target_tpr;
};

void add_decision_options(CLI::App& cmd, DecisionArgs& args) {
  cmd.add_option("file", args.file,
                 "Decision log CSV: one row per applicant, or per cell with "
                 "--count ('-' = stdin)")
      ->required();
  cmd.add_option("-g,--group", args.groups,
                 "Sensitive attribute column (repeatable; intersections are "
                 "the cross product)")
      ->required();
  cmd.add_option("--decision", args.decision, "Decision column (1 = selected/granted/flagged)");
  cmd.add_option("--score", args.score, "Score column; the decision is score >= --threshold");
  cmd.add_option("--threshold", args.threshold, "Threshold on --score");
  cmd.add_option("--label", args.label, "True outcome column (1 = positive); enables error-rate metrics");
  cmd.add_option("--count", args.count, "Count column of an aggregated table (applicants in the row)");
  cmd.add_option("--positive", args.positive,
                 "Value(s) meaning 1 in the decision and label (default "
                 "1/true/yes, with 0/false/no = 0)");
  cmd.add_option("--negative", args.negative,
                 "Value(s) meaning 0 (with --positive: anything else is an error)");
  cmd.add_option("--label-positive", args.label_positive,
                 "Value(s) meaning 1 in the label (overrides --positive)");
  cmd.add_option("--missing-group", args.missing_group,
                 "Missing attribute value: own (a '(missing)' group, default), "
                 "drop (counted) or error")
      ->check(CLI::IsMember({"own", "drop", "error"}));
  cmd.add_option("--missing", args.missing, "Missing decision/label/count: error (default) or drop (counted)")
      ->check(CLI::IsMember({"error", "drop"}));
  cmd.add_option("--delimiter", args.delimiter, "CSV field delimiter")->default_val(',');
  cmd.add_option("--input-format", args.input_format,
                 "csv, ndjson (one JSON object per line) or auto (ndjson for "
                 ".ndjson/.jsonl files)")
      ->check(CLI::IsMember({"auto", "csv", "ndjson"}));
}

bool is_ndjson(const std::string& format, const std::string& file) {
  if (format != "auto") return format == "ndjson";
  return file.ends_with(".ndjson") || file.ends_with(".jsonl");
}

audit::DecisionLogSpec make_spec(const DecisionArgs& args) {
  audit::DecisionLogSpec spec;
  spec.group_columns = args.groups;
  if (!args.decision.empty()) spec.decision_column = args.decision;
  if (!args.score.empty()) spec.score_column = args.score;
  spec.threshold = args.threshold;
  if (!args.label.empty()) spec.label_column = args.label;
  if (!args.count.empty()) spec.count_column = args.count;
  spec.positive_values = args.positive;
  spec.negative_values = args.negative;
  if (!args.label_positive.empty()) spec.label_positive_values = args.label_positive;
  spec.missing_group = args.missing_group == "drop"    ? audit::MissingGroupPolicy::Drop
                       : args.missing_group == "error" ? audit::MissingGroupPolicy::Error
                                                       : audit::MissingGroupPolicy::OwnGroup;
  spec.missing_outcome = args.missing == "drop" ? MissingPolicy::Drop : MissingPolicy::Error;
  spec.csv.delimiter = args.delimiter;
  spec.hash_input = true;
  spec.ndjson = is_ndjson(args.input_format, args.file);
  return spec;
}

nlohmann::ordered_json decision_options_json(const DecisionArgs& args) {
  return {{"group", args.groups},
          {"decision", args.decision},
          {"score", args.score},
          {"threshold",
           args.threshold ? nlohmann::ordered_json(*args.threshold) : nlohmann::ordered_json(nullptr)},
          {"label", args.label},
          {"count", args.count},
          {"positive", args.positive},
          {"negative", args.negative},
          {"label_positive", args.label_positive},
          {"missing_group", args.missing_group},
          {"missing", args.missing},
          {"delimiter", std::string(1, args.delimiter)},
          {"input_format", is_ndjson(args.input_format, args.file) ? "ndjson" : "csv"}};
}

void apply_reference(const std::vector<std::string>& values, audit::AuditOptions& options) {
  if (values.size() == 1 && (values[0] == "most-favoured" || values[0] == "most_favoured")) {
    options.reference = audit::ReferenceRule::MostFavoured;
    return;
  }
  if (values.size() == 1 && values[0] == "overall") {
    options.reference = audit::ReferenceRule::Overall;
    return;
  }
  options.reference = audit::ReferenceRule::Chosen;
  for (const auto& value : values) {
    const auto eq = value.find('=');
    if (eq == std::string::npos) {
      options.reference_values.emplace_back("", value);
    } else {
      options.reference_values.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    }
  }
}

using Json = nlohmann::ordered_json;

Json optional_number(const std::optional<double>& value) {
  return audit::optional_json(value);
}

struct MitigationReport {
  Json json;
  std::string text;
};

// Reweighing from the table's (cell, label) counts; equal-opportunity
// thresholds from a second pass over the scored rows (a CSV file with one row
// per applicant: 13 bytes a row in memory).
MitigationReport mitigation_report(const audit::DecisionTable& table, const audit::DecisionLogSpec& spec,
                                   const DecisionArgs& log, std::optional<double> target_tpr,
                                   Context& context) {
  const auto weights = audit::reweighing_weights(table);
  Json reweighing = Json::array();
  std::string text =
      "Reweighing (Kamiran & Calders 2012): training weight per "
      "(group, label)\n";
  for (const auto& cell : weights) {
    reweighing.push_back({{"group", cell.group},
                          {"label", cell.label},
                          {"count", cell.count},
                          {"weight", optional_number(cell.weight)}});
    text += fmt::format("  {:<32} label {}  n = {:>9}  weight {}\n", cell.group.substr(0, 32), cell.label,
                        cell.count,
                        cell.weight ? fmt::format("{:.4f}", *cell.weight) : std::string("- (empty cell)"));
  }
  Json thresholds = nullptr;
  std::string skipped;
  if (log.score.empty()) {
    skipped = "no --score: group thresholds need a score";
  } else if (log.file == "-") {
    skipped =
        "group thresholds need a second pass over the input, which stdin "
        "does not allow";
  } else if (spec.ndjson) {
    skipped = "group thresholds are computed from CSV input only";
  } else if (!log.count.empty()) {
    skipped = "group thresholds need one row per applicant (not --count tables)";
  }
  if (skipped.empty()) {
    const audit::ScoredRows rows = audit::read_scored_rows(log.file, spec, context.progress);
    const audit::ThresholdResult result =
        audit::equal_opportunity_thresholds(rows, *log.threshold, target_tpr);
    Json groups = Json::array();
    text += fmt::format(
        "\nGroup thresholds for equal opportunity (Hardt et al. "
        "2016), target TPR {:.1f}%\n"
        "  accuracy {:.2f}% -> {:.2f}% (change {:+.2f} points)\n",
        100.0 * result.target_tpr, 100.0 * result.accuracy_before, 100.0 * result.accuracy_after,
        100.0 * (result.accuracy_after - result.accuracy_before));
    for (const auto& g : result.groups) {
      groups.push_back(
          {{"group", g.group},
           {"n", g.n},
           {"positives", g.positives},
           {"threshold", optional_number(g.threshold)},
           {"tpr", {{"before", optional_number(g.tpr_before)}, {"after", optional_number(g.tpr_after)}}},
           {"fpr", {{"before", optional_number(g.fpr_before)}, {"after", optional_number(g.fpr_after)}}},
           {"selection_rate",
            {{"before", optional_number(g.selection_before)},
             {"after", optional_number(g.selection_after)}}}});
      text += fmt::format("  {:<32} threshold {}  TPR {} -> {}\n", g.group.substr(0, 32),
                          g.threshold ? fmt::format("{:.4g}", *g.threshold) : std::string("(base)"),
                          g.tpr_before ? fmt::format("{:.1f}%", 100 * *g.tpr_before) : std::string("undef"),
                          g.tpr_after ? fmt::format("{:.1f}%", 100 * *g.tpr_after) : std::string("undef"));
    }
    thresholds = {{"base_threshold", result.base_threshold},
                  {"target_tpr", result.target_tpr},
                  {"accuracy_before", result.accuracy_before},
                  {"accuracy_after", result.accuracy_after},
                  {"accuracy_change", result.accuracy_after - result.accuracy_before},
                  {"groups", std::move(groups)}};
  } else {
    text += fmt::format("\nGroup thresholds: not computed ({})\n", skipped);
  }
  Json json{{"reweighing", std::move(reweighing)}, {"equal_opportunity_thresholds", std::move(thresholds)}};
  if (!skipped.empty()) json["thresholds_not_computed"] = skipped;
  return {std::move(json), std::move(text)};
}

audit::Period parse_period(const std::string& text) {
  if (text == "day") return audit::Period::Day;
  if (text == "week") return audit::Period::Week;
  if (text == "quarter") return audit::Period::Quarter;
  if (text == "year") return audit::Period::Year;
  return audit::Period::Month;
}

void run_metrics(MetricsArgs& args, Context& context) {
  audit::DecisionLogSpec spec = make_spec(args.log);
  // Parse the rule before reading the log, so a typo fails fast with its
  // column.
  std::optional<audit::Rule> rule;
  if (!args.rule.empty()) {
    rule.emplace(audit::Rule::parse(args.rule));
    spec.rule = &*rule;
  }
  const bool calibrate = !args.log.score.empty() && !args.log.label.empty() && args.bins > 0;
  if (calibrate) {
    spec.calibration_bins = args.bins;
    if (args.binning == "quantile")
      spec.calibration_edges = audit::score_quantile_edges(args.log.file, spec, args.bins);
  }
  if (!args.time_column.empty()) {
    spec.time_column = args.time_column;
    spec.period = parse_period(args.period);
  }
  apply_reference(args.reference, args.options);
  args.options.bootstrap_scheme =
      args.stratified ? audit::BootstrapScheme::Stratified : audit::BootstrapScheme::Multinomial;
  args.options.intersections = !args.no_intersections;
  if (args.options.reference == audit::ReferenceRule::Chosen && args.log.groups.size() > 1) {
    for (const auto& [attribute, value] : args.options.reference_values) {
      if (attribute.empty()) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("--reference '{}' does not say which attribute it belongs to", value),
                    "with several --group columns write --reference ATTRIBUTE=VALUE "
                    "for each");
      }
    }
  }
  const audit::DecisionTable table = audit::read_decision_log(args.log.file, spec, context.progress);
  const std::string& sha = table.sha256;
  const audit::AuditResult result = audit::audit_decisions(table, args.options, context.progress);
  std::optional<audit::RuleAuditResult> rule_result;
  if (rule) {
    audit::RuleAuditOptions rule_options;
    rule_options.min_cell_size = args.options.min_cell_size;
    rule_options.alpha = args.options.alpha;
    rule_result = audit::audit_rule_cells(table, rule_options);
  }
  std::optional<audit::CalibrationResult> calibration;
  if (calibrate) {
    calibration = audit::calibration_by_group(table, args.options.min_cell_size, args.options.alpha,
                                              args.options.intersections,
                                              args.binning == "quantile" ? "quantile" : "equal_width");
  }
  std::vector<audit::PeriodAudit> periods;
  if (!args.time_column.empty()) periods = audit::audit_by_period(table, args.options, context.progress);
  // Mitigation is automatic whenever the true outcome is known (--no-mitigation
  // turns it off).
  std::optional<MitigationReport> mitigation;
  if (!args.log.label.empty() && !args.no_mitigation) {
    mitigation = mitigation_report(table, spec, args.log, args.target_tpr, context);
  }
  audit::Recipe recipe{"audit metrics", args.log.file, sha, decision_options_json(args.log)};
  recipe.options["reference"] = args.reference;
  recipe.options["alpha"] = args.options.alpha;
  recipe.options["power"] = args.options.power;
  recipe.options["min_cell"] = args.options.min_cell_size;
  recipe.options["four_fifths"] = args.options.four_fifths_threshold;
  recipe.options["bootstrap"] = args.options.bootstrap_replicates;
  recipe.options["seed"] = args.options.seed;
  recipe.options["stratified"] = args.stratified;
  recipe.options["intersections"] = !args.no_intersections;
  recipe.options["rule"] = args.rule;
  recipe.options["bins"] = calibrate ? args.bins : 0;
  recipe.options["binning"] = args.binning;
  recipe.options["time"] = args.time_column;
  recipe.options["period"] = args.period;
  recipe.options["mitigation"] = mitigation.has_value();
  recipe.options["target_tpr"] = optional_number(args.target_tpr);
  if (context.output.format == OutputFormat::Text) {
    std::string text = audit::to_text(result, table, recipe);
    if (rule_result) {
      audit::Recipe rule_recipe{"rule audit on the same log", args.log.file, sha, {}};
      text += "\n" + audit::to_text(*rule_result, rule_recipe);
    }
    if (calibration) text += audit::to_text(*calibration);
    if (!periods.empty()) text += audit::to_text(periods);
    if (mitigation)
      text += "\nMitigation options (automatic: the true outcome is known)\n" + mitigation->text;
    emit(context.output, text);
    return;
  }
  if (context.output.format == OutputFormat::Csv) {
    // The metrics table, then one section per extra part, each with its own
    // header, after a blank line.
    std::string csv = audit::to_csv(result);
    if (rule_result) csv += "\n" + audit::to_csv(*rule_result);
    if (calibration) csv += "\n" + audit::to_csv(*calibration);
    if (!periods.empty()) csv += "\n" + audit::to_csv(periods);
    emit(context.output, csv);
    return;
  }
  nlohmann::ordered_json out = envelope("audit metrics", args.log.file, table.rows_read);
  out["recipe"] = audit::recipe_json(recipe);
  out["result"] = audit::to_json(result, table);
  if (rule_result) out["result"]["rule_audit"] = audit::to_json(*rule_result);
  if (calibration) out["result"]["calibration"] = audit::to_json(*calibration);
  if (!args.time_column.empty()) out["result"]["periods"] = audit::to_json(periods);
  if (mitigation) {
    out["result"]["mitigation"] = std::move(mitigation->json);
    out["result"]["mitigation"]["mode"] = "automatic (the true outcome is known; --no-mitigation to skip)";
  }
  emit(context.output, out.dump(2) + "\n");
}

void add_metrics_command(CLI::App& audit_cmd, Context& context) {
  auto args = std::make_shared<MetricsArgs>();
  CLI::App* cmd = audit_cmd.add_subcommand("metrics",
                                           "Group and intersection metrics, disparities with intervals "
                                           "and tests, four-fifths flags");
  add_decision_options(*cmd, args->log);
  cmd->add_option("--reference", args->reference,
                  "most-favoured (default), overall, VALUE, or ATTRIBUTE=VALUE "
                  "per attribute");
  cmd->add_option("--alpha", args->options.alpha, "Significance level; intervals are 1 - alpha")
      ->check(CLI::Range(1e-12, 0.5));
  cmd->add_option("--power", args->options.power, "Power of the minimum detectable gap")
      ->check(CLI::Range(0.01, 0.999));
  cmd->add_option("--min-cell", args->options.min_cell_size,
                  "Suppress groups with fewer applicants (default 10)");
  cmd->add_option("--four-fifths", args->options.four_fifths_threshold,
                  "Adverse-impact ratio threshold (0.8)")
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_option("--bootstrap", args->options.bootstrap_replicates, "Bootstrap replicates (0 = none)");
  cmd->add_option("--seed", args->options.seed, "Bootstrap seed");
  cmd->add_flag("--stratified", args->stratified, "Bootstrap within each intersection cell (sizes fixed)");
  cmd->add_flag("--no-intersections", args->no_intersections, "Skip the cross product of the attributes");
  cmd->add_option("-r,--rule", args->rule,
                  "Eligibility rule evaluated on the same log's columns; "
                  "exclusion by group (as audit rules)");
  cmd->add_option("--bins", args->bins,
                  "Calibration score bins with --score and --label (default "
                  "10; 0 = no calibration)");
  cmd->add_option("--binning", args->binning,
                  "Calibration bins: equal-width on [0, 1] (default) or "
                  "quantile (a first pass over the file)")
      ->check(CLI::IsMember({"equal-width", "quantile"}));
  cmd->add_option("--time", args->time_column,
                  "Timestamp column (ISO-8601 date or date-time, or Unix "
                  "seconds): metrics per --period");
  cmd->add_option("--period", args->period, "day, week (ISO), month (default), quarter or year")
      ->check(CLI::IsMember({"day", "week", "month", "quarter", "year"}));
  cmd->add_flag("--no-mitigation", args->no_mitigation,
                "Skip the mitigation options (otherwise automatic when --label "
                "is given)");
  cmd->add_option("--target-tpr", args->target_tpr,
                  "Equal-opportunity target TPR for the mitigation (default: overall TPR)");
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_metrics(*args, context); });
}

struct RulesArgs {
  std::string file;
  std::string rule;
  std::vector<std::string> groups;
  std::string count;
  audit::RuleAuditOptions options;
  char delimiter = ',';
};

void run_rules(RulesArgs& args, Context& context) {
  // Parse the rule before reading the file, so a typo fails fast with its
  // column.
  audit::Rule rule = audit::Rule::parse(args.rule);
  CsvOptions csv_options;
  csv_options.delimiter = args.delimiter;
  const CsvTable table = CsvTable::read_file(args.file, csv_options);
  args.options.group_columns = args.groups;
  if (!args.count.empty()) args.options.count_column = args.count;
  const audit::RuleAuditResult result = audit::audit_rule(table, rule, args.options);
  audit::Recipe recipe{"audit rules",
                       args.file,
                       audit::sha256_file_hex(args.file),
                       {{"rule", args.rule},
                        {"group", args.groups},
                        {"count", args.count},
                        {"min_cell", args.options.min_cell_size},
                        {"alpha", args.options.alpha}}};
  if (context.output.format == OutputFormat::Text) {
    emit(context.output, audit::to_text(result, recipe));
    return;
  }
  if (context.output.format == OutputFormat::Csv) {
    emit(context.output, audit::to_csv(result));
    return;
  }
  nlohmann::ordered_json out = envelope("audit rules", args.file, table.row_count());
  out["recipe"] = audit::recipe_json(recipe);
  out["result"] = audit::to_json(result);
  emit(context.output, out.dump(2) + "\n");
}

void add_rules_command(CLI::App& audit_cmd, Context& context) {
  auto args = std::make_shared<RulesArgs>();
  CLI::App* cmd = audit_cmd.add_subcommand("rules",
                                           "Evaluate an eligibility rule on a population table and report "
                                           "who it excludes, by group");
  cmd->add_option("file", args->file, "Population CSV (one row per person, or per cell with --count)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-r,--rule", args->rule,
                  "Rule, e.g. 'hukou == \"local\" and has_e_id' (==, !=, <, "
                  "<=, >, >=, and, or, not, parentheses)")
      ->required();
  cmd->add_option("-g,--group", args->groups, "Attribute to break exclusion down by (repeatable)")
      ->required();
  cmd->add_option("--count", args->count, "Count column of an aggregated population table");
  cmd->add_option("--min-cell", args->options.min_cell_size,
                  "Suppress groups with fewer people (default 10)");
  cmd->add_option("--alpha", args->options.alpha, "Intervals are 1 - alpha")->check(CLI::Range(1e-12, 0.5));
  cmd->add_option("--delimiter", args->delimiter, "CSV field delimiter")->default_val(',');
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_rules(*args, context); });
}

// ---- representation
// ----------------------------------------------------------------------------------

struct RepresentationArgs {
  std::string file, group, count, reference_file, reference_group, reference_value;
  audit::RepresentationOptions options;
  char delimiter = ',';
};

std::vector<std::pair<std::string, std::uint64_t>> group_counts(const CsvTable& table,
                                                                const std::string& group,
                                                                const std::string& count) {
  const CategoryColumn column = read_category_column(table, group);
  std::vector<std::uint64_t> totals(column.labels.size() + 1, 0);
  std::optional<NumericColumn> counts;
  if (!count.empty()) counts = read_numeric_column(table, count);
  const std::size_t count_idx = count.empty() ? 0 : table.column_index(count);
  for (std::size_t row_idx = 0; row_idx < column.size(); ++row_idx) {
    std::uint64_t weight = 1;
    if (counts) {
      const double value = counts->values[row_idx];
      if (counts->valid[row_idx] == 0 || value < 0.0 || value != std::floor(value)) {
        throw Error(ErrorCode::InvalidInput, "a count is missing, negative or not whole",
                    "counts are numbers of records: whole and non-negative",
                    table.location(row_idx, count_idx));
      }
      weight = static_cast<std::uint64_t>(value);
    }
    totals[column.valid[row_idx] != 0 ? column.codes[row_idx] : column.labels.size()] += weight;
  }
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t code = 0; code < column.labels.size(); ++code)
    out.emplace_back(column.labels[code], totals[code]);
  if (totals.back() > 0) out.emplace_back(std::string(audit::kMissingGroupLabel), totals.back());
  return out;
}

void run_representation(RepresentationArgs& args, Context& context) {
  CsvOptions csv_options;
  csv_options.delimiter = args.delimiter;
  const CsvTable data = CsvTable::read_file(args.file, csv_options);
  const CsvTable reference = CsvTable::read_file(args.reference_file, csv_options);
  const auto counts = group_counts(data, args.group, args.count);
  const std::string reference_group = args.reference_group.empty() ? args.group : args.reference_group;
  const std::size_t group_idx = reference.column_index(reference_group);
  const NumericColumn values = read_numeric_column(reference, args.reference_value);
  std::vector<std::pair<std::string, double>> shares;
  for (std::size_t row_idx = 0; row_idx < reference.row_count(); ++row_idx) {
    if (values.valid[row_idx] == 0) {
      throw Error(ErrorCode::InvalidInput, "a reference share is missing",
                  "give every group its population or share",
                  reference.location(row_idx, reference.column_index(args.reference_value)));
    }
    shares.emplace_back(std::string(reference.cell(row_idx, group_idx)), values.values[row_idx]);
  }
  const audit::RepresentationResult result = audit::compare_representation(counts, shares, args.options);
  Json rows = Json::array();
  std::string text = fmt::format("{:<24} {:>9} {:>9} {:>17} {:>9} {:>7}  flags\n", "group", "count", "data",
                                 "95% interval", "population", "ratio");
  std::string csv =
      "group,suppressed,count,data_share,wilson_low,wilson_high,"
      "population_share,coverage_ratio,"
      "under_covered,significantly_under\n";
  for (const auto& row : result.rows) {
    Json item{{"group", row.group}, {"suppressed", row.suppressed}};
    if (!row.suppressed) {
      item["count"] = row.count;
      item["data_share"] = optional_number(row.data_share);
      item["wilson"] = audit::interval_json(row.data_interval);
    }
    item["population_share"] = optional_number(row.population_share);
    item["coverage_ratio"] = optional_number(row.coverage_ratio);
    item["under_covered"] = row.under_covered;
    item["significantly_under"] = row.significantly_under;
    rows.push_back(std::move(item));
    auto num = [](const std::optional<double>& v) { return v ? fmt::format("{:.10g}", *v) : std::string(); };
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", row.group, row.suppressed ? 1 : 0,
                       row.suppressed ? std::string() : std::to_string(row.count), num(row.data_share),
                       row.data_interval ? num(row.data_interval->low) : "",
                       row.data_interval ? num(row.data_interval->high) : "", num(row.population_share),
                       num(row.coverage_ratio), row.under_covered ? 1 : 0, row.significantly_under ? 1 : 0);
    auto pct = [](const std::optional<double>& v) {
      return v ? fmt::format("{:.1f}%", 100.0 * *v) : std::string("-");
    };
    text += fmt::format(
        "{:<24} {:>9} {:>9} {:>17} {:>9} {:>7} {}{}\n", row.group.substr(0, 24),
        row.suppressed ? std::string("<min") : std::to_string(row.count), pct(row.data_share),
        row.data_interval
            ? fmt::format("{:.1f}–{:.1f}%", 100 * row.data_interval->low, 100 * row.data_interval->high)
            : std::string("-"),
        pct(row.population_share),
        row.coverage_ratio ? fmt::format("{:.2f}", *row.coverage_ratio) : std::string("-"),
        row.under_covered ? " under-covered" : "", row.significantly_under ? " (significant)" : "");
  }
  audit::Recipe recipe{"audit representation",
                       args.file,
                       audit::sha256_file_hex(args.file),
                       {{"group", args.group},
                        {"count", args.count},
                        {"reference", args.reference_file},
                        {"reference_sha256", audit::sha256_file_hex(args.reference_file)},
                        {"reference_group", reference_group},
                        {"reference_value", args.reference_value},
                        {"coverage_threshold", args.options.coverage_threshold},
                        {"min_cell", args.options.min_cell_size},
                        {"alpha", args.options.alpha}}};
  if (context.output.format == OutputFormat::Csv) {
    emit(context.output, csv);
    return;
  }
  if (context.output.format == OutputFormat::Text) {
    emit(context.output,
         fmt::format("equalis {} — audit representation\ndata: {} (sha256 {}), "
                     "{} records\n\n",
                     audit::equalis_version(), args.file, recipe.input_sha256, result.total) +
             text +
             fmt::format("\nunder-covered (share < {:.0f}% of the population "
                         "share): {}; significantly: {}; "
                         "suppressed: {}; not in the reference: {}\n",
                         100.0 * args.options.coverage_threshold, result.under_covered,
                         result.significantly_under, result.suppressed, result.not_in_reference.size()));
    return;
  }
  Json out = envelope("audit representation", args.file, data.row_count());
  out["recipe"] = audit::recipe_json(recipe);
  out["result"] = {{"total", result.total},
                   {"under_covered", result.under_covered},
                   {"significantly_under", result.significantly_under},
                   {"suppressed", result.suppressed},
                   {"not_in_reference", result.not_in_reference},
                   {"groups", std::move(rows)}};
  emit(context.output, out.dump(2) + "\n");
}

void add_representation_command(CLI::App& audit_cmd, Context& context) {
  auto args = std::make_shared<RepresentationArgs>();
  CLI::App* cmd = audit_cmd.add_subcommand("representation",
                                           "Compare a data set's group shares with reference "
                                           "population shares (under-coverage)");
  cmd->add_option("file", args->file, "Data set CSV (applicants, registry, training data)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-g,--group", args->group, "Group column in the data set")->required();
  cmd->add_option("--count", args->count, "Count column of an aggregated data set");
  cmd->add_option("--reference", args->reference_file,
                  "Reference CSV with one row per group (e.g. a census table)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--reference-group", args->reference_group,
                  "Group column of the reference (default: --group)");
  cmd->add_option("--reference-value", args->reference_value,
                  "Population count or share column of the reference")
      ->required();
  cmd->add_option("--coverage", args->options.coverage_threshold,
                  "Under-covered below this ratio (default 0.8)")
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_option("--min-cell", args->options.min_cell_size,
                  "Suppress groups with fewer records (default 10)");
  cmd->add_option("--alpha", args->options.alpha, "Intervals are 1 - alpha")->check(CLI::Range(1e-12, 0.5));
  cmd->add_option("--delimiter", args->delimiter, "CSV field delimiter")->default_val(',');
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_representation(*args, context); });
}

// ---- mitigation
// -----------------------------------------------------------------------------------------

struct MitigateArgs {
  DecisionArgs log;
  std::optional<double> target_tpr;
};

void run_mitigate(MitigateArgs& args, Context& context) {
  if (context.output.format == OutputFormat::Csv) {
    throw Error(ErrorCode::Unsupported, "mitigation results have no CSV form", "use --format json or text");
  }
  audit::DecisionLogSpec spec = make_spec(args.log);
  if (args.log.label.empty()) {
    throw Error(ErrorCode::InvalidInput, "mitigation needs the true outcome", "give --label COLUMN");
  }
  const audit::DecisionTable table = audit::read_decision_log(args.log.file, spec, context.progress);
  MitigationReport report = mitigation_report(table, spec, args.log, args.target_tpr, context);
  const std::string text = fmt::format("equalis {} — audit mitigate\ninput: {} (sha256 {})\n\n{}",
                                       audit::equalis_version(), args.log.file, table.sha256, report.text);
  if (context.output.format == OutputFormat::Text) {
    emit(context.output, text);
    return;
  }
  audit::Recipe recipe{"audit mitigate", args.log.file, table.sha256, decision_options_json(args.log)};
  recipe.options["target_tpr"] = optional_number(args.target_tpr);
  Json out = envelope("audit mitigate", args.log.file, table.rows_read);
  out["recipe"] = audit::recipe_json(recipe);
  out["result"] = std::move(report.json);
  emit(context.output, out.dump(2) + "\n");
}

void add_mitigate_command(CLI::App& audit_cmd, Context& context) {
  auto args = std::make_shared<MitigateArgs>();
  CLI::App* cmd = audit_cmd.add_subcommand("mitigate",
                                           "Reweighing weights and equal-opportunity group thresholds, "
                                           "with the accuracy change");
  add_decision_options(*cmd, args->log);
  cmd->add_option("--target-tpr", args->target_tpr, "TPR every group should reach (default: overall TPR)");
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_mitigate(*args, context); });
}

// ---- monitor
// ----------------------------------------------------------------------------------------------

struct MonitorArgs {
  std::string file;
  std::vector<std::string> groups;
  std::string decision, score, time_column, state_file;
  std::optional<double> threshold;
  std::vector<std::string> positive, negative;
  audit::MonitorOptions options;
  std::uint64_t save_every = 100000;
  bool follow = false;
  char delimiter = ',';
  std::string input_format = "auto";
};

void save_monitor_state(const MonitorArgs& args, const audit::Monitor& monitor) {
  if (!args.state_file.empty()) write_file_atomically(args.state_file, monitor.save_state().dump() + "\n");
}

void run_monitor(MonitorArgs& args, Context& context) {
  if (args.decision.empty() == args.score.empty() || (!args.score.empty() && !args.threshold)) {
    throw Error(ErrorCode::InvalidInput, "give exactly one of --decision and --score (with --threshold)",
                "e.g. --decision granted, or --score risk --threshold 0.5");
  }
  if (args.options.window_seconds > 0.0 && args.time_column.empty()) {
    throw Error(ErrorCode::InvalidInput, "a time window needs event times", "give --time COLUMN (seconds)");
  }
  std::optional<audit::Monitor> monitor;
  if (!args.state_file.empty() && std::filesystem::exists(args.state_file)) {
    std::ifstream in(args.state_file);
    nlohmann::json state;
    try {
      state = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& error) {
      throw Error(ErrorCode::Parse,
                  fmt::format("state file '{}' is not JSON: {}", args.state_file, error.what()),
                  "delete it to start over");
    }
    monitor.emplace(audit::Monitor::restore(state, args.options));
  } else {
    monitor.emplace(args.options);
  }
  // A restarted monitor skips the decisions its state already holds (the log is append-only).
  const std::uint64_t skip = monitor->events_seen();
  std::uint64_t row = 0;
  std::uint64_t alerts = 0;
  // The same loop over a CSV or an NDJSON reader.
  auto process = [&](auto& reader) {
    if (args.follow) {
      reader.set_wait_for_more([&context] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return !context.progress.stop_requested();
      });
    }
    std::vector<std::size_t> group_idx;
    for (const auto& name : args.groups) group_idx.push_back(reader.column_index(name));
    const std::size_t outcome_idx = reader.column_index(args.decision.empty() ? args.score : args.decision);
    const bool timed = !args.time_column.empty();
    const std::size_t time_idx = timed ? reader.column_index(args.time_column) : 0;
    const audit::BinaryMapper mapper(args.positive, args.negative);
    std::string group;
    while (reader.next()) {
      if (++row <= skip) continue;
      group.clear();
      for (std::size_t k = 0; k < group_idx.size(); ++k) {
        std::string_view cell = reader.field(group_idx[k]);
        if (is_missing_token(cell)) cell = audit::kMissingGroupLabel;
        if (k > 0) group += " × ";
        group += cell;
      }
      bool selected = false;
      const std::string_view outcome = reader.field(outcome_idx);
      if (args.decision.empty()) {
        const auto score = parse_number(outcome);
        if (!score) {
          throw Error(
              ErrorCode::Parse,
              fmt::format("score '{}' in '{}' is not a number", outcome, reader.header()[outcome_idx]),
              "write a decimal number", reader.location(outcome_idx));
        }
        selected = *score >= *args.threshold;
      } else {
        const int value = mapper.map(outcome);
        if (value < 0) {
          throw Error(ErrorCode::Parse,
                      fmt::format("decision '{}' in '{}' is not 0/1", outcome, reader.header()[outcome_idx]),
                      fmt::format("use {}", mapper.describe()), reader.location(outcome_idx));
        }
        selected = value == 1;
      }
      double time = 0.0;
      if (timed) {
        const auto value = parse_number(reader.field(time_idx));
        if (!value) {
          throw Error(ErrorCode::Parse,
                      fmt::format("time '{}' in '{}' is not a number", reader.field(time_idx),
                                  reader.header()[time_idx]),
                      "give times in seconds (e.g. Unix time)", reader.location(time_idx));
        }
        time = *value;
      }
      if (auto alert = monitor->add(group, selected, time)) {
        ++alerts;
        fmt::print("{}\n", alert->to_json().dump());
        std::fflush(stdout);
      }
      if (args.save_every > 0 && monitor->events_seen() % args.save_every == 0)
        save_monitor_state(args, *monitor);
      if ((row & 0xFFFFU) == 0 && context.progress.stop_requested()) break;
    }
  };
  if (is_ndjson(args.input_format, args.file)) {
    std::vector<std::string> keys = args.groups;
    keys.push_back(args.decision.empty() ? args.score : args.decision);
    if (!args.time_column.empty()) keys.push_back(args.time_column);
    audit::NdjsonStreamReader reader(args.file, keys);
    process(reader);
  } else {
    CsvOptions csv_options;
    csv_options.delimiter = args.delimiter;
    audit::CsvStreamReader reader(args.file, csv_options);
    process(reader);
  }
  save_monitor_state(args, *monitor);
  nlohmann::ordered_json summary{{"type", "summary"},
                                 {"events", monitor->events_seen()},
                                 {"new_events", row > skip ? row - skip : 0},
                                 {"window", monitor->window_size()},
                                 {"alerts", alerts}};
  fmt::print("{}\n", summary.dump());
  std::fflush(stdout);
}

void add_monitor_command(CLI::App& audit_cmd, Context& context) {
  auto args = std::make_shared<MonitorArgs>();
  CLI::App* cmd = audit_cmd.add_subcommand("monitor",
                                           "Watch a decision log (file or stdin) and print a JSON line "
                                           "when a disparity is supported");
  cmd->add_option("file", args->file, "Decision log CSV, '-' for stdin")->required();
  cmd->add_option("-g,--group", args->groups, "Sensitive attribute column (repeatable: intersection)")
      ->required();
  cmd->add_option("--decision", args->decision, "Decision column (1 = selected)");
  cmd->add_option("--score", args->score, "Score column; selected when score >= --threshold");
  cmd->add_option("--threshold", args->threshold, "Threshold on --score");
  cmd->add_option("--positive", args->positive, "Value(s) meaning 1 in the decision");
  cmd->add_option("--negative", args->negative, "Value(s) meaning 0");
  cmd->add_option("--time", args->time_column, "Event time column in seconds (for --window-seconds)");
  cmd->add_option("--window", args->options.window_count,
                  "Window: the last N decisions (default 10000; 0 = off)");
  cmd->add_option("--window-seconds", args->options.window_seconds,
                  "Window: the last S seconds (needs --time)");
  cmd->add_option("--gap", args->options.gap_threshold,
                  "Alert threshold on |rate(group) - rate(rest)| (0.1)");
  cmd->add_option("--alpha", args->options.alpha, "z-test level for an alert (0.01)")
      ->check(CLI::Range(1e-12, 0.5));
  cmd->add_option("--min-group", args->options.min_group_size,
                  "Smallest group size in the window to alert on (30)");
  cmd->add_option("--state", args->state_file,
                  "State file: restored at start, saved atomically while running");
  cmd->add_option("--save-every", args->save_every, "Save the state every N decisions (default 100000)");
  cmd->add_flag("--follow", args->follow, "Keep reading as the file grows (stop with Ctrl-C)");
  cmd->add_option("--input-format", args->input_format,
                  "csv, ndjson (one JSON object per line) or auto (ndjson for .ndjson/.jsonl files)")
      ->check(CLI::IsMember({"auto", "csv", "ndjson"}));
  cmd->add_option("--delimiter", args->delimiter, "CSV field delimiter")->default_val(',');
  cmd->callback([args, &context] { run_monitor(*args, context); });
}

}  // namespace

void add_audit_command(CLI::App& app, Context& context) {
  CLI::App* audit_cmd =
      app.add_subcommand("audit", "Audit automated eligibility decisions for unequal treatment");
  audit_cmd->require_subcommand(1);
  add_metrics_command(*audit_cmd, context);
  add_rules_command(*audit_cmd, context);
  add_representation_command(*audit_cmd, context);
  add_mitigate_command(*audit_cmd, context);
  add_monitor_command(*audit_cmd, context);
}

namespace {
const CommandRegistration kRegistration{50, add_audit_command};
}  // namespace

}  // namespace equalis::cli

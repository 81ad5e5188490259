// `equalis audit …`: fairness audit of automated decisions (metrics, rules,
// representation, mitigation, monitoring). Each subcommand is a thin shell over
// src/audit.

#include "commands.hpp"
#include "registry.hpp"

#include "audit/audit.hpp"
#include "audit/audit_report.hpp"
#include "audit/decision_log.hpp"
#include "audit/rules.hpp"
#include "audit/sha256.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

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
};

struct MetricsArgs {
  DecisionArgs log;
  std::vector<std::string> reference{"most-favoured"};
  audit::AuditOptions options;
  bool stratified = false;
  bool no_intersections = false;
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
          {"delimiter", std::string(1, args.delimiter)}};
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

void run_metrics(MetricsArgs& args, Context& context) {
  const audit::DecisionLogSpec spec = make_spec(args.log);
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
  if (context.output.format == OutputFormat::Text) {
    emit(context.output, audit::to_text(result, table, recipe));
    return;
  }
  if (context.output.format == OutputFormat::Csv) {
    emit(context.output, audit::to_csv(result));
    return;
  }
  nlohmann::ordered_json out = envelope("audit metrics", args.log.file, table.rows_read);
  out["recipe"] = audit::recipe_json(recipe);
  out["result"] = audit::to_json(result, table);
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

}  // namespace

void add_audit_command(CLI::App& app, Context& context) {
  CLI::App* audit_cmd =
      app.add_subcommand("audit", "Audit automated eligibility decisions for unequal treatment");
  audit_cmd->require_subcommand(1);
  add_metrics_command(*audit_cmd, context);
  add_rules_command(*audit_cmd, context);
}

namespace {
const CommandRegistration kRegistration{50, add_audit_command};
}  // namespace

}  // namespace equalis::cli

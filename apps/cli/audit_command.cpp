// `equalis audit …`: fairness audit of automated decisions (metrics, rules, representation, mitigation,
// monitoring). Each subcommand maps its flags to a request of src/audit/requests.hpp (or monitor_run.hpp),
// calls the module once and renders the report with src/report/audit_report.hpp.

#include "commands.hpp"
#include "registry.hpp"

#include "audit/monitor_run.hpp"
#include "audit/requests.hpp"
#include "core/error.hpp"
#include "report/audit_report.hpp"

#include <memory>
#include <string>

namespace equalis::cli {

namespace {

// The decision-log flags: columns go straight into the request; the words of the three choices are
// mapped when the command runs.
struct DecisionFlags {
  audit::DecisionLogInput* log = nullptr;
  std::string missing_group = "own";
  std::string missing = "error";
  std::string input_format = "auto";
};

audit::InputFormat input_format_of(const std::string& word) {
  if (word == "csv") return audit::InputFormat::Csv;
  if (word == "ndjson") return audit::InputFormat::Ndjson;
  return audit::InputFormat::Auto;
}

void apply(const DecisionFlags& flags) {
  flags.log->missing_group = flags.missing_group == "drop"    ? audit::MissingGroupPolicy::Drop
                             : flags.missing_group == "error" ? audit::MissingGroupPolicy::Error
                                                              : audit::MissingGroupPolicy::OwnGroup;
  flags.log->missing = flags.missing == "drop" ? MissingPolicy::Drop : MissingPolicy::Error;
  flags.log->input_format = input_format_of(flags.input_format);
}

void add_decision_options(CLI::App& cmd, DecisionFlags& flags) {
  audit::DecisionLogInput& log = *flags.log;
  cmd.add_option("file", log.file,
                 "Decision log CSV: one row per applicant, or per cell with "
                 "--count ('-' = stdin)")
      ->required();
  cmd.add_option("-g,--group", log.group,
                 "Sensitive attribute column (repeatable; intersections are "
                 "the cross product)")
      ->required();
  cmd.add_option("--decision", log.decision, "Decision column (1 = selected/granted/flagged)");
  cmd.add_option("--score", log.score, "Score column; the decision is score >= --threshold");
  cmd.add_option("--threshold", log.threshold, "Threshold on --score");
  cmd.add_option("--label", log.label, "True outcome column (1 = positive); enables error-rate metrics");
  cmd.add_option("--count", log.count, "Count column of an aggregated table (applicants in the row)");
  cmd.add_option("--positive", log.positive,
                 "Value(s) meaning 1 in the decision and label (default "
                 "1/true/yes, with 0/false/no = 0)");
  cmd.add_option("--negative", log.negative,
                 "Value(s) meaning 0 (with --positive: anything else is an error)");
  cmd.add_option("--label-positive", log.label_positive,
                 "Value(s) meaning 1 in the label (overrides --positive)");
  cmd.add_option("--missing-group", flags.missing_group,
                 "Missing attribute value: own (a '(missing)' group, default), "
                 "drop (counted) or error")
      ->check(CLI::IsMember({"own", "drop", "error"}));
  cmd.add_option("--missing", flags.missing,
                 "Missing decision/label/count: error (default) or drop (counted)")
      ->check(CLI::IsMember({"error", "drop"}));
  cmd.add_option("--delimiter", log.delimiter, "CSV field delimiter")->default_val(',');
  cmd.add_option("--input-format", flags.input_format,
                 "csv, ndjson (one JSON object per line) or auto (ndjson for "
                 ".ndjson/.jsonl files)")
      ->check(CLI::IsMember({"auto", "csv", "ndjson"}));
}

// ---- metrics -----------------------------------------------------------------------------------------

struct MetricsArgs {
  audit::AuditMetricsRequest request;
  DecisionFlags log{&request.log};
  bool no_intersections = false;
  bool no_mitigation = false;
  std::string binning = "equal-width";
  std::string period = "month";
  std::string favourable = "selected";
};

audit::Period period_of(const std::string& word) {
  if (word == "day") return audit::Period::Day;
  if (word == "week") return audit::Period::Week;
  if (word == "quarter") return audit::Period::Quarter;
  if (word == "year") return audit::Period::Year;
  return audit::Period::Month;
}

void run_metrics(MetricsArgs& args, Context& context) {
  apply(args.log);
  audit::AuditMetricsRequest& request = args.request;
  request.intersections = !args.no_intersections;
  request.mitigation = !args.no_mitigation;
  request.binning = args.binning == "quantile" ? audit::Binning::Quantile : audit::Binning::EqualWidth;
  request.period = period_of(args.period);
  request.favourable =
      args.favourable == "not-selected" ? audit::Favourable::NotSelected : audit::Favourable::Selected;
  const audit::AuditMetricsReport report = audit::run_metrics(request, context.progress);
  emit_result(context.output, report::metrics_renderers(request, report));
}

void add_metrics_command(CLI::App& audit_cmd, Context& context) {
  auto args = std::make_shared<MetricsArgs>();
  audit::AuditMetricsRequest& request = args->request;
  CLI::App* cmd = audit_cmd.add_subcommand("metrics",
                                           "Group and intersection metrics, disparities with intervals "
                                           "and tests, four-fifths flags");
  add_decision_options(*cmd, args->log);
  cmd->add_option("--reference", request.reference,
                  "most-favoured (default), overall, VALUE, or ATTRIBUTE=VALUE "
                  "per attribute");
  cmd->add_option("--alpha", request.alpha, "Significance level; intervals are 1 - alpha")
      ->check(CLI::Range(1e-12, 0.5));
  cmd->add_option("--power", request.power, "Power of the minimum detectable gap")
      ->check(CLI::Range(0.01, 0.999));
  cmd->add_option("--min-cell", request.min_cell, "Suppress groups with fewer applicants (default 10)")
      ->check(non_negative());
  cmd->add_option("--four-fifths", request.four_fifths, "Adverse-impact ratio threshold (0.8)")
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_option("--favourable", args->favourable,
                  "Which decision favours the applicant: selected (default) or not-selected (a "
                  "fraud flag, a risk score); the most-favoured reference and the four-fifths rule use it")
      ->check(CLI::IsMember({"selected", "not-selected"}));
  cmd->add_option("--bootstrap", request.bootstrap, "Bootstrap replicates (0 = none)")->check(non_negative());
  cmd->add_option("--seed", request.seed, "Bootstrap seed")->check(non_negative());
  cmd->add_flag("--stratified", request.stratified, "Bootstrap within each intersection cell (sizes fixed)");
  cmd->add_flag("--no-intersections", args->no_intersections, "Skip the cross product of the attributes");
  cmd->add_option("-r,--rule", request.rule,
                  "Eligibility rule evaluated on the same log's columns; "
                  "exclusion by group (as audit rules)");
  cmd->add_option("--bins", request.bins,
                  "Calibration score bins with --score and --label (default "
                  "10; 0 = no calibration)")
      ->check(non_negative());
  cmd->add_option("--binning", args->binning,
                  "Calibration bins: equal-width on [0, 1] (default) or "
                  "quantile (a first pass over the file)")
      ->check(CLI::IsMember({"equal-width", "quantile"}));
  cmd->add_option("--time", request.time,
                  "Timestamp column (ISO-8601 date or date-time, or Unix "
                  "seconds): metrics per --period");
  cmd->add_option("--period", args->period, "day, week (ISO), month (default), quarter or year")
      ->check(CLI::IsMember({"day", "week", "month", "quarter", "year"}));
  cmd->add_flag("--no-mitigation", args->no_mitigation,
                "Skip the mitigation options (otherwise automatic when --label "
                "is given)");
  cmd->add_option("--target-tpr", request.target_tpr,
                  "Equal-opportunity target TPR for the mitigation (default: overall TPR)");
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_metrics(*args, context); });
}

// ---- rules -------------------------------------------------------------------------------------------

void add_rules_command(CLI::App& audit_cmd, Context& context) {
  auto request = std::make_shared<audit::RulesRequest>();
  CLI::App* cmd = audit_cmd.add_subcommand("rules",
                                           "Evaluate an eligibility rule on a population table and report "
                                           "who it excludes, by group");
  cmd->add_option("file", request->file, "Population CSV (one row per person, or per cell with --count)")
      ->required()
      ->check(input_file());
  cmd->add_option("-r,--rule", request->rule,
                  "Rule, e.g. 'hukou == \"local\" and has_e_id' (==, !=, <, "
                  "<=, >, >=, and, or, not, parentheses)")
      ->required();
  cmd->add_option("-g,--group", request->group, "Attribute to break exclusion down by (repeatable)")
      ->required();
  cmd->add_option("--count", request->count, "Count column of an aggregated population table");
  cmd->add_option("--min-cell", request->min_cell, "Suppress groups with fewer people (default 10)")
      ->check(non_negative());
  cmd->add_option("--alpha", request->alpha, "Intervals are 1 - alpha")->check(CLI::Range(1e-12, 0.5));
  cmd->add_option("--delimiter", request->delimiter, "CSV field delimiter")->default_val(',');
  add_output_options(*cmd, context);
  cmd->callback([request, &context] {
    const audit::RulesReport report = audit::run_rules(*request, context.progress);
    emit_result(context.output, report::rules_renderers(*request, report));
  });
}

// ---- representation ----------------------------------------------------------------------------------

void add_representation_command(CLI::App& audit_cmd, Context& context) {
  auto request = std::make_shared<audit::RepresentationRequest>();
  CLI::App* cmd = audit_cmd.add_subcommand("representation",
                                           "Compare a data set's group shares with reference "
                                           "population shares (under-coverage)");
  cmd->add_option("file", request->file, "Data set CSV (applicants, registry, training data)")
      ->required()
      ->check(input_file());
  cmd->add_option("-g,--group", request->group, "Group column in the data set")->required();
  cmd->add_option("--count", request->count, "Count column of an aggregated data set");
  cmd->add_option("--reference", request->reference,
                  "Reference CSV with one row per group (e.g. a census table)")
      ->required()
      ->check(input_file());
  cmd->add_option("--reference-group", request->reference_group,
                  "Group column of the reference (default: --group)");
  cmd->add_option("--reference-value", request->reference_value,
                  "Population count or share column of the reference")
      ->required();
  cmd->add_option("--coverage", request->coverage, "Under-covered below this ratio (default 0.8)")
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_option("--min-cell", request->min_cell, "Suppress groups with fewer records (default 10)")
      ->check(non_negative());
  cmd->add_option("--alpha", request->alpha, "Intervals are 1 - alpha")->check(CLI::Range(1e-12, 0.5));
  cmd->add_option("--delimiter", request->delimiter, "CSV field delimiter")->default_val(',');
  add_output_options(*cmd, context);
  cmd->callback([request, &context] {
    const audit::RepresentationReport report = audit::run_representation(*request, context.progress);
    emit_result(context.output, report::representation_renderers(*request, report));
  });
}

// ---- mitigation --------------------------------------------------------------------------------------

struct MitigateArgs {
  audit::MitigateRequest request;
  DecisionFlags log{&request.log};
};

void run_mitigate(MitigateArgs& args, Context& context) {
  apply(args.log);
  const audit::MitigateReport report = audit::run_mitigate(args.request, context.progress);
  emit_result(context.output, report::mitigate_renderers(args.request, report));
}

void add_mitigate_command(CLI::App& audit_cmd, Context& context) {
  auto args = std::make_shared<MitigateArgs>();
  CLI::App* cmd = audit_cmd.add_subcommand("mitigate",
                                           "Reweighing weights and equal-opportunity group thresholds, "
                                           "with the accuracy change");
  add_decision_options(*cmd, args->log);
  cmd->add_option("--target-tpr", args->request.target_tpr,
                  "TPR every group should reach (default: overall TPR)");
  cmd->add_option("--min-cell", args->request.min_cell,
                  "Suppress intersection cells with fewer applicants, with complements (default 10)")
      ->check(non_negative());
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_mitigate(*args, context); });
}

// ---- monitor -----------------------------------------------------------------------------------------

struct MonitorArgs {
  audit::MonitorRequest request;
  std::string input_format = "auto";
};

// One JSON object per line, written as the event happens (a consumer may be tailing stdout).
void run_monitor(MonitorArgs& args, Context& context) {
  audit::MonitorRequest& request = args.request;
  request.input_format = input_format_of(args.input_format);
  request.on_alert = [&context](const audit::MonitorAlert& alert) {
    emit(context.output, report::to_json(alert).dump() + "\n");
  };
  const audit::MonitorSummary summary = audit::run_monitor(request, context.progress);
  emit(context.output, report::to_json(summary).dump() + "\n");
  // Interrupted (Ctrl-C): the state and the summary are written, and the exit status says it was cut short.
  if (summary.interrupted) context.exit_status = error_code_info(ErrorCode::Cancelled).exit_status;
}

void add_monitor_command(CLI::App& audit_cmd, Context& context) {
  auto args = std::make_shared<MonitorArgs>();
  audit::MonitorRequest& request = args->request;
  CLI::App* cmd = audit_cmd.add_subcommand("monitor",
                                           "Watch a decision log (file or stdin) and print a JSON line "
                                           "when a disparity is supported");
  cmd->add_option("file", request.file, "Decision log CSV, '-' for stdin")->required();
  cmd->add_option("-g,--group", request.group, "Sensitive attribute column (repeatable: intersection)")
      ->required();
  cmd->add_option("--decision", request.decision, "Decision column (1 = selected)");
  cmd->add_option("--score", request.score, "Score column; selected when score >= --threshold");
  cmd->add_option("--threshold", request.threshold, "Threshold on --score");
  cmd->add_option("--positive", request.positive, "Value(s) meaning 1 in the decision");
  cmd->add_option("--negative", request.negative, "Value(s) meaning 0");
  cmd->add_option("--time", request.time, "Event time column in seconds (for --window-seconds)");
  cmd->add_option("--window", request.options.window_count,
                  "Window: the last N decisions (default 10000; 0 = off)")
      ->check(non_negative());
  cmd->add_option("--window-seconds", request.options.window_seconds,
                  "Window: the last S seconds, or a duration such as 30min, 24h (needs --time)")
      ->transform(duration());
  cmd->add_option("--gap", request.options.gap_threshold,
                  "Alert threshold on |rate(group) - rate(rest)| (0.1)");
  cmd->add_option("--alpha", request.options.alpha, "z-test level for an alert (0.01)")
      ->check(CLI::Range(1e-12, 0.5));
  cmd->add_option("--min-group", request.options.min_group_size,
                  "Smallest group size in the window to alert on (30)");
  cmd->add_option("--min-cell", request.options.min_cell_size,
                  "Disclosure control: never compare a group or the rest of the window with fewer "
                  "decisions, and report no count or rate for them (default 10)")
      ->check(non_negative());
  cmd->add_option("--state", request.state, "State file: restored at start, saved atomically while running");
  cmd->add_option("--save-every", request.save_every, "Save the state every N decisions (default 100000)")
      ->check(non_negative());
  cmd->add_flag("--follow", request.follow, "Keep reading as the file grows (stop with Ctrl-C)");
  cmd->add_option("--input-format", args->input_format,
                  "csv, ndjson (one JSON object per line) or auto (ndjson for .ndjson/.jsonl files)")
      ->check(CLI::IsMember({"auto", "csv", "ndjson"}));
  cmd->add_option("--delimiter", request.delimiter, "CSV field delimiter")->default_val(',');
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

#pragma once
// One request, one call, one report for each audit family (metrics, rules, representation, mitigate):
// what a front end (the CLI, a study runner, bindings, a server) asks of the audit module, in the module's
// own words, and what it gets back. Nothing here prints; the JSON, CSV and text forms are in
// src/report/audit_report.hpp. Field names follow the command line's flags (`min_cell` is --min-cell), so
// error messages can name them in backticks. The monitor's request is in audit/monitor_run.hpp.

#include "audit/audit.hpp"
#include "audit/breakdown.hpp"
#include "audit/decision_log.hpp"
#include "audit/mitigation.hpp"
#include "audit/representation.hpp"
#include "audit/rules.hpp"
#include "core/progress.hpp"
#include "core/table.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace equalis::audit {

enum class InputFormat : std::uint8_t {
  Auto,  // NDJSON for a .ndjson or .jsonl file, CSV otherwise
  Csv,
  Ndjson,
};

// Whether `file` is read as NDJSON under `format`.
bool reads_ndjson(InputFormat format, const std::string& file);

// A decision log and how to read it (metrics, mitigate). An empty column name means "not given".
struct DecisionLogInput {
  std::string file;                // "-" = standard input
  std::vector<std::string> group;  // sensitive attribute columns; intersections are their cross product
  std::string decision;            // 0/1 decision column (1 = selected / granted / flagged), or …
  std::string score;               // … a score column, selected when score ≥ `threshold`
  std::optional<double> threshold;
  std::string label;                  // true outcome column (1 = positive): enables the error-rate metrics
  std::string count;                  // count column of an aggregated table (applicants in the row)
  std::vector<std::string> positive;  // values meaning 1 (default 1/true/yes, with 0/false/no = 0)
  std::vector<std::string> negative;  // values meaning 0
  std::vector<std::string> label_positive;  // values meaning 1 in the label (overrides `positive`)
  MissingGroupPolicy missing_group = MissingGroupPolicy::OwnGroup;
  MissingPolicy missing = MissingPolicy::Error;  // missing decision, score, label or count
  char delimiter = ',';
  InputFormat input_format = InputFormat::Auto;
};

// The reader's spec for `input` (input hashed, so every report can name the bytes it read).
DecisionLogSpec decision_log_spec(const DecisionLogInput& input);

// ---- mitigation ------------------------------------------------------------------------------------

// Why the equal-opportunity thresholds were not computed (they need a second pass over scored rows).
enum class ThresholdsSkipped : std::uint8_t { No, NoScore, Stdin, Ndjson, CountTable };

struct Mitigation {
  std::vector<ReweighingCell> reweighing;
  std::optional<ThresholdResult> thresholds;  // set unless `skipped`
  ThresholdsSkipped skipped = ThresholdsSkipped::No;
};

// Reweighing from the table's (cell, label) counts; equal-opportunity thresholds from a second pass over
// the log's scored rows when it allows one (a CSV file with one row per applicant).
Mitigation mitigate(const DecisionTable& table, const DecisionLogInput& log, std::optional<double> target_tpr,
                    ProgressSink& progress);

struct MitigateRequest {
  DecisionLogInput log;              // needs `label`
  std::optional<double> target_tpr;  // TPR every group should reach (default: the overall TPR)
  // Intersection cells with fewer applicants are suppressed (and complemented) as in `audit metrics`:
  // their reweighing counts and weights and their thresholds and rates are not reported.
  std::uint64_t min_cell = AuditOptions{}.min_cell_size;
};

struct MitigateReport {
  DecisionTable table;  // the counts read (rows, SHA-256 of the input)
  Mitigation mitigation;
};

MitigateReport run_mitigate(const MitigateRequest& request, ProgressSink& progress);

// ---- metrics ---------------------------------------------------------------------------------------

enum class Binning : std::uint8_t { EqualWidth, Quantile };

struct AuditMetricsRequest {
  DecisionLogInput log;
  // most-favoured (default), overall, VALUE (one attribute) or ATTRIBUTE=VALUE for each attribute.
  std::vector<std::string> reference{"most-favoured"};
  double alpha = AuditOptions{}.alpha;
  double power = AuditOptions{}.power;
  std::uint64_t min_cell = AuditOptions{}.min_cell_size;
  double four_fifths = AuditOptions{}.four_fifths_threshold;
  // Which decision is favourable to the applicant (selected by default; not selected for a fraud flag or
  // a risk score): the most-favoured reference and the four-fifths rule compare that decision's rate.
  Favourable favourable = AuditOptions{}.favourable;
  std::size_t bootstrap = 0;  // replicates (0 = none)
  std::uint64_t seed = AuditOptions{}.seed;
  bool stratified = false;    // bootstrap within each intersection cell
  bool intersections = true;  // the cross product of the attributes as its own family
  std::string rule;           // eligibility rule evaluated on the same rows (empty = none)
  std::size_t bins = 10;      // calibration bins with a score and a label (0 = no calibration)
  Binning binning = Binning::EqualWidth;
  std::string time;  // timestamp column: the audit per `period` (empty = none)
  Period period = Period::Month;
  bool mitigation = true;  // mitigation options whenever the label is known
  std::optional<double> target_tpr;
};

struct AuditMetricsReport {
  DecisionTable table;  // the counts read (rows, drops, SHA-256 of the input)
  AuditResult audit;
  std::optional<RuleAuditResult> rule_audit;     // with `rule`
  std::optional<CalibrationResult> calibration;  // with a score, a label and bins > 0
  std::vector<PeriodAudit> periods;              // with `time`
  std::optional<Mitigation> mitigation;          // with a label, unless turned off
};

// The audit options `request` stands for (reference rule and values parsed).
AuditOptions audit_options(const AuditMetricsRequest& request);

// Reads the log once (in parallel chunks for a large CSV file) and computes every part asked for.
AuditMetricsReport run_metrics(const AuditMetricsRequest& request, ProgressSink& progress);

// ---- rules -----------------------------------------------------------------------------------------

struct RulesRequest {
  std::string file;                // population CSV: one row per person, or per cell with `count`
  std::string rule;                // e.g. hukou == "local" and has_e_id (see rules.hpp)
  std::vector<std::string> group;  // attributes to break exclusion down by
  std::string count;               // count column of an aggregated table (empty = one row per person)
  std::uint64_t min_cell = RuleAuditOptions{}.min_cell_size;
  double alpha = RuleAuditOptions{}.alpha;
  char delimiter = ',';
};

struct RulesReport {
  RuleAuditResult result;
  std::size_t rows = 0;  // rows of the population table
  std::string sha256;    // of the population file
};

RulesReport run_rules(const RulesRequest& request, ProgressSink& progress);

// ---- representation --------------------------------------------------------------------------------

struct RepresentationRequest {
  std::string file;             // data set CSV (applicants, a registry, training data)
  std::string group;            // group column of the data set
  std::string count;            // count column of an aggregated data set (empty = one row per record)
  std::string reference;        // reference CSV with one row per group (e.g. a census table)
  std::string reference_group;  // group column of the reference (empty = `group`)
  std::string reference_value;  // population count or share column of the reference
  double coverage = RepresentationOptions{}.coverage_threshold;  // under-covered below this ratio
  std::uint64_t min_cell = RepresentationOptions{}.min_cell_size;
  double alpha = RepresentationOptions{}.alpha;
  char delimiter = ',';
};

struct RepresentationReport {
  RepresentationResult result;
  std::string reference_group;  // the reference's group column used
  std::size_t rows = 0;         // rows of the data set
  std::string sha256;           // of the data set file
  std::string reference_sha256;
};

RepresentationReport run_representation(const RepresentationRequest& request, ProgressSink& progress);

}  // namespace equalis::audit

#include "audit/requests.hpp"

#include "audit/count_cell.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace equalis::audit {

bool reads_ndjson(InputFormat format, const std::string& file) {
  if (format != InputFormat::Auto) return format == InputFormat::Ndjson;
  return file.ends_with(".ndjson") || file.ends_with(".jsonl");
}

DecisionLogSpec decision_log_spec(const DecisionLogInput& input) {
  DecisionLogSpec spec;
  spec.group_columns = input.group;
  if (!input.decision.empty()) spec.decision_column = input.decision;
  if (!input.score.empty()) spec.score_column = input.score;
  spec.threshold = input.threshold;
  if (!input.label.empty()) spec.label_column = input.label;
  if (!input.count.empty()) spec.count_column = input.count;
  spec.positive_values = input.positive;
  spec.negative_values = input.negative;
  if (!input.label_positive.empty()) spec.label_positive_values = input.label_positive;
  spec.missing_group = input.missing_group;
  spec.missing_outcome = input.missing;
  spec.csv.delimiter = input.delimiter;
  spec.hash_input = true;
  spec.ndjson = reads_ndjson(input.input_format, input.file);
  return spec;
}

// ---- mitigation ------------------------------------------------------------------------------------

namespace {

// The thresholds need one scored row per applicant, read a second time: a CSV file, not a stream.
ThresholdsSkipped thresholds_skipped(const DecisionLogInput& log) {
  if (log.score.empty()) return ThresholdsSkipped::NoScore;
  if (log.file == "-") return ThresholdsSkipped::Stdin;
  if (reads_ndjson(log.input_format, log.file)) return ThresholdsSkipped::Ndjson;
  if (!log.count.empty()) return ThresholdsSkipped::CountTable;
  return ThresholdsSkipped::No;
}

// Reweighing and the group thresholds are per intersection cell: the cells the audit suppressed show only
// their names. When the audit publishes no intersection family (--no-intersections), the cells are
// protected here as the intersection family would be, on top of the groups the audit suppressed.
void hide_suppressed_cells(Mitigation& mitigation, const AuditResult& audit, const DecisionTable& table,
                           ProgressSink& progress) {
  const bool cells_published =
      !audit.families.empty() && audit.families.back().attributes.size() == table.group_columns.size();
  std::optional<AuditResult> with_cells;
  if (!cells_published) {
    AuditOptions options = audit.options;
    options.intersections = true;
    options.bootstrap_replicates = 0;
    options.also_suppress = suppressed_groups(audit);
    with_cells = audit_decisions(table, options, progress);
  }
  const AuditResult& source = cells_published ? audit : *with_cells;
  const auto hidden = suppressed_groups(source);
  auto is_hidden = [&](const std::string& cell) {
    return std::find(hidden.begin(), hidden.end(), std::pair(source.families.back().name, cell)) !=
           hidden.end();
  };
  for (auto& cell : mitigation.reweighing) cell.suppressed = is_hidden(cell.group);
  if (mitigation.thresholds) {
    for (auto& group : mitigation.thresholds->groups) group.suppressed = is_hidden(group.group);
  }
}

}  // namespace

Mitigation mitigate(const DecisionTable& table, const DecisionLogInput& log, std::optional<double> target_tpr,
                    ProgressSink& progress) {
  Mitigation out;
  out.reweighing = reweighing_weights(table);
  out.skipped = thresholds_skipped(log);
  if (out.skipped == ThresholdsSkipped::No) {
    // In memory: 13 bytes a row.
    const ScoredRows rows = read_scored_rows(log.file, decision_log_spec(log), progress);
    out.thresholds = equal_opportunity_thresholds(rows, *log.threshold, target_tpr);
  }
  return out;
}

MitigateReport run_mitigate(const MitigateRequest& request, ProgressSink& progress) {
  if (request.log.label.empty()) {
    throw Error(ErrorCode::InvalidInput, "mitigation needs the true outcome",
                "set `label`: the column of the true outcome");
  }
  MitigateReport report;
  report.table = read_decision_log(request.log.file, decision_log_spec(request.log), progress);
  report.mitigation = mitigate(report.table, request.log, request.target_tpr, progress);
  // The cells are suppressed exactly as `audit metrics` would suppress its intersection family, so the
  // two commands never publish a cell one of them hides.
  AuditOptions options;
  options.min_cell_size = request.min_cell;
  options.intersections = true;
  const AuditResult audit = audit_decisions(report.table, options, progress);
  hide_suppressed_cells(report.mitigation, audit, report.table, progress);
  return report;
}

// ---- metrics ---------------------------------------------------------------------------------------

namespace {

void apply_reference(const std::vector<std::string>& values, AuditOptions& options) {
  if (values.size() == 1 && (values[0] == "most-favoured" || values[0] == "most_favoured")) {
    options.reference = ReferenceRule::MostFavoured;
    return;
  }
  if (values.size() == 1 && values[0] == "overall") {
    options.reference = ReferenceRule::Overall;
    return;
  }
  options.reference = ReferenceRule::Chosen;
  for (const auto& value : values) {
    const auto eq = value.find('=');
    if (eq == std::string::npos) {
      options.reference_values.emplace_back("", value);
    } else {
      options.reference_values.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    }
  }
}

// With several attributes a bare VALUE is ambiguous; say so before reading the log.
void check_reference(const AuditOptions& options, std::size_t attribute_count) {
  if (options.reference != ReferenceRule::Chosen || attribute_count <= 1) return;
  for (const auto& [attribute, value] : options.reference_values) {
    if (attribute.empty()) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("`reference` '{}' does not say which attribute it belongs to", value),
                  "with several `group` columns write `reference` ATTRIBUTE=VALUE for each");
    }
  }
}

bool calibrates(const AuditMetricsRequest& request) {
  return !request.log.score.empty() && !request.log.label.empty() && request.bins > 0;
}

}  // namespace

AuditOptions audit_options(const AuditMetricsRequest& request) {
  AuditOptions options;
  apply_reference(request.reference, options);
  options.alpha = request.alpha;
  options.power = request.power;
  options.min_cell_size = request.min_cell;
  options.four_fifths_threshold = request.four_fifths;
  options.favourable = request.favourable;
  options.bootstrap_replicates = request.bootstrap;
  options.seed = request.seed;
  options.bootstrap_scheme = request.stratified ? BootstrapScheme::Stratified : BootstrapScheme::Multinomial;
  options.intersections = request.intersections;
  return options;
}

AuditMetricsReport run_metrics(const AuditMetricsRequest& request, ProgressSink& progress) {
  validate(audit_options(request));  // before the log is read
  DecisionLogSpec spec = decision_log_spec(request.log);
  // Parse the rule before reading the log, so a typo fails fast with its column.
  std::optional<Rule> rule;
  if (!request.rule.empty()) {
    rule.emplace(Rule::parse(request.rule));
    spec.rule = &*rule;
  }
  const bool calibrate = calibrates(request);
  if (calibrate) {
    spec.calibration_bins = request.bins;
    if (request.binning == Binning::Quantile)
      spec.calibration_edges = score_quantile_edges(request.log.file, spec, request.bins);
  }
  if (!request.time.empty()) {
    spec.time_column = request.time;
    spec.period = request.period;
  }
  const AuditOptions options = audit_options(request);
  check_reference(options, request.log.group.size());
  AuditMetricsReport report;
  report.table = read_decision_log(request.log.file, spec, progress);
  report.audit = audit_decisions(report.table, options, progress);
  if (!request.time.empty()) {
    report.periods = audit_by_period(report.table, options, progress);
    protect_across_periods(report.table, options, report.audit, report.periods, progress);
  }
  // Every other part hides the groups the audit suppressed (primary and complementary), so no part gives
  // back what another hides.
  const auto hidden = suppressed_groups(report.audit);
  if (rule) {
    RuleAuditOptions rule_options;
    rule_options.min_cell_size = options.min_cell_size;
    rule_options.alpha = options.alpha;
    rule_options.also_suppress = hidden;
    report.rule_audit = audit_rule_cells(report.table, rule_options);
  }
  if (calibrate && !report.table.calibration_skipped.empty()) {
    progress.log(LogLevel::Warning, "calibration not computed: " + report.table.calibration_skipped);
  }
  if (calibrate && report.table.calibration_bins > 0) {
    report.calibration =
        calibration_by_group(report.table, options.min_cell_size, options.alpha, options.intersections,
                             request.binning == Binning::Quantile ? "quantile" : "equal_width", hidden);
  }
  // Mitigation is automatic whenever the true outcome is known.
  if (!request.log.label.empty() && request.mitigation) {
    report.mitigation = mitigate(report.table, request.log, request.target_tpr, progress);
    hide_suppressed_cells(*report.mitigation, report.audit, report.table, progress);
  }
  return report;
}

// ---- rules -----------------------------------------------------------------------------------------

namespace {

// The command line checks these ranges itself; the library checks them for every other front end
// (bindings, the study runner), which would otherwise get a quantile error or a silent nonsense flag.
void check_alpha(double alpha) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("`alpha` {} is not in (0, 1)", alpha),
                "give the significance level, e.g. 0.05 for 95% intervals");
  }
}

void check_coverage(double coverage) {
  if (!(coverage > 0.0 && coverage <= 1.0)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("`coverage` {} is not in (0, 1]", coverage),
                "give the ratio of shares below which a group is under-covered, e.g. 0.8");
  }
}

}  // namespace

RulesReport run_rules(const RulesRequest& request, ProgressSink& /*progress*/) {
  check_alpha(request.alpha);
  // Parse the rule before reading the file, so a typo fails fast with its column.
  Rule rule = Rule::parse(request.rule);
  CsvOptions csv_options;
  csv_options.delimiter = request.delimiter;
  const CsvTable table = CsvTable::read_file(request.file, csv_options);
  RuleAuditOptions options;
  options.group_columns = request.group;
  if (!request.count.empty()) options.count_column = request.count;
  options.min_cell_size = request.min_cell;
  options.alpha = request.alpha;
  RulesReport report;
  report.result = audit_rule(table, rule, options);
  report.rows = table.row_count();
  report.sha256 = sha256_file_hex(request.file);
  return report;
}

// ---- representation --------------------------------------------------------------------------------

namespace {

// Records per group of the data set (weighted by `count` when given); missing values form their own group.
std::vector<std::pair<std::string, std::uint64_t>> group_counts(const CsvTable& table,
                                                                const std::string& group,
                                                                const std::string& count) {
  const CategoryColumn column = read_category_column(table, group);
  std::vector<std::uint64_t> totals(column.labels.size() + 1, 0);
  const std::size_t count_idx = count.empty() ? 0 : table.column_index(count);
  std::uint64_t total = 0;
  for (std::size_t row_idx = 0; row_idx < column.size(); ++row_idx) {
    std::uint64_t weight = 1;
    if (!count.empty()) {
      const std::string_view cell = table.cell(row_idx, count_idx);
      const auto value = count_value(cell);
      if (!value) throw_bad_count(cell, count, table.location(row_idx, count_idx));
      if (*value > kMaxCount - total) throw_count_total(count, table.location(row_idx, count_idx));
      total += *value;
      weight = *value;
    }
    totals[column.valid[row_idx] != 0 ? column.codes[row_idx] : column.labels.size()] += weight;
  }
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t code = 0; code < column.labels.size(); ++code)
    out.emplace_back(column.labels[code], totals[code]);
  if (totals.back() > 0) out.emplace_back(std::string(kMissingGroupLabel), totals.back());
  return out;
}

// Population size or share per group, in the reference's order.
std::vector<std::pair<std::string, double>> reference_shares(const CsvTable& reference,
                                                             const std::string& group_column,
                                                             const std::string& value_column) {
  const std::size_t group_idx = reference.column_index(group_column);
  const NumericColumn values = read_numeric_column(reference, value_column);
  std::vector<std::pair<std::string, double>> shares;
  for (std::size_t row_idx = 0; row_idx < reference.row_count(); ++row_idx) {
    if (values.valid[row_idx] == 0) {
      throw Error(ErrorCode::InvalidInput, "a reference share is missing",
                  "give every group its population or share",
                  reference.location(row_idx, reference.column_index(value_column)));
    }
    shares.emplace_back(std::string(reference.cell(row_idx, group_idx)), values.values[row_idx]);
  }
  return shares;
}

}  // namespace

RepresentationReport run_representation(const RepresentationRequest& request, ProgressSink& /*progress*/) {
  check_alpha(request.alpha);
  check_coverage(request.coverage);
  CsvOptions csv_options;
  csv_options.delimiter = request.delimiter;
  const CsvTable data = CsvTable::read_file(request.file, csv_options);
  const CsvTable reference = CsvTable::read_file(request.reference, csv_options);
  const auto counts = group_counts(data, request.group, request.count);
  RepresentationReport report;
  report.reference_group = request.reference_group.empty() ? request.group : request.reference_group;
  const auto shares = reference_shares(reference, report.reference_group, request.reference_value);
  RepresentationOptions options;
  options.coverage_threshold = request.coverage;
  options.min_cell_size = request.min_cell;
  options.alpha = request.alpha;
  report.result = compare_representation(counts, shares, options);
  report.rows = data.row_count();
  report.sha256 = sha256_file_hex(request.file);
  report.reference_sha256 = sha256_file_hex(request.reference);
  return report;
}

}  // namespace equalis::audit

#pragma once
// Breakdowns of a decision table collected in the same streaming pass: calibration by score bin per
// group, and the audit per calendar period (the in-process monitoring view of a log). Their JSON, CSV and
// text forms are in src/report/audit_report.hpp.

#include "audit/audit.hpp"
#include "audit/decision_log.hpp"
#include "audit/proportion.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace equalis::audit {

struct CalibrationBinResult {
  double low = 0.0;  // score bin [low, high) (the last bin includes 1)
  double high = 0.0;
  std::uint64_t n = 0;
  bool suppressed = false;  // 0 < n < min_cell_size: only the flag and the edges are reported
  std::optional<double> mean_score;
  std::optional<double> observed_rate;  // positives / n
  std::optional<Interval> wilson;
};

struct GroupCalibration {
  std::string name;
  bool suppressed = false;  // the group has fewer than min_cell_size applicants
  std::uint64_t n = 0;
  std::vector<CalibrationBinResult> bins;
  // Expected calibration error (Naeini, Cooper & Hauskrecht 2015): Σ_b (n_b / n)·|mean score_b − rate_b|
  // over the published bins only, n their applicants (so no suppressed bin enters a published number);
  // nullopt when no bin is published.
  std::optional<double> ece;
  std::optional<double> mean_score;
  std::optional<double> observed_rate;
  // Calibration-in-the-large: mean score − observed positive rate (> 0: the score over-predicts).
  std::optional<double> calibration_in_the_large;
};

struct CalibrationFamily {
  std::string name;  // attribute, or "a × b × …" for the intersection
  std::vector<GroupCalibration> groups;
  std::size_t suppressed_groups = 0;
  std::size_t suppressed_bins = 0;
};

struct CalibrationResult {
  std::size_t bins = 0;
  std::string binning;  // "equal_width" or "quantile"
  GroupCalibration overall;
  std::size_t overall_suppressed_bins = 0;
  std::vector<CalibrationFamily> families;
};

// Needs a table read with calibration bins (Error(InvalidInput) otherwise). `hidden_groups` (family name,
// group name): groups the metrics audit suppressed, suppressed here too whatever their size. Bins are
// suppressed below `min_cell_size` and complemented so that no suppressed bin follows from its group's n,
// the overall bins or the intersection's margins (audit/disclosure.hpp).
CalibrationResult calibration_by_group(
    const DecisionTable& table, std::uint64_t min_cell_size, double alpha, bool intersections,
    std::string binning = "equal_width",
    const std::vector<std::pair<std::string, std::string>>& hidden_groups = {});

// The (family name, group name) of every group `audit` suppressed.
std::vector<std::pair<std::string, std::string>> suppressed_groups(const AuditResult& audit);

struct PeriodAudit {
  std::string period;
  std::uint64_t n = 0;
  std::string note;  // e.g. the chosen reference was absent in this period and most-favoured was used
  AuditResult audit;
};

// The audit of each period's counts (no bootstrap), with the same options and suppression.
std::vector<PeriodAudit> audit_by_period(const DecisionTable& table, AuditOptions options,
                                         ProgressSink& progress = null_progress());

// A group's counts over the periods add up to its counts in the whole log, so a group suppressed in one
// period only, or in the whole log only, would follow by subtraction. Protects the whole log's audit and
// the periods' together (audit/disclosure.hpp) and redoes the audits that get more groups suppressed.
void protect_across_periods(const DecisionTable& table, const AuditOptions& options, AuditResult& audit,
                            std::vector<PeriodAudit>& periods, ProgressSink& progress = null_progress());

}  // namespace equalis::audit

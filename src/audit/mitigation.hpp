#pragma once
// Mitigation options with their cost shown.
// - Reweighing (Kamiran & Calders 2012, "Data preprocessing techniques for classification without
//   discrimination", KAIS 33:1–33): weight w(s, y) = P(s)·P(y) / P(s, y) per (group, label) cell, so that
//   group and label are independent in the weighted training data.
// - Group thresholds for equal opportunity (Hardt, Price & Srebro 2016, "Equality of opportunity in
//   supervised learning", NeurIPS): per-group score thresholds giving every group (about) the same true
//   positive rate; deterministic thresholds (no randomisation), so TPRs match up to one positive per group.

#include "audit/decision_log.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace equalis {
class ProgressSink;
}

namespace equalis::audit {

struct ReweighingCell {
  std::string group;  // intersection cell name
  int label = 0;
  std::uint64_t count = 0;
  std::optional<double> weight;  // nullopt when the cell is empty (nothing to weight)
  bool suppressed = false;       // the cell is suppressed in the audit: count and weight are not reported
};

// Needs a table with labels (Error(InvalidInput) otherwise). Groups are the intersection cells.
std::vector<ReweighingCell> reweighing_weights(const DecisionTable& table);

// Scored rows per applicant, grouped by the intersection of the attributes.
struct ScoredRows {
  std::vector<std::string> group_names;
  std::vector<std::uint32_t> group;
  std::vector<double> score;
  std::vector<std::uint8_t> label;
};
// Reads group columns, a numeric score and a 0/1 label (same mapping rules as read_decision_log).
ScoredRows read_scored_rows(const std::string& path, const DecisionLogSpec& spec, ProgressSink& progress);

struct GroupThreshold {
  std::string group;
  std::uint64_t n = 0;
  std::uint64_t positives = 0;
  bool suppressed = false;          // the cell is suppressed in the audit: nothing but its name is reported
  std::optional<double> threshold;  // score ≥ threshold selects; nullopt: no positives (left at the base)
  std::optional<double> tpr_before, tpr_after, fpr_before, fpr_after, selection_before, selection_after;
};

struct ThresholdResult {
  double base_threshold = 0.0;
  double target_tpr = 0.0;
  double accuracy_before = 0.0;
  double accuracy_after = 0.0;
  std::vector<GroupThreshold> groups;
};

// Per-group thresholds whose TPR is the smallest achievable ≥ target (default target: the overall TPR at
// the base threshold). Throws Error(InvalidInput) for empty input or a target outside (0, 1].
ThresholdResult equal_opportunity_thresholds(const ScoredRows& rows, double base_threshold,
                                             std::optional<double> target_tpr = std::nullopt);

}  // namespace equalis::audit

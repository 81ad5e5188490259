#include "audit/mitigation.hpp"

#include "audit/csv_stream.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

namespace equalis::audit {

std::vector<ReweighingCell> reweighing_weights(const DecisionTable& table) {
  if (!table.has_label) {
    throw Error(ErrorCode::InvalidInput, "reweighing needs the true outcome",
                "set `label`: the column of the true outcome");
  }
  const ConfusionCounts total = table.total();
  const auto n = static_cast<double>(total.n());
  if (total.n() == 0) throw Error(ErrorCode::InvalidInput, "the table has no applicants", "check the input");
  std::vector<ReweighingCell> cells;
  for (std::size_t cell_idx = 0; cell_idx < table.cell_count(); ++cell_idx) {
    const ConfusionCounts& counts = table.cells[cell_idx];
    const auto group_n = static_cast<double>(counts.n());
    for (const int label : {1, 0}) {
      ReweighingCell cell;
      cell.group = table.cell_name(cell_idx);
      cell.label = label;
      cell.count = label == 1 ? counts.positives() : counts.negatives();
      const auto label_n = static_cast<double>(label == 1 ? total.positives() : total.negatives());
      // Kamiran & Calders (2012), eq. for W(s, y): expected / observed cell frequency.
      if (cell.count > 0) cell.weight = (group_n / n) * (label_n / n) / (static_cast<double>(cell.count) / n);
      cells.push_back(std::move(cell));
    }
  }
  return cells;
}

ScoredRows read_scored_rows(const std::string& path, const DecisionLogSpec& spec, ProgressSink& progress) {
  if (!spec.score_column || !spec.label_column || spec.group_columns.empty()) {
    throw Error(ErrorCode::InvalidInput, "group thresholds need groups, a score and a label",
                "set `group`, `score` and `label`");
  }
  CsvStreamReader reader(path, spec.csv);
  std::vector<std::size_t> group_idx;
  for (const auto& name : spec.group_columns) group_idx.push_back(reader.column_index(name));
  const std::size_t score_idx = reader.column_index(*spec.score_column);
  const std::size_t label_idx = reader.column_index(*spec.label_column);
  const BinaryMapper mapper(spec.label_positive_values.value_or(spec.positive_values),
                            spec.label_positive_values ? std::vector<std::string>{} : spec.negative_values);
  ScoredRows rows;
  std::map<std::string, std::uint32_t, std::less<>> code_of;
  ProgressTask task(progress, "reading scores", 0);
  std::string name;
  // The same row policies as read_decision_log, so the thresholds see the rows the metrics saw.
  const bool drop_missing_outcome = spec.missing_outcome == MissingPolicy::Drop;
  while (reader.next()) {
    name.clear();
    bool drop = false;
    for (std::size_t k = 0; k < group_idx.size(); ++k) {
      std::string_view cell = reader.field(group_idx[k]);
      if (is_missing_token(cell)) {
        if (spec.missing_group == MissingGroupPolicy::Error) {
          throw Error(ErrorCode::InvalidInput,
                      fmt::format("the value of '{}' is missing", spec.group_columns[k]),
                      "fill it in, or set `missing_group` to own (keep as a group) or drop",
                      reader.location(group_idx[k]));
        }
        drop = drop || spec.missing_group == MissingGroupPolicy::Drop;
        cell = kMissingGroupLabel;
      }
      if (k > 0) name += " × ";
      name += cell;
    }
    if (drop) continue;
    const std::string_view score_cell = reader.field(score_idx);
    if (drop_missing_outcome && (is_missing_token(score_cell) || is_missing_token(reader.field(label_idx)))) {
      continue;
    }
    const auto score = parse_number(score_cell);
    if (!score) {
      throw Error(ErrorCode::Parse, fmt::format("score '{}' is not a number", excerpt(score_cell)),
                  "write a plain decimal number", reader.location(score_idx));
    }
    const int label = mapper.map(reader.field(label_idx));
    if (label < 0) {
      throw Error(ErrorCode::Parse, fmt::format("label '{}' is not 0/1", reader.field(label_idx)),
                  fmt::format("use {}", mapper.describe()), reader.location(label_idx));
    }
    auto [it, inserted] = code_of.try_emplace(name, static_cast<std::uint32_t>(rows.group_names.size()));
    if (inserted) rows.group_names.push_back(name);
    rows.group.push_back(it->second);
    rows.score.push_back(*score);
    rows.label.push_back(static_cast<std::uint8_t>(label));
  }
  task.throw_if_stopped();
  return rows;
}

ThresholdResult equal_opportunity_thresholds(const ScoredRows& rows, double base_threshold,
                                             std::optional<double> target_tpr) {
  const std::size_t n = rows.score.size();
  if (n == 0) throw Error(ErrorCode::InvalidInput, "no scored rows", "check the input file");
  const std::size_t group_count = rows.group_names.size();
  std::vector<std::vector<double>> positive_scores(group_count);
  std::vector<std::vector<double>> negative_scores(group_count);
  std::uint64_t positives = 0;
  std::uint64_t true_positives = 0;
  for (std::size_t i = 0; i < n; ++i) {
    (rows.label[i] != 0 ? positive_scores : negative_scores)[rows.group[i]].push_back(rows.score[i]);
    if (rows.label[i] != 0) {
      ++positives;
      if (rows.score[i] >= base_threshold) ++true_positives;
    }
  }
  ThresholdResult result;
  result.base_threshold = base_threshold;
  if (target_tpr) {
    if (!(*target_tpr > 0.0 && *target_tpr <= 1.0)) {
      throw Error(ErrorCode::InvalidInput, "the target TPR must be in (0, 1]",
                  "set `target_tpr` to e.g. 0.7");
    }
    result.target_tpr = *target_tpr;
  } else {
    if (positives == 0) {
      throw Error(ErrorCode::InvalidInput, "no applicant has label 1, so no TPR can be equalised",
                  "check the label column and `positive`");
    }
    result.target_tpr = static_cast<double>(true_positives) / static_cast<double>(positives);
  }
  auto count_at_least = [](const std::vector<double>& sorted_desc, double t) {
    // sorted descending: the number of scores ≥ t
    return static_cast<std::uint64_t>(
        std::upper_bound(sorted_desc.begin(), sorted_desc.end(), t, std::greater<>()) - sorted_desc.begin());
  };
  std::uint64_t correct_before = 0;
  std::uint64_t correct_after = 0;
  for (std::size_t g = 0; g < group_count; ++g) {
    auto& pos = positive_scores[g];
    auto& neg = negative_scores[g];
    std::sort(pos.begin(), pos.end(), std::greater<>());
    std::sort(neg.begin(), neg.end(), std::greater<>());
    GroupThreshold row;
    row.group = rows.group_names[g];
    row.n = pos.size() + neg.size();
    row.positives = pos.size();
    double threshold = base_threshold;
    if (!pos.empty()) {
      // Smallest number of positives k with k / P ≥ target; the threshold is the k-th highest positive score.
      const auto needed = static_cast<std::size_t>(
          std::max(1.0, std::ceil(result.target_tpr * static_cast<double>(pos.size()) - 1e-9)));
      threshold = pos[std::min(needed, pos.size()) - 1];
      row.threshold = threshold;
    }
    const auto tp_before = count_at_least(pos, base_threshold);
    const auto fp_before = count_at_least(neg, base_threshold);
    const auto tp_after = count_at_least(pos, threshold);
    const auto fp_after = count_at_least(neg, threshold);
    auto ratio = [](std::uint64_t a, std::size_t b) -> std::optional<double> {
      if (b == 0) return std::nullopt;
      return static_cast<double>(a) / static_cast<double>(b);
    };
    row.tpr_before = ratio(tp_before, pos.size());
    row.tpr_after = ratio(tp_after, pos.size());
    row.fpr_before = ratio(fp_before, neg.size());
    row.fpr_after = ratio(fp_after, neg.size());
    row.selection_before = ratio(tp_before + fp_before, row.n);
    row.selection_after = ratio(tp_after + fp_after, row.n);
    correct_before += tp_before + (neg.size() - fp_before);
    correct_after += tp_after + (neg.size() - fp_after);
    result.groups.push_back(std::move(row));
  }
  result.accuracy_before = static_cast<double>(correct_before) / static_cast<double>(n);
  result.accuracy_after = static_cast<double>(correct_after) / static_cast<double>(n);
  return result;
}

}  // namespace equalis::audit

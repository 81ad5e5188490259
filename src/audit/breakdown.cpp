#include "audit/breakdown.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace equalis::audit {

namespace {

std::optional<double> ratio(double numerator, std::uint64_t denominator) {
  if (denominator == 0) return std::nullopt;
  return numerator / static_cast<double>(denominator);
}

GroupCalibration summarize(std::string name, const std::vector<CalibrationCounts>& bins,
                           const std::vector<double>& edges, std::uint64_t min_cell_size, double alpha) {
  GroupCalibration group;
  group.name = std::move(name);
  std::uint64_t positives = 0;
  double score_sum = 0.0;
  for (const auto& bin : bins) {
    group.n += bin.n;
    positives += bin.positives;
    score_sum += bin.score_sum;
  }
  group.suppressed = group.n < min_cell_size;
  if (group.suppressed || group.n == 0) return group;
  group.mean_score = score_sum / static_cast<double>(group.n);
  group.observed_rate = ratio(static_cast<double>(positives), group.n);
  group.calibration_in_the_large = *group.mean_score - *group.observed_rate;
  double ece = 0.0;
  for (std::size_t bin_idx = 0; bin_idx < bins.size(); ++bin_idx) {
    const CalibrationCounts& counts = bins[bin_idx];
    CalibrationBinResult bin;
    bin.low = edges[bin_idx];
    bin.high = edges[bin_idx + 1];
    bin.n = counts.n;
    if (counts.n > 0) {
      const double mean = counts.score_sum / static_cast<double>(counts.n);
      const double rate = static_cast<double>(counts.positives) / static_cast<double>(counts.n);
      ece += static_cast<double>(counts.n) / static_cast<double>(group.n) * std::fabs(mean - rate);
      bin.suppressed = counts.n < min_cell_size;
      if (!bin.suppressed) {
        bin.mean_score = mean;
        bin.observed_rate = rate;
        bin.wilson = wilson_interval(counts.positives, counts.n, alpha);
      }
    }
    group.bins.push_back(bin);
  }
  group.ece = ece;
  return group;
}

}  // namespace

CalibrationResult calibration_by_group(const DecisionTable& table, std::uint64_t min_cell_size, double alpha,
                                       bool intersections, std::string binning) {
  const std::size_t bins = table.calibration_bins;
  if (bins == 0 || table.calibration.size() != table.cells.size() * bins) {
    throw Error(ErrorCode::InvalidInput, "the decision table holds no calibration counts",
                "read the log with a score, a label and calibration bins");
  }
  CalibrationResult result;
  result.bins = bins;
  result.binning = std::move(binning);
  auto cell_bin = [&](std::size_t cell_idx, std::size_t bin) -> const CalibrationCounts& {
    return table.calibration[cell_idx * bins + bin];
  };
  auto add_cell = [&](std::vector<CalibrationCounts>& sums, std::size_t cell_idx) {
    for (std::size_t bin = 0; bin < bins; ++bin) {
      sums[bin].n += cell_bin(cell_idx, bin).n;
      sums[bin].positives += cell_bin(cell_idx, bin).positives;
      sums[bin].score_sum += cell_bin(cell_idx, bin).score_sum;
    }
  };
  std::vector<CalibrationCounts> all(bins);
  for (std::size_t cell_idx = 0; cell_idx < table.cells.size(); ++cell_idx) add_cell(all, cell_idx);
  result.overall = summarize("overall", all, table.calibration_edges, 0, alpha);
  auto finish = [&](CalibrationFamily& family) {
    for (const auto& group : family.groups) {
      if (group.suppressed) ++family.suppressed_groups;
      for (const auto& bin : group.bins) family.suppressed_bins += bin.suppressed ? 1 : 0;
    }
    result.families.push_back(std::move(family));
  };
  for (std::size_t attribute_idx = 0; attribute_idx < table.group_columns.size(); ++attribute_idx) {
    std::vector<std::vector<CalibrationCounts>> sums(table.labels[attribute_idx].size(),
                                                     std::vector<CalibrationCounts>(bins));
    std::vector<std::uint64_t> n(table.labels[attribute_idx].size(), 0);
    for (std::size_t cell_idx = 0; cell_idx < table.cells.size(); ++cell_idx) {
      const std::uint32_t code = table.cell_codes[cell_idx][attribute_idx];
      add_cell(sums[code], cell_idx);
      n[code] += table.cells[cell_idx].n();
    }
    CalibrationFamily family;
    family.name = table.group_columns[attribute_idx];
    for (std::size_t code = 0; code < sums.size(); ++code) {
      if (n[code] == 0) continue;  // a value seen only on dropped rows
      family.groups.push_back(summarize(table.labels[attribute_idx][code], sums[code],
                                        table.calibration_edges, min_cell_size, alpha));
    }
    finish(family);
  }
  if (intersections && table.group_columns.size() > 1) {
    CalibrationFamily family;
    family.name = fmt::format("{}", fmt::join(table.group_columns, " × "));
    for (std::size_t cell_idx = 0; cell_idx < table.cells.size(); ++cell_idx) {
      std::vector<CalibrationCounts> sums(bins);
      add_cell(sums, cell_idx);
      family.groups.push_back(
          summarize(table.cell_name(cell_idx), sums, table.calibration_edges, min_cell_size, alpha));
    }
    finish(family);
  }
  return result;
}

std::vector<PeriodAudit> audit_by_period(const DecisionTable& table, AuditOptions options,
                                         ProgressSink& progress) {
  options.bootstrap_replicates = 0;
  std::vector<PeriodAudit> out;
  for (std::size_t period_idx = 0; period_idx < table.period_labels.size(); ++period_idx) {
    const auto& counts = table.period_cells[period_idx];
    std::vector<std::vector<std::uint32_t>> codes;
    std::vector<ConfusionCounts> cells;
    for (std::size_t cell_idx = 0; cell_idx < counts.size(); ++cell_idx) {
      if (counts[cell_idx].n() == 0) continue;
      codes.push_back(table.cell_codes[cell_idx]);
      cells.push_back(counts[cell_idx]);
    }
    PeriodAudit period;
    period.period = table.period_labels[period_idx];
    const DecisionTable sub = make_decision_table(table.group_columns, table.labels, std::move(codes),
                                                  std::move(cells), table.has_label);
    period.n = sub.total().n();
    if (period.n == 0) continue;
    try {
      period.audit = audit_decisions(sub, options, progress);
    } catch (const Error& error) {
      // A chosen reference group may be absent (or suppressed) in one period: fall back, and say so.
      if (options.reference != ReferenceRule::Chosen || error.code() != ErrorCode::InvalidInput) throw;
      AuditOptions fallback = options;
      fallback.reference = ReferenceRule::MostFavoured;
      fallback.reference_values.clear();
      period.audit = audit_decisions(sub, fallback, progress);
      period.note =
          fmt::format("chosen reference not usable in this period ({}); most-favoured used", error.what());
    }
    out.push_back(std::move(period));
  }
  return out;
}

}  // namespace equalis::audit

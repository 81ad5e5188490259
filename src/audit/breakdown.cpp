#include "audit/breakdown.hpp"

#include "audit/disclosure.hpp"
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
                           const std::vector<double>& edges, std::uint64_t min_cell_size, double alpha,
                           bool hidden = false) {
  GroupCalibration group;
  group.name = std::move(name);
  std::uint64_t positives = 0;
  double score_sum = 0.0;
  for (const auto& bin : bins) {
    group.n += bin.n;
    positives += bin.positives;
    score_sum += bin.score_sum;
  }
  group.suppressed = hidden || group.n < min_cell_size;
  if (group.suppressed || group.n == 0) return group;
  group.mean_score = score_sum / static_cast<double>(group.n);
  group.observed_rate = ratio(static_cast<double>(positives), group.n);
  group.calibration_in_the_large = *group.mean_score - *group.observed_rate;
  for (std::size_t bin_idx = 0; bin_idx < bins.size(); ++bin_idx) {
    const CalibrationCounts& counts = bins[bin_idx];
    CalibrationBinResult bin;
    bin.low = edges[bin_idx];
    bin.high = edges[bin_idx + 1];
    bin.n = counts.n;
    if (counts.n > 0) {
      const double mean = counts.score_sum / static_cast<double>(counts.n);
      const double rate = static_cast<double>(counts.positives) / static_cast<double>(counts.n);
      bin.suppressed = counts.n < min_cell_size;
      bin.mean_score = mean;  // cleared by publish_bins when the bin stays suppressed
      bin.observed_rate = rate;
      bin.wilson = wilson_interval(counts.positives, counts.n, alpha);
    }
    group.bins.push_back(bin);
  }
  return group;  // the ECE once the bins to publish are known (publish_bins)
}

// Complementary suppression of the bins: a group's bins add up to its n, each family's bins add up to the
// overall bin, and the intersection's bins of one attribute value add up to that value's bin. Suppressed
// groups have every bin hidden; the overall bins are hidden below the minimum like any other (only the
// overall n is always shown).
void protect_bins(CalibrationResult& result, const DecisionTable& table,
                  const std::vector<std::vector<std::int64_t>>& group_of_code) {
  DisclosureTable disclosure;
  auto add_group = [&](const GroupCalibration& group, bool fixed) {
    std::vector<std::size_t> cells;
    const std::size_t total = disclosure.add_cell(group.n, group.suppressed, true);
    for (std::size_t bin = 0; bin < result.bins; ++bin) {
      const bool has_bin = bin < group.bins.size();
      const std::uint64_t n = has_bin ? group.bins[bin].n : 0;
      const bool hidden = group.suppressed || (has_bin && group.bins[bin].suppressed);
      cells.push_back(disclosure.add_cell(n, hidden, fixed || group.suppressed));
    }
    disclosure.add_relation(total, cells);
    return cells;
  };
  const std::vector<std::size_t> overall = add_group(result.overall, false);
  std::vector<std::vector<std::vector<std::size_t>>> cells(result.families.size());
  for (std::size_t family_idx = 0; family_idx < result.families.size(); ++family_idx) {
    for (const auto& group : result.families[family_idx].groups) {
      cells[family_idx].push_back(add_group(group, false));
    }
  }
  const std::size_t attribute_count = group_of_code.size();
  for (std::size_t bin = 0; bin < result.bins; ++bin) {
    for (std::size_t family_idx = 0; family_idx < attribute_count; ++family_idx) {
      std::vector<std::size_t> parts;
      for (const auto& group_cells : cells[family_idx]) parts.push_back(group_cells[bin]);
      disclosure.add_relation(overall[bin], parts);
    }
    if (result.families.size() <= attribute_count) continue;  // no intersection family
    const auto& intersection = cells[attribute_count];
    for (std::size_t attribute_idx = 0; attribute_idx < attribute_count; ++attribute_idx) {
      std::vector<std::vector<std::size_t>> parts(cells[attribute_idx].size());
      for (std::size_t cell_idx = 0; cell_idx < intersection.size(); ++cell_idx) {
        const std::int64_t group_idx =
            group_of_code[attribute_idx][table.attributes[attribute_idx].codes[cell_idx]];
        if (group_idx >= 0) parts[static_cast<std::size_t>(group_idx)].push_back(intersection[cell_idx][bin]);
      }
      for (std::size_t group_idx = 0; group_idx < parts.size(); ++group_idx) {
        disclosure.add_relation(cells[attribute_idx][group_idx][bin], std::move(parts[group_idx]));
      }
    }
  }
  protect(disclosure);
  for (std::size_t bin = 0; bin < result.overall.bins.size(); ++bin) {
    result.overall.bins[bin].suppressed = disclosure.hidden[overall[bin]] != 0;
  }
  for (std::size_t family_idx = 0; family_idx < result.families.size(); ++family_idx) {
    auto& groups = result.families[family_idx].groups;
    for (std::size_t group_idx = 0; group_idx < groups.size(); ++group_idx) {
      for (std::size_t bin = 0; bin < groups[group_idx].bins.size(); ++bin) {
        CalibrationBinResult& shown = groups[group_idx].bins[bin];
        shown.suppressed = disclosure.hidden[cells[family_idx][group_idx][bin]] != 0;
      }
    }
  }
}

// Clears what a hidden bin would show, and computes the ECE over the published bins only: a hidden bin's
// |mean score − rate|, weighed into a published number, would be one more equation about that bin.
void publish_bins(GroupCalibration& group) {
  double weighted_gap = 0.0;
  std::uint64_t published_n = 0;
  for (auto& bin : group.bins) {
    if (bin.suppressed) {
      bin.mean_score.reset();
      bin.observed_rate.reset();
      bin.wilson.reset();
      continue;
    }
    if (bin.n == 0) continue;
    weighted_gap += static_cast<double>(bin.n) * std::fabs(*bin.mean_score - *bin.observed_rate);
    published_n += bin.n;
  }
  if (!group.suppressed && published_n > 0) group.ece = weighted_gap / static_cast<double>(published_n);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> suppressed_groups(const AuditResult& audit) {
  std::vector<std::pair<std::string, std::string>> names;
  for (const auto& family : audit.families) {
    for (const auto& group : family.groups) {
      if (group.suppressed) names.emplace_back(family.name, group.name);
    }
  }
  return names;
}

CalibrationResult calibration_by_group(
    const DecisionTable& table, std::uint64_t min_cell_size, double alpha, bool intersections,
    std::string binning, const std::vector<std::pair<std::string, std::string>>& hidden_groups) {
  auto is_hidden = [&](const std::string& family, const std::string& group) {
    return std::find(hidden_groups.begin(), hidden_groups.end(), std::pair(family, group)) !=
           hidden_groups.end();
  };
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
  // The overall group is always shown; its small bins are suppressed like any other cell.
  result.overall = summarize("overall", all, table.calibration_edges, 0, alpha);
  for (auto& bin : result.overall.bins) bin.suppressed = bin.n > 0 && bin.n < min_cell_size;
  std::vector<std::vector<std::int64_t>> group_of_code(table.group_columns.size());
  for (std::size_t attribute_idx = 0; attribute_idx < table.group_columns.size(); ++attribute_idx) {
    std::vector<std::vector<CalibrationCounts>> sums(table.attributes[attribute_idx].names.size(),
                                                     std::vector<CalibrationCounts>(bins));
    std::vector<std::uint64_t> n(table.attributes[attribute_idx].names.size(), 0);
    for (std::size_t cell_idx = 0; cell_idx < table.cells.size(); ++cell_idx) {
      const std::uint32_t code = table.attributes[attribute_idx].codes[cell_idx];
      add_cell(sums[code], cell_idx);
      n[code] += table.cells[cell_idx].n();
    }
    CalibrationFamily family;
    family.name = table.group_columns[attribute_idx];
    group_of_code[attribute_idx].assign(sums.size(), -1);
    for (std::size_t code = 0; code < sums.size(); ++code) {
      if (n[code] == 0) continue;  // a value seen only on dropped rows
      group_of_code[attribute_idx][code] = static_cast<std::int64_t>(family.groups.size());
      const std::string& name = table.attributes[attribute_idx].names[code];
      family.groups.push_back(summarize(name, sums[code], table.calibration_edges, min_cell_size, alpha,
                                        is_hidden(family.name, name)));
    }
    result.families.push_back(std::move(family));
  }
  if (intersections && table.group_columns.size() > 1) {
    CalibrationFamily family;
    family.name = fmt::format("{}", fmt::join(table.group_columns, " × "));
    for (std::size_t cell_idx = 0; cell_idx < table.cells.size(); ++cell_idx) {
      std::vector<CalibrationCounts> sums(bins);
      add_cell(sums, cell_idx);
      const std::string name = table.cell_name(cell_idx);
      family.groups.push_back(
          summarize(name, sums, table.calibration_edges, min_cell_size, alpha, is_hidden(family.name, name)));
    }
    result.families.push_back(std::move(family));
  }
  protect_bins(result, table, group_of_code);
  publish_bins(result.overall);
  for (const auto& bin : result.overall.bins) result.overall_suppressed_bins += bin.suppressed ? 1 : 0;
  for (auto& family : result.families) {
    for (auto& group : family.groups) publish_bins(group);
    for (const auto& group : family.groups) {
      if (group.suppressed) ++family.suppressed_groups;
      for (const auto& bin : group.bins) family.suppressed_bins += bin.suppressed ? 1 : 0;
    }
  }
  return result;
}

namespace {

DecisionTable period_table(const DecisionTable& table, std::size_t period_idx) {
  const auto& counts = table.period_cells[period_idx];
  std::vector<std::vector<std::uint32_t>> codes;
  std::vector<ConfusionCounts> cells;
  for (std::size_t cell_idx = 0; cell_idx < counts.size(); ++cell_idx) {
    if (counts[cell_idx].n() == 0) continue;
    codes.push_back(table.codes_of(cell_idx));
    cells.push_back(counts[cell_idx]);
  }
  return make_decision_table(table.group_columns, table.attribute_values(), std::move(codes),
                             std::move(cells), table.has_label);
}

void audit_period(PeriodAudit& period, const DecisionTable& sub, const AuditOptions& options,
                  ProgressSink& progress) {
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
}

// The cells of one audit in `disclosure`: per family, per group; the overall total fixed and shown. Adds
// the audit's own relations (families to the overall, intersection cells to their single-attribute groups).
std::vector<std::vector<std::size_t>> add_audit(DisclosureTable& disclosure, const AuditResult& audit) {
  const std::size_t overall = disclosure.add_cell(audit.overall.counts.n(), false, true);
  std::vector<std::vector<std::size_t>> cells(audit.families.size());
  for (std::size_t family_idx = 0; family_idx < audit.families.size(); ++family_idx) {
    const FamilyResult& family = audit.families[family_idx];
    for (const auto& group : family.groups) {
      cells[family_idx].push_back(disclosure.add_cell(group.counts.n(), group.suppressed));
    }
    if (family.attributes.size() == 1) {
      disclosure.add_relation(overall, cells[family_idx]);
      continue;
    }
    for (std::size_t attribute_idx = 0; attribute_idx < family.attributes.size(); ++attribute_idx) {
      const FamilyResult& margin = audit.families[attribute_idx];
      std::vector<std::vector<std::size_t>> parts(margin.groups.size());
      for (std::size_t group_idx = 0; group_idx < family.groups.size(); ++group_idx) {
        const std::string& value = family.groups[group_idx].values[attribute_idx];
        for (std::size_t margin_idx = 0; margin_idx < margin.groups.size(); ++margin_idx) {
          if (margin.groups[margin_idx].name == value)
            parts[margin_idx].push_back(cells[family_idx][group_idx]);
        }
      }
      for (std::size_t margin_idx = 0; margin_idx < parts.size(); ++margin_idx) {
        disclosure.add_relation(cells[attribute_idx][margin_idx], std::move(parts[margin_idx]));
      }
    }
  }
  return cells;
}

// The groups `cells` marks hidden, and whether any of them is not suppressed in `audit` yet.
std::pair<std::vector<std::pair<std::string, std::string>>, bool> hidden_names(
    const DisclosureTable& disclosure, const AuditResult& audit,
    const std::vector<std::vector<std::size_t>>& cells) {
  std::vector<std::pair<std::string, std::string>> names;
  bool more = false;
  for (std::size_t family_idx = 0; family_idx < audit.families.size(); ++family_idx) {
    const FamilyResult& family = audit.families[family_idx];
    for (std::size_t group_idx = 0; group_idx < family.groups.size(); ++group_idx) {
      if (disclosure.hidden[cells[family_idx][group_idx]] == 0) continue;
      names.emplace_back(family.name, family.groups[group_idx].name);
      more = more || !family.groups[group_idx].suppressed;
    }
  }
  return {names, more};
}

}  // namespace

std::vector<PeriodAudit> audit_by_period(const DecisionTable& table, AuditOptions options,
                                         ProgressSink& progress) {
  options.bootstrap_replicates = 0;
  std::vector<PeriodAudit> out;
  for (std::size_t period_idx = 0; period_idx < table.period_labels.size(); ++period_idx) {
    const DecisionTable sub = period_table(table, period_idx);
    PeriodAudit period;
    period.period = table.period_labels[period_idx];
    period.n = sub.total().n();
    if (period.n == 0) continue;
    audit_period(period, sub, options, progress);
    out.push_back(std::move(period));
  }
  return out;
}

void protect_across_periods(const DecisionTable& table, const AuditOptions& options, AuditResult& audit,
                            std::vector<PeriodAudit>& periods, ProgressSink& progress) {
  if (periods.empty()) return;
  DisclosureTable disclosure;
  const auto whole = add_audit(disclosure, audit);
  std::vector<std::vector<std::vector<std::size_t>>> by_period;
  for (const auto& period : periods) by_period.push_back(add_audit(disclosure, period.audit));
  for (std::size_t family_idx = 0; family_idx < audit.families.size(); ++family_idx) {
    const FamilyResult& family = audit.families[family_idx];
    for (std::size_t group_idx = 0; group_idx < family.groups.size(); ++group_idx) {
      std::vector<std::size_t> parts;
      for (std::size_t period_idx = 0; period_idx < periods.size(); ++period_idx) {
        const auto& groups = periods[period_idx].audit.families[family_idx].groups;
        for (std::size_t idx = 0; idx < groups.size(); ++idx) {
          if (groups[idx].name == family.groups[group_idx].name)
            parts.push_back(by_period[period_idx][family_idx][idx]);
        }
      }
      disclosure.add_relation(whole[family_idx][group_idx], std::move(parts));
    }
  }
  protect(disclosure);
  // Redo the audits with more suppressed groups: references, spreads and flags ignore suppressed groups.
  if (auto [names, more] = hidden_names(disclosure, audit, whole); more) {
    AuditOptions again = options;
    again.also_suppress = std::move(names);
    audit = audit_decisions(table, again, progress);
  }
  AuditOptions per_period = options;
  per_period.bootstrap_replicates = 0;
  std::size_t next = 0;
  for (std::size_t period_idx = 0; period_idx < table.period_labels.size(); ++period_idx) {
    if (next == periods.size() || periods[next].period != table.period_labels[period_idx]) continue;
    PeriodAudit& period = periods[next];
    if (auto [names, more] = hidden_names(disclosure, period.audit, by_period[next]); more) {
      per_period.also_suppress = std::move(names);
      period.note.clear();
      audit_period(period, period_table(table, period_idx), per_period, progress);
    }
    ++next;
  }
}

}  // namespace equalis::audit

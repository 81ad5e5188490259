#include "audit/breakdown.hpp"

#include "audit/audit_report.hpp"
#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace equalis::audit {

namespace {

using Json = nlohmann::ordered_json;

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

Json calibration_group_json(const GroupCalibration& group) {
  Json out{{"name", group.name}, {"suppressed", group.suppressed}};
  if (group.suppressed) return out;
  out["n"] = group.n;
  out["mean_score"] = optional_json(group.mean_score);
  out["observed_rate"] = optional_json(group.observed_rate);
  out["calibration_in_the_large"] = optional_json(group.calibration_in_the_large);
  out["ece"] = optional_json(group.ece);
  Json bins = Json::array();
  for (const auto& bin : group.bins) {
    Json item{{"low", bin.low}, {"high", bin.high}, {"suppressed", bin.suppressed}};
    if (!bin.suppressed) {
      item["n"] = bin.n;
      item["mean_score"] = optional_json(bin.mean_score);
      item["observed_rate"] = optional_json(bin.observed_rate);
      item["wilson"] = interval_json(bin.wilson);
    }
    bins.push_back(std::move(item));
  }
  out["bins"] = std::move(bins);
  return out;
}

std::string csv_value(const std::optional<double>& value) {
  return value ? fmt::format("{:.10g}", *value) : std::string();
}

std::string csv_text(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string pct(const std::optional<double>& value) {
  return value ? fmt::format("{:.1f}%", 100.0 * *value) : std::string("undef");
}

constexpr std::array<Metric, 4> kPeriodMetrics{Metric::SelectionRate, Metric::Tpr, Metric::Fpr, Metric::Ppv};

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

Json to_json(const CalibrationResult& result) {
  Json families = Json::array();
  for (const auto& family : result.families) {
    Json groups = Json::array();
    for (const auto& group : family.groups) groups.push_back(calibration_group_json(group));
    families.push_back(
        {{"name", family.name},
         {"suppressed", {{"groups", family.suppressed_groups}, {"bins", family.suppressed_bins}}},
         {"groups", std::move(groups)}});
  }
  return {{"bins", result.bins},
          {"binning", result.binning},
          {"overall", calibration_group_json(result.overall)},
          {"families", std::move(families)}};
}

Json to_json(const std::vector<PeriodAudit>& periods) {
  Json out = Json::array();
  for (const auto& period : periods) {
    const AuditResult& audit = period.audit;
    Json overall{{"n", period.n}};
    for (const Metric metric : kPeriodMetrics) {
      overall[std::string(metric_name(metric))] =
          optional_json(audit.overall.rates[static_cast<std::size_t>(metric)].value);
    }
    Json families = Json::array();
    for (const auto& family : audit.families) {
      Json spread = Json::object();
      for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
        const Metric metric = kDisparityMetrics[slot];
        if (metric == Metric::Fnr) continue;
        spread[std::string(metric_name(metric))] = {
            {"max_minus_min", optional_json(family.spread[slot].max_minus_min)},
            {"min_over_max", optional_json(family.spread[slot].min_over_max)}};
      }
      Json groups = Json::array();
      for (const auto& group : family.groups) {
        Json item{{"name", group.name}, {"suppressed", group.suppressed}};
        if (!group.suppressed) {
          item["reference"] = group.is_reference;
          item["n"] = group.counts.n();
          for (const Metric metric : kPeriodMetrics) {
            const RateEstimate& rate = group.rates[static_cast<std::size_t>(metric)];
            item[std::string(metric_name(metric))] = {{"value", optional_json(rate.value)},
                                                      {"wilson", interval_json(rate.interval)}};
          }
          const MetricDisparity& selection = group.disparities[0];
          item["selection_rate_difference"] = optional_json(selection.difference);
          item["newcombe"] = interval_json(selection.difference_interval);
          item["significant"] = selection.significant;
          item["equalized_odds_gap"] = optional_json(group.equalized_odds_gap);
          item["four_fifths_flag"] = group.four_fifths_flag;
        }
        groups.push_back(std::move(item));
      }
      families.push_back({{"name", family.name},
                          {"reference", family.reference_name},
                          {"suppressed_groups", family.suppressed_groups},
                          {"between_groups", std::move(spread)},
                          {"worst_equalized_odds_gap", optional_json(family.worst_equalized_odds_gap)},
                          {"four_fifths_flags", family.four_fifths_flags},
                          {"groups", std::move(groups)}});
    }
    Json item{{"period", period.period}, {"overall", std::move(overall)}};
    if (!period.note.empty()) item["note"] = period.note;
    item["families"] = std::move(families);
    out.push_back(std::move(item));
  }
  return out;
}

std::string to_csv(const CalibrationResult& result) {
  std::string out =
      "section,family,group,bin,low,high,suppressed,n,mean_score,observed_rate,wilson_low,wilson_high,ece,"
      "calibration_in_the_large\n";
  auto group_rows = [&](const std::string& family, const GroupCalibration& group) {
    if (group.suppressed) {
      out += fmt::format("calibration,{},{},,,,1,,,,,,,\n", csv_text(family), csv_text(group.name));
      return;
    }
    out +=
        fmt::format("calibration,{},{},all,0,1,0,{},{},{},,,{},{}\n", csv_text(family), csv_text(group.name),
                    group.n, csv_value(group.mean_score), csv_value(group.observed_rate),
                    csv_value(group.ece), csv_value(group.calibration_in_the_large));
    for (std::size_t bin_idx = 0; bin_idx < group.bins.size(); ++bin_idx) {
      const auto& bin = group.bins[bin_idx];
      if (bin.suppressed) {
        out += fmt::format("calibration,{},{},{},{},{},1,,,,,,,\n", csv_text(family), csv_text(group.name),
                           bin_idx + 1, bin.low, bin.high);
        continue;
      }
      out +=
          fmt::format("calibration,{},{},{},{},{},0,{},{},{},{},{},,\n", csv_text(family),
                      csv_text(group.name), bin_idx + 1, bin.low, bin.high, bin.n, csv_value(bin.mean_score),
                      csv_value(bin.observed_rate), bin.wilson ? fmt::format("{:.10g}", bin.wilson->low) : "",
                      bin.wilson ? fmt::format("{:.10g}", bin.wilson->high) : "");
    }
  };
  group_rows("overall", result.overall);
  for (const auto& family : result.families) {
    for (const auto& group : family.groups) group_rows(family.name, group);
  }
  return out;
}

std::string to_csv(const std::vector<PeriodAudit>& periods) {
  std::string out =
      "section,period,family,group,suppressed,reference,n,selection_rate,tpr,fpr,ppv,selection_rate_"
      "difference,"
      "newcombe_low,newcombe_high,significant,four_fifths_flag\n";
  for (const auto& period : periods) {
    for (const auto& family : period.audit.families) {
      for (const auto& group : family.groups) {
        if (group.suppressed) {
          out += fmt::format("period,{},{},{},1,,,,,,,,,,,\n", period.period, csv_text(family.name),
                             csv_text(group.name));
          continue;
        }
        const auto& d = group.disparities[0];
        auto rate = [&](Metric metric) {
          return csv_value(group.rates[static_cast<std::size_t>(metric)].value);
        };
        out += fmt::format("period,{},{},{},0,{},{},{},{},{},{},{},{},{},{},{}\n", period.period,
                           csv_text(family.name), csv_text(group.name), group.is_reference ? 1 : 0,
                           group.counts.n(), rate(Metric::SelectionRate), rate(Metric::Tpr),
                           rate(Metric::Fpr), rate(Metric::Ppv), csv_value(d.difference),
                           d.difference_interval ? fmt::format("{:.10g}", d.difference_interval->low) : "",
                           d.difference_interval ? fmt::format("{:.10g}", d.difference_interval->high) : "",
                           d.significant ? 1 : 0, group.four_fifths_flag ? 1 : 0);
      }
    }
  }
  return out;
}

std::string to_text(const CalibrationResult& result) {
  std::string out = fmt::format(
      "\nCalibration by score bin ({} {} bins): mean score vs observed positive rate\n"
      "  overall: mean score {}, observed {}, calibration-in-the-large {:+.2f} points, ECE {:.2f} points\n",
      result.bins, result.binning == "quantile" ? "quantile" : "equal-width", pct(result.overall.mean_score),
      pct(result.overall.observed_rate), 100.0 * result.overall.calibration_in_the_large.value_or(0.0),
      100.0 * result.overall.ece.value_or(0.0));
  for (const auto& family : result.families) {
    out += fmt::format("  {} ({} groups suppressed, {} bins suppressed)\n", family.name,
                       family.suppressed_groups, family.suppressed_bins);
    std::size_t shown = 0;
    for (const auto& group : family.groups) {
      if (++shown > 40) {
        out += fmt::format("    … {} more groups (see JSON/CSV)\n", family.groups.size() - 40);
        break;
      }
      if (group.suppressed) {
        out += fmt::format("    {:<32} suppressed (n < min cell)\n", group.name.substr(0, 32));
        continue;
      }
      out += fmt::format(
          "    {:<32} n {:>9}  mean score {:>6}  observed {:>6}  in-the-large {:+6.2f}  ECE {:5.2f}\n",
          group.name.substr(0, 32), group.n, pct(group.mean_score), pct(group.observed_rate),
          100.0 * group.calibration_in_the_large.value_or(0.0), 100.0 * group.ece.value_or(0.0));
    }
  }
  return out;
}

std::string to_text(const std::vector<PeriodAudit>& periods) {
  std::string out = "\nBy period: selection rate and the key disparities (max − min between groups)\n";
  for (const auto& period : periods) {
    const auto& overall = period.audit.overall.rates;
    out += fmt::format("  {:<10} n {:>9}  selection {:>6}  TPR {:>6}  FPR {:>6}\n", period.period, period.n,
                       pct(overall[0].value), pct(overall[static_cast<std::size_t>(Metric::Tpr)].value),
                       pct(overall[static_cast<std::size_t>(Metric::Fpr)].value));
    for (const auto& family : period.audit.families) {
      out += fmt::format(
          "    {:<28} selection gap {:>6}  TPR gap {:>6}  FPR gap {:>6}  worst EO gap {:>6}  "
          "four-fifths flags {}  suppressed {}\n",
          family.name.substr(0, 28), pct(family.spread[0].max_minus_min), pct(family.spread[1].max_minus_min),
          pct(family.spread[2].max_minus_min), pct(family.worst_equalized_odds_gap), family.four_fifths_flags,
          family.suppressed_groups);
    }
    if (!period.note.empty()) out += fmt::format("    note: {}\n", period.note);
  }
  return out;
}

}  // namespace equalis::audit

#include "report/measure_json.hpp"

#include "io/csv_writer.hpp"
#include "report/document.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace equalis::report {

using json = nlohmann::ordered_json;

namespace {

// The short names planners know: GE(1) is Theil T, GE(0) Theil L.
std::string ge_name(double alpha) {
  if (alpha == 1.0) return "theil_t";
  if (alpha == 0.0) return "theil_l";
  return fmt::format("ge({})", alpha);
}

}  // namespace

json to_json(const measure::IndexValues& indices) {
  json out;
  out["units"] = indices.units;
  out["total_weight"] = indices.total_weight;
  out["mean"] = indices.mean;
  if (indices.gini) out["gini"] = *indices.gini;
  if (indices.gini_small_sample) out["gini_small_sample"] = *indices.gini_small_sample;
  for (const auto& ge : indices.ge) {
    if (ge.parameter == 1.0 || ge.parameter == 0.0) out[ge_name(ge.parameter)] = ge.value;
  }
  out["ge"] = json::array();
  for (const auto& ge : indices.ge) out["ge"].push_back({{"alpha", ge.parameter}, {"value", ge.value}});
  out["atkinson"] = json::array();
  for (const auto& a : indices.atkinson)
    out["atkinson"].push_back({{"epsilon", a.parameter}, {"value", a.value}});
  if (indices.cv) {
    out["cv"] = indices.cv->population;
    out["cv_sample"] = indices.cv->sample;
    // Williamson (1965): the population-weighted CV; the same number as cv when weights are given.
    if (indices.weighted) out["williamson_cv"] = indices.cv->population;
  }
  if (indices.sd_log) out["sd_log"] = *indices.sd_log;
  if (indices.quantile_ratios) {
    out["palma"] = indices.quantile_ratios->palma;
    out["s80_s20"] = indices.quantile_ratios->s80_s20;
    out["max_min"] = indices.quantile_ratios->max_min;
  }
  if (indices.concentration_index) out["concentration_index"] = *indices.concentration_index;
  return out;
}

json to_json(const measure::GeDecomposition& d) {
  json groups = json::array();
  for (const auto& g : d.groups) {
    groups.push_back({{"group", g.name},
                      {"units", g.units},
                      {"population_share", g.population_share},
                      {"income_share", g.income_share},
                      {"mean", g.mean},
                      {"index", g.index},
                      {"weight", g.weight},
                      {"contribution", g.contribution}});
  }
  return {{"alpha", d.alpha},     {"index", ge_name(d.alpha)}, {"total", d.total},
          {"between", d.between}, {"within", d.within},        {"between_share", d.between_share},
          {"groups", groups}};
}

json to_json(const measure::DagumDecomposition& d) {
  json groups = json::array();
  for (const auto& g : d.groups) {
    groups.push_back({{"group", g.name},
                      {"units", g.units},
                      {"population_share", g.population_share},
                      {"income_share", g.income_share},
                      {"mean", g.mean},
                      {"gini_within", optional_number(g.gini_within)},
                      {"within_contribution", g.within_contribution}});
  }
  json pairs = json::array();
  for (const auto& p : d.pairs) {
    pairs.push_back({{"richer_group", d.groups[p.group_a].name},
                     {"poorer_group", d.groups[p.group_b].name},
                     {"gini_between", optional_number(p.gini_between)},
                     {"relative_affluence", optional_number(p.relative_affluence)},
                     {"gross_between_contribution", p.gross_between_contribution},
                     {"net_between_contribution", p.net_between_contribution},
                     {"transvariation_contribution", p.transvariation_contribution}});
  }
  return {{"gini", d.gini},
          {"within", d.within},
          {"net_between", d.net_between},
          {"transvariation", d.transvariation},
          {"gross_between", d.gross_between},
          {"within_share", optional_number(d.within_share)},
          {"net_between_share", optional_number(d.net_between_share)},
          {"transvariation_share", optional_number(d.transvariation_share)},
          {"groups", groups},
          {"pairs", pairs}};
}

json to_json(const measure::BootstrapResult& b) {
  json intervals = json::object();
  for (const auto& i : b.intervals) {
    intervals[i.statistic] = {{"estimate", i.estimate},
                              {"lower", optional_number(i.lower)},
                              {"upper", optional_number(i.upper)},
                              {"standard_error", optional_number(i.standard_error)},
                              {"valid_replicates", i.valid_replicates}};
  }
  return {{"method", "percentile"},
          {"replicates", b.replicates},
          {"confidence_level", b.confidence_level},
          {"stratified", b.stratified},
          {"seed", b.seed},
          {"intervals", intervals}};
}

json to_json(const measure::PermutationResult& t) {
  return {{"statistic", t.statistic},       {"observed", t.observed}, {"p_value", t.p_value},
          {"permutations", t.permutations}, {"seed", t.seed},         {"alternative", "greater"}};
}

json to_json(const IndicatorReport& report) {
  json out;
  out["indicator"] = report.indicator;
  out["period"] = report.period ? json(*report.period) : json(nullptr);
  out["rows_dropped"] = report.rows_dropped;
  out["indices"] = to_json(report.profile.indices);
  if (!report.profile.ge_decompositions.empty()) {
    json decompositions = json::array();
    for (const auto& d : report.profile.ge_decompositions) decompositions.push_back(to_json(d));
    out["decomposition"]["ge"] = decompositions;
  }
  if (report.profile.dagum) out["decomposition"]["dagum"] = to_json(*report.profile.dagum);
  if (report.profile.bootstrap) out["bootstrap"] = to_json(*report.profile.bootstrap);
  if (!report.profile.permutation_tests.empty()) {
    out["permutation_tests"] = json::array();
    for (const auto& t : report.profile.permutation_tests) out["permutation_tests"].push_back(to_json(t));
  }
  return out;
}

std::string to_text(const std::vector<IndicatorReport>& reports) {
  std::string out;
  for (const auto& report : reports) {
    const auto& idx = report.profile.indices;
    out += fmt::format("{}{}: {} units, mean {:.6g}{}\n", report.indicator,
                       report.period ? " [" + *report.period + "]" : "", idx.units, idx.mean,
                       report.rows_dropped > 0
                           ? fmt::format(" ({} rows dropped for missing cells)", report.rows_dropped)
                           : "");
    const auto interval = [&](const std::string& statistic) -> std::string {
      if (!report.profile.bootstrap) return "";
      for (const auto& i : report.profile.bootstrap->intervals) {
        if (i.statistic == statistic && i.lower && i.upper) {
          return fmt::format("  [{:.4f}, {:.4f}]", *i.lower, *i.upper);
        }
      }
      return "";
    };
    const auto line = [&](const std::string& label, const std::string& statistic, double value) {
      out += fmt::format("  {:<22}{:>10.4f}{}\n", label, value, interval(statistic));
    };
    if (idx.gini) line("Gini", "gini", *idx.gini);
    for (const auto& ge : idx.ge) line(ge_name(ge.parameter), fmt::format("ge({})", ge.parameter), ge.value);
    for (const auto& a : idx.atkinson) {
      line(fmt::format("Atkinson({})", a.parameter), fmt::format("atkinson({})", a.parameter), a.value);
    }
    if (idx.cv) line("CV", "cv", idx.cv->population);
    if (idx.quantile_ratios) {
      line("Palma", "palma", idx.quantile_ratios->palma);
      line("S80/S20", "s80_s20", idx.quantile_ratios->s80_s20);
    }
    if (idx.concentration_index) line("concentration index", "concentration_index", *idx.concentration_index);
    for (const auto& d : report.profile.ge_decompositions) {
      const std::string prefix = fmt::format("ge({})", d.alpha);
      std::string p_value;
      for (const auto& t : report.profile.permutation_tests) {
        if (t.statistic == prefix + ".between_share")
          p_value = fmt::format("  permutation p = {:.4f}", t.p_value);
      }
      out += fmt::format("  {} = {:.4f}: between {:.4f} ({:.1f} %) + within {:.4f}{}\n", ge_name(d.alpha),
                         d.total, d.between, 100.0 * d.between_share, d.within, p_value);
    }
    if (const auto& dagum = report.profile.dagum) {
      out +=
          fmt::format("  Dagum Gini = {:.4f}: within {:.4f} + net between {:.4f} + transvariation {:.4f}\n",
                      dagum->gini, dagum->within, dagum->net_between, dagum->transvariation);
    }
  }
  return out;
}

std::string to_csv(const std::vector<IndicatorReport>& reports) {
  io::CsvWriter csv({"indicator", "period", "statistic", "group", "value", "lower", "upper"});
  for (const auto& report : reports) {
    const auto row = [&](const std::string& statistic, const std::string& group, double value) {
      csv.field(report.indicator)
          .field(report.period.value_or(""))
          .field(statistic)
          .field(group)
          .field(value);
      const measure::NamedInterval* interval = nullptr;
      if (report.profile.bootstrap) {
        for (const auto& i : report.profile.bootstrap->intervals) {
          if (i.statistic == statistic) interval = &i;
        }
      }
      if (interval != nullptr && interval->lower && interval->upper) {
        csv.field(*interval->lower).field(*interval->upper);
      } else {
        csv.empty_field().empty_field();
      }
      csv.end_row();
    };
    const auto& idx = report.profile.indices;
    row("mean", "", idx.mean);
    if (idx.gini) row("gini", "", *idx.gini);
    if (idx.gini_small_sample) row("gini_small_sample", "", *idx.gini_small_sample);
    for (const auto& ge : idx.ge) row(fmt::format("ge({})", ge.parameter), "", ge.value);
    for (const auto& a : idx.atkinson) row(fmt::format("atkinson({})", a.parameter), "", a.value);
    if (idx.cv) {
      row("cv", "", idx.cv->population);
      row("cv_sample", "", idx.cv->sample);
    }
    if (idx.sd_log) row("sd_log", "", *idx.sd_log);
    if (idx.quantile_ratios) {
      row("palma", "", idx.quantile_ratios->palma);
      row("s80_s20", "", idx.quantile_ratios->s80_s20);
      row("max_min", "", idx.quantile_ratios->max_min);
    }
    if (idx.concentration_index) row("concentration_index", "", *idx.concentration_index);
    for (const auto& d : report.profile.ge_decompositions) {
      const std::string prefix = fmt::format("ge({})", d.alpha);
      row(prefix + ".between", "", d.between);
      row(prefix + ".within", "", d.within);
      row(prefix + ".between_share", "", d.between_share);
      for (const auto& g : d.groups) {
        row(prefix + ".group[" + g.name + "].index", g.name, g.index);
        row(prefix + ".group[" + g.name + "].contribution", g.name, g.contribution);
      }
    }
    if (const auto& dagum = report.profile.dagum) {
      row("dagum.gini", "", dagum->gini);
      row("dagum.within", "", dagum->within);
      row("dagum.net_between", "", dagum->net_between);
      row("dagum.transvariation", "", dagum->transvariation);
      for (const auto& g : dagum->groups) {
        if (g.gini_within) row("dagum.group[" + g.name + "].gini_within", g.name, *g.gini_within);
      }
      for (const auto& p : dagum->pairs) {
        const std::string& a = dagum->groups[std::min(p.group_a, p.group_b)].name;
        const std::string& b = dagum->groups[std::max(p.group_a, p.group_b)].name;
        const std::string name = "dagum.pair[" + a + "|" + b + "]";
        if (p.gini_between) row(name + ".gini_between", a + "|" + b, *p.gini_between);
        if (p.relative_affluence) row(name + ".relative_affluence", a + "|" + b, *p.relative_affluence);
      }
    }
    // Everything the JSON carries: the permutation test of each between share, one-sided upper.
    for (const auto& t : report.profile.permutation_tests) row(t.statistic + ".permutation_p", "", t.p_value);
  }
  return csv.text();
}

namespace {

nlohmann::ordered_json text_or_null(const std::optional<std::string>& text) {
  return text ? nlohmann::ordered_json(*text) : nlohmann::ordered_json(nullptr);
}

}  // namespace

nlohmann::ordered_json options_json(const measure::InequalityRequest& request) {
  const auto& columns = request.columns;
  const auto& o = request.options;
  return {{"value", columns.value_columns},
          {"weight", text_or_null(columns.weight_column)},
          {"group", text_or_null(columns.group_column)},
          {"by", text_or_null(columns.by_column)},
          {"rank_by", text_or_null(columns.rank_by_column)},
          {"indices", request.indices},
          {"ge_alpha", o.indices.ge_alphas},
          {"atkinson_epsilon", o.indices.atkinson_epsilons},
          {"gini_small_sample", o.gini_small_sample},
          {"bootstrap", o.inference.bootstrap_replicates},
          {"confidence", o.inference.confidence_level},
          {"stratified", o.inference.stratified},
          {"permutations", o.inference.permutations},
          {"seed", o.inference.seed},
          {"missing", columns.missing == MissingPolicy::Drop ? "drop" : "error"}};
}

nlohmann::ordered_json to_json(const measure::InequalityRequest& request,
                               const measure::InequalityResult& result) {
  nlohmann::ordered_json out = envelope("measure inequality", request.file, result.rows);
  out["options"] = options_json(request);
  out["results"] = nlohmann::ordered_json::array();
  for (const auto& indicator : result.indicators) out["results"].push_back(to_json(indicator));
  return out;
}

Renderers renderers(const measure::InequalityRequest& request, const measure::InequalityResult& result) {
  return {.json = [&request, &result] { return to_json(request, result); },
          .csv = [&result] { return to_csv(result.indicators); },
          .text = [&result] { return to_text(result.indicators); }};
}

}  // namespace equalis::report

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

namespace {

// The long CSV of `measure inequality`: one row per figure, keyed by (indicator, period, statistic, group).
// `value` is a number (empty when undefined) except on the few rows that name something (an option's
// column, the bootstrap method, the richer group of a Dagum pair); a statistic with a bootstrap interval
// carries it in lower/upper with its standard error and valid replicate count.
class InequalityCsv {
 public:
  InequalityCsv()
      : csv_({"indicator", "period", "statistic", "group", "value", "lower", "upper", "standard_error",
              "valid_replicates"}) {}

  // The rows of one indicator (and period) follow until the next call.
  void start(const IndicatorReport* report) {
    report_ = report;
    emitted_.clear();
  }

  void number(const std::string& statistic, const std::string& group, const std::optional<double>& value) {
    key(statistic, group);
    optional(value);
    const measure::NamedInterval* interval = interval_of(statistic);
    if (interval != nullptr) {
      optional(interval->lower);
      optional(interval->upper);
      optional(interval->standard_error);
      csv_.field(static_cast<double>(interval->valid_replicates));
      emitted_.push_back(statistic);
    } else {
      csv_.empty_field().empty_field().empty_field().empty_field();
    }
    csv_.end_row();
  }
  void count(const std::string& statistic, const std::string& group, std::uint64_t value) {
    word(statistic, group, std::to_string(value));  // exact, even past 2^53 (a seed)
  }
  void flag(const std::string& statistic, bool value) { word(statistic, "", value ? "1" : "0"); }
  void word(const std::string& statistic, const std::string& group, const std::string& value) {
    key(statistic, group);
    csv_.field(value).empty_field().empty_field().empty_field().empty_field();
    csv_.end_row();
  }

  // Every scalar of `value` as a row named `name.<path>`; an array gives one row per element.
  void json_rows(const std::string& name, const nlohmann::ordered_json& value) {
    if (value.is_object()) {
      for (const auto& [field, item] : value.items()) json_rows(name + "." + field, item);
    } else if (value.is_array()) {
      for (const auto& item : value) json_rows(name, item);
    } else if (value.is_string()) {
      word(name, "", value.get<std::string>());
    } else if (value.is_boolean()) {
      flag(name, value.get<bool>());
    } else if (value.is_number_unsigned()) {
      count(name, "", value.get<std::uint64_t>());
    } else {
      number(name, "", value.is_null() ? std::nullopt : std::optional(value.get<double>()));
    }
  }

  // The bootstrap intervals of statistics that have no row of their own (none today; a new statistic
  // must not vanish from the CSV).
  void remaining_intervals() {
    if (report_ == nullptr || !report_->profile.bootstrap) return;
    for (const auto& i : report_->profile.bootstrap->intervals) {
      if (std::find(emitted_.begin(), emitted_.end(), i.statistic) == emitted_.end())
        number(i.statistic, "", i.estimate);
    }
  }

  [[nodiscard]] const std::string& text() const { return csv_.text(); }

 private:
  void key(const std::string& statistic, const std::string& group) {
    csv_.field(report_ != nullptr ? report_->indicator : "")
        .field(report_ != nullptr ? report_->period.value_or("") : "")
        .field(statistic)
        .field(group);
  }
  void optional(const std::optional<double>& value) {
    if (value) {
      csv_.field(*value);
    } else {
      csv_.empty_field();
    }
  }
  const measure::NamedInterval* interval_of(const std::string& statistic) const {
    if (report_ == nullptr || !report_->profile.bootstrap) return nullptr;
    for (const auto& i : report_->profile.bootstrap->intervals) {
      if (i.statistic == statistic) return &i;
    }
    return nullptr;
  }

  io::CsvWriter csv_;
  const IndicatorReport* report_ = nullptr;
  std::vector<std::string> emitted_;
};

void index_rows(InequalityCsv& csv, const measure::IndexValues& idx) {
  csv.count("units", "", idx.units);
  csv.number("total_weight", "", idx.total_weight);
  csv.number("mean", "", idx.mean);
  if (idx.gini) csv.number("gini", "", *idx.gini);
  if (idx.gini_small_sample) csv.number("gini_small_sample", "", *idx.gini_small_sample);
  for (const auto& ge : idx.ge) csv.number(fmt::format("ge({})", ge.parameter), "", ge.value);
  for (const auto& a : idx.atkinson) csv.number(fmt::format("atkinson({})", a.parameter), "", a.value);
  if (idx.cv) {
    csv.number("cv", "", idx.cv->population);
    csv.number("cv_sample", "", idx.cv->sample);
    if (idx.weighted) csv.number("williamson_cv", "", idx.cv->population);
  }
  if (idx.sd_log) csv.number("sd_log", "", *idx.sd_log);
  if (idx.quantile_ratios) {
    csv.number("palma", "", idx.quantile_ratios->palma);
    csv.number("s80_s20", "", idx.quantile_ratios->s80_s20);
    csv.number("max_min", "", idx.quantile_ratios->max_min);
  }
  if (idx.concentration_index) csv.number("concentration_index", "", *idx.concentration_index);
}

void ge_decomposition_rows(InequalityCsv& csv, const measure::GeDecomposition& d) {
  const std::string prefix = fmt::format("ge({})", d.alpha);
  csv.number(prefix + ".between", "", d.between);
  csv.number(prefix + ".within", "", d.within);
  csv.number(prefix + ".between_share", "", d.between_share);
  for (const auto& g : d.groups) {
    const std::string group = prefix + ".group[" + g.name + "].";
    csv.count(group + "units", g.name, g.units);
    csv.number(group + "population_share", g.name, g.population_share);
    csv.number(group + "income_share", g.name, g.income_share);
    csv.number(group + "mean", g.name, g.mean);
    csv.number(group + "index", g.name, g.index);
    csv.number(group + "weight", g.name, g.weight);
    csv.number(group + "contribution", g.name, g.contribution);
  }
}

void dagum_rows(InequalityCsv& csv, const measure::DagumDecomposition& dagum) {
  csv.number("dagum.gini", "", dagum.gini);
  csv.number("dagum.within", "", dagum.within);
  csv.number("dagum.net_between", "", dagum.net_between);
  csv.number("dagum.transvariation", "", dagum.transvariation);
  csv.number("dagum.gross_between", "", dagum.gross_between);
  csv.number("dagum.within_share", "", dagum.within_share);
  csv.number("dagum.net_between_share", "", dagum.net_between_share);
  csv.number("dagum.transvariation_share", "", dagum.transvariation_share);
  for (const auto& g : dagum.groups) {
    const std::string group = "dagum.group[" + g.name + "].";
    csv.count(group + "units", g.name, g.units);
    csv.number(group + "population_share", g.name, g.population_share);
    csv.number(group + "income_share", g.name, g.income_share);
    csv.number(group + "mean", g.name, g.mean);
    csv.number(group + "gini_within", g.name, g.gini_within);
    csv.number(group + "within_contribution", g.name, g.within_contribution);
  }
  for (const auto& p : dagum.pairs) {
    // Pairs are named in order of first appearance (as the bootstrap statistics); which group is richer
    // is a row of its own.
    const std::string& a = dagum.groups[std::min(p.group_a, p.group_b)].name;
    const std::string& b = dagum.groups[std::max(p.group_a, p.group_b)].name;
    const std::string pair = a + "|" + b;
    const std::string name = "dagum.pair[" + pair + "].";
    csv.word(name + "richer_group", pair, dagum.groups[p.group_a].name);
    csv.number(name + "gini_between", pair, p.gini_between);
    csv.number(name + "relative_affluence", pair, p.relative_affluence);
    csv.number(name + "gross_between_contribution", pair, p.gross_between_contribution);
    csv.number(name + "net_between_contribution", pair, p.net_between_contribution);
    csv.number(name + "transvariation_contribution", pair, p.transvariation_contribution);
  }
}

void inference_rows(InequalityCsv& csv, const measure::InequalityProfile& profile) {
  if (const auto& b = profile.bootstrap) {
    csv.word("bootstrap.method", "", "percentile");
    csv.count("bootstrap.replicates", "", b->replicates);
    csv.number("bootstrap.confidence_level", "", b->confidence_level);
    csv.flag("bootstrap.stratified", b->stratified);
    csv.count("bootstrap.seed", "", b->seed);
  }
  // The permutation test of each between share, one-sided upper (the observed share is its own row).
  for (const auto& t : profile.permutation_tests) {
    csv.number(t.statistic + ".permutation_p", "", t.p_value);
    csv.count(t.statistic + ".permutations", "", t.permutations);
    csv.count(t.statistic + ".permutation_seed", "", t.seed);
    csv.word(t.statistic + ".permutation_alternative", "", "greater");
  }
}

}  // namespace

std::string to_csv(const measure::InequalityRequest& request, const measure::InequalityResult& result) {
  InequalityCsv csv;
  // The run first (indicator empty): rows read and every option, an array option one row per value.
  csv.count("input.rows", "", result.rows);
  csv.json_rows("option", options_json(request));
  for (const auto& report : result.indicators) {
    csv.start(&report);
    csv.count("rows_dropped", "", report.rows_dropped);
    index_rows(csv, report.profile.indices);
    for (const auto& d : report.profile.ge_decompositions) ge_decomposition_rows(csv, d);
    if (report.profile.dagum) dagum_rows(csv, *report.profile.dagum);
    inference_rows(csv, report.profile);
    csv.remaining_intervals();
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
          .csv = [&request, &result] { return to_csv(request, result); },
          .text = [&result] { return to_text(result.indicators); }};
}

}  // namespace equalis::report

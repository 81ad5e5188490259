#include "report/convergence_json.hpp"

#include "report/document.hpp"

#include <fmt/format.h>

namespace equalis::report {

using json = nlohmann::ordered_json;

namespace {

json to_json(const measure::TimeTrend& trend) {
  return {{"slope", trend.slope},
          {"intercept", trend.intercept},
          {"slope_se", optional_number(trend.slope_se)},
          {"p_value", optional_number(trend.p_value)},
          {"r_squared", optional_number(trend.r_squared)}};
}

}  // namespace

json to_json(const measure::OlsResult& regression) {
  json coefficients = json::array();
  for (const auto& c : regression.coefficients) {
    coefficients.push_back({{"name", c.name},
                            {"estimate", c.estimate},
                            {"se", c.se},
                            {"t", optional_number(c.t)},
                            {"p_value", optional_number(c.p_value)},
                            {"se_hc1", c.se_hc1},
                            {"t_hc1", optional_number(c.t_hc1)},
                            {"p_value_hc1", optional_number(c.p_value_hc1)}});
  }
  return {{"observations", regression.observations},
          {"parameters", regression.parameters},
          {"r_squared", optional_number(regression.r_squared)},
          {"adjusted_r_squared", optional_number(regression.adjusted_r_squared)},
          {"residual_se", regression.residual_se},
          {"coefficients", coefficients}};
}

json to_json(const measure::BetaConvergence& beta) {
  return {{"beta", beta.beta().estimate},
          {"verdict", measure::to_string(beta.verdict)},
          {"years", beta.years},
          {"speed", optional_number(beta.speed)},
          {"half_life_years", optional_number(beta.half_life_years)},
          {"regression", to_json(beta.regression)}};
}

json to_json(const measure::ConvergenceReport& report, const measure::Panel& panel) {
  json out;
  out["units"] = panel.unit_ids.size();
  out["units_dropped"] = panel.units_dropped;
  out["periods"] = panel.times;
  out["sigma"] = {{"times", report.sigma.times},
                  {"cv", report.sigma.cv},
                  {"sd_log", report.sigma.sd_log},
                  {"gini", report.sigma.gini},
                  {"trend",
                   {{"cv", to_json(report.sigma.cv_trend)},
                    {"sd_log", to_json(report.sigma.sd_log_trend)},
                    {"gini", to_json(report.sigma.gini_trend)}}}};
  if (report.beta_absolute) {
    out["beta"]["from"] = report.from_time;
    out["beta"]["to"] = report.to_time;
    out["beta"]["absolute"] = to_json(*report.beta_absolute);
    out["beta"]["conditional"] = report.beta_conditional ? to_json(*report.beta_conditional) : json(nullptr);
  }
  if (report.density) {
    json periods = json::array();
    for (std::size_t p = 0; p < report.density->periods.size(); ++p) {
      const auto& d = report.density->periods[p];
      periods.push_back({{"time", panel.times[p]},
                         {"mean", d.mean},
                         {"bandwidth", d.bandwidth},
                         {"binned", d.binned},
                         {"density", d.density}});
    }
    out["density"] = {{"grid", report.density->grid}, {"periods", periods}};
  }
  return out;
}

std::string to_text(const measure::ConvergenceReport& report, const measure::Panel& panel) {
  std::string out =
      fmt::format("{} units, {} periods{}\n", panel.unit_ids.size(), panel.times.size(),
                  panel.units_dropped > 0 ? fmt::format(" ({} units dropped)", panel.units_dropped) : "");
  out += "  period        CV    SD(log)     Gini\n";
  for (std::size_t p = 0; p < report.sigma.times.size(); ++p) {
    out += fmt::format("  {:>6g} {:>9.4f} {:>10.4f} {:>8.4f}\n", report.sigma.times[p], report.sigma.cv[p],
                       report.sigma.sd_log[p], report.sigma.gini[p]);
  }
  out += fmt::format("  σ trend: CV {:+.5f}/time unit, SD(log) {:+.5f}, Gini {:+.5f}\n",
                     report.sigma.cv_trend.slope, report.sigma.sd_log_trend.slope,
                     report.sigma.gini_trend.slope);
  const auto beta_line = [&](const char* label, const measure::BetaConvergence& beta) {
    const auto& b = beta.beta();
    out +=
        fmt::format("  β ({}, {:g}→{:g}) = {:.5f} (SE {:.5f}, p {}), {}", label, report.from_time,
                    report.to_time, b.estimate, b.se, b.p_value ? fmt::format("{:.4f}", *b.p_value) : "n/a",
                    measure::to_string(beta.verdict));
    if (beta.speed && beta.half_life_years) {
      out += fmt::format(", speed {:.4f}/yr, half-life {:.1f} yr", *beta.speed, *beta.half_life_years);
    }
    out += "\n";
  };
  if (report.beta_absolute) beta_line("absolute", *report.beta_absolute);
  if (report.beta_conditional) beta_line("conditional", *report.beta_conditional);
  return out;
}

nlohmann::ordered_json to_json(const measure::ConvergenceRequest& request,
                               const measure::ConvergenceResult& result) {
  const auto& spec = request.panel;
  nlohmann::ordered_json out = envelope("measure convergence", request.file, result.rows);
  // Unset columns are written as "" (not null): the layout this document has always had.
  out["options"] = {{"value", spec.value_columns},
                    {"time", spec.times},
                    {"by", spec.time_column.value_or("")},
                    {"id", spec.id_column.value_or("")},
                    {"weight", spec.weight_column.value_or("")},
                    {"group", spec.group_column.value_or("")},
                    {"covariates", spec.covariate_columns},
                    {"bandwidth", request.bandwidth},
                    {"missing", spec.missing == MissingPolicy::Drop ? "drop" : "error"}};
  out["result"] = to_json(result.report, result.panel);
  return out;
}

Renderers renderers(const measure::ConvergenceRequest& request, const measure::ConvergenceResult& result) {
  return {.json = [&request, &result] { return to_json(request, result); },
          .csv = {},
          .text = [&result] { return to_text(result.report, result.panel); }};
}

}  // namespace equalis::report

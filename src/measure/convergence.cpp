#include "measure/convergence.hpp"

#include "core/error.hpp"
#include "measure/inequality.hpp"
#include "measure/statistics.hpp"

#include <Eigen/Dense>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>

namespace equalis::measure {

namespace {

// A pivot of the equilibrated design at or below this fraction of the largest one counts as zero: a column
// whose part orthogonal to the others is ≤ 1e-10 of its norm carries no information of its own.
constexpr double kRankThreshold = 1e-10;

void fill_t_and_p(double estimate, double se, double df, std::optional<double>& t, std::optional<double>& p) {
  if (se > 0.0) {
    t = estimate / se;
    p = student_t_two_sided_p(*t, df);
  }
}

std::string join_names(const std::vector<std::string>& names) {
  std::string joined;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) joined += ", ";
    joined += "'" + names[i] + "'";
  }
  return joined;
}

// Called when the pivoted QR finds rank r < k. With X P = Q [R11 R12; 0 ~0], every column of
// P [−R11⁻¹ R12; I] spans the null space; its non-zero entries are the columns that depend on each other.
[[noreturn]] void throw_collinear(const Eigen::ColPivHouseholderQR<Eigen::MatrixXd>& qr,
                                  const std::vector<std::string>& column_names) {
  const auto k = static_cast<Eigen::Index>(column_names.size());
  const Eigen::Index rank = qr.rank();
  const Eigen::MatrixXd r_full = qr.matrixR().topRows(k).template triangularView<Eigen::Upper>();
  Eigen::MatrixXd null_permuted(k, k - rank);
  null_permuted.topRows(rank) = -r_full.topLeftCorner(rank, rank)
                                     .template triangularView<Eigen::Upper>()
                                     .solve(r_full.topRightCorner(rank, k - rank));
  null_permuted.bottomRows(k - rank).setIdentity();
  const Eigen::MatrixXd null_space = qr.colsPermutation() * null_permuted;
  std::vector<std::string> groups;
  for (Eigen::Index vector_idx = 0; vector_idx < null_space.cols(); ++vector_idx) {
    const double largest = null_space.col(vector_idx).cwiseAbs().maxCoeff();
    std::vector<std::string> involved;
    for (Eigen::Index column_idx = 0; column_idx < k; ++column_idx) {
      if (std::fabs(null_space(column_idx, vector_idx)) > 1e-6 * largest) {
        involved.push_back(column_names[static_cast<std::size_t>(column_idx)]);
      }
    }
    groups.push_back("{" + join_names(involved) + "}");
  }
  std::string message = fmt::format(
      "the regression design is singular (rank {} of {} columns); linearly dependent columns: ", rank, k);
  for (std::size_t i = 0; i < groups.size(); ++i) message += (i > 0 ? " and " : "") + groups[i];
  throw Error(
      ErrorCode::InvalidInput, message,
      "drop one of the named columns (a covariate that is constant, a copy or a combination of others, "
      "or a group whose dummies add up to another column)");
}

}  // namespace

OlsResult ols(std::span<const double> response, std::span<const std::vector<double>> regressors,
              std::span<const std::string> names) {
  const std::size_t n = response.size();
  const std::size_t k = regressors.size() + 1;
  if (!names.empty() && names.size() != regressors.size()) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} regressor names for {} regressors", names.size(), regressors.size()),
                "give one name per regressor, or none");
  }
  std::vector<std::string> column_names{"intercept"};
  for (std::size_t j = 0; j < regressors.size(); ++j) {
    column_names.push_back(names.empty() ? fmt::format("x{}", j + 1) : names[j]);
  }
  if (n <= k) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("too few observations: {} for {} coefficients (need more observations than "
                            "coefficients)",
                            n, k),
                "add units or drop covariates/groups");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(response[i])) {
      throw Error(ErrorCode::InvalidInput, fmt::format("response of observation {} is {}", i, response[i]),
                  "remove or correct non-finite values");
    }
  }
  const auto rows = static_cast<Eigen::Index>(n);
  const auto cols = static_cast<Eigen::Index>(k);
  Eigen::MatrixXd design(rows, cols);
  design.col(0).setOnes();
  for (std::size_t j = 0; j < regressors.size(); ++j) {
    if (regressors[j].size() != n) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("regressor '{}' has {} values but the response has {}", column_names[j + 1],
                              regressors[j].size(), n),
                  "give every column one value per observation");
    }
    for (std::size_t i = 0; i < n; ++i) {
      const double value = regressors[j][i];
      if (!std::isfinite(value)) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("regressor '{}' is {} at observation {}", column_names[j + 1], value, i),
                    "remove or correct non-finite values");
      }
      design(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j + 1)) = value;
    }
  }
  const Eigen::Map<const Eigen::VectorXd> y(response.data(), rows);

  // Equilibrate: unit-norm columns make the rank threshold scale-free (a covariate in millions next to a
  // dummy). An all-zero column keeps scale 1 and is then reported as dependent.
  Eigen::VectorXd scale(cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    const double norm = design.col(j).norm();
    scale(j) = norm > 0.0 ? 1.0 / norm : 1.0;
  }
  const Eigen::MatrixXd scaled = design * scale.asDiagonal();
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(rows, cols);
  qr.setThreshold(kRankThreshold);
  qr.compute(scaled);
  if (qr.rank() < cols) throw_collinear(qr, column_names);

  const Eigen::VectorXd scaled_coefficients = qr.solve(y);
  const Eigen::VectorXd coefficients = scale.cwiseProduct(scaled_coefficients);
  const Eigen::VectorXd residuals = y - design * coefficients;
  const double ssr = residuals.squaredNorm();
  const double df = static_cast<double>(n - k);

  // (X̃'X̃)⁻¹ = P R⁻¹ R⁻ᵀ Pᵀ for the scaled design X̃ = X D; the covariances of b = D b̃ follow by D·…·D.
  const Eigen::MatrixXd r = qr.matrixR().topLeftCorner(cols, cols).template triangularView<Eigen::Upper>();
  const Eigen::MatrixXd r_inverse =
      r.template triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(cols, cols));
  const Eigen::MatrixXd xtx_inverse_permuted = r_inverse * r_inverse.transpose();
  const Eigen::MatrixXd xtx_inverse =
      qr.colsPermutation() * xtx_inverse_permuted * qr.colsPermutation().transpose();
  // HC1 sandwich: n/(n−k) · (X'X)⁻¹ [Σ e_i² x_i x_iᵀ] (X'X)⁻¹. The k×k meat is built from column dot
  // products rather than an n-sized matrix product, which Eigen would hand to OpenMP: this kernel stays
  // serial and cheap (O(n k²)) so callers can run many regressions in their own parallel loops.
  const Eigen::MatrixXd weighted = residuals.cwiseAbs().asDiagonal() * scaled;
  Eigen::MatrixXd meat(cols, cols);
  for (Eigen::Index a = 0; a < cols; ++a) {
    for (Eigen::Index b = 0; b <= a; ++b) {
      meat(a, b) = weighted.col(a).dot(weighted.col(b));
      meat(b, a) = meat(a, b);
    }
  }
  const Eigen::MatrixXd hc0 = xtx_inverse * meat * xtx_inverse;
  const double hc1_factor = static_cast<double>(n) / df;
  const double sigma2 = ssr / df;

  OlsResult result;
  result.observations = n;
  result.parameters = k;
  result.residual_se = std::sqrt(sigma2);
  result.residuals.assign(residuals.data(), residuals.data() + rows);
  const double mean_y = y.mean();
  const double sst = (y.array() - mean_y).matrix().squaredNorm();
  if (sst > 0.0) {
    const double r2 = 1.0 - ssr / sst;
    result.r_squared = r2;
    result.adjusted_r_squared = 1.0 - (1.0 - r2) * static_cast<double>(n - 1) / df;
  }
  for (Eigen::Index j = 0; j < cols; ++j) {
    RegressionCoefficient c;
    c.name = column_names[static_cast<std::size_t>(j)];
    c.estimate = coefficients(j);
    c.se = scale(j) * std::sqrt(std::max(0.0, sigma2 * xtx_inverse(j, j)));
    c.se_hc1 = scale(j) * std::sqrt(std::max(0.0, hc1_factor * hc0(j, j)));
    fill_t_and_p(c.estimate, c.se, df, c.t, c.p_value);
    fill_t_and_p(c.estimate, c.se_hc1, df, c.t_hc1, c.p_value_hc1);
    result.coefficients.push_back(std::move(c));
  }
  return result;
}

TimeTrend time_trend(std::span<const double> times, std::span<const double> series) {
  if (times.size() != series.size()) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{} times but {} values", times.size(), series.size()),
                "give one value per period");
  }
  const std::size_t periods = times.size();
  double mean_t = 0.0;
  double mean_v = 0.0;
  for (std::size_t i = 0; i < periods; ++i) {
    if (!std::isfinite(times[i]) || !std::isfinite(series[i])) {
      throw Error(ErrorCode::InvalidInput, fmt::format("period {} has a non-finite time or value", i),
                  "give finite times and values");
    }
    mean_t += times[i];
    mean_v += series[i];
  }
  if (periods < 2) {
    throw Error(ErrorCode::InvalidInput, "a time trend needs at least two periods",
                "give two or more periods");
  }
  mean_t /= static_cast<double>(periods);
  mean_v /= static_cast<double>(periods);
  double stt = 0.0;
  double stv = 0.0;
  double svv = 0.0;
  for (std::size_t i = 0; i < periods; ++i) {
    stt += (times[i] - mean_t) * (times[i] - mean_t);
    stv += (times[i] - mean_t) * (series[i] - mean_v);
    svv += (series[i] - mean_v) * (series[i] - mean_v);
  }
  if (!(stt > 0.0)) {
    throw Error(ErrorCode::InvalidInput, "all periods have the same time",
                "give distinct times (e.g. years)");
  }
  TimeTrend trend;
  trend.slope = stv / stt;
  trend.intercept = mean_v - trend.slope * mean_t;
  double ssr = 0.0;
  for (std::size_t i = 0; i < periods; ++i) {
    const double e = series[i] - trend.intercept - trend.slope * times[i];
    ssr += e * e;
  }
  if (svv > 0.0) trend.r_squared = std::clamp(1.0 - ssr / svv, 0.0, 1.0);
  if (periods > 2) {
    const double df = static_cast<double>(periods - 2);
    trend.slope_se = std::sqrt(ssr / df / stt);
    if (*trend.slope_se > 0.0) trend.p_value = student_t_two_sided_p(trend.slope / *trend.slope_se, df);
  }
  return trend;
}

SigmaConvergence sigma_convergence(std::span<const std::vector<double>> values_by_period,
                                   std::span<const double> times,
                                   std::span<const std::vector<double>> weights_by_period) {
  const std::size_t periods = values_by_period.size();
  if (times.size() != periods) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} periods of values but {} times", periods, times.size()),
                "give one time label per period");
  }
  if (!weights_by_period.empty() && weights_by_period.size() != 1 && weights_by_period.size() != periods) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} weight vectors for {} periods", weights_by_period.size(), periods),
                "give no weights, one weight vector for all periods, or one per period");
  }
  if (periods == 0) throw Error(ErrorCode::InvalidInput, "no periods given", "give at least two periods");
  const std::size_t units = values_by_period[0].size();
  const std::vector<double> unit_weights(units, 1.0);
  SigmaConvergence result;
  result.times.assign(times.begin(), times.end());
  for (std::size_t period_idx = 0; period_idx < periods; ++period_idx) {
    const std::vector<double>& values = values_by_period[period_idx];
    if (values.size() != units) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("period {} has {} units but period 0 has {}", period_idx, values.size(), units),
                  "give every unit a value in every period (a balanced panel)");
    }
    const std::vector<double>& weights =
        weights_by_period.empty() ? unit_weights
                                  : weights_by_period[weights_by_period.size() == 1 ? 0 : period_idx];
    if (weights.size() != units) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("period {} has {} weights for {} units", period_idx, weights.size(), units),
                  "give one weight per unit");
    }
    for (std::size_t unit_idx = 0; unit_idx < units; ++unit_idx) {
      if (!(weights[unit_idx] >= 0.0) || !std::isfinite(weights[unit_idx])) {
        throw Error(
            ErrorCode::InvalidInput,
            fmt::format("weight of unit {} in period {} is {}", unit_idx, period_idx, weights[unit_idx]),
            "weights must be finite and non-negative");
      }
      if (weights[unit_idx] > 0.0 && !(values[unit_idx] > 0.0 && std::isfinite(values[unit_idx]))) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("value of unit {} in period {} is {}, but σ-convergence takes logs and needs "
                                "positive values",
                                unit_idx, period_idx, values[unit_idx]),
                    "correct or drop the unit");
      }
    }
    result.cv.push_back(coefficient_of_variation(values, weights).population);
    result.sd_log.push_back(sd_of_log(values, weights));
    result.gini.push_back(gini(values, weights));
  }
  result.cv_trend = time_trend(times, result.cv);
  result.sd_log_trend = time_trend(times, result.sd_log);
  result.gini_trend = time_trend(times, result.gini);
  return result;
}

const char* to_string(ConvergenceVerdict verdict) {
  switch (verdict) {
    case ConvergenceVerdict::Converging:
      return "converging";
    case ConvergenceVerdict::NotConverging:
      return "no convergence";
    case ConvergenceVerdict::Overshooting:
      return "overshooting (leapfrogging)";
  }
  return "unknown";
}

BetaConvergence beta_convergence(std::span<const double> initial, std::span<const double> final_values,
                                 double years, const BetaConditioning& conditioning) {
  const std::size_t n = initial.size();
  if (final_values.size() != n) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} initial values but {} final values", n, final_values.size()),
                "give both periods for every unit");
  }
  if (!(years > 0.0) || !std::isfinite(years)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("the time span is {} years but must be positive", years),
                "give the number of years between the initial and final period");
  }
  BetaConvergence result;
  result.years = years;
  result.growth_rates.resize(n);
  std::vector<double> log_initial(n);
  for (std::size_t unit_idx = 0; unit_idx < n; ++unit_idx) {
    for (const auto& [value, which] :
         {std::pair{initial[unit_idx], "initial"}, std::pair{final_values[unit_idx], "final"}}) {
      if (!(value > 0.0) || !std::isfinite(value)) {
        throw Error(
            ErrorCode::InvalidInput,
            fmt::format("unit {} has {} value {}, but β-convergence takes logs and needs positive values",
                        unit_idx, which, value),
            "correct or drop the unit");
      }
    }
    log_initial[unit_idx] = std::log(initial[unit_idx]);
    result.growth_rates[unit_idx] = std::log(final_values[unit_idx] / initial[unit_idx]) / years;
  }

  std::vector<std::vector<double>> columns{log_initial};
  std::vector<std::string> names{"ln_initial"};
  if (!conditioning.groups.empty()) {
    if (conditioning.groups.size() != n) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("{} group ids for {} units", conditioning.groups.size(), n),
                  "give one group id per unit");
    }
    std::set<std::uint32_t> present;
    for (std::size_t unit_idx = 0; unit_idx < n; ++unit_idx) {
      const std::uint32_t group = conditioning.groups[unit_idx];
      if (!conditioning.group_names.empty() && group >= conditioning.group_names.size()) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("unit {} has group id {} but only {} group names are given", unit_idx, group,
                                conditioning.group_names.size()),
                    "give a name for every group id");
      }
      present.insert(group);
    }
    if (present.count(conditioning.reference_group) == 0) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("the reference group {} has no units", conditioning.reference_group),
                  "choose a reference group that occurs in the data");
    }
    for (const std::uint32_t group : present) {
      if (group == conditioning.reference_group) continue;
      std::vector<double> dummy(n, 0.0);
      for (std::size_t unit_idx = 0; unit_idx < n; ++unit_idx) {
        if (conditioning.groups[unit_idx] == group) dummy[unit_idx] = 1.0;
      }
      columns.push_back(std::move(dummy));
      names.push_back(conditioning.group_names.empty() ? fmt::format("group:{}", group)
                                                       : "group:" + conditioning.group_names[group]);
    }
  }
  if (!conditioning.covariate_names.empty() &&
      conditioning.covariate_names.size() != conditioning.covariates.size()) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} covariate names for {} covariates", conditioning.covariate_names.size(),
                            conditioning.covariates.size()),
                "give one name per covariate, or none");
  }
  for (std::size_t j = 0; j < conditioning.covariates.size(); ++j) {
    columns.push_back(conditioning.covariates[j]);
    names.push_back(conditioning.covariate_names.empty() ? fmt::format("covariate{}", j + 1)
                                                         : conditioning.covariate_names[j]);
  }

  if (n <= columns.size() + 1) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("too few units: {} units for {} coefficients (intercept, β, {} dummies/covariates)", n,
                    columns.size() + 1, columns.size() - 1),
        "use more units than coefficients: drop covariates or merge groups");
  }
  result.regression = ols(result.growth_rates, columns, names);
  const double beta = result.regression.coefficients[result.beta_index].estimate;
  const double one_plus_beta_t = 1.0 + beta * years;
  if (beta >= 0.0) {
    result.verdict = ConvergenceVerdict::NotConverging;
  } else if (one_plus_beta_t <= 0.0) {
    result.verdict = ConvergenceVerdict::Overshooting;
  } else {
    result.verdict = ConvergenceVerdict::Converging;
    result.speed = -std::log1p(beta * years) / years;
    result.half_life_years = std::numbers::ln2 / *result.speed;
  }
  return result;
}

}  // namespace equalis::measure

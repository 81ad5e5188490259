#pragma once
// Convergence of a regional panel (units × periods): does dispersion fall over time (σ-convergence), and do
// units that start poorer grow faster (β-convergence)? Kernels take one vector per period, units in the same
// order in every period, and return plain result structs. Values must be positive (logs are taken).
// Nothing undefined is returned as NaN: such quantities are std::nullopt, with the reason in the docs.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace equalis::measure {

// ---------------------------------------------------------------------------------------------------------
// Ordinary least squares with classical and heteroskedasticity-robust standard errors.

struct RegressionCoefficient {
  std::string name;
  double estimate = 0.0;
  double se = 0.0;      // classical: √(s² [(X'X)⁻¹]_jj), s² = SSR/(n−k)
  double se_hc1 = 0.0;  // White (1980) sandwich with the n/(n−k) factor: HC1 (MacKinnon & White 1985)
  // estimate / se and its two-sided p-value from Student t with n−k df; nullopt when the SE is 0 (exact fit).
  std::optional<double> t;
  std::optional<double> p_value;
  std::optional<double> t_hc1;
  std::optional<double> p_value_hc1;
};

struct OlsResult {
  std::vector<RegressionCoefficient> coefficients;  // [0] is "intercept", then the regressors in order
  std::size_t observations = 0;                     // n
  std::size_t parameters = 0;                       // k, intercept included
  std::optional<double> r_squared;                  // 1 − SSR/SST; nullopt when SST = 0 (constant response)
  std::optional<double> adjusted_r_squared;         // 1 − (1 − R²)(n−1)/(n−k)
  double residual_se = 0.0;                         // s = √(SSR/(n−k))
  std::vector<double> residuals;                    // y − Xb, in input order
};

// OLS of `response` on an intercept plus `regressors` (one vector per column, each of length n), solved by a
// column-pivoting Householder QR of the column-equilibrated design (never the normal equations).
// `names` may be empty (columns are then called "x1", "x2", …) or give one name per regressor.
// Throws InvalidInput on a length mismatch, a non-finite value, n ≤ k (too few observations), or a design
// whose columns are linearly dependent (relative pivot ≤ 1e-10); that message names the dependent columns.
OlsResult ols(std::span<const double> response, std::span<const std::vector<double>> regressors,
              std::span<const std::string> names = {});

// ---------------------------------------------------------------------------------------------------------
// σ-convergence: dispersion per period and its linear trend.

struct TimeTrend {
  double slope = 0.0;  // change of the index per unit of time (per year when times are years)
  double intercept = 0.0;
  std::optional<double> slope_se;  // classical OLS SE; nullopt with only two periods (no residual df)
  std::optional<double> p_value;  // two-sided, Student t with T−2 df; nullopt when slope_se is nullopt or 0
  std::optional<double> r_squared;  // nullopt when the series is constant
};

// OLS line series = intercept + slope·time. Throws InvalidInput unless there are ≥ 2 periods with distinct,
// finite times and finite values of matching length.
TimeTrend time_trend(std::span<const double> times, std::span<const double> series);

struct SigmaConvergence {
  std::vector<double> times;
  std::vector<double> cv;      // population coefficient of variation SD/μ (Williamson 1965 when weighted)
  std::vector<double> sd_log;  // population SD of ln y
  std::vector<double> gini;    // Gini (mean absolute difference / 2μ)
  TimeTrend cv_trend;          // a negative slope means dispersion falls: σ-convergence
  TimeTrend sd_log_trend;
  TimeTrend gini_trend;
};

// σ-convergence (Barro & Sala-i-Martin 1992; Sala-i-Martin 1996, Economic Journal 106:1019).
// `values_by_period[t][i]` is unit i in period t (> 0, finite); `times[t]` labels the period (e.g. the year).
// `weights_by_period` (population weights ≥ 0) is empty (unweighted), holds one vector used for every period,
// or one vector per period. Throws InvalidInput naming the period and unit of a bad value, on ragged input,
// or on fewer than two distinct times.
SigmaConvergence sigma_convergence(std::span<const std::vector<double>> values_by_period,
                                   std::span<const double> times,
                                   std::span<const std::vector<double>> weights_by_period = {});

// ---------------------------------------------------------------------------------------------------------
// β-convergence (Barro & Sala-i-Martin 1992, J. Political Economy 100:223):
//   g_i = ln(y_i,T / y_i,0) / T = a + β ln y_i,0 [+ group dummies + covariates] + ε_i.
// β < 0 means poorer units grow faster. Since β = −(1 − e^{−λT})/T, the speed of convergence is
// λ = −ln(1 + βT)/T per year and the half-life ln 2 / λ years.

enum class ConvergenceVerdict : std::uint8_t {
  Converging,     // β < 0 and 1 + βT > 0: speed and half-life are defined
  NotConverging,  // β ≥ 0: no convergence (speed and half-life are nullopt)
  Overshooting,   // β < 0 but 1 + βT ≤ 0: the ranking reverses (leapfrogging); λ is undefined (nullopt)
};

// "converging", "no convergence" or "overshooting (leapfrogging)".
const char* to_string(ConvergenceVerdict verdict);

// Conditioning variables for conditional β-convergence; all members may be empty (absolute convergence).
// The struct only views the caller's data: keep it alive during the call.
struct BetaConditioning {
  std::span<const std::uint32_t> groups;  // group id per unit; one dummy per present group but the reference
  std::span<const std::string> group_names;         // optional labels: dummies are named "group:<label>"
  std::uint32_t reference_group = 0;                // the dropped level; must have at least one unit
  std::span<const std::vector<double>> covariates;  // extra columns, each of length n
  std::span<const std::string> covariate_names;     // optional, one per covariate
};

struct BetaConvergence {
  OlsResult regression;        // coefficients: intercept, "ln_initial" (β), dummies, covariates
  std::size_t beta_index = 1;  // position of β in regression.coefficients
  double years = 0.0;          // T
  ConvergenceVerdict verdict = ConvergenceVerdict::NotConverging;
  std::optional<double> speed;            // λ per year
  std::optional<double> half_life_years;  // ln 2 / λ
  std::vector<double> growth_rates;       // g_i, per year, in input order

  [[nodiscard]] const RegressionCoefficient& beta() const { return regression.coefficients[beta_index]; }
};

// `initial` and `final_values` are y_i,0 and y_i,T (> 0, finite, same length n); `years` = T > 0.
// Throws InvalidInput naming the unit of a non-positive value, on n ≤ k (too few units for the coefficients),
// on a group id without a label, a reference group with no units, or collinear columns (named).
BetaConvergence beta_convergence(std::span<const double> initial, std::span<const double> final_values,
                                 double years, const BetaConditioning& conditioning = {});

}  // namespace equalis::measure

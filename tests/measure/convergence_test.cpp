#include "measure/convergence.hpp"

#include "test_support.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace equalis::measure {
namespace {

using ::testing::HasSubstr;

// Expected values below come from hand calculation (noted inline) or from /tmp scratch python3 scripts that
// solve the normal equations in exact rational arithmetic (fractions.Fraction) on the same float inputs and
// take p-values from mpmath.betainc; they are never copied from this code's output.

using test_support::error_of;

std::vector<double> column(const CsvTable& table, const std::string& name) {
  return read_numeric_column(table, name).values;
}

// x = 0,1,2,3; y = 1,3,2,5. x̄ = 1.5, ȳ = 2.75, Sxx = 5, Sxy = 5.5 → slope 1.1, intercept 1.1.
// Residuals −0.1, 0.8, −1.3, 0.6: SSR = 2.7, s² = 1.35, SST = 8.75.
// SE(slope) = √(1.35/5) = √0.27; SE(intercept) = √(1.35·(1/4 + 1.5²/5)) = √0.945.
// HC1 slope: Σ(x−x̄)²e² / Sxx² · n/(n−k) = (1.415/25)·2 = 0.1132.
// HC1 intercept: a_i = 1/4 − 0.3(x_i − 1.5) = 0.7, 0.4, 0.1, −0.2; Σa²e² = 0.1386, ·2 = 0.2772.
TEST(ConvergenceOls, HandWorkedFourPoints) {
  const std::vector<double> y{1, 3, 2, 5};
  const std::vector<std::vector<double>> x{{0, 1, 2, 3}};
  const OlsResult fit = ols(y, x);
  ASSERT_EQ(fit.coefficients.size(), 2u);
  EXPECT_EQ(fit.observations, 4u);
  EXPECT_EQ(fit.parameters, 2u);
  EXPECT_EQ(fit.coefficients[0].name, "intercept");
  EXPECT_EQ(fit.coefficients[1].name, "x1");
  const RegressionCoefficient& intercept = fit.coefficients[0];
  const RegressionCoefficient& slope = fit.coefficients[1];
  EXPECT_NEAR(slope.estimate, 1.1, 1e-14);
  EXPECT_NEAR(intercept.estimate, 1.1, 1e-14);
  EXPECT_NEAR(slope.se, std::sqrt(0.27), 1e-14);
  EXPECT_NEAR(intercept.se, std::sqrt(0.945), 1e-14);
  EXPECT_NEAR(slope.se_hc1, std::sqrt(0.1132), 1e-14);
  EXPECT_NEAR(intercept.se_hc1, std::sqrt(0.2772), 1e-14);
  ASSERT_TRUE(fit.r_squared && fit.adjusted_r_squared);
  EXPECT_NEAR(*fit.r_squared, 1.0 - 2.7 / 8.75, 1e-14);
  EXPECT_NEAR(*fit.adjusted_r_squared, 1.0 - (2.7 / 8.75) * 3.0 / 2.0, 1e-14);
  EXPECT_NEAR(fit.residual_se, std::sqrt(1.35), 1e-14);
  const std::vector<double> expected_residuals{-0.1, 0.8, -1.3, 0.6};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(fit.residuals[i], expected_residuals[i], 1e-14);
  // Student t with 2 df has the closed form P(|T| ≥ t) = 1 − t/√(2 + t²).
  ASSERT_TRUE(slope.t && slope.p_value && slope.t_hc1 && slope.p_value_hc1);
  const double t = 1.1 / std::sqrt(0.27);
  EXPECT_NEAR(*slope.t, t, 1e-13);
  EXPECT_NEAR(*slope.p_value, 1.0 - t / std::sqrt(2.0 + t * t), 1e-13);
  const double t_hc1 = 1.1 / std::sqrt(0.1132);
  EXPECT_NEAR(*slope.t_hc1, t_hc1, 1e-13);
  EXPECT_NEAR(*slope.p_value_hc1, 1.0 - t_hc1 / std::sqrt(2.0 + t_hc1 * t_hc1), 1e-13);
}

// Three regressors and two dummies on 8 rational points; reference: exact Fraction normal equations.
TEST(ConvergenceOls, ConditionalDesignMatchesExactRationalSolution) {
  const std::vector<double> y{2, 1, 4, 3, 9, 6, 8, 5};
  const std::vector<std::vector<double>> x{{1, 2, 3, 4, 5, 6, 7, 9},  // x
                                           {0, 0, 1, 1, 0, 0, 0, 0},  // d1
                                           {0, 0, 0, 0, 1, 1, 1, 0},  // d2
                                           {3, -1, 2, 0, 5, 1, 4, 2}};
  const std::vector<std::string> names{"x", "d1", "d2", "z"};
  const OlsResult fit = ols(y, x, names);
  struct Expected {
    double b, se, hc1, p, p_hc1;
  };
  const std::vector<Expected> expected{{0.41432225063938621, 0.5930446978888021, 0.67182093042269597,
                                        0.53506841123235793, 0.58106434734923507},
                                       {0.36828644501278773, 0.10377946724509329, 0.085225419444739242,
                                        0.038124933317702211, 0.02283740378520132},
                                       {1.2122762148337596, 0.60666545405816297, 0.42895193257947423,
                                        0.1395609342038481, 0.066401059165349649},
                                       {3.0946291560102304, 0.64752927668259663, 0.5264291476067785,
                                        0.017413273008566158, 0.0098214499370376084},
                                       {0.5843989769820972, 0.15020541138454138, 0.16835403609287489,
                                        0.030107964794578824, 0.040309820877099556}};
  ASSERT_EQ(fit.coefficients.size(), expected.size());
  for (std::size_t j = 0; j < expected.size(); ++j) {
    const RegressionCoefficient& c = fit.coefficients[j];
    EXPECT_NEAR(c.estimate, expected[j].b, 1e-12) << c.name;
    EXPECT_NEAR(c.se, expected[j].se, 1e-12) << c.name;
    EXPECT_NEAR(c.se_hc1, expected[j].hc1, 1e-12) << c.name;
    EXPECT_NEAR(*c.p_value, expected[j].p, 1e-12) << c.name;
    EXPECT_NEAR(*c.p_value_hc1, expected[j].p_hc1, 1e-12) << c.name;
  }
  EXPECT_EQ(fit.coefficients[4].name, "z");
  EXPECT_NEAR(*fit.r_squared, 0.97645215548028852, 1e-13);
  EXPECT_NEAR(*fit.adjusted_r_squared, 0.94505502945400643, 1e-13);
  EXPECT_NEAR(fit.residual_se, 0.66002660826262394, 1e-13);
}

TEST(ConvergenceOls, ExactFitHasNoTStatistic) {
  const std::vector<double> y{1, 3, 5, 7};
  const std::vector<std::vector<double>> x{{0, 1, 2, 3}};
  const OlsResult fit = ols(y, x);
  EXPECT_NEAR(fit.coefficients[1].estimate, 2.0, 1e-14);
  EXPECT_NEAR(fit.coefficients[1].se, 0.0, 1e-14);
  ASSERT_TRUE(fit.r_squared);
  EXPECT_NEAR(*fit.r_squared, 1.0, 1e-14);
  const std::vector<double> flat{2, 2, 2, 2};
  const OlsResult constant = ols(flat, std::vector<std::vector<double>>{{0, 1, 2, 5}});
  EXPECT_FALSE(constant.r_squared.has_value());  // SST = 0: R² undefined, not NaN
  EXPECT_FALSE(constant.adjusted_r_squared.has_value());
  EXPECT_FALSE(constant.coefficients[1].t.has_value());
  EXPECT_FALSE(constant.coefficients[1].p_value.has_value());
}

TEST(ConvergenceOls, CollinearColumnsAreNamed) {
  const std::vector<double> y{1, 3, 2, 5, 4, 6};
  const std::vector<double> a{1, 2, 3, 4, 5, 7};
  std::vector<double> b(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) b[i] = 2.0 * a[i] + 1.0;  // b = 2a + 1·intercept
  const std::vector<double> c{0, 1, 0, 1, 1, 0};
  const std::vector<std::vector<double>> x{a, c, b};
  const std::vector<std::string> names{"alpha", "gamma", "beta2a1"};
  const Error error = error_of([&] { (void)ols(y, x, names); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(error.message(), HasSubstr("'intercept'"));
  EXPECT_THAT(error.message(), HasSubstr("'alpha'"));
  EXPECT_THAT(error.message(), HasSubstr("'beta2a1'"));
  EXPECT_THAT(error.message(), ::testing::Not(HasSubstr("'gamma'")));

  // A constant covariate is collinear with the intercept, even at a very different scale.
  const std::vector<std::vector<double>> with_constant{a, std::vector<double>(6, 3e7)};
  const Error constant = error_of([&] { (void)ols(y, with_constant); });
  EXPECT_EQ(constant.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(constant.message(), HasSubstr("{'intercept', 'x2'}"));
}

TEST(ConvergenceOls, TooFewObservations) {
  const std::vector<double> y{1, 2};
  const Error error = error_of([&] { (void)ols(y, std::vector<std::vector<double>>{{0, 1}}); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(error.message(), HasSubstr("too few"));
}

TEST(ConvergenceOls, BadInputs) {
  const std::vector<double> y{1, 2, NAN, 4};
  EXPECT_EQ(error_of([&] {
              (void)ols(y, std::vector<std::vector<double>>{{0, 1, 2, 3}});
            }).code(),
            ErrorCode::InvalidInput);
  const std::vector<double> ok{1, 2, 3, 5};
  EXPECT_EQ(error_of([&] {
              (void)ols(ok, std::vector<std::vector<double>>{{0, 1, 2}});
            }).code(),
            ErrorCode::InvalidInput);
}

RC_GTEST_PROP(ConvergenceOls, ResidualsAreOrthogonalToRegressors, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(4, 30);
  std::vector<double> y(n);
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = static_cast<double>(*rc::gen::inRange(-1000, 1000)) / 10.0;
    x[i] = static_cast<double>(i) + static_cast<double>(*rc::gen::inRange(0, 100)) / 200.0;
  }
  const OlsResult fit = ols(y, std::vector<std::vector<double>>{x});
  double sum_e = 0.0;
  double sum_xe = 0.0;
  double scale = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sum_e += fit.residuals[i];
    sum_xe += x[i] * fit.residuals[i];
    scale += std::fabs(x[i] * y[i]) + std::fabs(y[i]);
  }
  RC_ASSERT(std::fabs(sum_e) <= 1e-10 * (1.0 + scale));
  RC_ASSERT(std::fabs(sum_xe) <= 1e-10 * (1.0 + scale));
  RC_ASSERT(fit.coefficients[1].se >= 0.0 && fit.coefficients[1].se_hc1 >= 0.0);
}

// β-convergence built from the four hand points with g = −y/100: slope −0.011, intercept −0.011, every SE
// scaled by 1/100. T = 10: 1 + βT = 0.89, λ = −ln 0.89 / 10, half-life ln 2 / λ.
TEST(ConvergenceBeta, HandWorkedSpeedAndHalfLife) {
  const std::vector<double> x{0, 1, 2, 3};
  const std::vector<double> y{1, 3, 2, 5};
  const double years = 10.0;
  std::vector<double> initial(4);
  std::vector<double> final_values(4);
  for (std::size_t i = 0; i < 4; ++i) {
    initial[i] = std::exp(x[i]);
    final_values[i] = std::exp(x[i] - years * y[i] / 100.0);
  }
  const BetaConvergence result = beta_convergence(initial, final_values, years);
  EXPECT_EQ(result.beta().name, "ln_initial");
  EXPECT_NEAR(result.beta().estimate, -0.011, 1e-14);
  EXPECT_NEAR(result.regression.coefficients[0].estimate, -0.011, 1e-14);
  EXPECT_NEAR(result.beta().se, std::sqrt(0.27) / 100.0, 1e-14);
  EXPECT_NEAR(result.beta().se_hc1, std::sqrt(0.1132) / 100.0, 1e-14);
  EXPECT_NEAR(*result.regression.r_squared, 1.0 - 2.7 / 8.75, 1e-12);
  EXPECT_NEAR(result.growth_rates[3], -0.05, 1e-15);
  EXPECT_EQ(result.verdict, ConvergenceVerdict::Converging);
  ASSERT_TRUE(result.speed && result.half_life_years);
  EXPECT_NEAR(*result.speed, -std::log(0.89) / 10.0, 1e-13);
  EXPECT_NEAR(*result.half_life_years, std::numbers::ln2 * 10.0 / -std::log(0.89), 1e-9);
  EXPECT_STREQ(to_string(result.verdict), "converging");

  // Over T = 100 years the same β means 1 + βT = −0.1: leapfrogging, no speed.
  for (std::size_t i = 0; i < 4; ++i) final_values[i] = std::exp(x[i] - 100.0 * y[i] / 100.0);
  const BetaConvergence overshoot = beta_convergence(initial, final_values, 100.0);
  EXPECT_NEAR(overshoot.beta().estimate, -0.011, 1e-14);
  EXPECT_EQ(overshoot.verdict, ConvergenceVerdict::Overshooting);
  EXPECT_FALSE(overshoot.speed.has_value());
  EXPECT_FALSE(overshoot.half_life_years.has_value());

  // Richer units growing faster: β = +0.011 > 0, "no convergence".
  for (std::size_t i = 0; i < 4; ++i) final_values[i] = std::exp(x[i] + years * y[i] / 100.0);
  const BetaConvergence diverge = beta_convergence(initial, final_values, years);
  EXPECT_NEAR(diverge.beta().estimate, 0.011, 1e-14);
  EXPECT_EQ(diverge.verdict, ConvergenceVerdict::NotConverging);
  EXPECT_FALSE(diverge.speed.has_value());
  EXPECT_STREQ(to_string(diverge.verdict), "no convergence");
}

TEST(ConvergenceBeta, MexicoAbsolute1940To2000) {
  const CsvTable table = CsvTable::read_file(EQUALIS_TEST_DATA_DIR "/mexico/mexico.csv");
  const std::vector<double> y1940 = column(table, "pcgdp1940");
  const std::vector<double> y2000 = column(table, "pcgdp2000");
  ASSERT_EQ(y1940.size(), 32u);
  const BetaConvergence result = beta_convergence(y1940, y2000, 60.0);
  EXPECT_EQ(result.regression.observations, 32u);
  EXPECT_EQ(result.regression.parameters, 2u);
  EXPECT_NEAR(result.beta().estimate, -0.0072548026778385157, 1e-15);
  EXPECT_NEAR(result.beta().se, 0.0013963930068126697, 1e-15);
  EXPECT_NEAR(result.beta().se_hc1, 0.0013657633931159151, 1e-15);
  EXPECT_NEAR(*result.beta().t, -5.1953874320796922, 1e-10);
  EXPECT_NEAR(*result.beta().p_value, 1.341637975184816e-05, 1e-15);
  EXPECT_NEAR(*result.beta().p_value_hc1, 9.6545334776166534e-06, 1e-15);
  EXPECT_NEAR(result.regression.coefficients[0].estimate, 0.082289274735969267, 1e-14);
  EXPECT_NEAR(result.regression.coefficients[0].se, 0.012155924366011263, 1e-14);
  EXPECT_NEAR(*result.regression.r_squared, 0.4736107983434904, 1e-12);
  EXPECT_NEAR(*result.regression.adjusted_r_squared, 0.45606449162160678, 1e-12);
  EXPECT_NEAR(result.regression.residual_se, 0.004898146952279506, 1e-15);
  EXPECT_EQ(result.verdict, ConvergenceVerdict::Converging);
  EXPECT_NEAR(*result.speed, 0.0095239949470845488, 1e-13);
  EXPECT_NEAR(*result.half_life_years, 72.779036991418081, 1e-9);
}

TEST(ConvergenceBeta, MexicoConditionalOnInegiRegions) {
  const CsvTable table = CsvTable::read_file(EQUALIS_TEST_DATA_DIR "/mexico/mexico.csv");
  const std::vector<double> y1940 = column(table, "pcgdp1940");
  const std::vector<double> y2000 = column(table, "pcgdp2000");
  const std::vector<double> region = column(table, "inegi");  // 1..5
  std::vector<std::uint32_t> groups;
  for (const double r : region) groups.push_back(static_cast<std::uint32_t>(r));
  const std::vector<std::string> labels{"none", "r1", "r2", "r3", "r4", "r5"};
  BetaConditioning conditioning;
  conditioning.groups = groups;
  conditioning.group_names = labels;
  conditioning.reference_group = 1;
  const BetaConvergence result = beta_convergence(y1940, y2000, 60.0, conditioning);
  ASSERT_EQ(result.regression.coefficients.size(), 6u);
  EXPECT_EQ(result.regression.coefficients[2].name, "group:r2");
  EXPECT_EQ(result.regression.coefficients[5].name, "group:r5");
  EXPECT_NEAR(result.beta().estimate, -0.0076285880226510741, 1e-15);
  EXPECT_NEAR(result.beta().se, 0.0016146606980079492, 1e-15);
  EXPECT_NEAR(result.beta().se_hc1, 0.0013035767719698488, 1e-15);
  EXPECT_NEAR(*result.beta().p_value, 6.9536695045521428e-05, 1e-14);
  EXPECT_NEAR(result.regression.coefficients[2].estimate, 0.0051883041029776207, 1e-14);
  EXPECT_NEAR(result.regression.coefficients[2].se_hc1, 0.0026431711301857647, 1e-14);
  EXPECT_NEAR(*result.regression.coefficients[2].p_value, 0.15440060820606608, 1e-12);
  EXPECT_NEAR(result.regression.coefficients[4].estimate, -0.00032391796917589347, 1e-14);
  EXPECT_NEAR(*result.regression.r_squared, 0.52564236908758188, 1e-12);
  EXPECT_NEAR(*result.regression.adjusted_r_squared, 0.43441974775827075, 1e-12);
  EXPECT_NEAR(*result.speed, 0.010199401738740867, 1e-13);
  EXPECT_NEAR(*result.half_life_years, 67.959591975589291, 1e-9);
}

TEST(ConvergenceBeta, UsIncome1929To2009) {
  const CsvTable table = CsvTable::read_file(EQUALIS_TEST_DATA_DIR "/us_income/usjoin.csv");
  const std::vector<double> y1929 = column(table, "1929");
  const std::vector<double> y2009 = column(table, "2009");
  ASSERT_EQ(y1929.size(), 48u);
  const BetaConvergence result = beta_convergence(y1929, y2009, 80.0);
  EXPECT_NEAR(result.beta().estimate, -0.0091532169839369272, 1e-15);
  EXPECT_NEAR(result.beta().se, 0.00048794652434726971, 1e-16);
  EXPECT_NEAR(result.beta().se_hc1, 0.00044586888787489132, 1e-16);
  EXPECT_NEAR(*result.beta().t, -18.758647776375216, 1e-9);
  EXPECT_NEAR(*result.beta().p_value / 3.4886978284910138e-23, 1.0, 1e-8);
  EXPECT_NEAR(result.regression.coefficients[0].estimate, 0.11015496712850197, 1e-14);
  EXPECT_NEAR(*result.regression.r_squared, 0.8843892475858337, 1e-12);
  EXPECT_NEAR(*result.regression.adjusted_r_squared, 0.88187597035943877, 1e-12);
  EXPECT_NEAR(*result.speed, 0.016471613169514981, 1e-13);
  EXPECT_NEAR(*result.half_life_years, 42.081317320078583, 1e-9);
}

TEST(ConvergenceBeta, NonPositiveValueNamesTheUnit) {
  const std::vector<double> initial{1, 2, 0, 4};
  const std::vector<double> final_values{2, 3, 4, 5};
  const Error error = error_of([&] { (void)beta_convergence(initial, final_values, 10.0); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(error.message(), HasSubstr("unit 2"));
  const std::vector<double> negative_final{2, -3, 4, 5};
  const std::vector<double> ok_initial{1, 2, 3, 4};
  const Error final_error = error_of([&] { (void)beta_convergence(ok_initial, negative_final, 10.0); });
  EXPECT_EQ(final_error.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(final_error.message(), HasSubstr("unit 1 has final value"));
}

TEST(ConvergenceBeta, TooFewUnitsForTheCoefficients) {
  const std::vector<double> initial{1, 2, 3};
  const std::vector<double> final_values{2, 3, 5};
  const std::vector<std::uint32_t> groups{0, 1, 2};  // k = 4 > n = 3
  BetaConditioning conditioning;
  conditioning.groups = groups;
  const Error error = error_of([&] { (void)beta_convergence(initial, final_values, 10.0, conditioning); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(error.message(), HasSubstr("too few"));
  const std::vector<double> two{1, 2};
  EXPECT_EQ(error_of([&] { (void)beta_convergence(two, two, 10.0); }).code(), ErrorCode::InvalidInput);
}

TEST(ConvergenceBeta, CollinearCovariateIsNamed) {
  const std::vector<double> initial{1, 2, 3, 4, 6, 9};
  const std::vector<double> final_values{2, 3, 5, 5, 7, 9};
  std::vector<double> log_copy;
  for (const double v : initial) log_copy.push_back(3.0 * std::log(v));
  const std::vector<std::vector<double>> covariates{{5, 1, 4, 2, 2, 8}, log_copy};
  const std::vector<std::string> names{"schools", "ln_y0_times_3"};
  BetaConditioning conditioning;
  conditioning.covariates = covariates;
  conditioning.covariate_names = names;
  const Error error = error_of([&] { (void)beta_convergence(initial, final_values, 10.0, conditioning); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(error.message(), HasSubstr("{'ln_initial', 'ln_y0_times_3'}"));
  EXPECT_THAT(error.message(), ::testing::Not(HasSubstr("schools")));

  // A covariate equal to a group dummy.
  const std::vector<std::uint32_t> groups{0, 0, 1, 1, 0, 1};
  const std::vector<std::vector<double>> dummy_copy{{0, 0, 1, 1, 0, 1}};
  BetaConditioning with_groups;
  with_groups.groups = groups;
  with_groups.covariates = dummy_copy;
  const Error dummy_error =
      error_of([&] { (void)beta_convergence(initial, final_values, 10.0, with_groups); });
  EXPECT_EQ(dummy_error.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(dummy_error.message(), HasSubstr("{'group:1', 'covariate1'}"));
}

TEST(ConvergenceBeta, GroupErrors) {
  const std::vector<double> initial{1, 2, 3, 4, 6, 9};
  const std::vector<double> final_values{2, 3, 5, 5, 7, 9};
  const std::vector<std::uint32_t> groups{0, 0, 2, 2, 0, 2};
  BetaConditioning missing_reference;
  missing_reference.groups = groups;
  missing_reference.reference_group = 1;
  EXPECT_EQ(error_of([&] { (void)beta_convergence(initial, final_values, 10.0, missing_reference); }).code(),
            ErrorCode::InvalidInput);
  const std::vector<std::string> too_few_names{"a", "b"};
  BetaConditioning unnamed;
  unnamed.groups = groups;
  unnamed.group_names = too_few_names;
  EXPECT_EQ(error_of([&] { (void)beta_convergence(initial, final_values, 10.0, unnamed); }).code(),
            ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)beta_convergence(initial, final_values, 0.0); }).code(),
            ErrorCode::InvalidInput);
  // Absent group 1 gets no (all-zero) dummy, so the design stays regular.
  BetaConditioning gap;
  gap.groups = groups;
  const BetaConvergence fit = beta_convergence(initial, final_values, 10.0, gap);
  ASSERT_EQ(fit.regression.coefficients.size(), 3u);
  EXPECT_EQ(fit.regression.coefficients[2].name, "group:2");
}

RC_GTEST_PROP(ConvergenceBeta, BetaIsInvariantToTheCurrencyUnit, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(4, 25);
  std::vector<double> initial(n);
  std::vector<double> final_values(n);
  for (std::size_t i = 0; i < n; ++i) {
    initial[i] = 100.0 + 37.0 * static_cast<double>(i) + static_cast<double>(*rc::gen::inRange(0, 30));
    final_values[i] = static_cast<double>(*rc::gen::inRange(50, 5000));
  }
  const double factor = static_cast<double>(*rc::gen::inRange(1, 1000)) / 7.0;
  std::vector<double> scaled_initial(n);
  std::vector<double> scaled_final(n);
  for (std::size_t i = 0; i < n; ++i) {
    scaled_initial[i] = initial[i] * factor;
    scaled_final[i] = final_values[i] * factor;
  }
  const BetaConvergence a = beta_convergence(initial, final_values, 20.0);
  const BetaConvergence b = beta_convergence(scaled_initial, scaled_final, 20.0);
  RC_ASSERT(std::fabs(a.beta().estimate - b.beta().estimate) <= 1e-10);
  RC_ASSERT(std::fabs(a.beta().se - b.beta().se) <= 1e-10);
  RC_ASSERT(std::fabs(a.beta().se_hc1 - b.beta().se_hc1) <= 1e-10);
  RC_ASSERT(a.verdict == b.verdict);
}

// σ-convergence of Mexico's state GDP per capita; reference series and trends from a plain python3 script.
TEST(ConvergenceSigma, MexicoDecades) {
  const CsvTable table = CsvTable::read_file(EQUALIS_TEST_DATA_DIR "/mexico/mexico.csv");
  const std::vector<double> years{1940, 1950, 1960, 1970, 1980, 1990, 2000};
  std::vector<std::vector<double>> panel;
  for (const double year : years) panel.push_back(column(table, fmt::format("pcgdp{}", year)));
  const SigmaConvergence result = sigma_convergence(panel, years);
  const std::vector<double> cv{0.70852055278201831, 0.61477447956711861, 0.4846915950117619,
                               0.46460505474723462, 0.4553702237599927,  0.48989023430532153,
                               0.48480744450624896};
  const std::vector<double> sd_log{0.62008204500942832, 0.49591856848792498, 0.43677903410809771,
                                   0.45778042917999423, 0.43186947841817896, 0.43754146933572241,
                                   0.45120934240155308};
  const std::vector<double> gini{0.35372371173452849, 0.29644613439022827, 0.25371832856559051,
                                 0.25513356494927303, 0.24505338049421577, 0.25181825879538217,
                                 0.25811308248827908};
  for (std::size_t t = 0; t < years.size(); ++t) {
    EXPECT_NEAR(result.cv[t], cv[t], 1e-13) << years[t];
    EXPECT_NEAR(result.sd_log[t], sd_log[t], 1e-13) << years[t];
    EXPECT_NEAR(result.gini[t], gini[t], 1e-13) << years[t];
  }
  EXPECT_NEAR(result.cv_trend.slope, -0.0033936756664381122, 1e-15);
  EXPECT_NEAR(result.cv_trend.intercept, 7.2144924321230377, 1e-10);
  EXPECT_NEAR(*result.cv_trend.slope_se, 0.0012635273864975551, 1e-15);
  EXPECT_NEAR(*result.cv_trend.p_value, 0.043512984607017177, 1e-12);
  EXPECT_NEAR(*result.cv_trend.r_squared, 0.59063103331001576, 1e-12);
  EXPECT_NEAR(result.sd_log_trend.slope, -0.0022438637922069632, 1e-15);
  EXPECT_NEAR(*result.sd_log_trend.p_value, 0.067105088001287977, 1e-12);
  EXPECT_NEAR(result.gini_trend.slope, -0.0013741163821421971, 1e-15);
  EXPECT_NEAR(*result.gini_trend.slope_se, 0.00052915644707559521, 1e-15);
  EXPECT_NEAR(*result.gini_trend.r_squared, 0.57422888882149581, 1e-12);
}

TEST(ConvergenceSigma, PopulationWeighted) {
  const CsvTable table = CsvTable::read_file(EQUALIS_TEST_DATA_DIR "/mexico/mexico.csv");
  const std::vector<std::vector<double>> panel{column(table, "pcgdp1940"), column(table, "pcgdp2000")};
  const std::vector<double> years{1940, 2000};
  std::vector<double> weights(32);
  for (std::size_t i = 0; i < 32; ++i) weights[i] = static_cast<double>(i + 1);  // synthetic weights 1..32
  const std::vector<std::vector<double>> one_weight_vector{weights};
  const SigmaConvergence result = sigma_convergence(panel, years, one_weight_vector);
  EXPECT_NEAR(result.cv[0], 0.70130394515775096, 1e-13);
  EXPECT_NEAR(result.sd_log[0], 0.57157872873113391, 1e-13);
  EXPECT_NEAR(result.gini[0], 0.33271782357498442, 1e-13);
  // Two periods: the slope is the difference over 60 years, and there is no residual df for an SE.
  EXPECT_NEAR(result.cv_trend.slope, (result.cv[1] - result.cv[0]) / 60.0, 1e-15);
  EXPECT_FALSE(result.cv_trend.slope_se.has_value());
  EXPECT_FALSE(result.cv_trend.p_value.has_value());
}

TEST(ConvergenceSigma, TrendHandExample) {
  // series 3, 1, 2 at t = 0, 1, 2: slope −0.5, intercept 2.5, residuals 0.5, −1, 0.5: SSR 1.5, Stt 2.
  const std::vector<double> t{0, 1, 2};
  const std::vector<double> s{3, 1, 2};
  const TimeTrend trend = time_trend(t, s);
  EXPECT_NEAR(trend.slope, -0.5, 1e-15);
  EXPECT_NEAR(trend.intercept, 2.5, 1e-15);
  EXPECT_NEAR(*trend.slope_se, std::sqrt(1.5 / 1.0 / 2.0), 1e-15);
  // 1 df: Cauchy, p = 1 − 2·atan(|t|)/π.
  const double t_stat = 0.5 / std::sqrt(0.75);
  EXPECT_NEAR(*trend.p_value, 1.0 - 2.0 * std::atan(t_stat) / std::numbers::pi, 1e-14);
  EXPECT_NEAR(*trend.r_squared, 1.0 - 1.5 / 2.0, 1e-15);
}

TEST(ConvergenceSigma, Errors) {
  const std::vector<std::vector<double>> panel{{1, 2, 3}, {2, 0, 4}};
  const std::vector<double> years{2000, 2010};
  const Error zero = error_of([&] { (void)sigma_convergence(panel, years); });
  EXPECT_EQ(zero.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(zero.message(), HasSubstr("unit 1 in period 1"));
  const std::vector<std::vector<double>> ragged{{1, 2, 3}, {2, 4}};
  EXPECT_EQ(error_of([&] { (void)sigma_convergence(ragged, years); }).code(), ErrorCode::InvalidInput);
  const std::vector<std::vector<double>> good{{1, 2, 3}, {2, 3, 4}};
  const std::vector<double> same_year{2000, 2000};
  EXPECT_EQ(error_of([&] { (void)sigma_convergence(good, same_year); }).code(), ErrorCode::InvalidInput);
  const std::vector<std::vector<double>> three_weights{{1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
  EXPECT_EQ(error_of([&] { (void)sigma_convergence(good, years, three_weights); }).code(),
            ErrorCode::InvalidInput);
  const std::vector<std::vector<double>> negative_weight{{1, -1, 1}};
  EXPECT_EQ(error_of([&] { (void)sigma_convergence(good, years, negative_weight); }).code(),
            ErrorCode::InvalidInput);
}

}  // namespace
}  // namespace equalis::measure

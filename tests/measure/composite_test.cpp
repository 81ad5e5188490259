#include "measure/composite.hpp"

#include "test_support.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace equalis::measure {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Expected numbers: by hand where noted, otherwise from a plain python3 script written from the formulas
// (/tmp/conv/composite_ref.py during development), never from this code's output.

using test_support::error_of;

constexpr Direction B = Direction::Benefit;
constexpr Direction C = Direction::Cost;

// Three units (rows) × three indicators (columns): (1, 7, 2), (2, 3, 9), (4, 5, 6); the third is a cost.
IndicatorMatrix three_by_three() {
  return {{{1, 2, 4}, {7, 3, 5}, {2, 9, 6}}, {B, B, C}, {"doctors", "beds", "travel"}};
}

TEST(CompositeNormalize, MinMaxHandExample) {
  const auto x = normalize_min_max(three_by_three());
  ASSERT_EQ(x.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(x[0][i], (std::vector<double>{0.0, 1.0 / 3.0, 1.0}[i]));
    EXPECT_DOUBLE_EQ(x[1][i], (std::vector<double>{1.0, 0.0, 0.5}[i]));
    EXPECT_DOUBLE_EQ(x[2][i], (std::vector<double>{1.0, 0.0, 3.0 / 7.0}[i]));  // (9 − x)/7
  }
}

TEST(CompositeNormalize, ZScoreHandExample) {
  // Column 1, 2, 4: mean 7/3, sample SD √(((−4/3)² + (−1/3)² + (5/3)²)/2) = √(7/3).
  const auto z = normalize_z_score(three_by_three());
  const double sd = std::sqrt(7.0 / 3.0);
  EXPECT_NEAR(z[0][0], (1.0 - 7.0 / 3.0) / sd, 1e-15);
  EXPECT_NEAR(z[0][2], (4.0 - 7.0 / 3.0) / sd, 1e-15);
  // Cost column 2, 9, 6: mean 17/3, SD √((121/9 + 100/9 + 1/9)/2) = √(37/3); sign flipped.
  EXPECT_NEAR(z[2][0], -(2.0 - 17.0 / 3.0) / std::sqrt(37.0 / 3.0), 1e-15);
  EXPECT_NEAR(z[2][1], -(9.0 - 17.0 / 3.0) / std::sqrt(37.0 / 3.0), 1e-15);
}

TEST(CompositeNormalize, ConstantIndicatorIsNamed) {
  IndicatorMatrix m = three_by_three();
  m.columns[1] = {4, 4, 4};
  const Error min_max = error_of([&] { (void)normalize_min_max(m); });
  EXPECT_EQ(min_max.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(min_max.message(), HasSubstr("'beds'"));
  const Error z = error_of([&] { (void)normalize_z_score(m); });
  EXPECT_EQ(z.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(z.message(), HasSubstr("'beds'"));
  m.names.clear();
  EXPECT_THAT(error_of([&] { (void)normalize_min_max(m); }).message(), HasSubstr("indicator 1"));
}

TEST(CompositeNormalize, BadMatrices) {
  IndicatorMatrix ragged = three_by_three();
  ragged.columns[2].pop_back();
  EXPECT_EQ(error_of([&] { (void)normalize_min_max(ragged); }).code(), ErrorCode::InvalidInput);
  IndicatorMatrix missing = three_by_three();
  missing.columns[0][1] = NAN;
  EXPECT_EQ(error_of([&] { (void)normalize_min_max(missing); }).code(), ErrorCode::InvalidInput);
  IndicatorMatrix no_direction = three_by_three();
  no_direction.directions.pop_back();
  EXPECT_EQ(error_of([&] { (void)entropy_weights(no_direction); }).code(), ErrorCode::InvalidInput);
  IndicatorMatrix bad_direction = three_by_three();
  bad_direction.directions[0] = static_cast<Direction>(0);
  EXPECT_EQ(error_of([&] { (void)critic_weights(bad_direction); }).code(), ErrorCode::InvalidInput);
  const IndicatorMatrix empty;
  EXPECT_EQ(error_of([&] { (void)normalize_min_max(empty); }).code(), ErrorCode::InvalidInput);
  const IndicatorMatrix one_unit{{{1.0}, {2.0}}, {B, C}, {}};
  EXPECT_EQ(error_of([&] { (void)entropy_weights(one_unit); }).code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)normalize_z_score(one_unit); }).code(), ErrorCode::InvalidInput);
}

TEST(CompositeWeights, EqualWeights) {
  EXPECT_THAT(equal_weights(4), ElementsAre(0.25, 0.25, 0.25, 0.25));
  EXPECT_EQ(error_of([] { (void)equal_weights(0); }).code(), ErrorCode::InvalidInput);
}

TEST(CompositeWeights, EntropyConstantIndicatorGetsZero) {
  // Columns 1, 2, 4 (benefit), 10, 10, 10 and 5, 3, 1 (cost). Min–max shares: (0, ¼, ¾) and (0, ⅓, ⅔);
  // the constant column has uniform shares, entropy 1 and weight 0.
  const IndicatorMatrix m{{{1, 2, 4}, {10, 10, 10}, {5, 3, 1}}, {B, B, C}, {}};
  const std::vector<double> w = entropy_weights(m);
  const double e1 = -(0.25 * std::log(0.25) + 0.75 * std::log(0.75)) / std::log(3.0);
  const double e3 = -(std::log(1.0 / 3.0) / 3.0 + 2.0 / 3.0 * std::log(2.0 / 3.0)) / std::log(3.0);
  EXPECT_NEAR(w[0], (1.0 - e1) / ((1.0 - e1) + (1.0 - e3)), 1e-15);
  EXPECT_EQ(w[1], 0.0);
  EXPECT_NEAR(w[0], 0.53714987055438779, 1e-15);  // python
  EXPECT_NEAR(w[2], 0.46285012944561216, 1e-15);
}

TEST(CompositeWeights, EntropyThreeByThree) {
  // Shares: (0, ¼, ¾), (⅔, 0, ⅓), (0.7, 0, 0.3).
  const std::vector<double> w = entropy_weights(three_by_three());
  EXPECT_NEAR(w[0], 0.36085643884214924, 1e-15);
  EXPECT_NEAR(w[1], 0.31094198953634478, 1e-15);
  EXPECT_NEAR(w[2], 0.32820157162150598, 1e-15);
  const IndicatorMatrix all_constant{{{1, 1, 1}, {2, 2, 2}}, {B, C}, {}};
  EXPECT_EQ(error_of([&] { (void)entropy_weights(all_constant); }).code(), ErrorCode::InvalidInput);
}

TEST(CompositeWeights, CriticThreeByThree) {
  // Min–max columns (0, ⅓, 1), (1, 0, ½), (1, 0, 3/7); r₂₃ = 0.9966 (nearly redundant), r₁₂ = −0.327,
  // r₁₃ = −0.404: the first indicator conflicts with both and gets about half the weight.
  const std::vector<double> w = critic_weights(three_by_three());
  EXPECT_NEAR(w[0], 0.50349120379731138, 1e-14);
  EXPECT_NEAR(w[1], 0.24089192668753698, 1e-14);
  EXPECT_NEAR(w[2], 0.25561686951515172, 1e-14);
  IndicatorMatrix constant = three_by_three();
  constant.columns[2] = {3, 3, 3};
  const Error error = error_of([&] { (void)critic_weights(constant); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(error.message(), HasSubstr("'travel'"));
}

TEST(CompositeWeights, CriticOfTwoOpposedIndicatorsIsEqual) {
  // By reasoning: two columns with the same spread and r = −1 have C = σ·2 each, so weights ½, ½.
  const IndicatorMatrix m{{{1, 2, 3, 4}, {8, 6, 4, 2}}, {B, B}, {}};
  EXPECT_THAT(critic_weights(m),
              ElementsAre(::testing::DoubleNear(0.5, 1e-15), ::testing::DoubleNear(0.5, 1e-15)));
  // Orienting the second as a cost makes them identical (r = 1): no information, so CRITIC refuses.
  const IndicatorMatrix redundant{{{1, 2, 3, 4}, {8, 6, 4, 2}}, {B, C}, {}};
  EXPECT_EQ(error_of([&] { (void)critic_weights(redundant); }).code(), ErrorCode::InvalidInput);
}

RC_GTEST_PROP(CompositeWeights, WeightsIgnoreAffineRescaling, ()) {
  const auto units = *rc::gen::inRange<std::size_t>(3, 12);
  IndicatorMatrix m;
  for (std::size_t j = 0; j < 3; ++j) {
    std::vector<double> column(units);
    for (std::size_t i = 0; i < units; ++i) column[i] = static_cast<double>(*rc::gen::inRange(0, 50));
    RC_PRE(column[0] != column[1]);  // not constant
    m.columns.push_back(column);
    m.directions.push_back(*rc::gen::element(B, C));
  }
  IndicatorMatrix rescaled = m;
  for (double& v : rescaled.columns[1]) v = 3.5 * v - 20.0;
  const std::vector<double> a = entropy_weights(m);
  const std::vector<double> b = entropy_weights(rescaled);
  double sum = 0.0;
  for (std::size_t j = 0; j < 3; ++j) {
    RC_ASSERT(std::fabs(a[j] - b[j]) <= 1e-12);
    RC_ASSERT(a[j] >= 0.0);
    sum += a[j];
  }
  RC_ASSERT(std::fabs(sum - 1.0) <= 1e-12);
  // CRITIC refuses only when all three are perfectly correlated, which a rescaling cannot change.
  const auto critic_or_empty = [](const IndicatorMatrix& matrix) {
    try {
      return critic_weights(matrix);
    } catch (const Error& e) {
      RC_ASSERT(e.code() == ErrorCode::InvalidInput);
      return std::vector<double>{};
    }
  };
  const std::vector<double> c = critic_or_empty(m);
  const std::vector<double> d = critic_or_empty(rescaled);
  RC_ASSERT(c.size() == d.size());
  for (std::size_t j = 0; j < c.size(); ++j) RC_ASSERT(std::fabs(c[j] - d[j]) <= 1e-12);
}

TEST(CompositeTopsis, ThreeByThreeEqualWeights) {
  // Vector norms √21, √83, 11; with w = ⅓ the cost column's ideal is (2/11)/3 = 2/33 and anti-ideal 9/33.
  const TopsisResult r = topsis(three_by_three(), equal_weights(3));
  EXPECT_NEAR(r.ideal[2], 2.0 / 33.0, 1e-16);
  EXPECT_NEAR(r.anti_ideal[2], 9.0 / 33.0, 1e-16);
  EXPECT_NEAR(r.ideal[0], 4.0 / std::sqrt(21.0) / 3.0, 1e-16);
  const std::vector<double> closeness{0.541489545099609, 0.19729878755896127, 0.63606907527926382};
  const std::vector<double> d_plus{0.21821789023599236, 0.29593654584489898, 0.14158789027118848};
  const std::vector<double> d_minus{0.25770994936670344, 0.072739296745330792, 0.24746365949704435};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(r.closeness[i], closeness[i], 1e-15);
    EXPECT_NEAR(r.distance_to_ideal[i], d_plus[i], 1e-15);
    EXPECT_NEAR(r.distance_to_anti_ideal[i], d_minus[i], 1e-15);
  }
  const TopsisResult weighted = topsis(three_by_three(), std::vector<double>{0.5, 0.3, 0.2});
  EXPECT_NEAR(weighted.closeness[0], 0.35879530244233154, 1e-15);
  EXPECT_NEAR(weighted.closeness[1], 0.27692147161459385, 1e-15);
  EXPECT_NEAR(weighted.closeness[2], 0.77518560328123698, 1e-15);
  // Weights only matter relatively.
  const TopsisResult scaled = topsis(three_by_three(), std::vector<double>{5, 3, 2});
  for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(scaled.closeness[i], weighted.closeness[i], 1e-15);
}

TEST(CompositeTopsis, DominatingUnitScoresOne) {
  // Unit 0 is best on every indicator, unit 2 worst on every one: closeness 1 and 0 by definition.
  const IndicatorMatrix m{{{9, 5, 1}, {1, 4, 8}}, {B, C}, {}};
  const TopsisResult r = topsis(m, equal_weights(2));
  EXPECT_DOUBLE_EQ(r.closeness[0], 1.0);
  EXPECT_DOUBLE_EQ(r.closeness[2], 0.0);
}

TEST(CompositeTopsis, Errors) {
  const IndicatorMatrix zero{{{0, 0, 0}, {1, 2, 3}}, {B, B}, {"unused", "used"}};
  const Error error = error_of([&] { (void)topsis(zero, equal_weights(2)); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_THAT(error.message(), HasSubstr("'unused'"));
  const IndicatorMatrix flat{{{2, 2, 2}, {1, 2, 3}}, {B, B}, {}};
  EXPECT_EQ(error_of([&] {
              (void)topsis(flat, std::vector<double>{1.0, 0.0});
            }).code(),
            ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)topsis(flat, std::vector<double>{1.0}); }).code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] {
              (void)topsis(flat, std::vector<double>{1.0, -1.0});
            }).code(),
            ErrorCode::InvalidInput);
}

TEST(CompositeScore, WeightedSumHandExample) {
  const auto x = normalize_min_max(three_by_three());  // (0, ⅓, 1), (1, 0, ½), (1, 0, 3/7)
  const std::vector<double> score = weighted_sum(x, std::vector<double>{0.5, 0.25, 0.25});
  EXPECT_NEAR(score[0], 0.5, 1e-15);
  EXPECT_NEAR(score[1], 1.0 / 6.0, 1e-15);
  EXPECT_NEAR(score[2], 0.5 + 0.125 + 0.25 * 3.0 / 7.0, 1e-15);
  EXPECT_EQ(error_of([&] {
              (void)weighted_sum(x, std::vector<double>{0.5, 0.5});
            }).code(),
            ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] {
              (void)weighted_sum(x, std::vector<double>{0.5, NAN, 0.5});
            }).code(),
            ErrorCode::InvalidInput);
}

TEST(CompositeRank, CompetitionRanking) {
  const std::vector<double> scores{0.5, 0.9, 0.7, 0.9, 0.1};
  EXPECT_THAT(competition_rank(scores), ElementsAre(4u, 1u, 3u, 1u, 5u));
  // Within the tolerance of the block's first score: tie. A chain of small steps does not merge.
  const std::vector<double> close{1.0, 0.99995, 0.9};
  EXPECT_THAT(competition_rank(close, 1e-4), ElementsAre(1u, 1u, 3u));
  const std::vector<double> chain{1.0, 0.99994, 0.99988};
  EXPECT_THAT(competition_rank(chain, 1e-4), ElementsAre(1u, 1u, 3u));
  EXPECT_THAT(competition_rank(chain), ElementsAre(1u, 2u, 3u));
  const std::vector<double> none;
  EXPECT_TRUE(competition_rank(none).empty());
  const std::vector<double> with_nan{1.0, NAN};
  EXPECT_EQ(error_of([&] { (void)competition_rank(with_nan); }).code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)competition_rank(scores, -1.0); }).code(), ErrorCode::InvalidInput);
}

RC_GTEST_PROP(CompositeRank, RanksCountStrictlyBetterUnits, (const std::vector<int>& raw)) {
  std::vector<double> scores(raw.begin(), raw.end());
  const std::vector<std::uint32_t> rank = competition_rank(scores);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    std::uint32_t better = 0;
    for (const double other : scores) better += other > scores[i] ? 1U : 0U;
    RC_ASSERT(rank[i] == better + 1);
  }
}

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(' ');
  const auto last = s.find_last_not_of(' ');
  return first == std::string_view::npos ? std::string{} : std::string(s.substr(first, last - first + 1));
}

// UN E-Government Survey 2022: EGDI is the plain mean of OSI, HCI and TII (each already on [0, 1]); the
// published values are rounded to 4 decimals, so the mean matches within 2/3 · 1e-4.
TEST(CompositeEgdi, IndexIsTheMeanOfItsComponentsAndRanksReproduce) {
  const CsvTable table = CsvTable::read_file(EQUALIS_TEST_DATA_DIR "/un_egdi/egdi_2022.csv");
  ASSERT_EQ(table.row_count(), 193u);
  const std::vector<std::vector<double>> components{
      read_numeric_column(table, "Online Service Index").values,
      read_numeric_column(table, "Human Capital Index").values,
      read_numeric_column(table, "Telecommunication Infrastructure Index").values};
  const std::vector<double> egdi = read_numeric_column(table, "E-Government Index").values;
  const std::vector<double> published_rank = read_numeric_column(table, "E-Government Rank").values;
  const std::vector<double> score = weighted_sum(components, equal_weights(3));
  for (std::size_t i = 0; i < egdi.size(); ++i) {
    EXPECT_NEAR(score[i], egdi[i], 6.7e-5) << table.cell(i, table.column_index("Country Name"));
  }
  const std::vector<std::uint32_t> rank = competition_rank(egdi);
  for (std::size_t i = 0; i < egdi.size(); ++i) {
    EXPECT_EQ(static_cast<double>(rank[i]), published_rank[i])
        << table.cell(i, table.column_index("Country Name"));
  }
  const std::size_t name_column = table.column_index("Country Name");
  int shared_fifth = 0;
  bool saw_turkiye = false;
  for (std::size_t i = 0; i < egdi.size(); ++i) {
    const std::string name = trimmed(table.cell(i, name_column));
    if (name == "Iceland" || name == "Sweden") {
      EXPECT_EQ(rank[i], 5u) << name;
      ++shared_fifth;
    }
    if (name == "Australia") {
      EXPECT_EQ(rank[i], 7u);  // 5, 5, then 7: the 6th place is skipped
    }
    if (name == "T\u00fcrkiye") saw_turkiye = true;
  }
  EXPECT_EQ(shared_fifth, 2);
  EXPECT_TRUE(saw_turkiye);
}

}  // namespace
}  // namespace equalis::measure

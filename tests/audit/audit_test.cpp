// The audit facade on hand-made tables with known answers, including the edge cases popular tools get
// wrong, the ProPublica (2016) COMPAS error rates from its published 2×2 counts, and the bootstrap.

#include "audit/audit.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>

namespace equalis::audit {
namespace {

constexpr std::size_t kSel = 0;  // slots in kDisparityMetrics
constexpr std::size_t kTpr = 1;
constexpr std::size_t kFpr = 2;
constexpr std::size_t kFnr = 3;
constexpr std::size_t kPpv = 4;

std::size_t idx(Metric metric) {
  return static_cast<std::size_t>(metric);
}

// One attribute "g" with the given groups.
DecisionTable one_attribute(const std::vector<std::string>& names, const std::vector<ConfusionCounts>& counts,
                            bool has_label = true) {
  std::vector<std::vector<std::uint32_t>> codes;
  for (std::uint32_t i = 0; i < names.size(); ++i) codes.push_back({i});
  return make_decision_table({"g"}, {names}, codes, counts, has_label);
}

const GroupResult& group(const FamilyResult& family, const std::string& name) {
  for (const auto& g : family.groups) {
    if (g.name == name) return g;
  }
  throw std::runtime_error("no group " + name);
}

TEST(Audit, HandTableRatesAndDisparities) {
  // A: TP 40 FP 10 FN 10 TN 40; B: TP 10 FP 10 FN 30 TN 50.
  const DecisionTable table = one_attribute({"A", "B"}, {{40, 10, 10, 40}, {10, 10, 30, 50}});
  const AuditResult result = audit_decisions(table, {});
  ASSERT_EQ(result.families.size(), 1U);
  const FamilyResult& family = result.families[0];
  EXPECT_EQ(family.reference_name, "A");  // most favoured: selection 0.5 vs 0.2
  const GroupResult& b = group(family, "B");
  EXPECT_DOUBLE_EQ(*b.rates[idx(Metric::SelectionRate)].value, 0.2);
  EXPECT_DOUBLE_EQ(*b.rates[idx(Metric::BaseRate)].value, 0.4);
  EXPECT_DOUBLE_EQ(*b.rates[idx(Metric::Tpr)].value, 0.25);
  EXPECT_DOUBLE_EQ(*b.rates[idx(Metric::Fpr)].value, 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(*b.rates[idx(Metric::Fnr)].value, 0.75);
  EXPECT_DOUBLE_EQ(*b.rates[idx(Metric::Tnr)].value, 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(*b.rates[idx(Metric::Ppv)].value, 0.5);
  EXPECT_DOUBLE_EQ(*b.rates[idx(Metric::Npv)].value, 0.625);
  EXPECT_DOUBLE_EQ(*b.rates[idx(Metric::Accuracy)].value, 0.6);
  EXPECT_NEAR(*b.disparities[kSel].difference, -0.3, 1e-15);
  EXPECT_NEAR(*b.disparities[kSel].ratio, 0.4, 1e-15);
  EXPECT_NEAR(*b.disparities[kTpr].difference, -0.55, 1e-15);
  EXPECT_NEAR(*b.disparities[kFpr].difference, -1.0 / 30.0, 1e-15);
  EXPECT_NEAR(*b.disparities[kPpv].difference, -0.3, 1e-15);
  EXPECT_NEAR(*b.equalized_odds_gap, 0.55, 1e-15);
  EXPECT_NEAR(*b.selection_ratio_to_highest, 0.4, 1e-15);
  EXPECT_TRUE(b.four_fifths_flag);
  EXPECT_EQ(family.four_fifths_flags, 1U);
  EXPECT_TRUE(b.disparities[kSel].significant);
  // Newcombe interval of the selection gap: 20/100 − 50/100 (values from the scratch formula).
  const auto expected = newcombe_difference_interval(20, 100, 50, 100);
  EXPECT_DOUBLE_EQ(b.disparities[kSel].difference_interval->low, expected->low);
  EXPECT_NEAR(*family.spread[kSel].max_minus_min, 0.3, 1e-15);
  EXPECT_NEAR(*family.spread[kSel].min_over_max, 0.4, 1e-15);
  EXPECT_NEAR(*family.worst_equalized_odds_gap, 0.55, 1e-15);
  const GroupResult& a = group(family, "A");
  EXPECT_TRUE(a.is_reference);
  EXPECT_EQ(*a.disparities[kSel].difference, 0.0);
  EXPECT_FALSE(a.disparities[kSel].z_test.has_value());
}

TEST(Audit, UndefinedRatesAreNullNeverZero) {
  // C predicts nobody positive (PPV undefined); D has no negatives (FPR, TNR undefined);
  // E has only negatives (TPR, FNR undefined).
  const DecisionTable table = one_attribute({"C", "D", "E"}, {{0, 0, 5, 15}, {8, 0, 4, 0}, {0, 3, 0, 17}});
  const AuditResult result = audit_decisions(table, {});
  const FamilyResult& family = result.families[0];
  const GroupResult& c = group(family, "C");
  EXPECT_EQ(*c.rates[idx(Metric::SelectionRate)].value, 0.0);
  EXPECT_FALSE(c.rates[idx(Metric::Ppv)].value.has_value());
  EXPECT_FALSE(c.rates[idx(Metric::Ppv)].interval.has_value());
  EXPECT_EQ(*c.rates[idx(Metric::Tpr)].value, 0.0);
  const GroupResult& d = group(family, "D");
  EXPECT_FALSE(d.rates[idx(Metric::Fpr)].value.has_value());
  EXPECT_FALSE(d.rates[idx(Metric::Tnr)].value.has_value());
  EXPECT_FALSE(d.disparities[kFpr].difference.has_value());
  EXPECT_FALSE(d.equalized_odds_gap.has_value());  // needs both gaps
  const GroupResult& e = group(family, "E");
  EXPECT_FALSE(e.rates[idx(Metric::Tpr)].value.has_value());
  EXPECT_FALSE(e.rates[idx(Metric::Fnr)].value.has_value());
  // The FPR spread uses only C and E (D undefined): 3/20 − 0.
  EXPECT_NEAR(*family.spread[kFpr].max_minus_min, 0.15, 1e-15);
}

TEST(Audit, FprSignificanceTestsTheFalsePositiveRate) {
  // Equal FPR (10/100 each) but very different false discovery rates (10/90 vs 10/20): a test of the
  // FPR must find nothing; one that tested FP/(TP+FP) would find a large gap.
  const DecisionTable table = one_attribute({"A", "B"}, {{80, 10, 20, 90}, {10, 10, 10, 90}});
  const AuditResult result = audit_decisions(table, {});
  const GroupResult& b = group(result.families[0], "B");
  EXPECT_EQ(b.disparities[kFpr].difference, 0.0);
  EXPECT_EQ(b.disparities[kFpr].z_test->statistic, 0.0);
  EXPECT_EQ(b.disparities[kFpr].z_test->p_value, 1.0);
  EXPECT_FALSE(b.disparities[kFpr].significant);
  const auto fpr = two_proportion_z_test(10, 100, 10, 100);
  const auto fdr = two_proportion_z_test(10, 20, 10, 90);
  EXPECT_EQ(b.disparities[kFpr].z_test->p_value, fpr->p_value);
  EXPECT_LT(fdr->p_value, 0.001);
  // And the PPV test uses TP/(TP+FP): 10/20 vs 80/90.
  const auto ppv = two_proportion_z_test(10, 20, 80, 90);
  EXPECT_EQ(b.disparities[kPpv].z_test->p_value, ppv->p_value);
}

TEST(Audit, CompasPublishedErrorRatesFromAggregatedCounts) {
  // ProPublica (Angwin et al. 2016), decile score ≥ 5 vs two-year recidivism:
  // Black TN 990 FP 805 FN 532 TP 1369; White TN 1139 FP 349 FN 461 TP 505.
  const DecisionTable table =
      one_attribute({"African-American", "Caucasian"}, {{1369, 805, 532, 990}, {505, 349, 461, 1139}});
  const AuditResult result = audit_decisions(table, {});
  const GroupResult& black = group(result.families[0], "African-American");
  const GroupResult& white = group(result.families[0], "Caucasian");
  EXPECT_NEAR(*black.rates[idx(Metric::Fpr)].value * 100.0, 44.85, 0.005);
  EXPECT_NEAR(*black.rates[idx(Metric::Fnr)].value * 100.0, 27.99, 0.005);
  EXPECT_NEAR(*white.rates[idx(Metric::Fpr)].value * 100.0, 23.45, 0.005);
  EXPECT_NEAR(*white.rates[idx(Metric::Fnr)].value * 100.0, 47.72, 0.005);
  EXPECT_TRUE(white.disparities[kFpr].significant);
  EXPECT_TRUE(white.disparities[kFnr].significant);
}

TEST(Audit, SuppressionHidesSmallGroupsEverywhere) {
  const DecisionTable table = one_attribute(
      {"big", "mid", "tiny", "large"}, {{30, 10, 10, 50}, {10, 5, 5, 20}, {1, 1, 1, 2}, {40, 10, 10, 60}});
  const AuditResult result = audit_decisions(table, {});
  const FamilyResult& family = result.families[0];
  const GroupResult& tiny = group(family, "tiny");
  EXPECT_TRUE(tiny.suppressed);
  EXPECT_FALSE(tiny.rates[idx(Metric::SelectionRate)].value.has_value());
  EXPECT_FALSE(tiny.disparities[kSel].difference.has_value());
  // The overall total minus the shown groups would give tiny back: the next smallest group (mid, 40) is
  // suppressed too (complementary suppression), and the total is over both.
  EXPECT_TRUE(group(family, "mid").suppressed);
  EXPECT_FALSE(group(family, "big").suppressed);
  EXPECT_EQ(family.suppressed_groups, 2U);
  EXPECT_EQ(family.suppressed_applicants, 45U);
  EXPECT_NEAR(*family.spread[kSel].max_minus_min, 50.0 / 120.0 - 0.4, 1e-12);  // large vs big
}

TEST(Audit, ReferenceRules) {
  const DecisionTable table = one_attribute({"A", "B"}, {{40, 10, 10, 40}, {10, 10, 30, 50}});
  AuditOptions overall;
  overall.reference = ReferenceRule::Overall;
  const AuditResult by_overall = audit_decisions(table, overall);
  EXPECT_NEAR(*group(by_overall.families[0], "B").disparities[kSel].difference, 0.2 - 0.35, 1e-15);
  AuditOptions chosen;
  chosen.reference = ReferenceRule::Chosen;
  chosen.reference_values = {{"g", "B"}};
  const AuditResult by_b = audit_decisions(table, chosen);
  EXPECT_NEAR(*group(by_b.families[0], "A").disparities[kSel].ratio, 2.5, 1e-15);
  chosen.reference_values = {{"", "Z"}};
  try {
    static_cast<void>(audit_decisions(table, chosen));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  }
}

TEST(Audit, IntersectionsAreTheNonEmptyCrossProduct) {
  // region {N, S} × sex {f, m}; the S × f cell is empty and must not appear.
  const DecisionTable table =
      make_decision_table({"region", "sex"}, {{"N", "S"}, {"f", "m"}}, {{0, 0}, {0, 1}, {1, 1}},
                          {{10, 10, 10, 10}, {20, 5, 5, 20}, {5, 5, 15, 15}}, true);
  const AuditResult result = audit_decisions(table, {});
  ASSERT_EQ(result.families.size(), 3U);
  EXPECT_EQ(result.families[2].name, "region × sex");
  EXPECT_EQ(result.families[2].groups.size(), 3U);
  const GroupResult& north = group(result.families[0], "N");
  EXPECT_EQ(north.counts.tp, 30U);
  EXPECT_EQ(north.counts.n(), 90U);
  const GroupResult& male = group(result.families[1], "m");
  EXPECT_EQ(male.counts.n(), 90U);
}

TEST(Audit, WithoutLabelsOnlySelectionMetrics) {
  const DecisionTable table = one_attribute({"A", "B"}, {{0, 30, 0, 70}, {0, 10, 0, 90}}, false);
  const AuditResult result = audit_decisions(table, {});
  const GroupResult& b = group(result.families[0], "B");
  EXPECT_NEAR(*b.rates[idx(Metric::SelectionRate)].value, 0.1, 1e-15);
  EXPECT_FALSE(b.rates[idx(Metric::Tpr)].value.has_value());
  EXPECT_FALSE(b.rates[idx(Metric::Fpr)].value.has_value());
  EXPECT_FALSE(b.rates[idx(Metric::Accuracy)].value.has_value());
}

TEST(Audit, BadOptions) {
  const DecisionTable table = one_attribute({"A"}, {{1, 1, 1, 10}});
  AuditOptions options;
  options.alpha = 1.5;
  EXPECT_THROW(static_cast<void>(audit_decisions(table, options)), Error);
  const DecisionTable empty = one_attribute({"A"}, {{0, 0, 0, 0}});
  EXPECT_THROW(static_cast<void>(audit_decisions(empty, {})), Error);
}

TEST(Bootstrap, BinomialDrawsHaveTheRightMoments) {
  for (const auto& [n, p] : std::vector<std::pair<std::uint64_t, double>>{
           {20, 0.3}, {1000, 0.002}, {1000, 0.4}, {5000000, 0.25}, {100, 0.9}}) {
    Rng rng(7, n);
    const int draws = 20000;
    double sum = 0.0;
    double sum2 = 0.0;
    for (int i = 0; i < draws; ++i) {
      const auto x = static_cast<double>(draw_binomial(rng, n, p));
      ASSERT_LE(x, static_cast<double>(n));
      sum += x;
      sum2 += x * x;
    }
    const double mean = sum / draws;
    const double variance = sum2 / draws - mean * mean;
    const double expected_variance = static_cast<double>(n) * p * (1.0 - p);
    EXPECT_NEAR(mean, static_cast<double>(n) * p, 5.0 * std::sqrt(expected_variance / draws))
        << n << " " << p;
    EXPECT_NEAR(variance, expected_variance, 0.05 * expected_variance) << n << " " << p;
  }
}

TEST(Bootstrap, SeededAndReproducible) {
  const DecisionTable table = one_attribute({"A", "B"}, {{40, 10, 10, 40}, {10, 10, 30, 50}});
  AuditOptions options;
  options.bootstrap_replicates = 400;
  const AuditResult first = audit_decisions(table, options);
  const AuditResult second = audit_decisions(table, options);
  const auto& d1 = group(first.families[0], "B").disparities[kSel];
  const auto& d2 = group(second.families[0], "B").disparities[kSel];
  ASSERT_TRUE(d1.bootstrap_difference.has_value());
  EXPECT_EQ(d1.bootstrap_difference->low, d2.bootstrap_difference->low);
  EXPECT_EQ(d1.bootstrap_undefined, 0U);
  // The percentile interval sits around −0.3 and agrees roughly with Newcombe's.
  EXPECT_LT(d1.bootstrap_difference->low, -0.3);
  EXPECT_GT(d1.bootstrap_difference->high, -0.3);
  EXPECT_NEAR(d1.bootstrap_difference->low, d1.difference_interval->low, 0.05);
}

TEST(Bootstrap, GroupMissingFromAResampleIsUndefinedNotZero) {
  // "rare" has 1 applicant of 1001: an unstratified resample drops it about 37 % of the time.
  const DecisionTable table = one_attribute({"common", "rare"}, {{300, 200, 200, 300}, {1, 0, 0, 0}});
  AuditOptions options;
  options.min_cell_size = 0;
  options.reference = ReferenceRule::Chosen;
  options.reference_values = {{"g", "common"}};
  options.bootstrap_replicates = 500;
  const AuditResult multinomial = audit_decisions(table, options);
  const auto& rare = group(multinomial.families[0], "rare").disparities[kSel];
  EXPECT_GT(rare.bootstrap_undefined, 120U);
  EXPECT_LT(rare.bootstrap_undefined, 250U);
  options.bootstrap_scheme = BootstrapScheme::Stratified;
  const AuditResult stratified = audit_decisions(table, options);
  EXPECT_EQ(group(stratified.families[0], "rare").disparities[kSel].bootstrap_undefined, 0U);
}

RC_GTEST_PROP(Audit, DifferencesAreAntisymmetricBetweenTwoGroups, ()) {
  auto counts = [] {
    return ConfusionCounts{*rc::gen::inRange<std::uint64_t>(1, 200), *rc::gen::inRange<std::uint64_t>(1, 200),
                           *rc::gen::inRange<std::uint64_t>(1, 200),
                           *rc::gen::inRange<std::uint64_t>(1, 200)};
  };
  const DecisionTable table = one_attribute({"A", "B"}, {counts(), counts()});
  AuditOptions a_ref;
  a_ref.reference = ReferenceRule::Chosen;
  a_ref.reference_values = {{"g", "A"}};
  a_ref.min_cell_size = 0;
  AuditOptions b_ref = a_ref;
  b_ref.reference_values = {{"g", "B"}};
  const AuditResult ra = audit_decisions(table, a_ref);
  const AuditResult rb = audit_decisions(table, b_ref);
  for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
    const double ab = *group(ra.families[0], "B").disparities[slot].difference;
    const double ba = *group(rb.families[0], "A").disparities[slot].difference;
    RC_ASSERT(std::fabs(ab + ba) < 1e-12);
    RC_ASSERT(std::fabs(group(ra.families[0], "B").disparities[slot].z_test->p_value -
                        group(rb.families[0], "A").disparities[slot].z_test->p_value) < 1e-12);
  }
}

}  // namespace
}  // namespace equalis::audit

namespace equalis::audit {
namespace {

// A fraud flag or a risk score: being selected is unfavourable. The four-fifths rule must then flag the
// group that is flagged most (it used to flag the groups flagged least).
TEST(Audit, FavourableNotSelectedTurnsTheFourFifthsRuleAround) {
  // Selection (flag) rates: a 10 %, b 50 %, c 15 %.
  const DecisionTable table =
      one_attribute({"a", "b", "c"}, {{10, 10, 10, 170}, {50, 50, 50, 50}, {15, 15, 15, 155}});
  const AuditResult selected = audit_decisions(table, {});
  EXPECT_EQ(selected.families[0].reference_name, "b");
  EXPECT_TRUE(group(selected.families[0], "a").four_fifths_flag);
  EXPECT_FALSE(group(selected.families[0], "b").four_fifths_flag);
  AuditOptions options;
  options.favourable = Favourable::NotSelected;
  const AuditResult not_selected = audit_decisions(table, options);
  const FamilyResult& family = not_selected.families[0];
  EXPECT_EQ(family.reference_name, "a");  // the least flagged group is the most favoured
  EXPECT_FALSE(group(family, "a").four_fifths_flag);
  EXPECT_FALSE(group(family, "c").four_fifths_flag);
  EXPECT_TRUE(group(family, "b").four_fifths_flag);
  EXPECT_NEAR(*group(family, "b").selection_ratio_to_highest, 0.5 / 0.9, 1e-12);
  EXPECT_NEAR(*group(family, "b").disparities[kSel].difference, 0.5 - 0.1, 1e-12);  // still selection − ref
}

}  // namespace
}  // namespace equalis::audit

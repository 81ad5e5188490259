// Representativeness against reference shares: hand-computed shares, ratios and flags.

#include "audit/representation.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

namespace equalis::audit {
namespace {

TEST(Representation, SharesRatiosAndFlags) {
  // Data 30/60/10 of 100 vs population 500/400/100 (shares 0.5/0.4/0.1).
  const RepresentationResult result =
      compare_representation({{"A", 30}, {"B", 60}, {"C", 10}}, {{"A", 500.0}, {"B", 400.0}, {"C", 100.0}});
  ASSERT_EQ(result.rows.size(), 3U);
  const RepresentationRow& a = result.rows[0];
  EXPECT_DOUBLE_EQ(*a.data_share, 0.3);
  EXPECT_DOUBLE_EQ(*a.population_share, 0.5);
  EXPECT_DOUBLE_EQ(*a.coverage_ratio, 0.6);
  EXPECT_TRUE(a.under_covered);
  EXPECT_TRUE(a.significantly_under);  // Wilson(30/100) upper bound 0.3958 < 0.5
  EXPECT_NEAR(a.data_interval->high, 0.39576, 1e-4);
  EXPECT_DOUBLE_EQ(*result.rows[1].coverage_ratio, 1.5);
  EXPECT_FALSE(result.rows[2].under_covered);
  EXPECT_EQ(result.under_covered, 1U);
}

TEST(Representation, AbsentAndUnlistedGroupsAndSuppression) {
  RepresentationOptions options;
  options.min_cell_size = 5;
  const RepresentationResult result =
      compare_representation({{"A", 95}, {"X", 3}, {"Y", 2}}, {{"A", 0.7}, {"B", 0.3}}, options);
  // B is in the population but absent from the data: share 0, under-covered.
  const RepresentationRow& b = result.rows[1];
  EXPECT_EQ(b.group, "B");
  EXPECT_DOUBLE_EQ(*b.data_share, 0.0);
  EXPECT_TRUE(b.under_covered);
  EXPECT_TRUE(b.significantly_under);
  EXPECT_EQ(result.not_in_reference, (std::vector<std::string>{"X", "Y"}));
  EXPECT_EQ(result.suppressed, 2U);
  EXPECT_TRUE(result.rows[2].suppressed);
  EXPECT_EQ(result.rows[2].count, 0U);  // the small count itself is not shown
  EXPECT_FALSE(result.rows[2].data_share.has_value());
}

TEST(Representation, BadReference) {
  EXPECT_THROW(static_cast<void>(compare_representation({{"A", 1}}, {{"A", -1.0}})), Error);
  EXPECT_THROW(static_cast<void>(compare_representation({{"A", 1}}, {{"A", 0.0}})), Error);
  EXPECT_THROW(static_cast<void>(compare_representation({{"A", 1}}, {{"A", 0.5}, {"A", 0.5}})), Error);
  EXPECT_THROW(static_cast<void>(compare_representation({{"A", 0}}, {{"A", 1.0}})), Error);
}

}  // namespace
}  // namespace equalis::audit

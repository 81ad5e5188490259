// Reweighing weights and equal-opportunity thresholds on hand-worked tables.

#include "audit/mitigation.hpp"

#include "core/error.hpp"
#include "core/progress.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace equalis::audit {
namespace {

TEST(Reweighing, KamiranCaldersWeights) {
  // A: 30 positives, 10 negatives; B: 10 positives, 50 negatives; N = 100, P(y=1) = 0.4.
  const DecisionTable table =
      make_decision_table({"g"}, {{"A", "B"}}, {{0}, {1}}, {{30, 0, 0, 10}, {10, 0, 0, 50}}, true);
  const auto cells = reweighing_weights(table);
  ASSERT_EQ(cells.size(), 4U);
  EXPECT_NEAR(*cells[0].weight, 0.4 * 0.4 / 0.3, 1e-15);  // A, y = 1
  EXPECT_NEAR(*cells[1].weight, 0.4 * 0.6 / 0.1, 1e-15);  // A, y = 0
  EXPECT_NEAR(*cells[2].weight, 0.6 * 0.4 / 0.1, 1e-15);  // B, y = 1
  EXPECT_NEAR(*cells[3].weight, 0.6 * 0.6 / 0.5, 1e-15);  // B, y = 0
  double weighted = 0.0;
  for (const auto& cell : cells) weighted += *cell.weight * static_cast<double>(cell.count);
  EXPECT_NEAR(weighted, 100.0, 1e-12);  // the weighted table keeps its size
}

TEST(Reweighing, EmptyCellHasNoWeightAndLabelIsRequired) {
  const DecisionTable table =
      make_decision_table({"g"}, {{"A", "B"}}, {{0}, {1}}, {{5, 0, 0, 5}, {0, 0, 0, 10}}, true);
  const auto cells = reweighing_weights(table);
  EXPECT_FALSE(cells[2].weight.has_value());  // B has no positives
  const DecisionTable unlabeled = make_decision_table({"g"}, {{"A"}}, {{0}}, {{0, 5, 0, 5}}, false);
  EXPECT_THROW(static_cast<void>(reweighing_weights(unlabeled)), Error);
}

TEST(EqualOpportunity, ThresholdsEqualiseTpr) {
  ScoredRows rows;
  rows.group_names = {"a", "b"};
  auto add = [&](std::uint32_t group, double score, int label) {
    rows.group.push_back(group);
    rows.score.push_back(score);
    rows.label.push_back(static_cast<std::uint8_t>(label));
  };
  for (double s : {0.9, 0.8, 0.7, 0.3}) add(0, s, 1);
  for (double s : {0.6, 0.2}) add(0, s, 0);
  for (double s : {0.6, 0.4, 0.35, 0.1}) add(1, s, 1);
  for (double s : {0.5, 0.1}) add(1, s, 0);
  const ThresholdResult result = equal_opportunity_thresholds(rows, 0.5);
  EXPECT_DOUBLE_EQ(result.target_tpr, 0.5);  // 4 of 8 positives at 0.5
  EXPECT_DOUBLE_EQ(*result.groups[0].threshold, 0.8);
  EXPECT_DOUBLE_EQ(*result.groups[1].threshold, 0.4);
  EXPECT_DOUBLE_EQ(*result.groups[0].tpr_before, 0.75);
  EXPECT_DOUBLE_EQ(*result.groups[0].tpr_after, 0.5);
  EXPECT_DOUBLE_EQ(*result.groups[1].tpr_before, 0.25);
  EXPECT_DOUBLE_EQ(*result.groups[1].tpr_after, 0.5);
  EXPECT_DOUBLE_EQ(*result.groups[1].fpr_after, 0.5);
  EXPECT_DOUBLE_EQ(result.accuracy_before, 0.5);
  EXPECT_DOUBLE_EQ(result.accuracy_after, 7.0 / 12.0);
}

TEST(EqualOpportunity, GroupWithoutPositivesKeepsTheBaseThreshold) {
  ScoredRows rows;
  rows.group_names = {"a", "b"};
  rows.group = {0, 0, 1};
  rows.score = {0.9, 0.1, 0.7};
  rows.label = {1, 0, 0};
  const ThresholdResult result = equal_opportunity_thresholds(rows, 0.5);
  EXPECT_FALSE(result.groups[1].threshold.has_value());
  EXPECT_FALSE(result.groups[1].tpr_after.has_value());
  EXPECT_DOUBLE_EQ(*result.groups[1].fpr_after, 1.0);
  EXPECT_THROW(static_cast<void>(equal_opportunity_thresholds(rows, 0.5, 1.5)), Error);
}

}  // namespace
}  // namespace equalis::audit

namespace equalis::audit {
namespace {

TEST(ScoredRows, FollowTheLogsRowPolicies) {
  // Row 3 has no group, row 4 no score, row 5 no label: with drop policies only rows 1 and 2 remain,
  // as in read_decision_log.
  const auto path =
      std::filesystem::temp_directory_path() / ("equalis_scored_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << "g,s,y\na,0.9,1\nb,0.2,0\n,0.5,1\na,,1\nb,0.4,\n";
  DecisionLogSpec spec;
  spec.group_columns = {"g"};
  spec.score_column = "s";
  spec.threshold = 0.5;
  spec.label_column = "y";
  spec.missing_group = MissingGroupPolicy::Drop;
  spec.missing_outcome = MissingPolicy::Drop;
  const ScoredRows rows = read_scored_rows(path.string(), spec, null_progress());
  EXPECT_EQ(rows.score.size(), 2U);
  EXPECT_EQ(rows.group_names, (std::vector<std::string>{"a", "b"}));
  const DecisionTable table = read_decision_log(path.string(), spec, null_progress());
  EXPECT_EQ(table.total().n(), 2U);
  // Missing values kept as their own group by default; a missing score is an error by default.
  spec.missing_group = MissingGroupPolicy::OwnGroup;
  spec.missing_outcome = MissingPolicy::Error;
  EXPECT_THROW(static_cast<void>(read_scored_rows(path.string(), spec, null_progress())), Error);
}

}  // namespace
}  // namespace equalis::audit

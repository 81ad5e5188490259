// Reading decision logs: per-row and aggregated (--count) input, score thresholds, value mapping,
// missing groups, and every bad-input case with its error code and position.

#include "audit/decision_log.hpp"

#include "core/error.hpp"
#include "core/progress.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace equalis::audit {
namespace {

std::string write_temp(const std::string& name, const std::string& content) {
  const auto path =
      std::filesystem::temp_directory_path() / ("equalis_audit_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path) << content;
  return path.string();
}

DecisionLogSpec basic_spec() {
  DecisionLogSpec spec;
  spec.group_columns = {"g"};
  spec.decision_column = "d";
  spec.label_column = "y";
  return spec;
}

const ConfusionCounts& cell_of(const DecisionTable& table, const std::string& name) {
  for (std::size_t cell_idx = 0; cell_idx < table.cell_count(); ++cell_idx) {
    if (table.cell_name(cell_idx) == name) return table.cells[cell_idx];
  }
  throw std::runtime_error("no cell " + name);
}

TEST(DecisionLog, CountsPerRow) {
  const auto path = write_temp("rows.csv", "g,d,y\na,1,1\na,1,0\na,0,1\nb,0,0\nb,true,yes\na,0,0\n");
  const DecisionTable table = read_decision_log(path, basic_spec(), null_progress());
  ASSERT_EQ(table.cell_count(), 2U);
  const ConfusionCounts& a = cell_of(table, "a");
  EXPECT_EQ(a.tp, 1U);
  EXPECT_EQ(a.fp, 1U);
  EXPECT_EQ(a.fn, 1U);
  EXPECT_EQ(a.tn, 1U);
  const ConfusionCounts& b = cell_of(table, "b");
  EXPECT_EQ(b.tp, 1U);
  EXPECT_EQ(b.tn, 1U);
  EXPECT_EQ(table.rows_read, 6U);
}

TEST(DecisionLog, AggregatedCountsEqualExpandedRows) {
  const auto aggregated = write_temp("agg.csv", "g,h,d,y,n\na,x,1,1,3\na,x,0,0,2\nb,y,1,0,4\nb,x,0,1,0\n");
  DecisionLogSpec spec = basic_spec();
  spec.group_columns = {"g", "h"};
  spec.count_column = "n";
  const DecisionTable table = read_decision_log(aggregated, spec, null_progress());
  ASSERT_EQ(table.cell_count(), 2U);  // the zero-count row adds no cell
  EXPECT_EQ(cell_of(table, "a × x").tp, 3U);
  EXPECT_EQ(cell_of(table, "a × x").tn, 2U);
  EXPECT_EQ(cell_of(table, "b × y").fp, 4U);
  EXPECT_EQ(table.rows_zero_count, 1U);
}

TEST(DecisionLog, ScoreThresholdAndPositiveMapping) {
  const auto path = write_temp("score.csv", "g,s,y\na,0.7,reoffended\na,0.3,none\na,0.5,none\n");
  DecisionLogSpec spec;
  spec.group_columns = {"g"};
  spec.score_column = "s";
  spec.threshold = 0.5;
  spec.label_column = "y";
  spec.label_positive_values = std::vector<std::string>{"reoffended"};
  const DecisionTable table = read_decision_log(path, spec, null_progress());
  const ConfusionCounts& a = cell_of(table, "a");
  EXPECT_EQ(a.tp, 1U);  // 0.7 ≥ 0.5, reoffended
  EXPECT_EQ(a.fp, 1U);  // 0.5 ≥ 0.5 (threshold inclusive), none
  EXPECT_EQ(a.tn, 1U);
}

TEST(DecisionLog, MissingGroupIsItsOwnGroupOrDroppedWithACount) {
  const auto path = write_temp("missing.csv", "g,d,y\na,1,1\n,1,0\nNA,0,0\n");
  const DecisionTable own = read_decision_log(path, basic_spec(), null_progress());
  EXPECT_EQ(cell_of(own, "(missing)").n(), 2U);
  DecisionLogSpec spec = basic_spec();
  spec.missing_group = MissingGroupPolicy::Drop;
  const DecisionTable dropped = read_decision_log(path, spec, null_progress());
  EXPECT_EQ(dropped.cell_count(), 1U);
  EXPECT_EQ(dropped.rows_dropped_missing_group, 2U);
  spec.missing_group = MissingGroupPolicy::Error;
  try {
    static_cast<void>(read_decision_log(path, spec, null_progress()));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    EXPECT_EQ(error.where()->line, 3U);
  }
}

TEST(DecisionLog, BadDecisionNamesItsPosition) {
  const auto path = write_temp("bad.csv", "g,d,y\na,1,1\nb,2,0\n");
  try {
    static_cast<void>(read_decision_log(path, basic_spec(), null_progress()));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse);
    EXPECT_EQ(error.where()->line, 3U);
    EXPECT_EQ(error.where()->column, 3U);
  }
}

TEST(DecisionLog, BadLabelNegativeAndFractionalCounts) {
  const auto label = write_temp("badlabel.csv", "g,d,y\na,1,maybe\n");
  EXPECT_THROW(static_cast<void>(read_decision_log(label, basic_spec(), null_progress())), Error);
  DecisionLogSpec spec = basic_spec();
  spec.count_column = "n";
  for (const char* count : {"-3", "2.5", "many"}) {
    const auto path = write_temp("badcount.csv", std::string("g,d,y,n\na,1,1,") + count + "\n");
    try {
      static_cast<void>(read_decision_log(path, spec, null_progress()));
      FAIL() << count;
    } catch (const Error& error) {
      EXPECT_TRUE(error.code() == ErrorCode::InvalidInput || error.code() == ErrorCode::Parse);
      EXPECT_EQ(error.where()->column, 7U) << count;
    }
  }
}

TEST(DecisionLog, MissingOutcomeErrorsOrDropsWithCount) {
  const auto path = write_temp("missout.csv", "g,d,y\na,1,1\na,,0\n");
  EXPECT_THROW(static_cast<void>(read_decision_log(path, basic_spec(), null_progress())), Error);
  DecisionLogSpec spec = basic_spec();
  spec.missing_outcome = MissingPolicy::Drop;
  const DecisionTable table = read_decision_log(path, spec, null_progress());
  EXPECT_EQ(table.rows_dropped_missing_outcome, 1U);
  EXPECT_EQ(table.total().n(), 1U);
}

TEST(DecisionLog, SpecErrors) {
  const auto path = write_temp("spec.csv", "g,d,y\na,1,1\n");
  DecisionLogSpec spec = basic_spec();
  spec.group_columns.clear();
  EXPECT_THROW(static_cast<void>(read_decision_log(path, spec, null_progress())), Error);
  spec = basic_spec();
  spec.score_column = "d";
  EXPECT_THROW(static_cast<void>(read_decision_log(path, spec, null_progress())), Error);
  spec = basic_spec();
  spec.group_columns = {"region"};
  EXPECT_THROW(static_cast<void>(read_decision_log(path, spec, null_progress())), Error);
}

TEST(DecisionLog, WithoutLabelOnlySelectionIsCounted) {
  const auto path = write_temp("nolabel.csv", "g,d\na,1\na,0\na,0\n");
  DecisionLogSpec spec = basic_spec();
  spec.label_column.reset();
  const DecisionTable table = read_decision_log(path, spec, null_progress());
  EXPECT_FALSE(table.has_label);
  EXPECT_EQ(cell_of(table, "a").selected(), 1U);
  EXPECT_EQ(cell_of(table, "a").n(), 3U);
}

}  // namespace
}  // namespace equalis::audit

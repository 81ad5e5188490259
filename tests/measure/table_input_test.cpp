// Preparing indicators from typed columns: the bulk path (every row a unit, columns taken over as they
// stand) must give what the row-by-row path gives, and the row-by-row path still names the first bad cell.

#include "measure/table_input.hpp"

#include "test_support.hpp"

#include "core/csv.hpp"
#include "core/csv_columns.hpp"
#include "core/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace equalis::measure {
namespace {

ColumnSpec weighted_by_region() {
  ColumnSpec spec;
  spec.value_columns = {"y"};
  spec.weight_column = "pop";
  spec.group_column = "region";
  spec.rank_by_column = "income";
  return spec;
}

void expect_same(const PreparedIndicator& a, const PreparedIndicator& b) {
  EXPECT_EQ(a.indicator, b.indicator);
  EXPECT_EQ(a.data.values, b.data.values);
  EXPECT_EQ(a.data.weights, b.data.weights);
  EXPECT_EQ(a.data.groups, b.data.groups);
  EXPECT_EQ(a.data.rank_by, b.data.rank_by);
  EXPECT_EQ(a.rows_dropped, b.rows_dropped);
}

const std::string kRegular =
    "y,pop,region,income\n3,10,north,1\n1,20,south,2\n4,5,north,3\n1.5,7,east,4\n9,1,south,5\n2,2,east,6\n";

TEST(PrepareIndicators, TakingTheColumnsEqualsCopyingThem) {
  const ColumnSpec spec = weighted_by_region();
  const auto wanted = wanted_columns(spec);
  const CsvTable cells = CsvTable::parse(kRegular, "in.csv");
  const auto by_cells = prepare_indicators(cells, spec, {});
  const ColumnTable copied = ColumnTable::parse(kRegular, "in.csv", wanted);
  const auto by_copy = prepare_indicators(copied, spec, {});
  ColumnTable taken = ColumnTable::parse(kRegular, "in.csv", wanted);
  const auto by_move = prepare_indicators(std::move(taken), spec, {});
  ASSERT_EQ(by_cells.size(), 1U);
  ASSERT_EQ(by_move.size(), 1U);
  expect_same(by_cells[0], by_move[0]);
  expect_same(by_copy[0], by_move[0]);
  EXPECT_EQ(by_move[0].data.values, (std::vector<double>{3, 1, 4, 1.5, 9, 2}));
  EXPECT_EQ(by_move[0].data.groups.names, (std::vector<std::string>{"north", "south", "east"}));
  EXPECT_EQ(by_move[0].data.groups.codes, (std::vector<std::uint32_t>{0, 1, 0, 2, 1, 2}));
  EXPECT_TRUE(by_move[0].rows.empty());            // every row is a unit: row k is unit k
  EXPECT_TRUE(taken.numeric("y").values.empty());  // taken over, not copied
  EXPECT_EQ(copied.numeric("y").values.size(), 6U);
}

TEST(PrepareIndicators, AColumnUsedTwiceIsCopiedNotTaken) {
  ColumnSpec spec;
  spec.value_columns = {"y"};
  spec.weight_column = "y";
  ColumnTable table = ColumnTable::parse(kRegular, "in.csv", wanted_columns(spec));
  const auto prepared = prepare_indicators(std::move(table), spec, {});
  ASSERT_EQ(prepared.size(), 1U);
  EXPECT_EQ(prepared[0].data.values, prepared[0].data.weights);
  EXPECT_EQ(prepared[0].data.values.size(), 6U);
}

TEST(PrepareIndicators, IrregularRowsTakeTheRowByRowPath) {
  ColumnSpec spec = weighted_by_region();
  spec.missing = MissingPolicy::Drop;
  const std::string text = kRegular + "NA,3,west,7\n";
  ColumnTable table = ColumnTable::parse(text, "in.csv", wanted_columns(spec));
  spec.allow_singleton_groups = true;
  const auto prepared = prepare_indicators(std::move(table), spec, {});
  ASSERT_EQ(prepared.size(), 1U);
  EXPECT_EQ(prepared[0].rows_dropped, 1U);
  EXPECT_EQ(prepared[0].rows.size(), 6U);
  // A zero where logs are wanted and a negative weight: named at their cells either way.
  const auto error_at = [&](const std::string& csv, ValueRequirements requirements) {
    ColumnTable bad = ColumnTable::parse(csv, "in.csv", wanted_columns(weighted_by_region()));
    const Error error = test_support::error_of(
        [&] { (void)prepare_indicators(std::move(bad), weighted_by_region(), requirements); });
    return error.where().value_or(SourceLocation{}).to_string() + " " + error.message();
  };
  EXPECT_EQ(error_at(kRegular + "0,1,east,8\n", {.strictly_positive = true}),
            "in.csv:8:1 zero value in column 'y'");
  EXPECT_EQ(error_at(kRegular + "2,-1,east,8\n", {}), "in.csv:8:3 negative weight -1 in column 'pop'");
}

TEST(PrepareIndicators, ASingletonGroupIsNamedOnTheBulkPath) {
  ColumnTable table =
      ColumnTable::parse(kRegular + "5,1,west,9\n", "in.csv", wanted_columns(weighted_by_region()));
  const Error error =
      test_support::error_of([&] { (void)prepare_indicators(std::move(table), weighted_by_region(), {}); });
  EXPECT_EQ(error.where().value_or(SourceLocation{}).to_string(), "in.csv:8:5");
  EXPECT_NE(error.message().find("group 'west'"), std::string::npos) << error.message();
}

}  // namespace
}  // namespace equalis::measure

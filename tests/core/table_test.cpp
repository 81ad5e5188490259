#include "core/table.hpp"

#include <gtest/gtest.h>

namespace equalis {
namespace {

TEST(Table, NumericColumnMarksMissingWithoutNaN) {
  const CsvTable table = CsvTable::parse("v\n1.5\nNA\n\n-2e3\n", "in.csv");
  // The blank line is skipped as a record, so NA is the only missing cell.
  const NumericColumn column = read_numeric_column(table, "v");
  ASSERT_EQ(column.size(), 3U);
  EXPECT_EQ(column.values[0], 1.5);
  EXPECT_EQ(column.valid[1], 0);
  EXPECT_EQ(column.values[1], 0.0);
  EXPECT_EQ(column.values[2], -2000.0);
  EXPECT_EQ(column.missing_count(), 1U);
}

TEST(Table, NonNumericCellIsParseErrorWithLocation) {
  const CsvTable table = CsvTable::parse("name,v\nx,1\ny,12a\n", "data.csv");
  try {
    (void)read_numeric_column(table, "v");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse);
    ASSERT_TRUE(error.where().has_value());
    EXPECT_EQ(error.where()->line, 3U);
    EXPECT_EQ(error.where()->column, 3U);
    EXPECT_NE(std::string(error.what()).find("data.csv:3:3"), std::string::npos);
  }
}

TEST(Table, RejectsInfinityAndTrailingGarbage) {
  EXPECT_FALSE(parse_number("inf").has_value());
  EXPECT_FALSE(parse_number("1,5").has_value());
  EXPECT_FALSE(parse_number("").has_value());
  EXPECT_EQ(parse_number("+3").value_or(0), 3.0);
}

TEST(Table, CategoryColumnCodesInFirstAppearanceOrder) {
  const CsvTable table = CsvTable::parse("g\nurban\nrural\nurban\nNA\n", "in.csv");
  const CategoryColumn column = read_category_column(table, "g");
  EXPECT_EQ(column.labels, (std::vector<std::string>{"urban", "rural"}));
  EXPECT_EQ(column.codes[2], 0U);
  EXPECT_EQ(column.valid[3], 0);
}

}  // namespace
}  // namespace equalis

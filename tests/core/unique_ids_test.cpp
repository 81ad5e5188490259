#include "core/unique_ids.hpp"

#include "test_support.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace equalis {
namespace {

TEST(UniqueIds, NamesTheRepeatAndTheLineOfTheFirst) {
  const CsvTable table = CsvTable::parse("id,v\ns1,1\ns2,2\n\"s1\",3\n", "sites.csv");
  const Error error =
      test_support::error_of([&] { require_unique_ids(table, 0, "site", "give one row per site"); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error.message(), "site 's1' appears twice (first at line 2)");
  EXPECT_EQ(error.where().value_or(SourceLocation{}).to_string(), "sites.csv:4:1");
  EXPECT_EQ(error.fix(), "give one row per site");
}

TEST(UniqueIds, AcceptsDistinctIdsAndLeavesEmptyCellsToTheCaller) {
  const CsvTable table = CsvTable::parse("id,v\na,1\n,2\nb,3\n,4\n", "in.csv");
  EXPECT_NO_THROW(require_unique_ids(table, 0, "site", "fix"));
  // Ids differ by case or a space inside: distinct things, not a repeat.
  const CsvTable cased = CsvTable::parse("id\nA\na\na b\nab\n", "in.csv");
  EXPECT_NO_THROW(require_unique_ids(cased, 0, "site", "fix"));
}

TEST(UniqueIds, CategoryColumnNamesTheRepeatedCell) {
  const ColumnTable table =
      ColumnTable::parse("id,v\na,1\nb,2\na,3\n", "zones.csv", {{"id", ColumnKind::Category}});
  const Error repeated =
      test_support::error_of([&] { require_unique_ids(table, "id", "the id", "ids must be unique"); });
  EXPECT_EQ(repeated.message(), "the id 'a' appears twice in column 'id'");
  EXPECT_EQ(repeated.where().value_or(SourceLocation{}).to_string(), "zones.csv:4:1");
  const ColumnTable missing =
      ColumnTable::parse("id,v\na,1\n,2\n", "zones.csv", {{"id", ColumnKind::Category}});
  const Error absent =
      test_support::error_of([&] { require_unique_ids(missing, "id", "the id", "ids must be unique"); });
  EXPECT_EQ(absent.message(), "missing id in column 'id'");
  EXPECT_EQ(absent.where().value_or(SourceLocation{}).to_string(), "zones.csv:3:1");
  const ColumnTable distinct =
      ColumnTable::parse("id\nx\ny\nz\n", "zones.csv", {{"id", ColumnKind::Category}});
  EXPECT_NO_THROW(require_unique_ids(distinct, "id", "the id", "fix"));
}

}  // namespace
}  // namespace equalis

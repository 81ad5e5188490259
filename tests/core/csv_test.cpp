#include "core/csv.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

namespace equalis {
namespace {

SourceLocation parse_error_location(const std::string& text) {
  try {
    (void)CsvTable::parse(text, "in.csv");
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse);
    return error.where().value_or(SourceLocation{});
  }
  ADD_FAILURE() << "expected a parse error for: " << text;
  return {};
}

TEST(Csv, ReadsHeaderAndColumns) {
  const CsvTable table = CsvTable::parse("a,b\n1,2\n3,4\n", "in.csv");
  ASSERT_EQ(table.header(), (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(table.row_count(), 2U);
  EXPECT_EQ(table.cell(1, 0), "3");
  EXPECT_EQ(table.cell(0, 1), "2");
}

// Found by fuzzing: a text short enough for std::string's inline buffer moved with the string, and the
// cells of a moved table pointed into the old object (garbage cells, a crash in location()).
TEST(Csv, MovedSmallTableKeepsItsCells) {
  CsvTable original = CsvTable::parse("a,b\n1,\"2\"\n", "in.csv");
  CsvTable moved(std::move(original));
  original = CsvTable::parse("x,y\n7,8\n", "other.csv");  // reuses the old inline buffer
  EXPECT_EQ(moved.cell(0, 0), "1");
  EXPECT_EQ(moved.cell(0, 1), "2");
  EXPECT_EQ(moved.location(0, 1).to_string(), "in.csv:2:3");
  CsvTable assigned = CsvTable::parse("c\n9\n", "third.csv");
  assigned = std::move(moved);
  moved = CsvTable::parse("p,q\n5,6\n", "fourth.csv");
  EXPECT_EQ(assigned.cell(0, 0), "1");
  EXPECT_EQ(assigned.location(0, 0).to_string(), "in.csv:2:1");
  EXPECT_EQ(original.cell(0, 1), "8");
}

// Found by fuzzing (the streamed reader disagreed): a byte-order mark counted as a character of line 1.
TEST(Csv, ByteOrderMarkIsNotAColumn) {
  const SourceLocation where = parse_error_location("\xEF\xBB\xBF\"x\"y,b\n1,2\n");
  EXPECT_EQ(where.line, 1U);
  EXPECT_EQ(where.column, 4U);  // the y after the closing quote
}

TEST(Csv, HandlesCrlfBomQuotesAndEmbeddedNewlines) {
  const CsvTable table =
      CsvTable::parse("\xEF\xBB\xBFname,v\r\n\"He said \"\"hi\"\", ok\",1\r\n\"two\nlines\",2\r\n", "in.csv");
  ASSERT_EQ(table.row_count(), 2U);
  EXPECT_EQ(table.header()[0], "name");
  EXPECT_EQ(table.cell(0, 0), "He said \"hi\", ok");
  EXPECT_EQ(table.cell(1, 0), "two\nlines");
  EXPECT_EQ(table.cell(1, 1), "2");
  EXPECT_EQ(table.location(1, 1).line, 4U);  // the cell after an embedded newline sits on line 4
}

TEST(Csv, KeepsUtf8NamesAndCountsColumnsInCharacters) {
  const CsvTable table = CsvTable::parse("省份,值\n北京,x\n", "in.csv");
  EXPECT_EQ(table.cell(0, 0), "北京");
  const SourceLocation where = table.location(0, 1);
  EXPECT_EQ(where.line, 2U);
  EXPECT_EQ(where.column, 4U);  // 北 京 , x: the fourth character
}

TEST(Csv, TrimsSpacesAroundUnquotedFields) {
  const CsvTable table = CsvTable::parse("a , b\n Iraq ,1\n", "in.csv");
  EXPECT_EQ(table.header()[0], "a");
  EXPECT_EQ(table.cell(0, 0), "Iraq");
}

TEST(Csv, RaggedRowNamesLine) {
  const SourceLocation where = parse_error_location("a,b\n1,2\n3\n");
  EXPECT_EQ(where.file, "in.csv");
  EXPECT_EQ(where.line, 3U);
}

TEST(Csv, UnclosedQuoteNamesItsStart) {
  const SourceLocation where = parse_error_location("a,b\n1,\"open\n2,3\n");
  EXPECT_EQ(where.line, 2U);
  EXPECT_EQ(where.column, 3U);
}

TEST(Csv, StrayQuoteNamesColumn) {
  const SourceLocation where = parse_error_location("a,b\n1,ab\"c\n");
  EXPECT_EQ(where.line, 2U);
  EXPECT_EQ(where.column, 5U);
}

TEST(Csv, EmptyFileAndDuplicateHeaderAreErrors) {
  EXPECT_THROW((void)CsvTable::parse("", "in.csv"), Error);
  EXPECT_THROW((void)CsvTable::parse("a,a\n1,2\n", "in.csv"), Error);
}

TEST(Csv, SkipsBlankLinesAndAcceptsMissingFinalNewline) {
  const CsvTable table = CsvTable::parse("a\n1\n\n2", "in.csv");
  ASSERT_EQ(table.row_count(), 2U);
  EXPECT_EQ(table.cell(1, 0), "2");
}

TEST(Csv, UnknownColumnSuggestsNearest) {
  const CsvTable table = CsvTable::parse("pcgdp1940,hanson98\n1,2\n", "in.csv");
  try {
    (void)table.column_index("pcgdp194");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    EXPECT_NE(error.fix().find("pcgdp1940"), std::string::npos);
  }
}

TEST(Csv, MissingFileIsIoError) {
  try {
    (void)CsvTable::read_file("/nonexistent/file.csv");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Io);
  }
}

}  // namespace
}  // namespace equalis

// The streaming CSV reader: dialect, records across buffer refills, and error positions.

#include "audit/csv_stream.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace equalis::audit {
namespace {

using FilePtr = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

FilePtr from_text(const std::string& text) {
  FilePtr file(std::tmpfile(), &std::fclose);
  std::fwrite(text.data(), 1, text.size(), file.get());
  std::rewind(file.get());
  return file;
}

TEST(CsvStream, ReadsQuotedFieldsCrLfAndBom) {
  auto file = from_text("\xEF\xBB\xBFg,\"d\"\r\n\"a,\"\"b\"\"\",1\r\n\r\n x ,\"multi\nline\"\n");
  CsvStreamReader reader(file.get(), "t.csv");
  ASSERT_EQ(reader.header().size(), 2U);
  EXPECT_EQ(reader.header()[1], "d");
  ASSERT_TRUE(reader.next());
  EXPECT_EQ(reader.field(0), "a,\"b\"");
  EXPECT_EQ(reader.field(1), "1");
  ASSERT_TRUE(reader.next());  // the blank line is skipped
  EXPECT_EQ(reader.field(0), "x");
  EXPECT_EQ(reader.field(1), "multi\nline");
  EXPECT_FALSE(reader.next());
  EXPECT_EQ(reader.records_read(), 2U);
}

TEST(CsvStream, RecordsSpanningManyBuffersAreWhole) {
  // 3 MB of rows, so records straddle the 1 MB block boundaries, plus a final row without a newline.
  std::string text = "id,value\n";
  for (int i = 0; i < 200000; ++i) text += std::to_string(i) + ",\"v" + std::to_string(i) + "\"\n";
  text += "last,end";
  auto file = from_text(text);
  CsvStreamReader reader(file.get(), "big.csv");
  int rows = 0;
  while (reader.next()) {
    if (rows < 200000) {
      ASSERT_EQ(reader.field(0), std::to_string(rows));
      ASSERT_EQ(reader.field(1), "v" + std::to_string(rows));
    }
    ++rows;
  }
  EXPECT_EQ(rows, 200001);
  EXPECT_EQ(reader.field(1), "end");
}

TEST(CsvStream, ErrorsNameLineAndColumn) {
  auto file = from_text("a,b\n1,2\n3,x\"y\n");
  CsvStreamReader reader(file.get(), "bad.csv");
  ASSERT_TRUE(reader.next());
  try {
    static_cast<void>(reader.next());
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse);
    ASSERT_TRUE(error.where().has_value());
    EXPECT_EQ(error.where()->line, 3U);
    EXPECT_EQ(error.where()->column, 4U);
  }
}

// Found by fuzzing: the column of an error depended on where the buffer was refilled — a byte-order mark
// counted as a character while still in the buffer, and a record after a bare CR (which ends a record,
// not a line) counted its columns from the record once the line's start was dropped.
TEST(CsvStream, ErrorColumnsDoNotDependOnTheBlockSize) {
  const std::vector<std::pair<std::string, std::string>> cases{{"\xEF\xBB\xBF\"x\"y,b\n1,2\n", "bad.csv:1:4"},
                                                               {"a,b\r1,2\rx,\"y\"z\n", "bad.csv:1:14"}};
  for (const auto& [text, where] : cases) {
    for (const std::size_t block : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{1} << 20U}) {
      auto file = from_text(text);
      try {
        CsvStreamReader reader(file.get(), "bad.csv", {}, false, block);
        while (reader.next()) {
        }
        FAIL() << "no error";
      } catch (const Error& error) {
        ASSERT_TRUE(error.where().has_value());
        EXPECT_EQ(error.where()->to_string(), where) << "block " << block;
      }
    }
  }
}

TEST(CsvStream, WrongFieldCountAndFieldLocation) {
  auto file = from_text("a,b\n1,2\n3\n");
  CsvStreamReader reader(file.get(), "short.csv");
  ASSERT_TRUE(reader.next());
  EXPECT_EQ(reader.location(1).to_string(), "short.csv:2:3");
  EXPECT_THROW(static_cast<void>(reader.next()), Error);
}

TEST(CsvStream, MissingColumnSuggestsNearest) {
  auto file = from_text("decision,label\n1,0\n");
  CsvStreamReader reader(file.get(), "t.csv");
  try {
    static_cast<void>(reader.column_index("decison"));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    EXPECT_NE(std::string(error.what()).find("decision"), std::string::npos);
  }
}

TEST(CsvStream, EmptyInputAndMissingFile) {
  auto file = from_text("");
  EXPECT_THROW(CsvStreamReader(file.get(), "empty.csv"), Error);
  try {
    CsvStreamReader reader("/nonexistent/file.csv");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Io);
  }
}

TEST(CsvStream, BlockEndsAnywhereReadAsCsvTableReads) {
  // Every dialect feature, read with blocks of 1 to 13 bytes, so that a block ends inside quotes, inside
  // a "" escape, between CR and LF and inside every field: the records must be CsvTable's, and the
  // errors CsvTable's, at the same line and column.
  const std::vector<std::string> texts{
      "id,name,v\r\n1,\"a,\"\"b\"\"\",2\r\n\r\n2, plain ,\"multi\nline\"\n3,\"\",\n4,x,y",
      "\xEF\xBB\xBFk,w\n\"x\"\"\",1\n\"\"\"\",2\r\n  ,  \n\"é\",3\n",
      "a,b\n1,2\n3,x\"y\n",
      "a,b\n1,\"open\n",
      "a,b\n1,2,3\n",
      "a,b\n1,\"q\" tail\n",
  };
  for (const std::string& text : texts) {
    std::vector<std::vector<std::string>> expected;
    std::string expected_error;
    try {
      const CsvTable table = CsvTable::parse(text, "t.csv");
      for (std::size_t row = 0; row < table.row_count(); ++row) {
        std::vector<std::string> cells;
        for (std::size_t column = 0; column < table.column_count(); ++column)
          cells.emplace_back(table.cell(row, column));
        expected.push_back(cells);
      }
    } catch (const Error& error) {
      expected_error = error.what();
    }
    for (std::size_t block = 1; block <= 13; ++block) {
      auto file = from_text(text);
      std::vector<std::vector<std::string>> actual;
      std::string actual_error;
      try {
        CsvStreamReader reader(file.get(), "t.csv", {}, false, block);
        while (reader.next()) actual.emplace_back(reader.fields().begin(), reader.fields().end());
      } catch (const Error& error) {
        actual_error = error.what();
      }
      EXPECT_EQ(actual_error, expected_error) << "block " << block << " of: " << text;
      if (expected_error.empty()) {
        EXPECT_EQ(actual, expected) << "block " << block << " of: " << text;
      }
    }
  }
}

}  // namespace
}  // namespace equalis::audit

// UTF-8 validation (RFC 3629) and the readers' reports of the first bad byte.

#include "core/utf8.hpp"

#include "core/csv.hpp"
#include "core/csv_columns.hpp"
#include "core/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace equalis {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_FALSE(first_invalid_utf8("plain ASCII, long enough for the eight-byte path").has_value());
  EXPECT_FALSE(first_invalid_utf8("北部 é ü 😀 \xF4\x8F\xBF\xBF").has_value());  // U+10FFFF is the last
  EXPECT_FALSE(first_invalid_utf8("").has_value());
}

TEST(Utf8, FindsTheFirstBadByte) {
  EXPECT_EQ(first_invalid_utf8("abc\xFF"), 3U);
  EXPECT_EQ(first_invalid_utf8("abcdefghij\xC0\x80"), 10U);  // overlong NUL
  EXPECT_EQ(first_invalid_utf8("x\xE0\x80\xAF"), 1U);        // overlong '/'
  EXPECT_EQ(first_invalid_utf8("x\xED\xA0\x80"), 1U);        // a surrogate
  EXPECT_EQ(first_invalid_utf8("x\xF4\x90\x80\x80"), 1U);    // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("x\xF5\x80\x80\x80"), 1U);    // no such lead byte
  EXPECT_EQ(first_invalid_utf8("\xE4\xB8"), 0U);             // cut short
  EXPECT_EQ(first_invalid_utf8("ok \xE4\xB8\xAD\x80"), 6U);  // a stray continuation byte
  EXPECT_EQ(first_invalid_utf8("\xE4\xB8\xAD\xE6\x96\x87\xE5x"), 6U);
}

TEST(Utf8, ReadersReportFileLineAndColumn) {
  const std::string text = "name,v\nok,1\nbad\xFF\xFE,2\n";
  for (int reader = 0; reader < 2; ++reader) {
    try {
      if (reader == 0) {
        (void)CsvTable::parse(text, "in.csv");
      } else {
        (void)ColumnTable::parse(text, "in.csv", {{"v", ColumnKind::Numeric}});
      }
      FAIL() << "invalid UTF-8 was accepted by reader " << reader;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::Parse);
      EXPECT_NE(std::string(error.what()).find("in.csv:3:4: invalid UTF-8 (byte 0xFF)"), std::string::npos)
          << error.what();
    }
  }
}

}  // namespace
}  // namespace equalis

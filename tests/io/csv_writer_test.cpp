#include "io/csv_writer.hpp"

#include <gtest/gtest.h>

namespace equalis::io {
namespace {

TEST(CsvWriter, EscapesAndRoundTripsNumbers) {
  CsvWriter writer({"name", "value"});
  writer.field("a,b").field(0.1);
  writer.end_row();
  writer.field("say \"x\"").field(1e-300);
  writer.end_row();
  EXPECT_EQ(writer.text(), "name,value\n\"a,b\",0.1\n\"say \"\"x\"\"\",1e-300\n");
}

TEST(CsvWriter, QuotesPaddedTextSoItReadsBackUnchanged) {
  EXPECT_EQ(csv_escape("Iraq "), "\"Iraq \"");
  EXPECT_EQ(csv_escape(" x"), "\" x\"");
  EXPECT_EQ(csv_escape("plain"), "plain");
}

}  // namespace
}  // namespace equalis::io

// ColumnTable (typed columns straight from the file, parallel ranges) must read exactly what CsvTable +
// read_numeric_column / read_category_column read, and fail with the same message at the same place.

#include "core/csv_columns.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "core/table.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>

namespace equalis {
namespace {

const std::vector<WantedColumn> kWanted{
    {"x", ColumnKind::Numeric}, {"w", ColumnKind::Numeric}, {"g", ColumnKind::Category}};

void expect_same_columns(const CsvTable& reference, const ColumnTable& table) {
  ASSERT_EQ(table.row_count(), reference.row_count());
  ASSERT_EQ(table.header(), reference.header());
  for (const char* name : {"x", "w"}) {
    const NumericColumn expected = read_numeric_column(reference, name);
    const NumericColumn& actual = table.numeric(name);
    ASSERT_EQ(actual.valid, expected.valid) << name;
    for (std::size_t row = 0; row < expected.size(); ++row) {
      // Bit for bit: the plain-decimal fast path must round exactly as fast_float does.
      ASSERT_EQ(std::memcmp(&actual.values[row], &expected.values[row], sizeof(double)), 0)
          << name << " row " << row << ": " << actual.values[row] << " vs " << expected.values[row];
    }
  }
  const CategoryColumn expected = read_category_column(reference, "g");
  const CategoryColumn& actual = table.category("g");
  EXPECT_EQ(actual.labels, expected.labels);
  EXPECT_EQ(actual.codes, expected.codes);
  EXPECT_EQ(actual.valid, expected.valid);
}

// A CSV with every feature the dialect has, or only the quote-free ones.
std::string random_csv(Rng& rng, std::size_t rows, bool quotes) {
  static const char* const kNumbers[] = {"12",     "-3.5", "0.000123", "1e5",  "+7",  "1234567.891",
                                         "  42  ", "NA",   "",         "null", "-0",  "98765432109876543",
                                         ".5",     "6.",   "3.14159",  "1E-7", "0.1", "100"};
  static const char* const kLabels[] = {"east", "west", " central ", "NA", "北部", "r1", "r2"};
  std::string text = "id,x,w,g\r\n";
  for (std::size_t row = 0; row < rows; ++row) {
    if (rng.uniform_index(50) == 0) text += rng.uniform_index(2) == 0 ? "\n" : "\r\n";  // blank lines
    std::string label = kLabels[rng.uniform_index(std::size(kLabels))];
    if (quotes && rng.uniform_index(5) == 0) label = "\"" + label + " \"\"q\"\", with comma\nand newline\"";
    text += fmt::format("{},{},{},{}", row, kNumbers[rng.uniform_index(std::size(kNumbers))],
                        kNumbers[rng.uniform_index(std::size(kNumbers))], label);
    text += rng.uniform_index(3) == 0 ? "\r\n" : "\n";
  }
  if (rng.uniform_index(2) == 0 && text.back() == '\n') text.pop_back();  // no final newline
  return text;
}

std::string write_temp(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / fmt::format("equalis_{}_{}", ::getpid(), name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST(CsvColumns, ReadsWhatCsvTableReads) {
  Rng rng(7, 0);
  for (int trial = 0; trial < 40; ++trial) {
    const bool quotes = trial % 2 == 0;
    const std::string text = random_csv(rng, 1 + rng.uniform_index(300), quotes);
    const CsvTable reference = CsvTable::parse(text, "in.csv");
    expect_same_columns(reference, ColumnTable::parse(text, "in.csv", kWanted));
  }
}

// Found by fuzzing: a bare CR ends a record but not a line, and the rows were counted by newlines, so
// the typed columns were too short and written past their end.
TEST(CsvColumns, BareCarriageReturnsEndRecords) {
  const std::string text = "x,w,g\n1,\"2\",a\r3,4,b\r5,6,c\n";
  const CsvTable reference = CsvTable::parse(text, "in.csv");
  ASSERT_EQ(reference.row_count(), 3U);
  expect_same_columns(reference, ColumnTable::parse(text, "in.csv", kWanted));
}

TEST(CsvColumns, ParallelRangesOfABigFileMatch) {
  // Over 2 MB and quote-free: read in several ranges; labels keep their first-appearance order.
  Rng rng(11, 0);
  const std::string text = random_csv(rng, 120'000, false);
  const std::string path = write_temp("columns_big.csv", text);
  const ColumnTable table = ColumnTable::read_file(path, kWanted);
  EXPECT_GT(table.read_ranges(), 1U);
  const CsvTable reference = CsvTable::parse(text, path);
  expect_same_columns(reference, table);
  // Cells are still located after the pages were handed back.
  for (const std::size_t row :
       {std::size_t{0}, std::size_t{4095}, std::size_t{4096}, std::size_t{77'777}, table.row_count() - 1}) {
    const SourceLocation expected = reference.location(row, reference.column_index("w"));
    const SourceLocation actual = table.location(row, "w");
    EXPECT_EQ(actual.line, expected.line) << row;
    EXPECT_EQ(actual.column, expected.column) << row;
  }
  std::filesystem::remove(path);
}

std::optional<Error> error_of(const auto& read) {
  try {
    read();
  } catch (const Error& error) {
    return error;
  }
  return std::nullopt;
}

// A big body is split into ranges only when one pass finds no quote and no bare carriage return in it;
// one late quoted field (with a newline inside) or one late bare CR sends the whole body to one range.
TEST(CsvColumns, ALateQuoteOrBareReturnInABigFileReadsInOneRange) {
  std::string plain = "x,w,g\n";  // over 2 MB: several ranges unless something forbids them
  for (int row = 0; row < 300'000; ++row) plain += fmt::format("{},{},r{}\n", row, row % 7, row % 5);
  for (const std::string& tail : {std::string("1,2,\"two\nlines\"\n"), std::string("1,2,a\r3,4,b\n")}) {
    const std::string text = plain + tail;
    const std::string path = write_temp("columns_late.csv", text);
    const ColumnTable table = ColumnTable::read_file(path, kWanted);
    EXPECT_EQ(table.read_ranges(), 1U);
    expect_same_columns(CsvTable::parse(text, path), table);
    std::filesystem::remove(path);
  }
  // CRLF line ends are no reason to give up the ranges.
  std::string crlf;
  crlf.reserve(plain.size() + plain.size() / 8);
  for (const char c : plain) crlf += c == '\n' ? std::string_view("\r\n") : std::string_view(&c, 1);
  const std::string path = write_temp("columns_crlf.csv", crlf);
  const ColumnTable table = ColumnTable::read_file(path, kWanted);
  EXPECT_GT(table.read_ranges(), 1U);
  expect_same_columns(CsvTable::parse(crlf, path), table);
  std::filesystem::remove(path);
}

// UTF-8 is checked where the one pass saw a byte outside ASCII: a bad byte in a late range is named at
// its line, and good non-ASCII labels read as CsvTable reads them.
TEST(CsvColumns, InvalidUtf8InALateRangeIsNamed) {
  std::string text = "x,w,g\n";
  for (int row = 0; row < 150'000; ++row)
    text += fmt::format("{},{},{}\n", row, row % 7, row % 2 ? "北部" : "r");
  const std::string good = write_temp("columns_utf8.csv", text);
  expect_same_columns(CsvTable::parse(text, good), ColumnTable::read_file(good, kWanted));
  std::filesystem::remove(good);
  text += "1,2,\xff\n";
  const std::string bad = write_temp("columns_bad_utf8.csv", text);
  const auto failure = error_of([&] { (void)ColumnTable::read_file(bad, kWanted); });
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->code(), ErrorCode::Parse);
  ASSERT_TRUE(failure->where().has_value());
  EXPECT_EQ(failure->where()->line, 150'002U);
  EXPECT_EQ(failure->where()->column, 5U);
  std::filesystem::remove(bad);
}

TEST(CsvColumns, FailsAsCsvTableFails) {
  const std::vector<std::string> bad{
      "",
      "x,w,g\n1,2\n",
      "x,w,g\n1,2,a,b\n",
      "x,w,g\n1,2,a\n3,four,b\n",
      "x,w,g\n1,2,ab\"c\n",
      "x,w,g\n1,2,\"open\n",
      "x,w,g\n1,2,\"a\"b\n",
      "x,x,g\n1,2,a\n",
      "x,,g\n1,2,a\n",
      "x,w,g\n1,2,a\n5,1e999,b\n",
  };
  for (const std::string& text : bad) {
    const auto expected = error_of([&] {
      const CsvTable table = CsvTable::parse(text, "in.csv");
      (void)read_numeric_column(table, "x");
      (void)read_numeric_column(table, "w");
    });
    const auto actual = error_of([&] { (void)ColumnTable::parse(text, "in.csv", kWanted); });
    ASSERT_TRUE(expected.has_value()) << text;
    ASSERT_TRUE(actual.has_value()) << text;
    EXPECT_EQ(std::string(actual->what()), std::string(expected->what())) << text;
  }
  // An error in a later range of a big file names its true line.
  std::string big = "x,w,g\n";
  for (int row = 0; row < 200'000; ++row) big += fmt::format("{},{},r{}\n", row, row % 7, row % 5);
  big += "1,oops,r1\n";
  const std::string path = write_temp("columns_bad.csv", big);
  const auto failure = error_of([&] { (void)ColumnTable::read_file(path, kWanted); });
  ASSERT_TRUE(failure.has_value());
  ASSERT_TRUE(failure->where().has_value());
  EXPECT_EQ(failure->where()->line, 200'002U);
  EXPECT_EQ(failure->where()->column, 3U);
  std::filesystem::remove(path);
}

TEST(CsvColumns, NamesTheNearestColumn) {
  const auto failure = error_of([] {
    (void)ColumnTable::parse("x,weight,g\n1,2,a\n", "in.csv", {{"wieght", ColumnKind::Numeric}});
  });
  ASSERT_TRUE(failure.has_value());
  EXPECT_NE(std::string(failure->what()).find("did you mean 'weight'"), std::string::npos) << failure->what();
}

}  // namespace
}  // namespace equalis

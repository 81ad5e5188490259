// Compressed CSV inputs: the same table whether a file is plain or gzip, and clear errors for corrupt,
// truncated or foreign bytes.

#include "core/gzip.hpp"

#include "core/csv.hpp"
#include "core/csv_columns.hpp"
#include "core/error.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <zlib.h>

namespace equalis {
namespace {

std::string scratch(const std::string& name) {
  return (std::filesystem::temp_directory_path() / fmt::format("equalis_gzip_{}_{}", ::getpid(), name))
      .string();
}

// Writes `members` as concatenated gzip members (what `gzip a >> f; gzip b >> f` makes).
void write_gzip(const std::string& path, const std::vector<std::string>& members) {
  std::ofstream(path, std::ios::trunc).close();
  for (const auto& text : members) {
    gzFile file = gzopen(path.c_str(), "ab");
    ASSERT_NE(file, nullptr);
    ASSERT_EQ(gzwrite(file, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
    gzclose(file);
  }
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Gzip, CompressedCsvReadsAsThePlainOne) {
  std::string text = "from,to,cost\n";
  for (int i = 0; i < 50000; ++i) text += fmt::format("{},{},{}.5\n", i % 97, i % 89, i % 120);
  const auto path = scratch("matrix.csv.gz");
  write_gzip(path, {text.substr(0, 1000), text.substr(1000)});  // two members, split mid-line
  EXPECT_TRUE(is_gzip(read_bytes(path)));
  const std::vector<WantedColumn> wanted{{"cost", ColumnKind::Numeric}, {"from", ColumnKind::Category}};
  const auto compressed = ColumnTable::read_file(path, wanted);
  const auto plain = ColumnTable::parse(text, "plain", wanted);
  ASSERT_EQ(compressed.row_count(), 50000U);
  EXPECT_EQ(compressed.numeric("cost").values, plain.numeric("cost").values);
  EXPECT_EQ(compressed.category("from").labels, plain.category("from").labels);
  EXPECT_EQ(ColumnTable::read_header(path), (std::vector<std::string>{"from", "to", "cost"}));
  EXPECT_EQ(CsvTable::read_file(path).row_count(), 50000U);
  // Messages point into the decompressed text: line 3 of the CSV.
  text.replace(text.find("2,2,2.5"), 7, "2,2,x");
  write_gzip(path, {text});
  try {
    (void)ColumnTable::read_file(path, wanted);
    FAIL();
  } catch (const Error& error) {
    ASSERT_TRUE(error.where().has_value());
    EXPECT_EQ(error.where()->line, 4U) << error.what();
  }
  std::filesystem::remove(path);
}

TEST(Gzip, CorruptAndTruncatedDataAreParseErrors) {
  const auto path = scratch("bad.csv.gz");
  write_gzip(path, {std::string(100000, 'a')});
  const std::string whole = read_bytes(path);
  const std::string truncated = whole.substr(0, whole.size() / 2);
  try {
    (void)gunzip(truncated, "half.gz");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse);
    EXPECT_NE(std::string(error.what()).find("half.gz"), std::string::npos);
  }
  std::string flipped = whole;
  flipped[12] = static_cast<char>(flipped[12] ^ 0x55);
  EXPECT_THROW((void)gunzip(flipped, "flipped.gz"), Error);
  EXPECT_THROW((void)gunzip(whole + "junk", "trailing.gz"), Error);
  EXPECT_THROW((void)gunzip(std::string("\x1f\x8b", 2), "magic only"), Error);
  EXPECT_FALSE(is_gzip("a,b\n1,2\n"));
  // A decompression bomb stops at the limit with its own error.
  try {
    (void)gunzip(whole, "bomb.gz", 1U << 16U);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Unsupported);
  }
  EXPECT_EQ(gunzip(whole, "ok.gz").size(), 100000U);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace equalis

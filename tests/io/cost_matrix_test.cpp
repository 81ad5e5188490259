// The shared long-matrix reader: ids in first-appearance order, costs as given, usual column names, and
// errors at the offending cell.

#include "io/cost_matrix.hpp"

#include "core/error.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace equalis::io {
namespace {

std::string write_temp(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / fmt::format("equalis_{}_{}", ::getpid(), name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST(LongMatrix, ReadsPairsWithTheUsualColumnNames) {
  const std::string path =
      write_temp("long.csv", "origin,destination,travel_time\nb,x,12.5\na,y,3\nb,y,0\na,x,7\n");
  const LongMatrix matrix = read_long_matrix(path);
  EXPECT_EQ(matrix.origin_ids, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(matrix.destination_ids, (std::vector<std::string>{"x", "y"}));
  ASSERT_EQ(matrix.size(), 4U);
  EXPECT_EQ(matrix.origin, (std::vector<std::uint32_t>{0, 1, 0, 1}));
  EXPECT_EQ(matrix.destination, (std::vector<std::uint32_t>{0, 1, 1, 0}));
  EXPECT_EQ(matrix.cost, (std::vector<float>{12.5F, 3.0F, 0.0F, 7.0F}));
  std::filesystem::remove(path);
}

TEST(LongMatrix, ReadsTheBeloHorizonteExtract) {
  const LongMatrix matrix = read_long_matrix(std::string(EQUALIS_TEST_DATA_DIR) + "/bho/matrix.csv");
  EXPECT_EQ(matrix.origin_ids.front(), "0");
  EXPECT_EQ(matrix.destination_ids.front(), "existing");
  EXPECT_EQ(matrix.cost.front(), 29.0F);
  EXPECT_GT(matrix.size(), 10'000U);
}

TEST(LongMatrix, RefusesNegativeCostsAndMissingColumnsAtTheirPlace) {
  const std::string negative = write_temp("neg.csv", "from,to,cost\na,x,1\na,y,-4\n");
  try {
    (void)read_long_matrix(negative);
    FAIL() << "a negative cost was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse);
    ASSERT_TRUE(error.where().has_value());
    EXPECT_EQ(error.where()->line, 3U);
    EXPECT_EQ(error.where()->column, 5U);
  }
  const std::string unnamed = write_temp("unnamed.csv", "src,dst,minutes\na,x,1\n");
  EXPECT_THROW((void)read_long_matrix(unnamed), Error);
  const LongMatrix named = read_long_matrix(unnamed, {"src", "dst", "minutes"});
  EXPECT_EQ(named.cost, (std::vector<float>{1.0F}));
  for (const auto& path : {negative, unnamed}) std::filesystem::remove(path);
}

}  // namespace
}  // namespace equalis::io

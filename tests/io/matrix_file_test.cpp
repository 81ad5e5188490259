#include "io/matrix_file.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace equalis::io {
namespace {

const std::vector<std::string> kOrigins{"a", "bé", ""};
const std::vector<std::string> kDestinations{"x", "y"};
const std::vector<std::uint32_t> kTimes{0, 1500, kMatrixUnreachable, 42, 7, 4294967294U};

ErrorCode decode_error(std::string_view bytes) {
  try {
    static_cast<void>(decode_matrix_file(bytes, "m.bin"));
  } catch (const Error& error) {
    return error.code();
  }
  return ErrorCode::Internal;  // no error: the caller's expectation fails
}

TEST(MatrixFile, RoundTripsThroughAFile) {
  const auto path = (std::filesystem::temp_directory_path() / "equalis_matrix_file_test.bin").string();
  write_matrix_file(path, kOrigins, kDestinations, kTimes);
  const MatrixFile read = read_matrix_file(path);
  std::filesystem::remove(path);
  EXPECT_EQ(read.origin_ids, kOrigins);
  EXPECT_EQ(read.destination_ids, kDestinations);
  EXPECT_EQ(read.time_ms, kTimes);
  EXPECT_EQ(read.at(1, 1), 42U);
  EXPECT_EQ(read.at(1, 0), kMatrixUnreachable);
  EXPECT_EQ(read.at(0, 1), 1500U);
}

TEST(MatrixFile, HeaderIsLittleEndianAsDocumented) {
  const std::string bytes = encode_matrix_file(kOrigins, kDestinations, kTimes);
  ASSERT_GE(bytes.size(), 32U);
  EXPECT_EQ(bytes.substr(0, 8), "EQMATRX1");
  EXPECT_EQ(bytes.substr(8, 8), std::string("\x01\0\0\0\0\0\0\0", 8));   // version 1, reserved 0
  EXPECT_EQ(bytes.substr(16, 8), std::string("\x03\0\0\0\0\0\0\0", 8));  // 3 rows
  EXPECT_EQ(bytes.substr(24, 8), std::string("\x02\0\0\0\0\0\0\0", 8));  // 2 columns
  // The last time, 4294967294, closes the file.
  EXPECT_EQ(bytes.substr(bytes.size() - 4), std::string("\xFE\xFF\xFF\xFF", 4));
}

TEST(MatrixFile, RefusesWrongOrTruncatedFiles) {
  const std::string bytes = encode_matrix_file(kOrigins, kDestinations, kTimes);
  EXPECT_EQ(decode_error("EQMATRX2" + bytes.substr(8)), ErrorCode::Parse);
  EXPECT_EQ(decode_error(""), ErrorCode::Parse);
  std::string future = bytes;
  future[8] = '\x02';
  EXPECT_EQ(decode_error(future), ErrorCode::Parse);
  for (const std::size_t cut : {std::size_t{12}, std::size_t{30}, std::size_t{36}, bytes.size() - 1}) {
    EXPECT_EQ(decode_error(bytes.substr(0, cut)), ErrorCode::Parse) << "cut at " << cut;
  }
  EXPECT_EQ(decode_error(bytes + "x"), ErrorCode::Parse);
  // A header claiming far more ids than the file can hold is reported, not allocated.
  std::string huge = bytes;
  huge[23] = '\x7F';
  EXPECT_EQ(decode_error(huge), ErrorCode::Parse);
  try {
    static_cast<void>(decode_matrix_file(bytes.substr(0, 40), "m.bin"));
    ADD_FAILURE() << "a truncated file was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("truncated"), std::string::npos) << error.what();
  }
}

TEST(MatrixFile, RefusesTimesOfTheWrongShape) {
  EXPECT_THROW(static_cast<void>(encode_matrix_file(kOrigins, kDestinations, std::vector<std::uint32_t>{1})),
               Error);
  EXPECT_THROW(static_cast<void>(read_matrix_file("/nonexistent/equalis/m.bin")), Error);
}

}  // namespace
}  // namespace equalis::io

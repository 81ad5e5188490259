#include "core/atomic_file.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace equalis {
namespace {

TEST(AtomicFile, WritesAndReplaces) {
  const auto dir = std::filesystem::temp_directory_path() / "equalis_atomic_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "out.txt").string();
  write_file_atomically(path, "first");
  write_file_atomically(path, "second");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "second");
  // No temporary files are left behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1U);
  std::filesystem::remove_all(dir);
}

TEST(AtomicFile, MissingDirectoryIsIoError) {
  try {
    write_file_atomically("/nonexistent-dir/out.json", "x");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Io);
  }
}

}  // namespace
}  // namespace equalis

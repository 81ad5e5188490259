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

TEST(AtomicFile, FilesWrittenTogetherAreAllOrNothing) {
  const auto dir = std::filesystem::temp_directory_path() / "equalis_atomic_together";
  std::filesystem::create_directories(dir);
  const std::string first = (dir / "a.json").string();
  EXPECT_THROW(write_files_together({{first, "A"}, {(dir / "missing/b.json").string(), "B"}}), Error);
  EXPECT_FALSE(std::filesystem::exists(first));  // the second failed, so the first was not committed
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 0U);  // and no temporary is left
  write_files_together({{first, "A"}, {(dir / "b.json").string(), "B"}});
  EXPECT_TRUE(std::filesystem::exists(first));
  EXPECT_TRUE(std::filesystem::exists(dir / "b.json"));
  std::filesystem::remove_all(dir);
}

TEST(ErrorExcerpt, LongCellsAreShortenedAtACharacterBoundary) {
  EXPECT_EQ(excerpt("short"), "short");
  const std::string big(10'000'000, 'x');
  const std::string shown = excerpt(big);
  EXPECT_LT(shown.size(), 100U);
  EXPECT_NE(shown.find("10000000 bytes"), std::string::npos);
  std::string accented;
  for (int i = 0; i < 40; ++i) accented += "é";  // 2 bytes each: byte 60 is a character boundary, 61 is not
  accented = "x" + accented;
  const std::string cut = excerpt(accented);
  EXPECT_EQ(cut.substr(0, 59), accented.substr(0, 59));
  EXPECT_EQ(cut.substr(59, 3), "…");
}

}  // namespace
}  // namespace equalis

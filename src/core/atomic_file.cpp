#include "core/atomic_file.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdio.h>  // renameat2, RENAME_EXCHANGE (glibc)
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace equalis {

namespace {
[[noreturn]] void fail(const std::string& path, const std::string& what, int error_number) {
  throw Error(ErrorCode::Io,
              fmt::format("cannot write '{}': {} ({})", path, what, std::strerror(error_number)),
              "check that the directory exists, is writable and the disk is not full");
}
}  // namespace

namespace {

// Writes `content` to a new temporary file beside `path`, flushed to disk; returns its name.
std::string write_temporary_beside(const std::string& path, std::string_view content) {
  const std::filesystem::path target(path);
  const std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
  // Built by appends: GCC 12 raises a false -Wrestrict on `"." + std::string` at -O3.
  std::string temp_name = target.filename().string();
  temp_name.insert(temp_name.begin(), '.');
  temp_name.append(".tmp.XXXXXX");
  const std::string pattern = (directory / temp_name).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) fail(path, "cannot create a temporary file beside it", errno);
  const std::string temp_path(name.data());
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      std::remove(temp_path.c_str());
      fail(path, "write failed", saved);
    }
    written += static_cast<std::size_t>(n);
  }
  // mkstemp creates 0600; give the file the usual permissions (0666 minus umask).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, static_cast<mode_t>(0666) & ~mask);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int saved = errno;
    std::remove(temp_path.c_str());
    fail(path, "flush failed", saved);
  }
  return temp_path;
}

void rename_into_place(const std::string& temp_path, const std::string& path) {
  if (std::rename(temp_path.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    std::remove(temp_path.c_str());
    fail(path, "rename failed", saved);
  }
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content) {
  rename_into_place(write_temporary_beside(path, content), path);
}

void write_files_together(const std::vector<FileContent>& files) {
  std::vector<std::string> temporaries;
  try {
    for (const auto& file : files) temporaries.push_back(write_temporary_beside(file.path, file.content));
  } catch (...) {
    for (const auto& temp : temporaries) std::remove(temp.c_str());
    throw;
  }
  // Every file is on disk now; only the renames remain, each atomic on its own.
  for (std::size_t i = 0; i < files.size(); ++i) {
    try {
      rename_into_place(temporaries[i], files[i].path);
    } catch (...) {
      for (std::size_t j = i + 1; j < files.size(); ++j) std::remove(temporaries[j].c_str());
      throw;
    }
  }
}

namespace {

namespace fs = std::filesystem;

// Refuses to replace a folder that equalis did not write.
void check_replaceable(const fs::path& directory, const std::string& marker) {
  std::error_code error;
  const auto status = fs::status(directory, error);
  if (!fs::exists(status)) return;
  if (!fs::is_directory(status)) {
    throw Error(ErrorCode::Io,
                fmt::format("cannot write the folder '{}': a file of that name exists", directory.string()),
                "name another output folder");
  }
  if (fs::is_empty(directory, error) || fs::exists(directory / marker, error)) return;
  throw Error(ErrorCode::Io,
              fmt::format("will not replace '{}': it holds files equalis did not write (no {})",
                          directory.string(), marker),
              "name a new or empty output folder, or one an earlier run wrote");
}

// Writes every file into a new hidden folder beside `directory`; returns it.
fs::path write_staging_folder(const fs::path& directory, const std::vector<FileContent>& files) {
  const fs::path parent = directory.has_parent_path() ? directory.parent_path() : fs::path(".");
  std::error_code error;
  fs::create_directories(parent, error);
  std::string name = directory.filename().string();
  name.insert(name.begin(), '.');
  name.append(".tmp.XXXXXX");
  const std::string pattern = (parent / name).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr)
    fail(directory.string(), "cannot create a folder beside it", errno);
  const fs::path staging(buffer.data());
  ::chmod(staging.c_str(), 0755);
  try {
    for (const auto& file : files) {
      const fs::path path = staging / file.path;
      fs::create_directories(path.parent_path());
      rename_into_place(write_temporary_beside(path.string(), file.content), path.string());
    }
  } catch (...) {
    fs::remove_all(staging, error);
    throw;
  }
  return staging;
}

}  // namespace

void write_folder_atomically(const std::string& directory, const std::vector<FileContent>& files,
                             const std::string& marker) {
  fs::path target(directory);
  while (!target.empty() && target.filename().empty()) target = target.parent_path();  // "out/" → "out"
  check_replaceable(target, marker);
  const fs::path staging = write_staging_folder(target, files);
  std::error_code error;
  if (!fs::exists(target, error)) {
    if (std::rename(staging.c_str(), target.c_str()) != 0) {
      const int saved = errno;
      fs::remove_all(staging, error);
      fail(directory, "rename failed", saved);
    }
    return;
  }
  // Swap the new folder with the old in one step, then remove the old one (now at the staging name).
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(staging, error);
    return;
  }
  // No exchange on this file system: move the old folder aside, the new one in, then drop the old.
  const fs::path aside = staging.string() + ".old";
  if (std::rename(target.c_str(), aside.c_str()) != 0) {
    const int saved = errno;
    fs::remove_all(staging, error);
    fail(directory, "cannot move the previous folder aside", saved);
  }
  if (std::rename(staging.c_str(), target.c_str()) != 0) {
    const int saved = errno;
    std::rename(aside.c_str(), target.c_str());
    fs::remove_all(staging, error);
    fail(directory, "rename failed", saved);
  }
  fs::remove_all(aside, error);
}

}  // namespace equalis

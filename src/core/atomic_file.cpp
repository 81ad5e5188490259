#include "core/atomic_file.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
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

}  // namespace equalis

#include "core/input_file.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace equalis {

void require_input_file(const std::string& path, std::string_view role) {
  if (path == "-") return;
  const std::string what = role.empty() ? fmt::format("'{}'", path) : fmt::format("{} '{}'", role, path);
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) {
      throw Error(ErrorCode::Io, fmt::format("{} does not exist", what),
                  "check the path (relative paths start from the current directory)");
    }
    throw Error(ErrorCode::Io, fmt::format("cannot open {}: {}", what, std::strerror(error)),
                "check the path and read permission");
  }
  if (S_ISDIR(info.st_mode)) {
    throw Error(ErrorCode::Io, fmt::format("{} is a directory, not a file", what),
                "give the path of a file inside it");
  }
  if (::access(path.c_str(), R_OK) != 0) {
    throw Error(ErrorCode::Io, fmt::format("cannot read {}: {}", what, std::strerror(errno)),
                "check the file's read permission");
  }
}

void refuse_output_over_inputs(const std::string& output, std::span<const std::string> inputs) {
  if (output.empty() || output == "-") return;
  for (const std::string& input : inputs) {
    if (input.empty() || input == "-") continue;
    std::error_code error;  // a path that does not exist yet is no input
    if (std::filesystem::equivalent(output, input, error)) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("the output file '{}' is also an input ('{}'): writing it would destroy the input",
                      output, input),
          "write the result to another file");
    }
  }
}

}  // namespace equalis

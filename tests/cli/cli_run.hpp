#pragma once
// Runs the equalis binary as a user would (through the shell, so arguments may be quoted) and collects its
// stdout, stderr and exit status; plus small helpers for test data and temporary input files.

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace equalis::cli_test {

struct RunResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `arguments` is appended to the binary's path in a shell command line.
inline RunResult run(const std::string& arguments) {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string err_path = (dir / fmt::format("equalis_cli_{}.err", ::getpid())).string();
  const std::string command = fmt::format("{} {} 2>{}", EQUALIS_BINARY, arguments, err_path);
  RunResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = read_text(err_path);
  std::filesystem::remove(err_path);
  return result;
}

// A path under the bundled test data directory.
inline std::string data(const std::string& relative) {
  return std::string(EQUALIS_TEST_DATA_DIR) + "/" + relative;
}

// Writes `content` to a per-process temporary file and returns its path.
inline std::string write_temp(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / fmt::format("equalis_{}_{}", ::getpid(), name);
  std::ofstream(path) << content;
  return path.string();
}

}  // namespace equalis::cli_test

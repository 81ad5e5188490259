#pragma once
// What the fuzz targets share: the input as text, a temporary file for readers that take a path, and
// the one rule of every target — equalis::Error is an expected outcome (the reader refused the input
// with a message), anything else (another exception, a crash, a sanitizer report) is a bug.

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace equalis::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `read`; a refusal (equalis::Error) is fine, every other exception escapes and fails the target.
template <typename Read>
void refusal_is_fine(Read&& read) {
  try {
    read();
  } catch (const Error&) {
  }
}

// The input written to a file of this process (libFuzzer runs one input at a time per process), removed
// again when the target returns.
class TempInput {
 public:
  TempInput(std::string_view bytes, std::string_view suffix)
      : path_((std::filesystem::temp_directory_path() /
               ("equalis_fuzz_" + std::to_string(::getpid()) + std::string(suffix)))
                  .string()) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) std::abort();  // the harness cannot run; not a finding about the reader
  }
  TempInput(const TempInput&) = delete;
  TempInput& operator=(const TempInput&) = delete;
  TempInput(TempInput&&) = delete;
  TempInput& operator=(TempInput&&) = delete;
  ~TempInput() { std::remove(path_.c_str()); }

  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

}  // namespace equalis::fuzz

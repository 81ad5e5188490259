#include "output.hpp"

#include "core/atomic_file.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace equalis::cli {

void emit(const OutputOptions& options, const std::string& content) {
  if (options.path.empty() || options.path == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    std::fflush(stdout);
    return;
  }
  write_file_atomically(options.path, content);
}

}  // namespace equalis::cli

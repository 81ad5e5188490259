#include "output.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"

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

void emit_result(const OutputOptions& options, const Renderers& renderers) {
  const bool missing = (options.format == OutputFormat::Csv && !renderers.csv) ||
                       (options.format == OutputFormat::Text && !renderers.text);
  if (missing) {
    throw Error(
        ErrorCode::Unsupported,
        fmt::format("this command has no {} output", options.format == OutputFormat::Csv ? "CSV" : "text"),
        "use --format json (every command has it)");
  }
  emit(options, report::render(options.format, renderers));
}

}  // namespace equalis::cli

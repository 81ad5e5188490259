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
  const auto refuse = [](const char* format) {
    throw Error(ErrorCode::Unsupported, fmt::format("this command has no {} output", format),
                "use --format json (every command has it)");
  };
  switch (options.format) {
    case OutputFormat::Csv:
      if (!renderers.csv) refuse("CSV");
      emit(options, renderers.csv());
      return;
    case OutputFormat::Text:
      if (!renderers.text) refuse("text");
      emit(options, renderers.text());
      return;
    case OutputFormat::Json:
      emit(options, renderers.json().dump(2) + "\n");
      return;
  }
}

}  // namespace equalis::cli

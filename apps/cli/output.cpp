#include "output.hpp"

#include "commands.hpp"

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
  refuse_input_as_output(options.path);
  write_file_atomically(options.path, content);
}

std::string render_result(OutputFormat format, const Renderers& renderers) {
  const bool missing =
      (format == OutputFormat::Csv && !renderers.csv) || (format == OutputFormat::Text && !renderers.text);
  if (missing) {
    throw Error(ErrorCode::Unsupported,
                fmt::format("this command has no {} output", format == OutputFormat::Csv ? "CSV" : "text"),
                "use --format json (every command has it)");
  }
  return report::render(format, renderers);
}

void emit_result(const OutputOptions& options, const Renderers& renderers) {
  emit(options, render_result(options.format, renderers));
}

void emit_result_with_files(const OutputOptions& options, const Renderers& renderers,
                            std::vector<FileContent> files) {
  if (files.empty()) {
    emit_result(options, renderers);
    return;
  }
  std::string main = render_result(options.format, renderers);
  if (options.path.empty() || options.path == "-") {
    write_files_together(files);
    emit(options, main);
    return;
  }
  refuse_input_as_output(options.path);
  files.push_back({options.path, std::move(main)});
  write_files_together(files);
}

}  // namespace equalis::cli

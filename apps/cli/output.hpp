#pragma once
// Where a command's result goes: stdout, or --output FILE written atomically.

#include "core/atomic_file.hpp"
#include "report/document.hpp"

#include <string>
#include <vector>

namespace equalis::cli {

using OutputFormat = report::Format;
using Renderers = report::Renderers;

struct OutputOptions {
  OutputFormat format = OutputFormat::Json;
  std::string path;  // empty = stdout
};

void emit(const OutputOptions& options, const std::string& content);

// The result in `format`; Error(Unsupported) when the command has no such form.
std::string render_result(OutputFormat format, const Renderers& renderers);

// Renders the result in the format the user chose (only that one is built) and emits it.
void emit_result(const OutputOptions& options, const Renderers& renderers);

// The same beside further output files (a summary CSV, a map): everything is rendered first, then the
// files that are files are committed together or not at all.
void emit_result_with_files(const OutputOptions& options, const Renderers& renderers,
                            std::vector<FileContent> files);

}  // namespace equalis::cli

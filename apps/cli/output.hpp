#pragma once
// Where a command's result goes: stdout, or --output FILE written atomically.

#include "report/document.hpp"

#include <string>

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

}  // namespace equalis::cli

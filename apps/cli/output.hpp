#pragma once
// Where a command's result goes: stdout, or --output FILE written atomically.

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace equalis::cli {

enum class OutputFormat { Json, Csv, Text };

struct OutputOptions {
  OutputFormat format = OutputFormat::Json;
  std::string path;  // empty = stdout
};

void emit(const OutputOptions& options, const std::string& content);

// The forms a command can render its result in; a form left empty is refused with Error(Unsupported).
struct Renderers {
  std::function<nlohmann::ordered_json()> json;  // the whole document, envelope included
  std::function<std::string()> csv;
  std::function<std::string()> text;
};

// Renders the result in the format the user chose (only that one is built) and emits it.
void emit_result(const OutputOptions& options, const Renderers& renderers);

}  // namespace equalis::cli

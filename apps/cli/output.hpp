#pragma once
// Where a command's result goes: stdout, or --output FILE written atomically.

#include <string>

namespace equalis::cli {

enum class OutputFormat { Json, Csv, Text };

struct OutputOptions {
  OutputFormat format = OutputFormat::Json;
  std::string path;  // empty = stdout
};

void emit(const OutputOptions& options, const std::string& content);

}  // namespace equalis::cli

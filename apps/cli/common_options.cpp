#include "commands.hpp"

#include <map>

namespace equalis::cli {

void add_output_options(CLI::App& command, Context& context) {
  const std::map<std::string, OutputFormat> formats{
      {"json", OutputFormat::Json}, {"csv", OutputFormat::Csv}, {"text", OutputFormat::Text}};
  command
      .add_option("--format", context.output.format,
                  "Output format: json (documented in docs/cli.md), csv, or text (a readable summary)")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
      ->default_str("json");
  command.add_option("-o,--output", context.output.path,
                     "Write the result to FILE (atomically: a temp file renamed into place); default stdout");
}

nlohmann::ordered_json envelope(const std::string& command, const std::string& file, std::size_t rows) {
  return report::envelope(command, file, rows);
}

}  // namespace equalis::cli

#include "commands.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <string>

namespace equalis::cli {

namespace {

CLI::Validator number_check(bool strictly_positive) {
  return CLI::Validator(
      [strictly_positive](std::string& text) -> std::string {
        double value = 0.0;
        std::size_t used = 0;
        try {
          value = std::stod(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        const bool ok =
            used == text.size() && std::isfinite(value) && (strictly_positive ? value > 0.0 : value >= 0.0);
        if (ok) return {};
        return fmt::format("'{}' is not a number {}", text.size() > 60 ? text.substr(0, 60) + "…" : text,
                           strictly_positive ? "> 0" : "≥ 0");
      },
      strictly_positive ? "NUMBER > 0" : "NUMBER ≥ 0");
}

}  // namespace

const CLI::Validator& non_negative() {
  static const CLI::Validator validator = number_check(false);
  return validator;
}

const CLI::Validator& positive() {
  static const CLI::Validator validator = number_check(true);
  return validator;
}

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

}  // namespace equalis::cli

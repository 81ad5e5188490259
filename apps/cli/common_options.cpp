#include "commands.hpp"

#include "core/duration.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
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

const CLI::Validator& duration() {
  static const CLI::Validator validator(
      [](std::string& text) -> std::string {
        // A plain number (even -1 or nan) is left as it is: the request's own check names what is wrong.
        double plain = 0.0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), plain);
        if (error == std::errc() && end == text.data() + text.size()) return {};
        const auto seconds = parse_duration_seconds(text);
        if (!seconds) {
          return fmt::format("'{}' is not a duration (seconds, or e.g. 90s, 10min, 1h30min)", excerpt(text));
        }
        text = fmt::format("{}", *seconds);
        return {};
      },
      "DURATION");
  return validator;
}

const CLI::Validator& non_negative() {
  static const CLI::Validator validator = number_check(false);
  return validator;
}

const CLI::Validator& positive() {
  static const CLI::Validator validator = number_check(true);
  return validator;
}

const CLI::Validator& input_file() {
  static const CLI::Validator validator(
      [](std::string& path) -> std::string {
        require_input_file(path);
        if (path != "-") given_input_files().push_back(path);
        return {};
      },
      "FILE");
  return validator;
}

std::vector<std::string>& given_input_files() {
  static std::vector<std::string> files;
  return files;
}

void refuse_input_as_output(const std::string& output) {
  refuse_output_over_inputs(output, given_input_files());
}

void add_output_options(CLI::App& command, Context& context, bool has_csv) {
  // The forms this command has, in words (not CLI11's "ENUM:value in {csv->1,…}"). A command without a
  // CSV form refuses csv with its own message, before any work.
  const std::string choices = has_csv ? "json, csv or text" : "json or text";
  const CLI::Validator format_name(
      [choices](std::string& text) -> std::string {
        std::string word = text;
        for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        static const std::map<std::string, OutputFormat> kFormats{
            {"json", OutputFormat::Json}, {"csv", OutputFormat::Csv}, {"text", OutputFormat::Text}};
        const auto found = kFormats.find(word);
        if (found == kFormats.end())
          return fmt::format("'{}' is not a format: give {}", excerpt(text), choices);
        text = std::to_string(static_cast<int>(found->second));
        return {};
      },
      "");
  command
      .add_option("--format", context.output.format,
                  has_csv
                      ? "Output format: json (documented in docs/cli.md), csv, or text (a readable summary)"
                      : "Output format: json (documented in docs/cli.md) or text (a readable summary)")
      ->transform(format_name)
      ->type_name(has_csv ? "json|csv|text" : "json|text")
      ->default_str("json");

  command.add_option("-o,--output", context.output.path,
                     "Write the result to FILE (atomically: a temp file renamed into place); default stdout");
  // Checked once the command line is read, before any work; emit checks again at write time.
  command.parse_complete_callback([&context, has_csv] {
    if (!has_csv && context.output.format == OutputFormat::Csv) {
      throw Error(ErrorCode::Unsupported, "this command has no CSV output", "use --format json or text");
    }
    refuse_input_as_output(context.output.path);
  });
}

}  // namespace equalis::cli

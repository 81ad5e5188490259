#pragma once
// One mechanism for every report: the shared JSON envelope, and the three forms (JSON, CSV, text) a
// result can be rendered in. Front ends (CLI, study runner, bindings) pick a form and write the string.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace equalis::report {

enum class Format { Json, Csv, Text };

// The forms a result can be rendered in; a form left empty is refused with Error(Unsupported).
struct Renderers {
  std::function<nlohmann::ordered_json()> json;  // the whole document, envelope included
  std::function<std::string()> csv;
  std::function<std::string()> text;
};

// Builds only the chosen form. JSON is indented by two spaces and ends with a newline.
std::string render(Format format, const Renderers& renderers);

// The envelope every JSON report starts with: {"equalis": {version, command}, "input": {file, rows}}.
nlohmann::ordered_json envelope(const std::string& command, const std::string& file, std::size_t rows);

// A number, or null when absent (JSON has no NaN).
nlohmann::ordered_json optional_number(const std::optional<double>& value);

}  // namespace equalis::report

#include "report/document.hpp"

#include "core/error.hpp"
#include "core/version.hpp"

#include <fmt/format.h>

namespace equalis::report {

std::string render(Format format, const Renderers& renderers) {
  const auto refuse = [](const char* name) {
    throw Error(ErrorCode::Unsupported, fmt::format("this result has no {} form", name),
                "ask for the JSON form (every result has it)");
  };
  switch (format) {
    case Format::Csv:
      if (!renderers.csv) refuse("CSV");
      return renderers.csv();
    case Format::Text:
      if (!renderers.text) refuse("text");
      return renderers.text();
    case Format::Json:
      break;
  }
  if (!renderers.json) refuse("JSON");
  return renderers.json().dump(2) + "\n";
}

nlohmann::ordered_json envelope(const std::string& command, const std::string& file, std::size_t rows) {
  nlohmann::ordered_json out;
  out["equalis"] = {{"version", std::string(version())}, {"command", command}};
  out["input"] = {{"file", file}, {"rows", rows}};
  return out;
}

nlohmann::ordered_json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

}  // namespace equalis::report

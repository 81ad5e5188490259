#include "core/duration.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <system_error>

namespace equalis {

std::optional<double> parse_duration_seconds(std::string_view text) {
  static const std::map<std::string_view, double> kUnits{
      {"s", 1.0},        {"sec", 1.0},  {"second", 1.0}, {"seconds", 1.0}, {"min", 60.0},    {"minute", 60.0},
      {"minutes", 60.0}, {"h", 3600.0}, {"hr", 3600.0},  {"hour", 3600.0}, {"hours", 3600.0}};
  double total = 0.0;
  bool any = false;
  while (!text.empty()) {
    double number = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || !std::isfinite(number)) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    std::size_t unit_length = 0;
    while (unit_length < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_length])) != 0)
      ++unit_length;
    if (unit_length == 0) {
      if (any || !text.empty()) return std::nullopt;  // a bare number is seconds, alone only
      return number;
    }
    const auto unit = kUnits.find(text.substr(0, unit_length));
    if (unit == kUnits.end()) return std::nullopt;
    total += number * unit->second;
    any = true;
    text.remove_prefix(unit_length);
  }
  return any ? std::optional<double>(total) : std::nullopt;
}

}  // namespace equalis

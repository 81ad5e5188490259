#pragma once
// Reading the study report's JSON documents without throwing: a missing key, or one of another type, is
// simply absent (the findings and the HTML page show what is there). Internal to src/report.

#include <nlohmann/json.hpp>

#include <cmath>
#include <optional>

namespace equalis::report::detail {

// object[key], or null when `object` is no object or has no such key.
inline const nlohmann::json& member(const nlohmann::json& object, const char* key) {
  static const nlohmann::json null_json;
  if (!object.is_object()) return null_json;
  const auto it = object.find(key);
  return it == object.end() ? null_json : *it;
}

// object[key] as a finite number, if it is one.
inline std::optional<double> number(const nlohmann::json& object, const char* key) {
  const nlohmann::json& v = member(object, key);
  if (!v.is_number()) return std::nullopt;
  const double d = v.get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

}  // namespace equalis::report::detail

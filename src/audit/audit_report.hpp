#pragma once
// JSON, CSV and text forms of an audit, with the recipe that makes it repeatable (input SHA-256,
// options, equalis version). Suppressed groups show only their name and the flag in every form.

#include "audit/audit.hpp"
#include "audit/decision_log.hpp"
#include "audit/rules.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace equalis::audit {

// The equalis version this library was built as.
std::string_view equalis_version() noexcept;

struct Recipe {
  std::string command;  // e.g. "audit metrics"
  std::string input_file;
  std::string input_sha256;        // empty when the input was a stream
  nlohmann::ordered_json options;  // the options as given
};

nlohmann::ordered_json recipe_json(const Recipe& recipe);
nlohmann::ordered_json to_json(const AuditResult& result, const DecisionTable& table);
// One row per (family, group): counts, rates with Wilson bounds, disparities; empty cells = undefined.
std::string to_csv(const AuditResult& result);
std::string to_text(const AuditResult& result, const DecisionTable& table, const Recipe& recipe);

// Rule audit: who the rule excludes, by group.
nlohmann::ordered_json to_json(const RuleAuditResult& result);
std::string to_csv(const RuleAuditResult& result);
std::string to_text(const RuleAuditResult& result, const Recipe& recipe);

// JSON helpers shared by the other audit reports.
nlohmann::ordered_json optional_json(const std::optional<double>& value);
nlohmann::ordered_json interval_json(const std::optional<Interval>& interval);

}  // namespace equalis::audit

#pragma once
// JSON, CSV and text forms of the audit families (metrics, rules, representation, mitigate, monitor), each
// with the recipe that makes it repeatable (input SHA-256, options as given, equalis version). Suppressed
// groups show only their name and the flag in every form.

#include "audit/audit.hpp"
#include "audit/breakdown.hpp"
#include "audit/decision_log.hpp"
#include "audit/monitor.hpp"
#include "audit/monitor_run.hpp"
#include "audit/representation.hpp"
#include "audit/requests.hpp"
#include "audit/rules.hpp"
#include "report/document.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace equalis::report {

struct Recipe {
  std::string command;  // e.g. "audit metrics"
  std::string input_file;
  std::string input_sha256;        // empty when the input was a stream
  nlohmann::ordered_json options;  // the options as given
};

nlohmann::ordered_json recipe_json(const Recipe& recipe);
nlohmann::ordered_json interval_json(const std::optional<audit::Interval>& interval);

// The audit of a decision table.
nlohmann::ordered_json to_json(const audit::AuditResult& result, const audit::DecisionTable& table);
std::string to_text(const audit::AuditResult& result, const audit::DecisionTable& table,
                    const Recipe& recipe);

// Rule audit: who the rule excludes, by group (its CSV is the tidy table, section `rule_audit`).
nlohmann::ordered_json to_json(const audit::RuleAuditResult& result);
std::string to_text(const audit::RuleAuditResult& result, const Recipe& recipe);

// Calibration by score bin and the audit per period: JSON parts and text summaries that follow the
// metrics (their CSV rows are in the tidy table of metrics_tidy_csv).
nlohmann::ordered_json to_json(const audit::CalibrationResult& result);
nlohmann::ordered_json to_json(const std::vector<audit::PeriodAudit>& periods);
std::string to_text(const audit::CalibrationResult& result);
std::string to_text(const std::vector<audit::PeriodAudit>& periods);

// Reweighing weights and equal-opportunity thresholds (their CSV rows are in the tidy table).
nlohmann::ordered_json to_json(const audit::Mitigation& mitigation);
std::string to_text(const audit::Mitigation& mitigation);

// The monitor's events, one JSON object per line (NDJSON).
nlohmann::ordered_json to_json(const audit::MonitorAlert& alert);
nlohmann::ordered_json to_json(const audit::MonitorSummary& summary);

// Whole documents of each family, envelope and recipe included. The renderers keep references to
// `request` and `report`: render before either goes away.
Renderers metrics_renderers(const audit::AuditMetricsRequest& request,
                            const audit::AuditMetricsReport& report);
Renderers rules_renderers(const audit::RulesRequest& request, const audit::RulesReport& report);
Renderers representation_renderers(const audit::RepresentationRequest& request,
                                   const audit::RepresentationReport& report);
Renderers mitigate_renderers(const audit::MitigateRequest& request, const audit::MitigateReport& report);

}  // namespace equalis::report

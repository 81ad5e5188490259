#pragma once
// JSON and CSV forms of measure results, shared by the CLI and the study runner. Field names are the
// usual names of each figure in snake_case; docs/cli.md documents the layout.

#include "measure/profile.hpp"
#include "measure/table_input.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace equalis::report {

struct IndicatorReport {
  std::string indicator;
  std::optional<std::string> period;
  std::size_t rows_dropped = 0;
  measure::InequalityProfile profile;
};

nlohmann::ordered_json to_json(const measure::IndexValues& indices);
nlohmann::ordered_json to_json(const measure::GeDecomposition& decomposition);
nlohmann::ordered_json to_json(const measure::DagumDecomposition& dagum);
nlohmann::ordered_json to_json(const measure::BootstrapResult& bootstrap);
nlohmann::ordered_json to_json(const measure::PermutationResult& test);
nlohmann::ordered_json to_json(const IndicatorReport& report);

// A readable summary for a terminal: the headline indices and each decomposition's between share.
std::string to_text(const std::vector<IndicatorReport>& reports);

// Long CSV: indicator,period,statistic,group,value,lower,upper — one row per figure.
std::string to_csv(const std::vector<IndicatorReport>& reports);

}  // namespace equalis::report

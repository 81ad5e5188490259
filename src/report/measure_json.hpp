#pragma once
// JSON and CSV forms of measure results, shared by the CLI and the study runner. Field names are the
// usual names of each figure in snake_case; docs/cli.md documents the layout.

#include "measure/inequality_run.hpp"
#include "measure/profile.hpp"
#include "measure/table_input.hpp"
#include "report/document.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace equalis::report {

// One indicator's result (measure/inequality_run.hpp), under the name the renderers have always used.
using IndicatorReport = measure::IndicatorResult;

nlohmann::ordered_json to_json(const measure::IndexValues& indices);
nlohmann::ordered_json to_json(const measure::GeDecomposition& decomposition);
nlohmann::ordered_json to_json(const measure::DagumDecomposition& dagum);
nlohmann::ordered_json to_json(const measure::BootstrapResult& bootstrap);
nlohmann::ordered_json to_json(const measure::PermutationResult& test);
nlohmann::ordered_json to_json(const IndicatorReport& report);

// The options block of a run: the request as the user gave it.
nlohmann::ordered_json options_json(const measure::InequalityRequest& request);
// The whole document: envelope, options and one result per indicator.
nlohmann::ordered_json to_json(const measure::InequalityRequest& request,
                               const measure::InequalityResult& result);

// A readable summary for a terminal: the headline indices and each decomposition's between share.
std::string to_text(const std::vector<IndicatorReport>& reports);

// Long CSV, one row per figure: indicator,period,statistic,group,value,lower,upper,standard_error,
// valid_replicates; the rows read and the options first, then each indicator's figures, decompositions,
// bootstrap settings and permutation tests. Everything the JSON has (docs/cli.md).
std::string to_csv(const measure::InequalityRequest& request, const measure::InequalityResult& result);

// All three forms of a run, for report::render.
Renderers renderers(const measure::InequalityRequest& request, const measure::InequalityResult& result);

}  // namespace equalis::report

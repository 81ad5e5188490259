#pragma once
// JSON and text forms of a convergence analysis (σ, β, distribution dynamics).

#include "measure/convergence_run.hpp"
#include "measure/panel.hpp"
#include "report/document.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace equalis::report {

nlohmann::ordered_json to_json(const measure::OlsResult& regression);
nlohmann::ordered_json to_json(const measure::BetaConvergence& beta);
nlohmann::ordered_json to_json(const measure::ConvergenceReport& report, const measure::Panel& panel);
std::string to_text(const measure::ConvergenceReport& report, const measure::Panel& panel);

// The whole document: envelope, the options as requested and the result.
nlohmann::ordered_json to_json(const measure::ConvergenceRequest& request,
                               const measure::ConvergenceResult& result);

// JSON and text (a convergence result is a nested document: it has no CSV form).
Renderers renderers(const measure::ConvergenceRequest& request, const measure::ConvergenceResult& result);

}  // namespace equalis::report

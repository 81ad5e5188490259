#pragma once
// JSON and text forms of a convergence analysis (σ, β, distribution dynamics).

#include "measure/panel.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace equalis::report {

nlohmann::ordered_json to_json(const measure::OlsResult& regression);
nlohmann::ordered_json to_json(const measure::BetaConvergence& beta);
nlohmann::ordered_json to_json(const measure::ConvergenceReport& report, const measure::Panel& panel);
std::string to_text(const measure::ConvergenceReport& report, const measure::Panel& panel);

}  // namespace equalis::report

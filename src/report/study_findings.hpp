#pragma once
// The findings that open a study report, computed from the numbers of its sections (never templated
// blindly): each is a language-free JSON object {"id": kind, "section": …, the figures it rests on}; the
// renderer (study_html.hpp) phrases them. A finding appears only when its section is there and its
// numbers support it (e.g. no "worst-off group" with a single group, no exclusion finding when nobody is
// excluded). docs/report.md lists every kind and its rule.

#include <nlohmann/json.hpp>

namespace equalis::report {

// `report` is the study report document (docs/report.md): {"sections": {"access": …, "journeys": …, …}}.
nlohmann::json study_findings(const nlohmann::json& report);

// True for an access measure where a lower value is better (a cost: `closest`, RAAM).
bool access_measure_is_cost(const nlohmann::json& measure);

}  // namespace equalis::report

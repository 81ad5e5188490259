#pragma once
// The study report as one self-contained HTML page (issue 13, docs/report.md): findings in plain words
// first, then a section per analysis the study ran — maps, Lorenz curves, the between/within split,
// scenarios, journeys, convergence, the composite index, the plan, the audit — and the recipe. Works
// offline (inline CSS and SVG, no script but the one that opens the data tables for printing, nothing
// fetched), prints to a clean PDF, reads at 375 px and at 200 % zoom, and every chart has its data table.
// Every string taken from the data is escaped. A pure function: the caller writes the file.

#include "report/study_findings.hpp"
#include "report/study_text.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace equalis::report {

// `report`: the study report document (docs/report.md); its "findings" are used when present and
// non-empty, else computed with study_findings. `zones_geojson`: the zones with their access results
// (`equalis access --geojson`), or null for no map.
std::string render_study_html(const nlohmann::json& report, const nlohmann::json& zones_geojson,
                              Language lang);

}  // namespace equalis::report

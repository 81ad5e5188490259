#pragma once
// JSON, CSV and text forms of a composite index: the weights used per indicator and every unit's score and
// rank (plus TOPSIS distances and, on request, the normalised indicators). docs/cli.md documents the layout.

#include "measure/composite.hpp"
#include "measure/composite_run.hpp"
#include "report/document.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace equalis::report {

// A composite run's result (measure/composite_run.hpp), under the name the renderers have always used.
using CompositeReport = measure::CompositeResult;

const char* direction_name(measure::Direction direction) noexcept;  // "benefit" or "cost"

nlohmann::ordered_json to_json(const CompositeReport& report);

// The whole document: envelope, the options as requested and the result.
nlohmann::ordered_json to_json(const measure::CompositeRequest& request,
                               const measure::CompositeResult& result);

/// One row per unit: id,score,rank[,d_plus,d_minus][,normalized:<indicator>…], then the run (the same on
/// every row) and per indicator direction:, weight:[, given:][, ideal:, anti_ideal:] — everything the JSON
/// has (docs/cli.md).
std::string to_csv(const measure::CompositeRequest& request, const CompositeReport& report);

/// The weights, then the `top` best and worst units.
std::string to_text(const CompositeReport& report, std::size_t top = 5);

// All three forms of a run; `top` is the number of units the text lists at each end.
Renderers renderers(const measure::CompositeRequest& request, const measure::CompositeResult& result,
                    std::size_t top = 5);

}  // namespace equalis::report

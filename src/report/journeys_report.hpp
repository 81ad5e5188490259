#pragma once
// JSON, CSV and text forms of a journeys run (journeys/journeys_run.hpp). The CSV is one tidy table, a row
// per zone × group × matter; the summary CSV holds per matter × group the totals and every reason's
// people as long rows. docs/journeys.md documents both.

#include "journeys/journeys_run.hpp"

#include "report/document.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace equalis::report {

nlohmann::ordered_json to_json(const journeys::JourneyRequest& request,
                               const journeys::JourneyRunResult& result);
// zone,group,matter,people,eligible,completion,visits,more_than_one_visit,minutes,money,main_reason
std::string journeys_zone_csv(const journeys::JourneyRunResult& result);
// matter,group,statistic,value,unit (reasons: statistic "failing", the reason in a column)
std::string journeys_summary_csv(const journeys::JourneyRunResult& result);
std::string to_text(const journeys::JourneyRequest& request, const journeys::JourneyRunResult& result);

Renderers renderers(const journeys::JourneyRequest& request, const journeys::JourneyRunResult& result);

}  // namespace equalis::report

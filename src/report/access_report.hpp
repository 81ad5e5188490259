#pragma once
// JSON, CSV and text forms of an access run (access/access_run.hpp). The CSV is one tidy table, a row per
// zone × group (group "all" first) with every measure as a column; the summary CSV holds the group
// summaries, equity figures and people beyond the standard as long rows. docs/access.md documents both.

#include "access/access_run.hpp"
#include "report/document.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace equalis::report {

nlohmann::ordered_json to_json(const access::AccessRequest& request, const access::AccessResult& result);
// zone,group,people,nearest_cost,beyond_standard,<measure keys…>
std::string zone_csv(const access::AccessResult& result);
// section,measure,group,statistic,value,unit
std::string summary_csv(const access::AccessResult& result);
std::string to_text(const access::AccessRequest& request, const access::AccessResult& result);
// The zones as a GeoJSON FeatureCollection for a GIS: their polygons (or points from lon/lat; null
// geometry otherwise) with every measure, the nearest cost and, with channels, effective access and the
// excluded people of everyone and of each group as properties.
nlohmann::ordered_json zones_geojson(const access::AccessResult& result);

Renderers renderers(const access::AccessRequest& request, const access::AccessResult& result);

}  // namespace equalis::report

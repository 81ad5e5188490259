// equalis.access: access by zone and group through every channel (access::AccessRequest), and the fields
// that equalis.journeys shares with it (zones, offices, costs, channel sites).

#include "access_fields.hpp"
#include "binding.hpp"

#include "access/access_run.hpp"
#include "report/access_report.hpp"

namespace equalis::python {

void read_place_fields(Fields& in, access::AccessRequest& request) {
  auto& zones = request.zones;
  in.get("zones", zones.file);
  in.get("zone_layer", zones.layer);
  in.get("zone_id", zones.id_column);
  in.get("population", zones.population_column);
  in.get("group_columns", zones.group_columns);
  in.get("groups", zones.groups_file);
  in.get("income", zones.income_column);
  in.get("coverage", zones.coverage_column);
  auto& facilities = request.facilities;
  in.get("facilities", facilities.file);
  in.get("facility_id", facilities.id_column);
  in.get("capacity", facilities.capacity_column);
  auto& costs = request.costs;
  in.get("matrix", costs.matrix);
  in.get("from_column", costs.columns.from_column);
  in.get("to_column", costs.columns.to_column);
  in.get("cost", costs.columns.cost_column);
  in.choice("cost_unit", costs.unit,
            std::vector<std::pair<std::string, io::CostUnit>>{{"given", io::CostUnit::Given},
                                                              {"seconds", io::CostUnit::Seconds},
                                                              {"minutes", io::CostUnit::Minutes},
                                                              {"metres", io::CostUnit::Metres}});
  in.get("graph", costs.graph);
  in.get("max_snap", costs.max_snap_m);
  in.get("snap", costs.snap);
  in.get("snap_threshold", costs.snap_threshold_m);
  in.get("straight_line", costs.straight_line);
  in.get("detour", costs.detour);
  in.get("standard", request.standard);
}

namespace {

access::AccessRequest access_request(const py::dict& fields) {
  access::AccessRequest request;
  Fields in(fields, "access.access");
  read_place_fields(in, request);
  in.get("zone_points", request.zones.points);
  in.get("measures", request.measures);
  in.get("decay", request.decay);
  in.get("alpha", request.alpha);
  in.choice("no_access", request.no_access,
            std::vector<std::pair<std::string, access::NoAccess>>{{"zero", access::NoAccess::Zero},
                                                                  {"missing", access::NoAccess::Missing}});
  in.choice("concentration", request.concentration,
            std::vector<std::pair<std::string, access::ConcentrationForm>>{
                {"textbook", access::ConcentrationForm::Textbook},
                {"unweighted-rank-mean", access::ConcentrationForm::UnweightedRankMean}});
  in.get("poverty_lines", request.poverty_lines);
  std::vector<std::string> channels;
  in.get("channels", channels);
  access::ChannelOffer sites;
  in.get("terminals", sites.terminals);
  in.get("assisted", sites.assisted);
  in.get("outreach", sites.outreach);
  in.get("outreach_reach", sites.outreach_reach);
  in.get("joint_abilities", sites.joint_abilities);
  in.get("digital_profiles", request.digital_profiles);
  request.channels = access::channel_offer_of(channels, sites, !request.digital_profiles.empty());
  in.get("scenarios", request.scenarios_file);
  in.get("zone_polygons", request.zone_polygons);
  in.get("polygon_id", request.polygon_id);
  in.get("cost_cache", request.cost_cache);
  in.finish();
  return request;
}

}  // namespace

void bind_access(py::module_& module) {
  def_engine(module, "access", access_request, [](const auto& request, ProgressSink& sink) {
    const auto result = access::run_access(request, sink);
    Rendered rendered = render_all(report::renderers(request, result), "zones");
    rendered.tables.emplace_back("summary", report::summary_csv(result));
    rendered.tables.emplace_back("zones.geojson", report::zones_geojson(result).dump());
    return rendered;
  });
}

}  // namespace equalis::python

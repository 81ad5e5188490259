// equalis.journeys: can each group finish a public matter, in how many visits, and why not
// (journeys::JourneyRequest over the access module's zones, offices and costs).

#include "access_fields.hpp"
#include "binding.hpp"
#include "journeys/journeys_run.hpp"

#include "report/journeys_report.hpp"

#include <map>

namespace equalis::python {
namespace {

journeys::JourneyRequest journeys_request(const py::dict& fields) {
  journeys::JourneyRequest request;
  Fields in(fields, "journeys.journeys");
  read_place_fields(in, request.access);
  access::ChannelOffer sites;
  in.get("terminals", sites.terminals);
  in.get("assisted", sites.assisted);
  in.get("outreach", sites.outreach);
  in.get("outreach_reach", sites.outreach_reach);
  request.access.channels = sites;
  in.get("catalogue", request.catalogue);
  in.get("abilities", request.abilities);
  in.get("joint_abilities", request.joint_abilities);
  std::map<std::string, std::string> offices;  // kind -> facilities file
  in.get("offices", offices);
  for (auto& [kind, file] : offices) request.offices.push_back({kind, file});
  in.choice("choice", request.options.choice,
            std::vector<std::pair<std::string, journeys::ChoiceRule>>{
                {"cheapest", journeys::ChoiceRule::Cheapest},
                {"prefer-online", journeys::ChoiceRule::PreferOnline},
                {"prefer-offline", journeys::ChoiceRule::PreferOffline}});
  in.get("scenarios", request.scenarios);
  in.finish();
  return request;
}

}  // namespace

void bind_journeys(py::module_& module) {
  def_engine(module, "journeys", journeys_request, [](const auto& request, ProgressSink& sink) {
    const auto result = journeys::run_journeys(request, sink);
    Rendered rendered = render_all(report::renderers(request, result), "zones");
    rendered.tables.emplace_back("summary", report::journeys_summary_csv(result));
    return rendered;
  });
}

}  // namespace equalis::python

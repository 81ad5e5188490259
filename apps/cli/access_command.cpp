// `equalis access`: who can reach which service — physical access measures per zone and group, the
// people beyond an access standard, equity summaries. Flags fill access::AccessRequest.

#include "commands.hpp"
#include "registry.hpp"

#include "access/access_run.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "report/access_report.hpp"

#include <algorithm>
#include <memory>
#include <optional>

namespace equalis::cli {

namespace {

struct AccessArgs {
  access::AccessRequest request;
  std::string cost_unit = "given";
  std::string summary_output;
  std::string geojson;
  std::vector<std::string> channels;  // in-person, online, phone, terminal, assisted
  std::string terminals;
  std::string assisted;
  std::string outreach;
  std::string outreach_reach;
  std::string joint_abilities;
  std::string no_access = "zero";
  std::string concentration = "textbook";
};

io::CostUnit cost_unit_of(const std::string& name) {
  if (name == "seconds") return io::CostUnit::Seconds;
  if (name == "minutes") return io::CostUnit::Minutes;
  if (name == "metres") return io::CostUnit::Metres;
  return io::CostUnit::Given;
}

void run_access_command(AccessArgs& args, Context& context) {
  args.request.costs.unit = cost_unit_of(args.cost_unit);
  args.request.no_access = args.no_access == "missing" ? access::NoAccess::Missing : access::NoAccess::Zero;
  args.request.concentration = args.concentration == "unweighted-rank-mean"
                                   ? access::ConcentrationForm::UnweightedRankMean
                                   : access::ConcentrationForm::Textbook;
  access::ChannelOffer sites;
  sites.terminals = args.terminals;
  sites.assisted = args.assisted;
  sites.outreach = args.outreach;
  sites.outreach_reach = args.outreach_reach;
  sites.joint_abilities = args.joint_abilities;
  args.request.channels =
      access::channel_offer_of(args.channels, sites, !args.request.digital_profiles.empty());
  refuse_input_as_output(args.summary_output);
  refuse_input_as_output(args.geojson);
  const access::AccessResult result = access::run_access(args.request, context.progress);
  const auto renderers = report::renderers(args.request, result);
  std::vector<FileContent> files;
  if (!args.summary_output.empty()) files.push_back({args.summary_output, report::summary_csv(result)});
  if (!args.geojson.empty()) files.push_back({args.geojson, report::zones_geojson(result).dump() + "\n"});
  emit_result_with_files(context.output, renderers, std::move(files));
}

void add_access_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<AccessArgs>();
  access::AccessRequest& request = args->request;
  CLI::App* cmd = app.add_subcommand(
      "access",
      "Who can reach which service: access measures per zone and group, the people beyond a standard");
  cmd->add_option("zones", request.zones.file,
                  "Zones CSV: id, population, and one column per group's population; or a GeoJSON, "
                  "GeoPackage, Shapefile… with those as attributes, placed at each polygon's centroid")
      ->required()
      ->check(input_file());
  cmd->add_option("--zone-points", request.zones.points,
                  "CSV zone,lon,lat,population: population-weighted origins within zones (with --graph or "
                  "--straight-line, a zone's cost is the weighted mean of its points' costs)")
      ->check(input_file());
  cmd->add_option("--zone-layer", request.zones.layer,
                  "Layer of a zone vector file with several layers (a GeoPackage's table)");
  cmd->add_option("--facilities", request.facilities.file,
                  "Facilities CSV: id and capacity (doctors, seats, windows…)")
      ->required()
      ->check(input_file());
  cmd->add_option("--matrix", request.costs.matrix,
                  "Long cost matrix CSV (.csv or .csv.gz): zone id, facility id, cost (e.g. from `equalis "
                  "network matrix`)")
      ->check(input_file());
  cmd->add_option(
         "--graph", request.costs.graph,
         "Or a graph file from `equalis network build`: travel times (seconds) computed here; zones and "
         "facilities then need lon/lat columns")
      ->check(input_file());
  cmd->add_option("--straight-line", request.costs.straight_line,
                  "Or straight-line (great-circle) costs at a speed, e.g. 4.5km/h or 1.25m/s, in seconds: a "
                  "fallback without a network; zones and facilities then need lon/lat");
  cmd->add_option(
         "--detour", request.costs.detour,
         "With --straight-line: distance factor ≥ 1 for routes longer than the crow flies (e.g. 1.3)")
      ->default_str("1");
  cmd->add_option("--max-snap", request.costs.max_snap_m,
                  "With --graph: largest distance (m) from a place to the graph")
      ->check(non_negative());
  cmd->add_option("--snap-threshold", request.costs.snap_threshold_m,
                  "With --graph: places further than this (m) from the road are counted and said (their "
                  "travel times leave out the way to the road)")
      ->check(non_negative())
      ->default_str("200");
  cmd->add_option("--snap", request.costs.snap,
                  "With --graph: segment (the default: nearest point of the nearest road, with the part of "
                  "its travel time to each end) or node (nearest graph node)")
      ->check(CLI::IsMember({"node", "segment"}));
  cmd->add_option(
         "--cost-unit", args->cost_unit,
         "What the matrix's costs are: seconds, minutes, metres, or given (the file's own unit; then only "
         "bare numbers are accepted as costs)")
      ->check(CLI::IsMember({"seconds", "minutes", "metres", "given"}))
      ->default_str("given");
  cmd->add_option(
         "-m,--measure", request.measures,
         "Measure(s), repeatable: cumulative=30min, interval=10min..60min[/5min][:mean], closest[=N], "
         "gravity[=DECAY], 2sfca[=DECAY][,max_cost=T], bfca, 3sfca[=DECAY][,max_cost=T][,selection=all], "
         "m2sfca, "
         "spatial-availability[=DECAY], "
         "coverage=T[,order=capacity|capacity-asc|population|population-asc|file|column:NAME[-asc]], "
         "raam[=TAU][,rho=R,max_cycles=N,initial_step=S,min_step=S,half_life=H] (default 2sfca)")
      ->take_all();
  cmd->add_option("--decay", request.decay,
                  "Decay for the measures that name none: binary:T, linear:T, exponential:B, power:B, "
                  "stepped:S1=V1,S2=V2…, logistic:T,SD, gaussian:T (costs as 30min, 1800s or bare numbers)");
  cmd->add_option("--alpha", request.alpha, "Spatial availability's demand exponent α (default 1)")
      ->check(non_negative());
  cmd->add_option(
         "--no-access", args->no_access,
         "What a zone that reaches nothing gets: zero (R accessibility, the default) or missing (PySAL's "
         "NaN: null in JSON, an empty CSV cell)")
      ->check(CLI::IsMember({"zero", "missing"}))
      ->default_str("zero");
  cmd->add_option("--concentration", args->concentration,
                  "Concentration index form: textbook (ranks centred at 1/2) or unweighted-rank-mean "
                  "(docs/access.md)")
      ->check(CLI::IsMember({"textbook", "unweighted-rank-mean"}))
      ->default_str("textbook");
  cmd->add_option("--standard", request.standard,
                  "Access standard: count the people whose nearest facility costs more (e.g. 30min)");
  cmd->add_option("--poverty-line", request.poverty_lines,
                  "KEY=VALUE: FGT poverty of access below VALUE for the measure KEY (e.g. cumulative_30=10), "
                  "repeatable")
      ->take_all();
  cmd->add_option("--group-columns", request.zones.group_columns,
                  "Zone columns counting each group's people, e.g. pop_60plus pop_rural (they may overlap)")
      ->delimiter(',');
  cmd->add_option("--groups", request.zones.groups_file,
                  "Long table of each zone's people by group: zone,group,population (instead of or beside "
                  "--group-columns)")
      ->check(input_file());
  cmd->add_option("--income", request.zones.income_column,
                  "Zone income column: ranks zones for the concentration index and the Palma ratio");
  cmd->add_option("--zone-id", request.zones.id_column, "Zone id column (default: id, zone, zone_id or idx)");
  cmd->add_option("--population", request.zones.population_column,
                  "Zone population column (default: population, pop or total_population)");
  cmd->add_option("--facility-id", request.facilities.id_column,
                  "Facility id column (default: id, facility, facility_id or idx)");
  cmd->add_option("--capacity", request.facilities.capacity_column,
                  "Facility capacity column (default: capacity)");
  cmd->add_option("--from", request.costs.columns.from_column,
                  "Matrix zone column (default: from_id, from, from_idx, origin)");
  cmd->add_option("--to", request.costs.columns.to_column,
                  "Matrix facility column (default: to_id, to, to_idx, destination)");
  cmd->add_option("--cost", request.costs.columns.cost_column,
                  "Matrix cost column (default: cost, travel_time_s, travel_time, time, distance)");
  cmd->add_option(
         "--channels", args->channels,
         "Channels the service offers, e.g. in-person,online,assisted (in-person = the --facilities; "
         "leave it out for digital by default); needs --standard")
      ->delimiter(',')
      ->check(CLI::IsMember({"in-person", "online", "phone", "terminal", "assisted", "outreach"}));
  cmd->add_option(
         "--digital-profiles", request.digital_profiles,
         "CSV of each group's coverage, device and skill shares (examples/access/digital_profiles_cn.csv)")
      ->check(input_file());
  cmd->add_option("--terminals", args->terminals, "Self-service terminal sites (CSV id[, capacity])")
      ->check(input_file());
  cmd->add_option("--assisted", args->assisted,
                  "Sites with assisted help: digital counselors, proxies (CSV id[, capacity]: people helped "
                  "per period; with it, help is rationed among those who need it)")
      ->check(input_file());
  cmd->add_option("--outreach", args->outreach,
                  "Bases of outreach teams making home visits (CSV id[, capacity]: visits per period)")
      ->check(input_file());
  cmd->add_option("--outreach-reach", args->outreach_reach,
                  "How far an outreach team goes from its base, e.g. 60min (default: the --standard)");
  cmd->add_option("--joint-abilities", args->joint_abilities,
                  "CSV group,online,terminal,phone,share: the groups' abilities jointly, replacing the "
                  "independence assumption for the groups listed")
      ->check(input_file());
  cmd->add_option(
      "--coverage", request.zones.coverage_column,
      "Zone column: share of the zone with network coverage, 0 to 1 (overrides the profiles' figure)");
  cmd->add_option(
         "--scenarios", request.scenarios_file,
         "TOML file of what-if scenarios (close/open offices, add terminals or counselors, close a channel, "
         "raise a group's skills), each compared with today group by group (docs/access.md)")
      ->check(input_file());
  cmd->add_option(
         "--zone-polygons", request.zone_polygons,
         "Zone polygons (GeoJSON, GeoPackage, Shapefile; WGS84) for the --geojson map, and centroids to "
         "route from with --graph")
      ->check(input_file());
  cmd->add_option("--polygon-id", request.polygon_id,
                  "Field of the polygons holding the zone id (default id)");
  cmd->add_option(
      "--geojson", args->geojson,
      "Also write the zones with every result as a GeoJSON map (polygons, or points from lon/lat)");
  cmd->add_option("--summary-output", args->summary_output,
                  "Also write the group summaries, equity figures and people beyond the standard as a CSV");
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_access_command(*args, context); });
}

const CommandRegistration kRegistration{30, add_access_command};

}  // namespace

}  // namespace equalis::cli

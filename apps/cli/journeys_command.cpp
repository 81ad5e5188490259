// `equalis journeys`: can each group finish a public matter, in how many trips, and why not? Flags fill
// journeys::JourneyRequest; the zones, offices, costs and channel sites are read as `equalis access` reads
// them (docs/journeys.md).

#include "commands.hpp"
#include "journeys/journeys_run.hpp"
#include "registry.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "report/journeys_report.hpp"

#include <fmt/format.h>

#include <memory>

namespace equalis::cli {

namespace {

struct JourneyArgs {
  journeys::JourneyRequest request;
  std::string cost_unit = "given";
  std::string choice = "cheapest";
  std::string summary_output;
  access::ChannelOffer sites;
  std::vector<std::string> offices;  // KIND=FILE
};

// --office KIND=FILE, one per office kind of the catalogue.
std::vector<journeys::OfficeFile> offices_of(const std::vector<std::string>& flags) {
  std::vector<journeys::OfficeFile> out;
  for (const std::string& flag : flags) {
    const auto equals = flag.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw Error(
          ErrorCode::InvalidInput, fmt::format("--office '{}' is not KIND=FILE", excerpt(flag)),
          "write e.g. --office police=police_stations.csv (the kind as the catalogue's [offices] names it)");
    }
    out.push_back({flag.substr(0, equals), flag.substr(equals + 1)});
  }
  return out;
}

io::CostUnit unit_of(const std::string& name) {
  if (name == "seconds") return io::CostUnit::Seconds;
  if (name == "minutes") return io::CostUnit::Minutes;
  if (name == "metres") return io::CostUnit::Metres;
  return io::CostUnit::Given;
}

journeys::ChoiceRule choice_of(const std::string& name) {
  if (name == "prefer-online") return journeys::ChoiceRule::PreferOnline;
  if (name == "prefer-offline") return journeys::ChoiceRule::PreferOffline;
  return journeys::ChoiceRule::Cheapest;
}

void run_journeys_command(JourneyArgs& args, Context& context) {
  auto& request = args.request;
  request.access.costs.unit = unit_of(args.cost_unit);
  request.options.choice = choice_of(args.choice);
  request.access.channels = args.sites;
  request.offices = offices_of(args.offices);
  refuse_input_as_output(args.summary_output);
  const auto result = journeys::run_journeys(request, context.progress);
  const auto renderers = report::renderers(request, result);
  std::vector<FileContent> files;
  if (!args.summary_output.empty())
    files.push_back({args.summary_output, report::journeys_summary_csv(result)});
  emit_result_with_files(context.output, renderers, std::move(files));
}

void add_journeys_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<JourneyArgs>();
  access::AccessRequest& access = args->request.access;
  CLI::App* cmd = app.add_subcommand(
      "journeys",
      "Can each group finish a public matter, in how many trips, and which requirement stops the rest");
  cmd->add_option("zones", access.zones.file,
                  "Zones CSV: id, population, and one column per group's population")
      ->required()
      ->check(input_file());
  cmd->add_option(
         "--catalogue", args->request.catalogue,
         "Service catalogue (TOML): matters, steps, channels, requirements, rules (docs/journeys.md)")
      ->required()
      ->check(input_file());
  cmd->add_option("--abilities", args->request.abilities,
                  "CSV group,requirement,probability[,source][,illustrative]: who meets each requirement")
      ->required()
      ->check(input_file());
  cmd->add_option(
         "--joint-abilities", args->request.joint_abilities,
         "CSV group,share,REQUIREMENT,…: shares of a group by the combination of requirements it meets "
         "(0/1 columns), replacing independence among them")
      ->check(input_file());
  cmd->add_option("--facilities", access.facilities.file, "Offices CSV: id and capacity (windows, staff…)")
      ->required()
      ->check(input_file());
  cmd->add_option("--capacity", access.facilities.capacity_column,
                  "Office capacity column (default: capacity)");
  cmd->add_option("--matrix", access.costs.matrix, "Long travel-time matrix CSV: zone id, site id, time")
      ->check(input_file());
  cmd->add_option("--graph", access.costs.graph,
                  "Or a graph file from `equalis network build` (zones and sites need lon/lat)")
      ->check(input_file());
  cmd->add_option("--cost-unit", args->cost_unit, "What the matrix's times are: seconds or minutes")
      ->check(CLI::IsMember({"seconds", "minutes"}));
  cmd->add_option("--standard", access.standard, "A site counts as reachable within this time, e.g. 30min")
      ->required();
  cmd->add_option("--group-columns", access.zones.group_columns,
                  "Zone columns holding each group's population, e.g. pop_60plus,pop_rural")
      ->delimiter(',');
  cmd->add_option("--zone-id", access.zones.id_column, "Zone id column (default: id, zone, zone_id or idx)");
  cmd->add_option("--population", access.zones.population_column,
                  "Zone population column (default: population)");
  cmd->add_option(
      "--coverage", access.zones.coverage_column,
      "Zone column: share of the zone with network coverage, 0 to 1 (online needs it; default 1)");
  cmd->add_option("--office", args->offices,
                  "The sites of an office kind the catalogue declares under [offices], as KIND=FILE "
                  "(a CSV like --facilities); once per kind")
      ->expected(1)
      ->take_all();
  cmd->add_option("--terminals", args->sites.terminals, "Self-service terminal sites (CSV id)")
      ->check(input_file());
  cmd->add_option("--assisted", args->sites.assisted, "Sites with assisted help (CSV id)")
      ->check(input_file());
  cmd->add_option("--outreach", args->sites.outreach, "Bases of outreach teams (CSV id)")
      ->check(input_file());
  cmd->add_option("--outreach-reach", args->sites.outreach_reach,
                  "How far outreach teams go (default: --standard)");
  cmd->add_option("--choice", args->choice,
                  "How people pick a channel per step: cheapest (least time, then money), prefer-online, "
                  "prefer-offline")
      ->check(CLI::IsMember({"cheapest", "prefer-online", "prefer-offline"}));
  cmd->add_option("--scenarios", args->request.scenarios,
                  "Journey scenarios (TOML: online_only, add_channel, remove_requirement, relax_rule, "
                  "close_channels), each compared with the baseline per matter and group")
      ->check(input_file());
  cmd->add_option("--summary-output", args->summary_output,
                  "Also write per matter and group the totals and the people per reason as a CSV");
  add_output_options(*cmd, context);
  cmd->callback([args, &context] { run_journeys_command(*args, context); });
}

const CommandRegistration kRegistration{35, add_journeys_command};

}  // namespace

}  // namespace equalis::cli

#pragma once
// One request, one call, one result for service journeys: the access module gives each zone its
// channels (offices, terminals, assisted sites and outreach within the standard, coverage) and travel
// times; the catalogue and the groups' abilities give the rest. report/journeys_report renders it.

#include "journeys/abilities.hpp"
#include "journeys/catalogue.hpp"
#include "journeys/journeys.hpp"
#include "journeys/scenario.hpp"

#include "access/access_run.hpp"

#include <string>

namespace equalis::journeys {

// The sites of one office kind of the catalogue ([offices]): a facilities CSV read like `facilities` (ids,
// lon/lat with a graph; no capacity needed), reached over the same costs and within the same standard.
struct OfficeFile {
  std::string kind;
  std::string facilities;
};

struct JourneyRequest {
  // Zones with their groups, offices (`facilities`), costs (a time: minutes, seconds or a graph), the
  // `standard` within which a site counts, and the sites of the other channels (`channels`: terminals,
  // assisted, outreach; online and phone are always there — the catalogue says which steps use them).
  access::AccessRequest access;
  std::string catalogue;  // TOML, see catalogue.hpp
  std::string abilities;  // CSV group,requirement,probability[,source][,illustrative]
  // CSV group,share,REQUIREMENT,… (read_joint_requirements): requirements met jointly, replacing
  // independence among a table's requirements for its group ("" = none).
  std::string joint_abilities;
  // One file per office kind the catalogue declares (every kind needs one; the CLI's --office KIND=FILE).
  std::vector<OfficeFile> offices;
  JourneyOptions options;
  // Journey scenarios, each compared with the baseline (scenario.hpp): a TOML file, and/or given in memory;
  // the file's come first.
  std::string scenarios;
  std::vector<JourneyScenario> scenario_list;
};

// A help channel with a capacity, rationed on the journeys' own need (run_journeys).
struct HelpRationed {
  std::string channel;    // "assisted" or "outreach"
  double need = 0.0;      // people who finish a matter only with this help, summed over matters and zones
  double capacity = 0.0;  // of the sites within someone's reach
  double served = 0.0;    // of the need, served
};

struct JourneyRunResult {
  access::AccessResult access;
  std::vector<access::AccessResult> office_access;  // per office kind of the catalogue, its own access run
  Catalogue catalogue;
  GroupAbilities abilities;
  JourneyResult journeys;
  std::vector<ScenarioOutcome> scenarios;
  std::vector<HelpRationed> rationed;  // per help channel with a capacity
};

JourneyRunResult run_journeys(const JourneyRequest& request, ProgressSink& progress = null_progress());

}  // namespace equalis::journeys

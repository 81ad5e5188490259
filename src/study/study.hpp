#pragma once
// A study: one TOML file that names the inputs and the analyses of a whole equalization study — who
// reaches what through which channel, who can finish a public matter, how unequal it is, how a panel
// converges, what a plan and each scenario would change, how fair a decision log is (docs/study.md).
// read_study checks all it can before any heavy work — unknown keys (with the nearest valid one), wrong
// types, missing files — and reports every problem at once. The sections become the modules' requests.

#include "journeys/journeys_run.hpp"

#include "access/access_run.hpp"
#include "audit/requests.hpp"
#include "measure/composite_run.hpp"
#include "measure/convergence_run.hpp"
#include "measure/inequality_run.hpp"
#include "plan/plan_request.hpp"

#include <optional>
#include <string>
#include <vector>

namespace equalis::study {

// An input the study reads, by its role ("zones", "costs", "audit.decisions"…) and resolved path.
struct InputFile {
  std::string role;
  std::string path;
  std::size_t line = 0;  // where the study names it
  std::size_t column = 0;
};

// A default the study relied on, echoed in the report so that a reader knows what was assumed.
struct DefaultApplied {
  std::string key;  // e.g. "access.standard"
  std::string value;
  std::string note;  // why this value
};

// The plan section: the efficient plan (p-median), the Rawlsian plan beside it (raise the worst-off
// group first, Rawls 1971) and the price of fairness across a few Kolm–Pollak aversions (Kolm 1976).
struct PlanStudy {
  plan::PlanRequest efficient;                        // model p-median; the fair plans copy its inputs
  std::vector<std::string> focus_groups;              // the Rawlsian plan's groups (empty: every group)
  std::vector<double> aversions{0.5, 1.0, 2.0, 4.0};  // the price-of-fairness curve
  std::string site_locations;  // optional CSV id,lon,lat of the candidate sites: the report maps the plans
};

// How the report names a group or another id, in each language.
struct Label {
  std::string id;
  std::string en;
  std::string zh;
};

struct Study {
  std::string file;       // the study file as given
  std::string directory;  // paths in the study are relative to it
  std::string text;       // the file's content (the report keeps it as the recipe)
  std::string title;
  std::string title_zh;
  std::string description;
  std::string description_zh;
  std::string language = "en";  // of the report: en or zh (a command line may override it)

  std::optional<access::AccessRequest> access;
  std::optional<journeys::JourneyRequest> journeys;  // its access part is the access section's
  std::optional<measure::InequalityRequest> inequality;
  std::optional<measure::ConvergenceRequest> convergence;
  std::optional<measure::CompositeRequest> composite;
  std::optional<PlanStudy> plan;
  std::optional<audit::AuditMetricsRequest> audit;

  std::vector<Label> labels;  // [labels]: display names of groups and other ids
  std::vector<InputFile> inputs;
  std::vector<DefaultApplied> defaults;
};

// Reads and checks a study file. Throws Error(Io) when it cannot be read, Error(Parse) for TOML that
// does not parse, and one Error(InvalidInput) listing every problem (file:line:column, the fix).
Study read_study(const std::string& path);

// The same from a text; `path` names it in messages and anchors relative paths.
Study parse_study(const std::string& text, const std::string& path);

// The sections a study may have, in report order (for messages and documentation).
const std::vector<std::string>& study_sections();

}  // namespace equalis::study

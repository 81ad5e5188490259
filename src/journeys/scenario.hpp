#pragma once
// Journey scenarios as data: what a service could change — make a matter or a step online-only, add a
// channel to a step (an assisted counter with its requirements), drop a requirement (a paper proof the
// offices fetch themselves: "data run instead of people run"), relax a rule, close channels — each run
// against the baseline and reported per matter × group: the change in completion and in trips, and who
// loses (docs/journeys.md). Written as TOML:
//
//   [[scenario]]
//   name = "apply online only"
//   online_only = ["elderly_allowance.apply"]        # a matter, or matter.step
//
//   [[scenario]]
//   name = "counter help and no paper proof"
//   add_channel = [{ step = "elderly_allowance.apply", channel = "assisted", requires = [], minutes = 30 }]
//   # an added in-person channel may be at an office kind of the catalogue: office = "police"
//   remove_requirement = [{ requirement = "residence_proof" }]   # within = "matter" or "m.s" limits it
//   relax_rule = ["elderly_allowance"]                            # drop the rule of a matter or a step
//   close_channels = ["in-person"]                                # nowhere any more
//   close_offices = ["police"]               # one office kind of the catalogue's [offices] closed everywhere

#include "journeys/catalogue.hpp"
#include "journeys/journeys.hpp"

#include <string>
#include <vector>

namespace equalis::journeys {

// A name in a scenario with its place in the file (line 0: given in memory).
struct Named {
  std::string text;
  std::size_t line = 0;
  std::size_t column = 0;
};

struct AddedChannel {
  Named step;  // "matter.step"
  Named channel;
  std::vector<Named> needs;  // the requirements, written `requires` in the file
  double minutes = 0.0;
  double money = 0.0;
  Named office;  // in person at this office kind of the catalogue (empty: the channel's own sites)
};

struct RemovedRequirement {
  Named requirement;
  Named within;  // empty: everywhere; else a matter or "matter.step"
};

struct JourneyScenario {
  std::string name;
  std::size_t line = 0;
  std::vector<Named> online_only;  // a matter (every step) or "matter.step": only its online channels remain
  std::vector<AddedChannel> add_channel;
  std::vector<RemovedRequirement> remove_requirement;
  std::vector<Named> relax_rule;      // a matter or "matter.step" whose rule is dropped
  std::vector<Named> close_channels;  // these channels are nowhere any more
  std::vector<Named> close_offices;   // these office kinds of the catalogue are nowhere any more
};

// Parses the TOML; throws Error(Parse) for TOML that does not parse and Error(InvalidInput) with every
// problem at its line and column (an unknown key, a scenario without a name).
std::vector<JourneyScenario> parse_journey_scenarios(const std::string& text, const std::string& source);
std::vector<JourneyScenario> read_journey_scenarios(const std::string& path);

// Checks every name against the catalogue (unknown matters, steps, channels, requirements, a rule that is
// not there, a step that would keep no channel) and throws all problems at once, each at its place.
void check_journey_scenarios(const std::vector<JourneyScenario>& scenarios, const Catalogue& catalogue,
                             const std::string& source);

// The catalogue and place channels a scenario leaves (checked scenarios only).
Catalogue apply_scenario(const JourneyScenario& scenario, const Catalogue& catalogue);
JourneyInputs apply_scenario(const JourneyScenario& scenario, const Catalogue& catalogue,
                             const JourneyInputs& inputs);

// Per matter × group: the baseline and the scenario's completion (share of the group's people) and mean
// trips of those who finish; `loses`: lower completion, or more trips with no more people finishing (when
// more finish, the newcomers' trips raise the mean without anyone's journey getting longer).
struct ScenarioChange {
  std::string matter;
  std::string group;
  double completion_before = 0.0;
  double completion_after = 0.0;
  double visits_before = 0.0;
  double visits_after = 0.0;
  bool loses = false;
};

struct ScenarioOutcome {
  std::string name;
  std::vector<ScenarioChange> changes;  // matter after matter, the groups in the inputs' order
};

// Evaluates each scenario against `baseline` (evaluated on the same catalogue and inputs).
std::vector<ScenarioOutcome> evaluate_scenarios(const std::vector<JourneyScenario>& scenarios,
                                                const Catalogue& catalogue, const GroupAbilities& abilities,
                                                const JourneyInputs& inputs, const JourneyResult& baseline,
                                                const JourneyOptions& options = {},
                                                ProgressSink& progress = null_progress());

}  // namespace equalis::journeys

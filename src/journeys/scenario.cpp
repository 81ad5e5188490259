#include "journeys/scenario.hpp"

#include "journeys/problems.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"
#include "io/detail/toml_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

namespace equalis::journeys {

namespace {

using access::Channel;

Named named(const toml::node& node, std::string text) {
  const auto& where = node.source().begin;
  return {std::move(text), static_cast<std::size_t>(where.line), static_cast<std::size_t>(where.column)};
}

class ScenarioReader {
 public:
  explicit ScenarioReader(Problems& problems) : problems_(problems) {}

  std::optional<Named> text(const toml::node& node, const char* what) {
    if (const auto* value = node.as_string()) return named(node, value->get());
    problems_.add(node, fmt::format("{} must be a string", what), "write it in double quotes");
    return std::nullopt;
  }

  std::vector<Named> texts(const toml::node& node, const char* what) {
    std::vector<Named> out;
    const auto* list = node.as_array();
    if (list == nullptr) {
      problems_.add(node, fmt::format("{} must be a list", what),
                    R"(write e.g. ["elderly_allowance.apply"])");
      return out;
    }
    for (const auto& item : *list) {
      if (auto value = text(item, what)) out.push_back(std::move(*value));
    }
    return out;
  }

  std::optional<double> amount(const toml::node& node, const char* what) {
    return problems_.amount(node, what);
  }

  void added_channel(const toml::node& node, JourneyScenario& scenario) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      problems_.add(node, "add_channel lists tables",
                    R"(write { step = "matter.step", channel = "assisted", requires = [], minutes = 30 })");
      return;
    }
    AddedChannel added;
    for (const auto& [key, value] : *table) {
      if (key == "step") {
        added.step = text(value, "step").value_or(Named{});
      } else if (key == "channel") {
        added.channel = text(value, "channel").value_or(Named{});
      } else if (key == "requires") {
        added.needs = texts(value, "requires");
      } else if (key == "minutes") {
        added.minutes = amount(value, "minutes").value_or(0.0);
      } else if (key == "money") {
        added.money = amount(value, "money").value_or(0.0);
      } else if (key == "office") {
        added.office = text(value, "office").value_or(Named{});
      } else {
        problems_.add(value, fmt::format("unknown add_channel key '{}'", excerpt(key.str())),
                      "add_channel has step, channel, requires, minutes, money, office");
      }
    }
    if (added.step.text.empty() || added.channel.text.empty()) {
      problems_.add(node, "add_channel needs a step and a channel",
                    R"(write step = "matter.step", channel = "assisted")");
      return;
    }
    scenario.add_channel.push_back(std::move(added));
  }

  void removed_requirement(const toml::node& node, JourneyScenario& scenario) {
    if (node.is_string()) {
      scenario.remove_requirement.push_back({text(node, "requirement").value_or(Named{}), Named{}});
      return;
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      problems_.add(node, "remove_requirement lists requirements or tables",
                    R"(write "residence_proof" or { requirement = "residence_proof", within = "matter" })");
      return;
    }
    RemovedRequirement removed;
    for (const auto& [key, value] : *table) {
      if (key == "requirement") {
        removed.requirement = text(value, "requirement").value_or(Named{});
      } else if (key == "within") {
        removed.within = text(value, "within").value_or(Named{});
      } else {
        problems_.add(
            value, fmt::format("unknown remove_requirement key '{}'", excerpt(key.str())),
            "remove_requirement has requirement and, to limit it, within (a matter or matter.step)");
      }
    }
    if (removed.requirement.text.empty()) {
      problems_.add(node, "remove_requirement without a requirement", R"(write requirement = "…")");
      return;
    }
    scenario.remove_requirement.push_back(std::move(removed));
  }

  void scenario(const toml::node& node, std::vector<JourneyScenario>& out) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      problems_.add(node, "a scenario must be a table", "write [[scenario]]");
      return;
    }
    JourneyScenario scenario;
    scenario.line = static_cast<std::size_t>(node.source().begin.line);
    for (const auto& [key, value] : *table) {
      if (key == "name") {
        scenario.name = text(value, "name").value_or(Named{}).text;
      } else if (key == "online_only") {
        scenario.online_only = texts(value, "online_only");
      } else if (key == "relax_rule") {
        scenario.relax_rule = texts(value, "relax_rule");
      } else if (key == "close_channels") {
        scenario.close_channels = texts(value, "close_channels");
      } else if (key == "close_offices") {
        scenario.close_offices = texts(value, "close_offices");
      } else if (key == "add_channel" || key == "remove_requirement") {
        const auto* list = value.as_array();
        if (list == nullptr) {
          problems_.add(value, fmt::format("{} must be a list", key.str()), "write key = [ … ]");
          continue;
        }
        for (const auto& item : *list) {
          if (key == "add_channel")
            added_channel(item, scenario);
          else
            removed_requirement(item, scenario);
        }
      } else {
        problems_.add(value, fmt::format("unknown scenario key '{}'", excerpt(key.str())),
                      "a scenario has name, online_only, add_channel, remove_requirement, relax_rule, "
                      "close_channels, close_offices");
      }
    }
    if (scenario.name.empty()) problems_.add(node, "a scenario without a name", R"(give it name = "…")");
    for (const auto& other : out) {
      if (!scenario.name.empty() && other.name == scenario.name)
        problems_.add(node, fmt::format("two scenarios are named '{}'", scenario.name),
                      "give each its own name");
    }
    out.push_back(std::move(scenario));
  }

 private:
  Problems& problems_;
};

// A matter, or one of its steps, named "matter" or "matter.step".
struct Place {
  std::size_t matter = 0;
  std::optional<std::size_t> step;
};

std::optional<Channel> channel_named(const std::string& name) {
  const auto* found = std::find_if(kChannels.begin(), kChannels.end(),
                                   [&](const ChannelSpelling& c) { return c.name == name; });
  if (found == kChannels.end()) return std::nullopt;
  return found->channel;
}

std::optional<Place> place_of(const Named& name, const Catalogue& catalogue) {
  for (std::size_t m = 0; m < catalogue.matters.size(); ++m) {
    const Matter& matter = catalogue.matters[m];
    if (name.text == matter.id) return Place{m, std::nullopt};
    if (name.text.size() > matter.id.size() + 1 && name.text.starts_with(matter.id) &&
        name.text[matter.id.size()] == '.') {
      const std::string step = name.text.substr(matter.id.size() + 1);
      for (std::size_t s = 0; s < matter.steps.size(); ++s) {
        if (matter.steps[s].id == step) return Place{m, s};
      }
    }
  }
  return std::nullopt;
}

class Checker {
 public:
  Checker(const Catalogue& catalogue, Problems& problems) : catalogue_(catalogue), problems_(problems) {}

  // A matter or "matter.step"; `step_only`: a step is required.
  std::optional<Place> place(const Named& name, const char* what, bool step_only) {
    auto found = place_of(name, catalogue_);
    if (found && (!step_only || found->step)) return found;
    std::vector<std::string> candidates;
    for (const auto& matter : catalogue_.matters) {
      if (!step_only) candidates.push_back(matter.id);
      for (const auto& step : matter.steps) candidates.push_back(matter.id + "." + step.id);
    }
    const std::string near = nearest_name(name.text, candidates);
    add(name,
        fmt::format("{}: '{}' is no {} of the catalogue", what, excerpt(name.text),
                    step_only ? "step (matter.step)" : "matter or step (matter.step)"),
        near.empty() ? "name a matter's id, or matter.step" : fmt::format("did you mean '{}'?", near));
    return std::nullopt;
  }

  std::optional<Channel> channel(const Named& name) {
    if (auto found = channel_named(name.text)) return found;
    add(name, fmt::format("'{}' is no channel", excerpt(name.text)),
        "channels are in-person, terminal, online, phone, assisted, outreach");
    return std::nullopt;
  }

  bool requirement(const Named& name) {
    if (catalogue_.requirement_index(name.text) < catalogue_.requirements.size()) return true;
    std::vector<std::string> ids;
    for (const auto& r : catalogue_.requirements) ids.push_back(r.id);
    const std::string near = nearest_name(name.text, ids);
    add(name, fmt::format("unknown requirement '{}'", excerpt(name.text)),
        near.empty() ? "name a requirement of the catalogue's [requirements]"
                     : fmt::format("did you mean '{}'?", near));
    return false;
  }

  // An added channel's office kind: declared in the catalogue, on an in-person channel.
  void office(const Named& name, std::optional<Channel> channel) {
    if (channel && *channel != Channel::InPerson) {
      add(name, "add_channel: only an in-person channel is at an office kind",
          R"(write channel = "in-person", or drop office)");
    }
    office_kind(name, "add_channel");
  }

  // An office kind declared in the catalogue's [offices].
  void office_kind(const Named& name, const char* what) {
    if (catalogue_.office_index(name.text) < catalogue_.offices.size()) return;
    std::vector<std::string> ids;
    for (const auto& o : catalogue_.offices) ids.push_back(o.id);
    const std::string near = nearest_name(name.text, ids);
    add(name, fmt::format("{}: unknown office kind '{}'", what, excerpt(name.text)),
        near.empty() ? "name an office kind of the catalogue's [offices]"
                     : fmt::format("did you mean '{}'?", near));
  }

  void scenario(const JourneyScenario& scenario) {
    for (const Named& target : scenario.online_only) {
      const auto found = place(target, "online_only", false);
      if (!found) continue;
      const Matter& matter = catalogue_.matters[found->matter];
      for (std::size_t s = 0; s < matter.steps.size(); ++s) {
        if (found->step && *found->step != s) continue;
        const auto& channels = matter.steps[s].channels;
        const bool has_online = std::any_of(channels.begin(), channels.end(), [](const ChannelOption& o) {
          return o.channel == Channel::Online;
        });
        const bool adds_online =
            std::any_of(scenario.add_channel.begin(), scenario.add_channel.end(), [&](const AddedChannel& a) {
              const auto at = place_of(a.step, catalogue_);
              return a.channel.text == "online" && at && at->matter == found->matter && at->step == s;
            });
        if (!has_online && !adds_online) {
          add(target,
              fmt::format("online_only: step '{}.{}' has no online channel to keep", matter.id,
                          matter.steps[s].id),
              "add one (add_channel) or name only the steps that can be done online");
        }
      }
    }
    for (const AddedChannel& added : scenario.add_channel) {
      (void)place(added.step, "add_channel", true);
      const auto kind = channel(added.channel);
      for (const Named& r : added.needs) (void)requirement(r);
      if (!added.office.text.empty()) office(added.office, kind);
    }
    for (const RemovedRequirement& removed : scenario.remove_requirement) {
      (void)requirement(removed.requirement);
      if (!removed.within.text.empty()) (void)place(removed.within, "remove_requirement", false);
    }
    for (const Named& target : scenario.relax_rule) {
      const auto found = place(target, "relax_rule", false);
      if (!found) continue;
      const Matter& matter = catalogue_.matters[found->matter];
      const std::string& rule = found->step ? matter.steps[*found->step].rule : matter.rule;
      if (rule.empty()) {
        add(target, fmt::format("relax_rule: '{}' has no rule", excerpt(target.text)),
            found->step ? "name the matter, or a step with a rule"
                        : "name a step with a rule, or drop the entry");
      }
    }
    for (const Named& name : scenario.close_channels) (void)channel(name);
    for (const Named& name : scenario.close_offices) office_kind(name, "close_offices");
  }

 private:
  void add(const Named& where, std::string message, std::string fix) {
    problems_.add(where.line, where.column, std::move(message), std::move(fix));
  }
  const Catalogue& catalogue_;
  Problems& problems_;
};

void remove_need(ChannelOption& option, std::size_t requirement) {
  option.needs.erase(std::remove(option.needs.begin(), option.needs.end(), requirement), option.needs.end());
}

}  // namespace

std::vector<JourneyScenario> parse_journey_scenarios(const std::string& text, const std::string& source) {
  const toml::table root = io::detail::parse_toml(text, source);
  std::vector<JourneyScenario> out;
  Problems problems(source, "the scenarios");
  ScenarioReader reader(problems);
  for (const auto& [key, value] : root) {
    const auto* list = value.as_array();
    if (key != "scenario" || list == nullptr) {
      problems.add(value, fmt::format("unknown top-level key '{}'", excerpt(key.str())),
                   "a scenarios file has [[scenario]] tables");
      continue;
    }
    for (const auto& item : *list) reader.scenario(item, out);
  }
  problems.throw_if_any();
  return out;
}

std::vector<JourneyScenario> read_journey_scenarios(const std::string& path) {
  require_input_file(path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return parse_journey_scenarios(text.str(), path);
}

void check_journey_scenarios(const std::vector<JourneyScenario>& scenarios, const Catalogue& catalogue,
                             const std::string& source) {
  Problems problems(source, "the scenarios");
  Checker checker(catalogue, problems);
  for (const auto& scenario : scenarios) checker.scenario(scenario);
  problems.throw_if_any();
}

Catalogue apply_scenario(const JourneyScenario& scenario, const Catalogue& catalogue) {
  Catalogue out = catalogue;
  // In this order: requirements dropped (a channel the scenario adds keeps what it lists), channels added,
  // steps made online-only (an online channel just added stays), rules relaxed.
  for (const RemovedRequirement& removed : scenario.remove_requirement) {
    const std::size_t r = out.requirement_index(removed.requirement.text);
    const std::optional<Place> within =
        removed.within.text.empty() ? std::nullopt : place_of(removed.within, out);
    for (std::size_t m = 0; m < out.matters.size(); ++m) {
      if (within && within->matter != m) continue;
      auto& steps = out.matters[m].steps;
      for (std::size_t s = 0; s < steps.size(); ++s) {
        if (within && within->step && *within->step != s) continue;
        for (auto& option : steps[s].channels) remove_need(option, r);
      }
    }
  }
  for (const AddedChannel& added : scenario.add_channel) {
    const Place place = *place_of(added.step, out);
    ChannelOption option;
    option.channel = *channel_named(added.channel.text);
    for (const Named& r : added.needs) {
      const std::size_t index = out.requirement_index(r.text);
      if (std::find(option.needs.begin(), option.needs.end(), index) == option.needs.end())
        option.needs.push_back(index);
    }
    option.minutes = added.minutes;
    option.money = added.money;
    option.line = added.step.line;
    if (!added.office.text.empty()) option.office = out.office_index(added.office.text);
    out.matters[place.matter].steps[*place.step].channels.push_back(std::move(option));
  }
  for (const Named& target : scenario.online_only) {
    const Place place = *place_of(target, out);
    auto& steps = out.matters[place.matter].steps;
    for (std::size_t s = 0; s < steps.size(); ++s) {
      if (place.step && *place.step != s) continue;
      auto& channels = steps[s].channels;
      channels.erase(std::remove_if(channels.begin(), channels.end(),
                                    [](const ChannelOption& o) { return o.channel != Channel::Online; }),
                     channels.end());
    }
  }
  for (const Named& target : scenario.relax_rule) {
    const Place place = *place_of(target, out);
    Matter& matter = out.matters[place.matter];
    (place.step ? matter.steps[*place.step].rule : matter.rule).clear();
  }
  return out;
}

JourneyInputs apply_scenario(const JourneyScenario& scenario, const Catalogue& catalogue,
                             const JourneyInputs& inputs) {
  JourneyInputs out = inputs;
  for (const Named& name : scenario.close_channels) {
    const auto c = static_cast<std::size_t>(*channel_named(name.text));
    for (auto& available : out.place.available) available[c] = 0.0;
    if (c == static_cast<std::size_t>(Channel::InPerson)) {  // every office kind too
      for (auto& offices : out.place.office_available) std::fill(offices.begin(), offices.end(), 0.0);
    }
  }
  for (const Named& name : scenario.close_offices) {
    const std::size_t kind = catalogue.office_index(name.text);
    for (auto& offices : out.place.office_available)
      if (kind < offices.size()) offices[kind] = 0.0;
  }
  return out;
}

std::vector<ScenarioOutcome> evaluate_scenarios(const std::vector<JourneyScenario>& scenarios,
                                                const Catalogue& catalogue, const GroupAbilities& abilities,
                                                const JourneyInputs& inputs, const JourneyResult& baseline,
                                                const JourneyOptions& options, ProgressSink& progress) {
  std::vector<ScenarioOutcome> out;
  const auto share = [](double part, double whole) { return whole > 0.0 ? part / whole : 0.0; };
  constexpr double kTolerance = 1e-12;  // sums in another order are no loss
  for (const JourneyScenario& scenario : scenarios) {
    const JourneyResult after =
        evaluate_journeys(apply_scenario(scenario, catalogue), abilities,
                          apply_scenario(scenario, catalogue, inputs), options, progress);
    ScenarioOutcome outcome;
    outcome.name = scenario.name;
    for (std::size_t m = 0; m < baseline.matters.size(); ++m) {
      for (std::size_t g = 0; g < inputs.groups.size(); ++g) {
        const MatterGroup& a = baseline.matters[m].groups[g];
        const MatterGroup& b = after.matters[m].groups[g];
        ScenarioChange change;
        change.matter = baseline.matters[m].id;
        change.group = inputs.groups[g];
        change.completion_before = share(a.completing, a.people);
        change.completion_after = share(b.completing, b.people);
        change.visits_before = a.visits;
        change.visits_after = b.visits;
        // More trips on average among finishers is a loss only where nobody was added to them: people who
        // now finish and travel raise the mean without anyone's journey getting longer.
        const bool fewer = change.completion_after < change.completion_before - kTolerance;
        const bool more = change.completion_after > change.completion_before + kTolerance;
        change.loses = fewer || (!more && change.visits_after > change.visits_before + kTolerance);
        outcome.changes.push_back(std::move(change));
      }
    }
    out.push_back(std::move(outcome));
  }
  return out;
}

}  // namespace equalis::journeys

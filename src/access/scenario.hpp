#pragma once
// Scenarios as data: what a planner could change — close or open offices, add self-service terminals or
// assisted sites, close or open a channel ("digital by default" closes in-person), raise a group's
// coverage, devices or skills — each compared with the baseline, group by group. Written as TOML (the
// study file reuses the same table):
//
//   [[scenario]]
//   name = "digital by default"
//   close_channels = ["in-person"]
//
//   [[scenario]]
//   name = "counselors in the villages"
//   add_assisted = ["S1", "S2"]            # site ids: the matrix (or, with a graph, lon/lat) gives costs
//   open_facilities = [{ id = "N1", capacity = 5 }]
//   close_facilities = ["X3"]
//   [scenario.profiles.pop_60plus]          # raise figures of a group's digital profile
//   online_skill = 0.85

#include <optional>
#include <string>
#include <vector>

namespace equalis::access {

struct NewSite {
  std::string id;
  double capacity = 1.0;
  bool capacity_given = false;  // a channel whose sites have capacities needs the new site's
  std::optional<double> lon;    // needed when the costs come from a graph
  std::optional<double> lat;
};

struct ProfileChange {
  std::string group;
  std::optional<double> coverage, device, online_skill, terminal_skill, phone;
};

struct Scenario {
  std::string name;
  std::vector<std::string> close_channels;  // in-person, online, phone, terminal, assisted, outreach
  std::vector<std::string> open_channels;   // online, phone (terminal/assisted open by adding sites)
  std::vector<std::string> close_facilities;
  std::vector<NewSite> open_facilities;
  std::vector<NewSite> add_terminals;
  std::vector<NewSite> add_assisted;
  std::vector<NewSite> add_outreach;  // bases of home visits
  std::vector<ProfileChange> profiles;
};

// Parses the TOML text; throws Error(Parse) at file:line:column for bad TOML and Error(InvalidInput)
// (with the line) for an unknown key, a wrong type, a probability outside [0, 1], a channel name that
// does not exist or a scenario without a name.
std::vector<Scenario> parse_scenarios(const std::string& text, const std::string& source);
std::vector<Scenario> read_scenarios(const std::string& path);

}  // namespace equalis::access

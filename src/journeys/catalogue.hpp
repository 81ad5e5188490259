#pragma once
// A service catalogue as data: each public matter is an ordered list of steps, each step doable through
// one or more channels, each channel with its requirements (e-ID, smartphone, local household
// registration, …) and its time and money. Eligibility rules in the audit module's rule language, over
// the same requirements (true/false per person), tell institutional exclusion from digital exclusion.
// Written as TOML (docs/journeys.md):
//
//   [requirements]
//   smartphone = "a smartphone with mobile internet"
//   local_hukou = "local household registration"
//
//   [[matter]]
//   id = "elderly_allowance"
//   name = "Claim the elderly allowance"
//   rule = "local_hukou"
//   [[matter.step]]
//   id = "apply"
//   channels = [
//     { channel = "online", requires = ["smartphone", "e_id"], minutes = 15 },
//     { channel = "in-person", minutes = 40 },
//   ]

#include "access/channels.hpp"

#include <string>
#include <vector>

namespace equalis::journeys {

struct Requirement {
  std::string id;
  std::string description;
};

struct ChannelOption {
  access::Channel channel = access::Channel::InPerson;
  std::vector<std::size_t> needs;  // requirement indices into Catalogue::requirements
  double minutes = 0.0;            // time of the step through this channel, travel excluded
  double money = 0.0;              // fees and other out-of-pocket costs
  std::size_t line = 0;            // in the catalogue, for messages
};

struct Step {
  std::string id;
  std::string name;
  std::string rule;  // eligibility for this step (empty: none), over the requirements
  std::vector<ChannelOption> channels;
};

struct Matter {
  std::string id;
  std::string name;
  std::string rule;  // eligibility for the matter (empty: everyone)
  std::vector<Step> steps;
};

struct Catalogue {
  std::string source;
  std::vector<Requirement> requirements;
  std::vector<Matter> matters;
  [[nodiscard]] std::size_t requirement_index(const std::string& id) const;  // size() if none
};

// Parses and checks the whole catalogue; every problem found (unknown key, a step without a channel, an
// unknown channel or requirement, a rule that does not parse or reads an undeclared requirement, a
// repeated id, a negative time) is reported at once, each at its line and column, in one
// Error(InvalidInput) (Error(Parse) for TOML that does not parse).
Catalogue parse_catalogue(const std::string& text, const std::string& source);
Catalogue read_catalogue(const std::string& path);

}  // namespace equalis::journeys

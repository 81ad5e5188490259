#pragma once
// A service catalogue as data: each public matter is an ordered list of steps, each step doable through
// one or more channels, each channel with its requirements (e-ID, smartphone, local household
// registration, …) and its time and money. Eligibility rules in the audit module's rule language, over
// the same requirements (true/false per person), tell institutional exclusion from digital exclusion.
// Written as TOML (docs/journeys.md):
//
//   [offices]
//   police = "the police station's household registration desk"
//
//   [requirements]
//   smartphone = "a smartphone with mobile internet"
//   local_hukou = "local household registration"
//   # requires: what the police ask before they issue it (optional; one line, as every TOML inline table)
//   household_certificate = { description = "a household certificate", issued_by = "police", minutes = 20,
//   requires = ["local_hukou"] }
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
//     { channel = "in-person", office = "police", requires = ["household_certificate"], minutes = 30 },
//   ]

#include "access/channels.hpp"

#include <optional>
#include <string>
#include <vector>

namespace equalis::journeys {

// A kind of office (`[offices] police = "the police station"`): the in-person channels that name it are
// found at its own sites (a facilities file per kind, JourneyRequest::offices).
struct OfficeKind {
  std::string id;
  std::string description;
  std::size_t line = 0;  // in the catalogue, for messages
  std::size_t column = 0;
};

// At most this many office kinds: the engine keeps every place channel of a zone in a fixed array.
inline constexpr std::size_t kMaxOfficeKinds = 10;
// Every place a channel can be found: the six channels, then the office kinds.
inline constexpr std::size_t kPlaceSlots = access::kChannelCount + kMaxOfficeKinds;

struct Requirement {
  std::string id;
  std::string description;
  // A paper proof issued by an office kind: a person who does not hold it obtains it with a trip to the
  // nearest such office (when within the standard), spending `minutes` and `money` there.
  std::optional<std::size_t> issued_by;  // index into Catalogue::offices
  double minutes = 0.0;
  double money = 0.0;
  // What the office asks before it issues the proof (`requires = ["local_hukou"]`): plain requirements
  // (not proofs) a person must meet to obtain it.
  std::vector<std::size_t> fetch_needs;
};

struct ChannelOption {
  access::Channel channel = access::Channel::InPerson;
  std::vector<std::size_t> needs;     // requirement indices into Catalogue::requirements
  double minutes = 0.0;               // time of the step through this channel, travel excluded
  double money = 0.0;                 // fees and other out-of-pocket costs
  std::size_t line = 0;               // in the catalogue, for messages
  std::optional<std::size_t> office;  // in person at this office kind (Catalogue::offices), not `facilities`
};

// Where a channel option is found: its channel's sites, or its office kind's.
inline std::size_t place_slot(const ChannelOption& option) {
  return option.office ? access::kChannelCount + *option.office : static_cast<std::size_t>(option.channel);
}

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
  std::vector<OfficeKind> offices;
  std::vector<Requirement> requirements;
  std::vector<Matter> matters;
  [[nodiscard]] std::size_t requirement_index(const std::string& id) const;  // size() if none
  [[nodiscard]] std::size_t office_index(const std::string& id) const;       // offices.size() if none
};

// Parses and checks the whole catalogue; every problem found (unknown key, a step without a channel, an
// unknown channel, office kind or requirement, a proof issued by an unknown office kind, a rule that does not
// parse or reads an undeclared requirement, a repeated id, a negative time) is reported at once, each at its
// line and column, in one Error(InvalidInput) (Error(Parse) for TOML that does not parse).
Catalogue parse_catalogue(const std::string& text, const std::string& source);
Catalogue read_catalogue(const std::string& path);

}  // namespace equalis::journeys

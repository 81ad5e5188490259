#pragma once
// Service journeys (docs/journeys.md): for every zone × group × matter, the probability of getting the
// matter done, the expected in-person visits, time and money, and the reasons people fail — attributed so
// that the reasons add up to the failures.
//
// A person of a group meets each requirement independently with the group's probability (the stated
// assumption; requirements shared by several steps are the same person's, so steps are not independent:
// the engine enumerates the combinations of the uncertain requirements and place channels). Per step the
// person takes a usable channel by the choice rule; a matter is done when every step is.

#include "journeys/abilities.hpp"
#include "journeys/catalogue.hpp"

#include "access/channels.hpp"
#include "core/progress.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace equalis::journeys {

enum class ChoiceRule : std::uint8_t {
  Cheapest,       // least time (travel included), then least money
  PreferOnline,   // online, then phone, then the cheapest of the rest
  PreferOffline,  // in person, then the cheapest of the rest
};

// What the place offers, per zone: the probability that each channel is there for a person living in
// the zone (1 or 0 for a site within the standard, the coverage share for online, the served share of
// rationed help) and the one-way travel time to its nearest site in minutes (0 where nobody travels).
// The office kinds of the catalogue (Catalogue::offices) come in their own rows, [zone][kind] (empty when
// the catalogue declares none): whether one is within the standard and the one-way minutes to the nearest.
struct PlaceChannels {
  std::vector<std::array<double, access::kChannelCount>> available;
  std::vector<std::array<double, access::kChannelCount>> travel_minutes;
  std::vector<std::vector<double>> office_available;
  std::vector<std::vector<double>> office_travel_minutes;
};

struct JourneyInputs {
  std::vector<std::string> zone_ids;
  std::vector<std::string> groups;          // "all" (the whole population) first, then the groups
  std::vector<std::vector<double>> people;  // [group][zone]
  PlaceChannels place;
};

struct JourneyOptions {
  ChoiceRule choice = ChoiceRule::Cheapest;
};

// One zone × group × matter.
struct JourneyCell {
  double eligible = 0.0;          // P(the matter's and every step's rules let the person through)
  double completion = 0.0;        // P(eligible and every step doable)
  double visits = 0.0;            // expected in-person trips, among those who complete
  double more_than_one = 0.0;     // P(more than one trip | complete)
  double minutes = 0.0;           // expected time (travel both ways included) | complete
  double money = 0.0;             // expected money | complete
  std::uint32_t main_reason = 0;  // index into the matter's reasons of the largest failure (if any)
};

// Why people fail a matter: a rule, a missing requirement or a channel absent where they live, at the
// first step they cannot do (for the channel that came closest).
struct Reason {
  std::string text;
  std::string kind;  // "rule", "requirement", "place"
  std::string step;  // empty for the matter's rule
  std::string requirement;
  std::string channel;
  std::string office;  // the office kind of an in-person channel, or the issuer of a proof out of reach
};

// One matter × group over the zones (people-weighted).
struct MatterGroup {
  double people = 0.0;
  double eligible = 0.0;       // people
  double completing = 0.0;     // people
  double visits = 0.0;         // mean over those who complete
  double more_than_one = 0.0;  // share of those who complete
  double minutes = 0.0;
  double money = 0.0;
  std::vector<double> failing_by_reason;  // people, per reason of the matter; adds up to people − completing
};

struct MatterResult {
  std::string id;
  std::string name;
  std::vector<Reason> reasons;
  std::vector<std::vector<JourneyCell>> cells;  // [zone][group]
  std::vector<MatterGroup> groups;              // per group
  double at_most_one_visit = 0.0;               // share of completers (everyone) with ≤ 1 trip
};

struct JourneyResult {
  std::vector<MatterResult> matters;
  std::string assumption;
  std::vector<std::string> illustrative;  // "group: requirement" figures that are assumptions
};

// Throws Error(InvalidInput) when a matter has more than 20 uncertain requirements and place channels
// (2^20 combinations per zone and group): split it, or give 0/1 figures.
JourneyResult evaluate_journeys(const Catalogue& catalogue, const GroupAbilities& abilities,
                                const JourneyInputs& inputs, const JourneyOptions& options = {},
                                ProgressSink& progress = null_progress());

}  // namespace equalis::journeys

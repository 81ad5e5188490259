#pragma once
// Access through every channel (docs/methods/access.md). A service is offered in person at its offices,
// at self-service terminals, online, by phone and with assisted help (a digital counselor or proxy at a
// site). Whether a person can use a channel depends on the zone (travel to a site within the access
// standard, network coverage) and on the group (device, skills, phone): per zone × group, each channel
// gives a probability, and a person has access if at least one channel is usable.
//
// Dependence assumption (stated in every report): given the zone and the group, the channels fail
// independently, except that the online channel is the chain coverage × device | coverage × skill |
// device (the published figures are conditional, e.g. CNNIC: of internet users aged 60+, 69.7 % could
// show a health code unaided).

#include "access/inputs.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace equalis::access {

enum class Channel : std::uint8_t { InPerson, Terminal, Online, Phone, Assisted };
inline constexpr std::size_t kChannelCount = 5;
[[nodiscard]] std::string_view channel_name(Channel channel) noexcept;

// What a group can do digitally: probabilities in [0, 1], each conditional as named.
struct GroupDigital {
  std::string group;            // a group column of the zones, or "all" (the default for groups not listed)
  double coverage = 1.0;        // P(network coverage where they live)
  double device = 1.0;          // P(a usable device | coverage)
  double online_skill = 1.0;    // P(completes the service online unaided | device)
  double terminal_skill = 1.0;  // P(uses a self-service terminal unaided)
  double phone = 1.0;           // P(can use the phone hotline)
  std::string source;           // where the figures come from, with the date
  // Figures assumed for illustration, not published (said in every output): field names, e.g. phone.
  std::vector<std::string> illustrative;
};

struct DigitalProfiles {
  std::string file;
  std::vector<GroupDigital> groups;
  // The profile of a group: its own row, else the "all" row; throws Error(InvalidInput) if neither.
  [[nodiscard]] const GroupDigital& of(const std::string& group) const;
};

// CSV: group,coverage,device,online_skill,terminal_skill,phone[,source][,illustrative]. Probabilities in
// [0, 1] (percentages are refused: the fix says divide by 100); groups unique; `illustrative` lists the
// fields that are assumptions, separated by ';' ("all" for every one). Errors name file:line:column.
DigitalProfiles read_digital_profiles(const std::string& path);

// Which channels the service offers, and where its channel sites are.
struct ChannelOffer {
  bool in_person = true;  // offices (the access request's facilities) open
  bool online = true;
  bool phone = false;
  std::string terminals;  // facilities CSV of self-service terminals (optional)
  std::string assisted;   // facilities CSV of sites with assisted help (optional)
};

// Per zone × group (group 0 = everyone in the zone, then the group columns), channel by channel.
struct ChannelCell {
  std::array<double, kChannelCount> usable{};  // P(the channel is usable)
  double effective = 0.0;                      // P(at least one usable channel)
  double excluded_people = 0.0;                // people × (1 − effective)
};

// Totals of one group over the zones.
struct ChannelGroupTotal {
  std::string group;
  double people = 0.0;
  std::array<double, kChannelCount> usable_people{};  // people who can use each channel (expected)
  double excluded = 0.0;                              // people with no usable channel (expected)
  double excluded_offices_closed = 0.0;               // the same if the offices closed ("digital by default")
};

struct ChannelResult {
  ChannelOffer offer;
  DigitalProfiles profiles;
  std::vector<std::string> groups;                       // "all", then the zones' group columns
  std::vector<std::vector<ChannelCell>> cells;           // [zone][group]
  std::vector<std::vector<ChannelCell>> offices_closed;  // [zone][group], in-person channel removed
  std::vector<ChannelGroupTotal> totals;                 // per group
  std::size_t terminals = 0;
  std::size_t assisted_sites = 0;
  // The offline queue: office capacity per person who must come in person, by 2SFCA (binary catchment at
  // the standard) with each zone's demand the people who cannot go online (those who can, do: digital
  // first), beside the same if everyone came in person. Per zone; empty without the in-person channel.
  std::vector<double> offline_capacity_per_person;
  std::vector<double> offline_capacity_if_all_in_person;
  double offline_mean = 0.0;  // people-weighted over zones that reach an office
  double offline_mean_if_all_in_person = 0.0;
  std::string assumption;  // the dependence assumption, as reports state it
};

// Channel usability per zone × group. `office_nearest`, `terminal_nearest`, `assisted_nearest`: per
// zone, the cost to the nearest site of each kind (+inf: none; empty vector: the channel has no sites).
// `coverage`: per zone, P(network coverage) when the zones give it (empty: the profiles' group figure).
ChannelResult channel_access(const Zones& zones, const ChannelOffer& offer, const DigitalProfiles& profiles,
                             double standard, const std::vector<double>& office_nearest,
                             const std::vector<double>& terminal_nearest,
                             const std::vector<double>& assisted_nearest,
                             const std::vector<double>& coverage);

}  // namespace equalis::access

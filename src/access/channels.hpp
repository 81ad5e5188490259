#pragma once
// Access through every channel (docs/methods/access.md). A service is offered in person at its offices,
// at self-service terminals, online, by phone, with assisted help (a digital counselor or proxy at a
// site) and by outreach (home visits from a base). Whether a person can use a channel depends on the zone
// (travel to a site within the access standard, network coverage) and on the group (device, skills, phone):
// per zone × group, each channel gives a probability, and a person has access if at least one channel is
// usable.
//
// Dependence assumption (stated in every report): given the zone and the group, the channels fail
// independently, except that the online channel is the chain coverage × device | coverage × skill |
// device (the published figures are conditional, e.g. CNNIC: of internet users aged 60+, 69.7 % could
// show a health code unaided). A joint table of a group's abilities (online, terminal, phone) replaces
// the independence of those three for that group.
//
// Help comes last and is rationed: people use their own channels first (in person, terminal, online,
// phone); those left need an assisted site, and those still left an outreach visit. A site with a
// capacity serves the people who need it within its reach in proportion (a 2SFCA ratio of capacity to
// that residual demand, capped at 1); a site without one serves everyone who needs it.

#include "access/inputs.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace equalis::access {

enum class Channel : std::uint8_t { InPerson, Terminal, Online, Phone, Assisted, Outreach };
inline constexpr std::size_t kChannelCount = 6;
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

// A group's abilities, jointly: the share of the group who can (1) or cannot (0) complete the service
// online unaided given coverage (device and skill), use a terminal unaided, use the phone.
struct AbilityCombination {
  bool online = false;
  bool terminal = false;
  bool phone = false;
  double share = 0.0;
};

struct JointAbilities {
  std::string file;
  std::vector<std::string> groups;                            // in the order of the file
  std::vector<std::vector<AbilityCombination>> combinations;  // per group; shares add to 1
  [[nodiscard]] const std::vector<AbilityCombination>* of(const std::string& group) const;
};

// CSV: group,online,terminal,phone,share — one row per combination (those left out have share 0);
// abilities 0 or 1, shares in [0, 1] adding to 1 per group (within 1e-6), no combination twice.
// Errors name file:line:column and the fix.
JointAbilities read_joint_abilities(const std::string& path);

// Which channels the service offers, and where its channel sites are.
struct ChannelOffer {
  bool in_person = true;  // offices (the access request's facilities) open
  bool online = true;
  bool phone = false;
  std::string terminals;  // facilities CSV of self-service terminals (optional)
  std::string assisted;   // facilities CSV of sites with assisted help (optional; capacity optional)
  std::string outreach;   // facilities CSV of outreach bases (home visits; optional; capacity optional)
  // How far an outreach team goes from its base, as a cost (e.g. "60min"); empty = the standard.
  std::string outreach_reach;
  // CSV of the groups' joint abilities (read_joint_abilities), replacing independence where given.
  std::string joint_abilities;
};

// The offer as a front end states it: the channels' names (in-person, online, phone, terminal, assisted,
// outreach) and, in `sites`, the site files of those that need them. nullopt when no channel is named
// (then no site file may be given). Throws Error(InvalidInput) naming `channels` when names and files
// disagree.
std::optional<ChannelOffer> channel_offer_of(const std::vector<std::string>& channels,
                                             const ChannelOffer& sites, bool digital_profiles_given);

// The sites of a help channel (assisted, outreach) as the zones reach them.
struct HelpSites {
  CostRows rows;                 // zone → site pairs (site indices into `capacity`)
  std::vector<double> capacity;  // people served per site; empty = unlimited (no capacity column)
  std::vector<std::string> ids;  // per site
  std::size_t sites = 0;
  double reach = 0.0;  // a site within this cost counts
  [[nodiscard]] bool offered() const noexcept { return sites > 0; }
};

// What a help channel did: per zone, the share of the people who need it that it serves.
struct HelpRationing {
  std::vector<std::string> site_ids;
  std::vector<double> capacity;      // per site; empty = unlimited
  std::vector<double> served_share;  // per zone, in [0, 1]
  std::vector<double> demand;        // per site: people within reach who need it
  std::vector<double> served;        // per site: people it serves (≤ capacity when limited)
  bool capacity_limited = false;
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
  std::size_t outreach_bases = 0;
  // Per channel, per zone: the cost to the nearest site (+inf: none; empty: no sites, or no travel).
  std::array<std::vector<double>, kChannelCount> nearest_site;
  double outreach_reach = 0.0;            // in the cost unit
  std::vector<std::string> joint_groups;  // groups whose abilities come from the joint table
  HelpRationing assisted;                 // today
  HelpRationing outreach;
  HelpSites assisted_sites_reached;  // the help sites and who reaches them: to ration on another need
  HelpSites
      outreach_sites_reached;  // (the journeys module rations on those who finish a matter only with help)
  HelpRationing assisted_offices_closed;  // if the offices closed
  HelpRationing outreach_offices_closed;
  // The offline queue: office capacity per person who must come in person, by 2SFCA (binary catchment at
  // the standard) with each zone's demand the people who cannot go online (those who can, do: digital
  // first), beside the same if everyone came in person. Per zone; empty without the in-person channel.
  std::vector<double> offline_capacity_per_person;
  std::vector<double> offline_capacity_if_all_in_person;
  double offline_mean = 0.0;  // people-weighted over zones that reach an office
  double offline_mean_if_all_in_person = 0.0;
  std::string assumption;  // the dependence assumption, as reports state it
};

// What the channel model is given besides the zones.
struct ChannelInputs {
  ChannelOffer offer;
  DigitalProfiles profiles;
  JointAbilities joint;  // empty: independence for every group
  double standard = 0.0;
  // Per zone, the cost to the nearest office and terminal (+inf: none; empty: the channel has no sites).
  std::vector<double> office_nearest;
  std::vector<double> terminal_nearest;
  HelpSites assisted;
  HelpSites outreach;
  std::vector<double> coverage;  // per zone P(network coverage) when the zones give it (empty: profiles')
};

// Channel usability per zone × group, today and with the offices closed.
ChannelResult channel_access(const Zones& zones, const ChannelInputs& inputs);

// The rationing of a help channel: `need` per zone (people who need it), sites within their reach.
HelpRationing ration_help(const HelpSites& sites, const std::vector<double>& need);

}  // namespace equalis::access

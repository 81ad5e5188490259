#include "access/channels.hpp"

#include "core/csv_columns.hpp"
#include "core/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace equalis::access {

std::string_view channel_name(Channel channel) noexcept {
  switch (channel) {
    case Channel::InPerson:
      return "in_person";
    case Channel::Terminal:
      return "terminal";
    case Channel::Online:
      return "online";
    case Channel::Phone:
      return "phone";
    case Channel::Assisted:
      return "assisted";
    case Channel::Outreach:
      return "outreach";
  }
  return "";
}

const GroupDigital& DigitalProfiles::of(const std::string& group) const {
  const GroupDigital* fallback = nullptr;
  for (const auto& profile : groups) {
    if (profile.group == group) return profile;
    if (profile.group == "all") fallback = &profile;
  }
  if (fallback == nullptr) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{}: no digital profile for group '{}' and no 'all' row", file, group),
                "add a row for the group, or an 'all' row that applies to every group not listed");
  }
  return *fallback;
}

namespace {

constexpr std::array<const char*, 5> kProfileFields{"coverage", "device", "online_skill", "terminal_skill",
                                                    "phone"};

std::vector<std::string> illustrative_fields(const std::string& cell, const ColumnTable& table,
                                             std::size_t row) {
  if (cell == "all") return {kProfileFields.begin(), kProfileFields.end()};
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (start <= cell.size()) {
    const auto end = std::min(cell.find(';', start), cell.size());
    const std::string field = cell.substr(start, end - start);
    if (std::find(kProfileFields.begin(), kProfileFields.end(), field) == kProfileFields.end()) {
      throw Error(ErrorCode::InvalidInput, fmt::format("'{}' is not a profile field", excerpt(field)),
                  "list the illustrative fields among coverage;device;online_skill;terminal_skill;phone, or "
                  "write all",
                  table.location(row, "illustrative"));
    }
    fields.push_back(field);
    start = end + 1;
  }
  return fields;
}

}  // namespace

DigitalProfiles read_digital_profiles(const std::string& path) {
  const auto header = ColumnTable::read_header(path);
  const auto has = [&](const char* name) {
    return std::find(header.begin(), header.end(), name) != header.end();
  };
  std::vector<WantedColumn> wanted{
      {"group", ColumnKind::Category},         {"coverage", ColumnKind::Numeric},
      {"device", ColumnKind::Numeric},         {"online_skill", ColumnKind::Numeric},
      {"terminal_skill", ColumnKind::Numeric}, {"phone", ColumnKind::Numeric}};
  if (has("source")) wanted.push_back({"source", ColumnKind::Category});
  if (has("illustrative")) wanted.push_back({"illustrative", ColumnKind::Category});
  const ColumnTable table = ColumnTable::read_file(path, wanted);
  DigitalProfiles profiles;
  profiles.file = path;
  const CategoryColumn& group = table.category("group");
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    if (group.valid[row] == 0) {
      throw Error(ErrorCode::InvalidInput, "missing group name",
                  "name the group of every row ('all' for everyone)", table.location(row, "group"));
    }
    GroupDigital profile;
    profile.group = group.labels[group.codes[row]];
    for (const auto& other : profiles.groups) {
      if (other.group == profile.group) {
        throw Error(ErrorCode::InvalidInput, fmt::format("group '{}' has two rows", excerpt(profile.group)),
                    "give each group one row", table.location(row, "group"));
      }
    }
    const auto probability = [&](const char* column) {
      const NumericColumn& values = table.numeric(column);
      const double value = values.values[row];
      if (values.valid[row] == 0 || !(value >= 0.0 && value <= 1.0)) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("{} is {}, not a probability in [0, 1]", column,
                                values.valid[row] == 0 ? "missing" : fmt::format("{}", value)),
                    value > 1.0 && value <= 100.0 ? "write shares as probabilities: divide percentages by 100"
                                                  : "give a probability between 0 and 1",
                    table.location(row, column));
      }
      return value;
    };
    profile.coverage = probability("coverage");
    profile.device = probability("device");
    profile.online_skill = probability("online_skill");
    profile.terminal_skill = probability("terminal_skill");
    profile.phone = probability("phone");
    if (has("source")) {
      const CategoryColumn& source = table.category("source");
      if (source.valid[row] != 0) profile.source = source.labels[source.codes[row]];
    }
    if (has("illustrative")) {
      const CategoryColumn& flag = table.category("illustrative");
      if (flag.valid[row] != 0)
        profile.illustrative = illustrative_fields(flag.labels[flag.codes[row]], table, row);
    }
    profiles.groups.push_back(std::move(profile));
  }
  if (profiles.groups.empty()) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{}: no digital profile", path),
                "give at least an 'all' row");
  }
  return profiles;
}

const std::vector<AbilityCombination>* JointAbilities::of(const std::string& group) const {
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (groups[g] == group) return &combinations[g];
  }
  return nullptr;
}

namespace {

bool ability(const ColumnTable& table, std::size_t row, const char* column) {
  const NumericColumn& values = table.numeric(column);
  const double value = values.values[row];
  if (values.valid[row] == 0 || (value != 0.0 && value != 1.0)) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("{} is {}, not 0 or 1", column,
                    values.valid[row] == 0 ? "missing" : fmt::format("{}", value)),
        "write 1 for the people of this row who can, 0 for those who cannot; the share goes in `share`",
        table.location(row, column));
  }
  return value == 1.0;
}

}  // namespace

JointAbilities read_joint_abilities(const std::string& path) {
  const ColumnTable table = ColumnTable::read_file(path, {{"group", ColumnKind::Category},
                                                          {"online", ColumnKind::Numeric},
                                                          {"terminal", ColumnKind::Numeric},
                                                          {"phone", ColumnKind::Numeric},
                                                          {"share", ColumnKind::Numeric}});
  JointAbilities joint;
  joint.file = path;
  const CategoryColumn& group = table.category("group");
  const NumericColumn& share = table.numeric("share");
  std::vector<std::size_t> last_row;  // per group, for the message about its sum
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    if (group.valid[row] == 0) {
      throw Error(ErrorCode::InvalidInput, "missing group name", "name the group of every row",
                  table.location(row, "group"));
    }
    const std::string name = group.labels[group.codes[row]];
    AbilityCombination combination;
    combination.online = ability(table, row, "online");
    combination.terminal = ability(table, row, "terminal");
    combination.phone = ability(table, row, "phone");
    combination.share = share.values[row];
    if (share.valid[row] == 0 || !(combination.share >= 0.0 && combination.share <= 1.0)) {
      throw Error(ErrorCode::InvalidInput, "share is not a probability in [0, 1]",
                  combination.share > 1.0 && combination.share <= 100.0
                      ? "write shares as probabilities: divide percentages by 100"
                      : "give the share of the group with this combination of abilities",
                  table.location(row, "share"));
    }
    const auto at = std::find(joint.groups.begin(), joint.groups.end(), name);
    const auto g = static_cast<std::size_t>(at - joint.groups.begin());
    if (at == joint.groups.end()) {
      joint.groups.push_back(name);
      joint.combinations.emplace_back();
      last_row.push_back(row);
    }
    for (const auto& other : joint.combinations[g]) {
      if (other.online == combination.online && other.terminal == combination.terminal &&
          other.phone == combination.phone) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("group '{}' has this combination of abilities twice", excerpt(name)),
                    "give each combination of online, terminal and phone one row",
                    table.location(row, "group"));
      }
    }
    joint.combinations[g].push_back(combination);
    last_row[g] = row;
  }
  for (std::size_t g = 0; g < joint.groups.size(); ++g) {
    double sum = 0.0;
    for (const auto& combination : joint.combinations[g]) sum += combination.share;
    if (std::abs(sum - 1.0) > 1e-6) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("the shares of group '{}' add to {}, not 1", excerpt(joint.groups[g]), sum),
                  "the combinations of a group cover all of it: their shares must add to 1",
                  table.location(last_row[g], "share"));
    }
  }
  if (joint.groups.empty()) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{}: no row", path),
                "give one row per group and combination of abilities");
  }
  return joint;
}

// A 2SFCA ratio of capacity to the people who need help (Luo & Wang 2003), capped at 1: the share of
// those in need whom the sites within reach can serve.
HelpRationing ration_help(const HelpSites& sites, const std::vector<double>& need) {
  HelpRationing out;
  const std::size_t zones = need.size();
  out.served_share.assign(zones, 0.0);
  if (!sites.offered()) return out;
  out.capacity_limited = !sites.capacity.empty();
  out.site_ids = sites.ids;
  out.capacity = sites.capacity;
  out.demand.assign(sites.sites, 0.0);
  out.served.assign(sites.sites, 0.0);
  const auto reach = static_cast<float>(sites.reach);
  const CostRows& rows = sites.rows;
  for (std::size_t z = 0; z < zones; ++z) {
    for (std::size_t k = rows.offsets[z]; k < rows.offsets[z + 1] && rows.cost[k] <= reach; ++k) {
      out.demand[rows.facility[k]] += need[z];
    }
  }
  std::vector<double> ratio(sites.sites, std::numeric_limits<double>::infinity());
  if (out.capacity_limited) {
    for (std::size_t j = 0; j < sites.sites; ++j) {
      if (out.demand[j] > 0.0) ratio[j] = sites.capacity[j] / out.demand[j];
    }
  }
  for (std::size_t z = 0; z < zones; ++z) {
    double sum = 0.0;
    bool any = false;
    for (std::size_t k = rows.offsets[z]; k < rows.offsets[z + 1] && rows.cost[k] <= reach; ++k) {
      sum += ratio[rows.facility[k]];
      any = true;
    }
    if (!any) continue;
    out.served_share[z] = std::min(1.0, sum);
    if (!(need[z] > 0.0)) continue;
    // Those served, shared among the sites in proportion to what each offers per person in need.
    const double served = need[z] * out.served_share[z];
    for (std::size_t k = rows.offsets[z]; k < rows.offsets[z + 1] && rows.cost[k] <= reach; ++k) {
      const std::uint32_t j = rows.facility[k];
      if (!out.capacity_limited) {  // unlimited: the nearest site serves them all
        out.served[j] += served;
        break;
      }
      out.served[j] += served * ratio[j] / sum;
    }
  }
  return out;
}

namespace {

bool within(const std::vector<double>& nearest, std::size_t zone, double standard) {
  return !nearest.empty() && static_cast<float>(nearest[zone]) <= static_cast<float>(standard);
}

constexpr std::size_t index(Channel channel) {
  return static_cast<std::size_t>(channel);
}

// A group's own channels in a zone (no help): each one's probability, and that of none being usable.
struct OwnChannels {
  std::array<double, kChannelCount> usable{};
  double none = 1.0;
};

struct ZoneOffer {
  double office = 0.0;    // 1 if an office is within the standard and open
  double terminal = 0.0;  // 1 if a terminal is
  double online = 0.0;    // P(coverage) when the online channel is offered
  double phone = 0.0;     // 1 when the hotline is offered
};

OwnChannels own_channels(const ZoneOffer& at, const GroupDigital& profile,
                         const std::vector<AbilityCombination>* joint) {
  OwnChannels own;
  own.usable[index(Channel::InPerson)] = at.office;
  if (joint == nullptr) {
    own.usable[index(Channel::Terminal)] = at.terminal * profile.terminal_skill;
    own.usable[index(Channel::Online)] = at.online * profile.device * profile.online_skill;
    own.usable[index(Channel::Phone)] = at.phone * profile.phone;
    for (std::size_t c = 0; c < index(Channel::Assisted); ++c) own.none *= 1.0 - own.usable[c];
    return own;
  }
  // Over the group's combinations of abilities: the chain stays, the abilities are joint.
  double none_digital = 0.0;
  for (const auto& combination : *joint) {
    const double terminal = at.terminal * (combination.terminal ? 1.0 : 0.0);
    const double online = at.online * (combination.online ? 1.0 : 0.0);
    const double phone = at.phone * (combination.phone ? 1.0 : 0.0);
    own.usable[index(Channel::Terminal)] += combination.share * terminal;
    own.usable[index(Channel::Online)] += combination.share * online;
    own.usable[index(Channel::Phone)] += combination.share * phone;
    none_digital += combination.share * (1.0 - terminal) * (1.0 - online) * (1.0 - phone);
  }
  own.none = (1.0 - at.office) * none_digital;
  return own;
}

bool partitions(const Zones& zones) {
  if (zones.group_names.empty()) return false;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    double sum = 0.0;
    for (const auto& people : zones.group_people) sum += people[z];
    if (std::abs(sum - zones.population[z]) > 1e-9 * std::max(1.0, zones.population[z])) return false;
  }
  return true;
}

struct Pass {
  std::vector<std::vector<ChannelCell>> cells;
  HelpRationing assisted;
  HelpRationing outreach;
};

// One evaluation of every zone × group: own channels, then assisted help, then outreach, each rationed
// on the people the earlier ones leave (docs/methods/access.md).
Pass evaluate(const Zones& zones, const ChannelInputs& in, bool offices_open,
              const std::vector<const GroupDigital*>& profile_of,
              const std::vector<const std::vector<AbilityCombination>*>& joint_of) {
  const std::size_t groups = profile_of.size();
  std::vector<std::vector<OwnChannels>> own(zones.size(), std::vector<OwnChannels>(groups));
  for (std::size_t z = 0; z < zones.size(); ++z) {
    for (std::size_t g = 0; g < groups; ++g) {
      ZoneOffer at;
      at.office = offices_open && in.offer.in_person && within(in.office_nearest, z, in.standard) ? 1.0 : 0.0;
      at.terminal = within(in.terminal_nearest, z, in.standard) ? 1.0 : 0.0;
      at.online = in.offer.online ? (in.coverage.empty() ? profile_of[g]->coverage : in.coverage[z]) : 0.0;
      at.phone = in.offer.phone ? 1.0 : 0.0;
      own[z][g] = own_channels(at, *profile_of[g], joint_of[g]);
    }
  }
  // The people of a zone with no channel of their own: over the groups when they partition the zone
  // (each with its profile), else from the whole population's profile.
  const bool by_groups = partitions(zones);
  const auto people_of = [&](std::size_t z, std::size_t g) {
    return g == 0 ? zones.population[z] : zones.group_people[g - 1][z];
  };
  const auto need_of = [&](const std::vector<double>& left_share) {
    std::vector<double> need(zones.size(), 0.0);
    for (std::size_t z = 0; z < zones.size(); ++z) {
      if (by_groups) {
        for (std::size_t g = 1; g < groups; ++g) need[z] += people_of(z, g) * own[z][g].none;
      } else {
        need[z] = zones.population[z] * own[z][0].none;
      }
      need[z] *= left_share.empty() ? 1.0 : 1.0 - left_share[z];
    }
    return need;
  };
  Pass pass;
  pass.assisted = ration_help(in.assisted, need_of({}));
  pass.outreach = ration_help(in.outreach, need_of(pass.assisted.served_share));
  pass.cells.assign(zones.size(), std::vector<ChannelCell>(groups));
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const double assisted = pass.assisted.served_share[z];
    const double outreach = pass.outreach.served_share[z];
    for (std::size_t g = 0; g < groups; ++g) {
      ChannelCell& cell = pass.cells[z][g];
      cell.usable = own[z][g].usable;
      cell.usable[index(Channel::Assisted)] = assisted;
      cell.usable[index(Channel::Outreach)] = outreach;
      cell.effective = 1.0 - own[z][g].none * (1.0 - assisted) * (1.0 - outreach);
      cell.excluded_people = people_of(z, g) * (1.0 - cell.effective);
    }
  }
  return pass;
}

}  // namespace

ChannelResult channel_access(const Zones& zones, const ChannelInputs& in) {
  ChannelResult result;
  result.offer = in.offer;
  result.assisted_sites_reached = in.assisted;
  result.outreach_sites_reached = in.outreach;
  result.profiles = in.profiles;
  result.groups.push_back("all");
  for (const auto& name : zones.group_names) result.groups.push_back(name);
  std::vector<const GroupDigital*> profile_of;
  std::vector<const std::vector<AbilityCombination>*> joint_of;
  for (const auto& name : result.groups) {
    profile_of.push_back(&in.profiles.of(name));
    joint_of.push_back(in.joint.of(name));
    if (joint_of.back() != nullptr) result.joint_groups.push_back(name);
  }
  for (const auto& name : in.joint.groups) {
    if (std::find(result.groups.begin(), result.groups.end(), name) == result.groups.end()) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("{}: '{}' is no group of the zones", in.joint.file, excerpt(name)),
                  fmt::format("name groups as the zones do: {}", fmt::join(result.groups, ", ")));
    }
  }
  result.assumption =
      "given the zone and the group, channels fail independently; online = coverage × device | coverage × "
      "skill | device";
  if (!result.joint_groups.empty()) {
    result.assumption +=
        fmt::format("; abilities of {} jointly from {}", fmt::join(result.joint_groups, ", "), in.joint.file);
  }
  if (in.assisted.offered() || in.outreach.offered()) {
    result.assumption += "; help is rationed on those left by their own channels (assisted, then outreach)";
  }
  Pass today = evaluate(zones, in, true, profile_of, joint_of);
  Pass closed = evaluate(zones, in, false, profile_of, joint_of);
  result.totals.resize(result.groups.size());
  for (std::size_t g = 0; g < result.groups.size(); ++g) {
    ChannelGroupTotal& total = result.totals[g];
    total.group = result.groups[g];
    for (std::size_t z = 0; z < zones.size(); ++z) {
      const double people = g == 0 ? zones.population[z] : zones.group_people[g - 1][z];
      total.people += people;
      for (std::size_t c = 0; c < kChannelCount; ++c)
        total.usable_people[c] += people * today.cells[z][g].usable[c];
      total.excluded += today.cells[z][g].excluded_people;
      total.excluded_offices_closed += closed.cells[z][g].excluded_people;
    }
  }
  result.cells = std::move(today.cells);
  result.offices_closed = std::move(closed.cells);
  result.assisted = std::move(today.assisted);
  result.outreach = std::move(today.outreach);
  result.assisted_offices_closed = std::move(closed.assisted);
  result.outreach_offices_closed = std::move(closed.outreach);
  result.assisted_sites = in.assisted.sites;
  result.outreach_bases = in.outreach.sites;
  result.outreach_reach = in.outreach.reach;
  return result;
}

std::optional<ChannelOffer> channel_offer_of(const std::vector<std::string>& channels,
                                             const ChannelOffer& sites, bool digital_profiles_given) {
  if (channels.empty()) {
    if (!sites.terminals.empty() || !sites.assisted.empty() || !sites.outreach.empty() ||
        digital_profiles_given || !sites.outreach_reach.empty() || !sites.joint_abilities.empty()) {
      throw Error(ErrorCode::InvalidInput,
                  "`terminals`, `assisted`, `outreach`, `outreach_reach`, `joint_abilities` and "
                  "`digital_profiles` need `channels`",
                  "say which channels the service offers, e.g. `channels` in-person,online,assisted");
    }
    return std::nullopt;
  }
  static constexpr std::array<std::string_view, 6> kChannels{"in-person", "online",   "phone",
                                                             "terminal",  "assisted", "outreach"};
  for (const auto& name : channels) {
    if (std::find(kChannels.begin(), kChannels.end(), name) == kChannels.end()) {
      throw Error(ErrorCode::InvalidInput, fmt::format("unknown channel '{}' in `channels`", name),
                  fmt::format("choose among {}", fmt::join(kChannels, ", ")));
    }
  }
  const auto has = [&](const char* name) {
    return std::find(channels.begin(), channels.end(), name) != channels.end();
  };
  ChannelOffer offer = sites;
  offer.in_person = has("in-person");
  offer.online = has("online");
  offer.phone = has("phone");
  if (has("terminal") != !sites.terminals.empty() || has("assisted") != !sites.assisted.empty() ||
      has("outreach") != !sites.outreach.empty()) {
    throw Error(ErrorCode::InvalidInput,
                "the terminal, assisted and outreach channels go with their site files",
                "give `channels` terminal with `terminals` FILE, `channels` assisted with `assisted` FILE, "
                "`channels` outreach with `outreach` FILE");
  }
  if (!sites.outreach_reach.empty() && sites.outreach.empty()) {
    throw Error(ErrorCode::InvalidInput, "`outreach_reach` without outreach bases",
                "give the bases of the home visits with `outreach` FILE (and `channels` …,outreach)");
  }
  return offer;
}

}  // namespace equalis::access

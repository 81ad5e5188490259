#include "access/channels.hpp"

#include "core/csv_columns.hpp"
#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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

namespace {

bool within(const std::vector<double>& nearest, std::size_t zone, double standard) {
  return !nearest.empty() && static_cast<float>(nearest[zone]) <= static_cast<float>(standard);
}

// 1 − Π(1 − p): at least one channel usable, the channels failing independently.
double at_least_one(const std::array<double, kChannelCount>& usable) {
  double none = 1.0;
  for (const double p : usable) none *= 1.0 - p;
  return 1.0 - none;
}

}  // namespace

ChannelResult channel_access(const Zones& zones, const ChannelOffer& offer, const DigitalProfiles& profiles,
                             double standard, const std::vector<double>& office_nearest,
                             const std::vector<double>& terminal_nearest,
                             const std::vector<double>& assisted_nearest,
                             const std::vector<double>& coverage) {
  ChannelResult result;
  result.offer = offer;
  result.profiles = profiles;
  result.groups.push_back("all");
  for (const auto& name : zones.group_names) result.groups.push_back(name);
  std::vector<const GroupDigital*> profile_of;
  for (const auto& name : result.groups) profile_of.push_back(&profiles.of(name));
  result.assumption =
      "given the zone and the group, channels fail independently; online = coverage × device | coverage × "
      "skill | device";
  result.totals.resize(result.groups.size());
  for (std::size_t g = 0; g < result.groups.size(); ++g) result.totals[g].group = result.groups[g];
  result.cells.assign(zones.size(), std::vector<ChannelCell>(result.groups.size()));
  result.offices_closed = result.cells;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const double office = offer.in_person && within(office_nearest, z, standard) ? 1.0 : 0.0;
    const double terminal = within(terminal_nearest, z, standard) ? 1.0 : 0.0;
    const double assisted = within(assisted_nearest, z, standard) ? 1.0 : 0.0;
    for (std::size_t g = 0; g < result.groups.size(); ++g) {
      const GroupDigital& profile = *profile_of[g];
      const double people = g == 0 ? zones.population[z] : zones.group_people[g - 1][z];
      const double covered = coverage.empty() ? profile.coverage : coverage[z];
      ChannelCell cell;
      cell.usable[static_cast<std::size_t>(Channel::InPerson)] = office;
      cell.usable[static_cast<std::size_t>(Channel::Terminal)] = terminal * profile.terminal_skill;
      cell.usable[static_cast<std::size_t>(Channel::Online)] =
          offer.online ? covered * profile.device * profile.online_skill : 0.0;
      cell.usable[static_cast<std::size_t>(Channel::Phone)] = offer.phone ? profile.phone : 0.0;
      cell.usable[static_cast<std::size_t>(Channel::Assisted)] = assisted;
      cell.effective = at_least_one(cell.usable);
      cell.excluded_people = people * (1.0 - cell.effective);
      ChannelCell closed = cell;
      closed.usable[static_cast<std::size_t>(Channel::InPerson)] = 0.0;
      closed.effective = at_least_one(closed.usable);
      closed.excluded_people = people * (1.0 - closed.effective);
      ChannelGroupTotal& total = result.totals[g];
      total.people += people;
      for (std::size_t c = 0; c < kChannelCount; ++c) total.usable_people[c] += people * cell.usable[c];
      total.excluded += cell.excluded_people;
      total.excluded_offices_closed += closed.excluded_people;
      result.cells[z][g] = cell;
      result.offices_closed[z][g] = closed;
    }
  }
  return result;
}

}  // namespace equalis::access

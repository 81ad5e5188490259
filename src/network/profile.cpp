#include "network/profile.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_map>

namespace equalis::network {

Profile car_profile() {
  Profile profile;
  profile.name = "car";
  profile.speed_kmh = {
      {"motorway", 90},      {"motorway_link", 45}, {"trunk", 85},        {"trunk_link", 40},
      {"primary", 65},       {"primary_link", 30},  {"secondary", 55},    {"secondary_link", 25},
      {"tertiary", 40},      {"tertiary_link", 20}, {"unclassified", 25}, {"residential", 25},
      {"living_street", 10}, {"road", 25}};
  profile.access_keys = {"motorcar", "motor_vehicle", "access"};
  profile.use_maxspeed = true;
  profile.oneway = true;
  return profile;
}

Profile walk_profile() {
  // Pedestrians use the footway network and every street below motorway/trunk level; 5 km/h everywhere,
  // both directions (issue 3). Streets are included because sidewalks are usually mapped as tags of the
  // street, not as separate footways; without them the walk graph falls apart.
  Profile profile;
  profile.name = "walk";
  for (const char* highway :
       {"footway", "path", "steps", "pedestrian", "living_street", "residential", "service", "track",
        "unclassified", "road", "tertiary", "tertiary_link", "secondary", "secondary_link", "primary",
        "primary_link", "cycleway", "bridleway"}) {
    profile.speed_kmh.emplace(highway, 5.0);
  }
  profile.access_keys = {"foot", "access"};
  return profile;
}

Profile bike_profile() {
  Profile profile;
  profile.name = "bike";
  for (const char* highway :
       {"cycleway", "path", "living_street", "residential", "service", "track", "unclassified", "road",
        "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link"}) {
    profile.speed_kmh.emplace(highway, 15.0);
  }
  profile.access_keys = {"bicycle", "vehicle", "access"};
  profile.oneway = true;
  profile.oneway_exception_key = "oneway:bicycle";
  return profile;
}

Profile profile_by_name(std::string_view name) {
  if (name == "car") return car_profile();
  if (name == "walk") return walk_profile();
  if (name == "bike") return bike_profile();
  throw Error(ErrorCode::InvalidInput, fmt::format("unknown routing profile '{}'", name),
              "use `profile` car, walk or bike");
}

void load_speed_table(const std::string& path, Profile& profile) {
  const CsvTable table = CsvTable::read_file(path);
  const std::size_t highway_col = table.column_index("highway");
  const std::size_t speed_col = table.column_index("speed_kmh");
  std::unordered_map<std::string, std::size_t> first_row;
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const std::string highway(table.cell(row, highway_col));
    if (highway.empty()) {
      throw Error(ErrorCode::InvalidInput, "empty highway class in the speed table",
                  "give every row a highway=* value such as residential", table.location(row, highway_col));
    }
    if (const auto [seen, inserted] = first_row.try_emplace(highway, row); !inserted) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("highway={} is given twice (also on line {})", highway,
                              table.location(seen->second, highway_col).line),
                  "keep one speed per highway class", table.location(row, highway_col));
    }
    const auto speed = parse_number(table.cell(row, speed_col));
    if (!speed || !(*speed == 0.0 || is_plausible_speed_kmh(*speed))) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("speed '{}' for highway={} is not 0 or a number in {}..{} km/h",
                      excerpt(table.cell(row, speed_col)), excerpt(highway), kMinSpeedKmh, kMaxSpeedKmh),
          "write the speed in km/h (0 removes the class from the profile)", table.location(row, speed_col));
    }
    if (*speed == 0.0) {
      profile.speed_kmh.erase(highway);
    } else {
      profile.speed_kmh[highway] = *speed;
    }
  }
}

std::optional<double> parse_maxspeed_kmh(std::string_view value) {
  auto trim = [](std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
  };
  value = trim(value);
  double number = 0.0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end == value.data()) return std::nullopt;
  const std::string_view unit = trim(value.substr(static_cast<std::size_t>(end - value.data())));
  double factor = 0.0;
  if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") {
    factor = 1.0;
  } else if (unit == "mph") {
    factor = 1.609344;
  } else {
    return std::nullopt;
  }
  // A tag such as maxspeed=0.001 is a mapping error: the class speed is used instead.
  if (!is_plausible_speed_kmh(number * factor)) return std::nullopt;
  return number * factor;
}

namespace {
bool is_one_of(const char* value, std::initializer_list<const char*> choices) {
  if (value == nullptr) return false;
  for (const char* choice : choices) {
    if (std::strcmp(value, choice) == 0) return true;
  }
  return false;
}
}  // namespace

WayRule classify_way(const Profile& profile, const std::function<const char*(const char*)>& tag) {
  WayRule rule;
  const char* highway = tag("highway");
  if (highway == nullptr) return rule;
  const auto speed = profile.speed_kmh.find(std::string_view(highway));
  if (speed == profile.speed_kmh.end()) return rule;
  if (is_one_of(tag("area"), {"yes"})) return rule;
  for (const std::string& key : profile.access_keys) {
    const char* access = tag(key.c_str());
    if (access == nullptr) continue;
    if (is_one_of(access, {"no", "private"})) return rule;
    break;
  }
  rule.speed_kmh = speed->second;
  if (profile.use_maxspeed) {
    if (const char* maxspeed = tag("maxspeed")) {
      if (const auto kmh = parse_maxspeed_kmh(maxspeed)) rule.speed_kmh = *kmh;
    }
  }
  rule.direction = Direction::Both;
  if (!profile.oneway) return rule;
  if (!profile.oneway_exception_key.empty() && is_one_of(tag(profile.oneway_exception_key.c_str()), {"no"})) {
    return rule;
  }
  const char* oneway = tag("oneway");
  if (is_one_of(oneway, {"yes", "true", "1"})) {
    rule.direction = Direction::Forward;
  } else if (is_one_of(oneway, {"-1", "reverse"})) {
    rule.direction = Direction::Backward;
  } else if (is_one_of(tag("junction"), {"roundabout"})) {
    rule.direction = Direction::Forward;
  }
  return rule;
}

}  // namespace equalis::network

#pragma once
// Routing profiles: which OSM ways a mode may use, in which direction, and how fast. The car profile is
// the one of issue 3 (documented in docs/network.md); walk and bike are simpler first slices.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::network {

struct Profile {
  std::string name;
  // highway=* class -> speed in km/h. A class that is not listed is not routable.
  std::map<std::string, double, std::less<>> speed_kmh;
  // Access tags, most specific first: the first one present on the way decides (car: motorcar, then
  // motor_vehicle, then access). Values "no" and "private" close the way.
  std::vector<std::string> access_keys;
  bool use_maxspeed = false;         // numeric maxspeed=* overrides the class speed
  bool oneway = false;               // honour oneway=* and junction=roundabout
  std::string oneway_exception_key;  // e.g. "oneway:bicycle": value "no" makes the way two-way again
};

Profile car_profile();
Profile walk_profile();
Profile bike_profile();
// "car", "walk" or "bike"; throws Error(InvalidInput) naming the choices otherwise.
Profile profile_by_name(std::string_view name);

// Speeds outside this range are not road speeds (and below it a segment's milliseconds can overflow).
inline constexpr double kMinSpeedKmh = 1.0;
inline constexpr double kMaxSpeedKmh = 400.0;
constexpr bool is_plausible_speed_kmh(double kmh) {
  return kmh >= kMinSpeedKmh && kmh <= kMaxSpeedKmh;
}

// Overrides class speeds from a CSV file with columns highway,speed_kmh (a speed of 0 removes the class,
// an unknown class is added). Throws Error(Io|Parse|InvalidInput) with file:line:column.
void load_speed_table(const std::string& path, Profile& profile);

// maxspeed=* as km/h: "50", "50 km/h", "50kmh", "30 mph" (x 1.609344). Anything else (FR:urban, none,
// walk, "50;30", or outside 1..400 km/h) is std::nullopt and the class speed applies.
std::optional<double> parse_maxspeed_kmh(std::string_view value);

enum class Direction : std::uint8_t { None, Forward, Backward, Both };

struct WayRule {
  Direction direction = Direction::None;  // None: the way is not routable in this profile
  double speed_kmh = 0.0;
};

// Applies the profile to one way's tags; `tag(key)` returns the value or nullptr.
WayRule classify_way(const Profile& profile, const std::function<const char*(const char*)>& tag);

}  // namespace equalis::network

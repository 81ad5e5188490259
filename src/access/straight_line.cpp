#include "access/straight_line.hpp"

#include "core/error.hpp"
#include "core/table.hpp"
#include "network/graph.hpp"
#include "network/sphere.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numbers>
#include <numeric>
#include <utility>

namespace equalis::access {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

[[noreturn]] void bad_speed(std::string_view text, std::string_view field, std::string_view why) {
  throw Error(ErrorCode::InvalidInput, fmt::format("`{}`: '{}' {}", field, excerpt(text), why),
              "write a walking, cycling or driving speed with its unit, e.g. 4.5km/h, 1.25m/s or 3mph");
}

}  // namespace

double parse_speed(std::string_view text, std::string_view field) {
  const std::string_view written = trim(text);
  // The unit, and what one of it is in metres per second.
  constexpr std::array<std::pair<std::string_view, double>, 5> kUnits{{
      {"km/h", 1000.0 / 3600.0},
      {"kmh", 1000.0 / 3600.0},
      {"kph", 1000.0 / 3600.0},
      {"m/s", 1.0},
      {"mph", 1609.344 / 3600.0},
  }};
  for (const auto& [unit, metres_per_second] : kUnits) {
    if (written.size() <= unit.size() || written.substr(written.size() - unit.size()) != unit) continue;
    const auto number = parse_number(trim(written.substr(0, written.size() - unit.size())));
    if (!number) bad_speed(text, field, "is not a number with a unit");
    if (!std::isfinite(*number) || *number <= 0.0) bad_speed(text, field, "is not a speed > 0");
    return *number * metres_per_second;
  }
  if (parse_number(written)) bad_speed(text, field, "has no unit");
  bad_speed(text, field, "is not a speed");
}

std::string describe_straight_line(const CostSpec& spec) {
  const double speed = parse_speed(spec.straight_line, "straight_line");
  if (!std::isfinite(spec.detour) || spec.detour < 1.0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("`detour` {} is below 1", spec.detour),
                "the detour factor multiplies the straight-line distance: 1 for none, about 1.2 to 1.4 for "
                "streets");
  }
  const std::string detour =
      spec.detour == 1.0 ? std::string(", no detour factor") : fmt::format(", detour ×{:g}", spec.detour);
  return fmt::format("straight line (great circle) at {:g} km/h{}", speed * 3.6, detour);
}

namespace {

// Per origin, the squared chord within which the nearest sites of `set` add up to `need.n` capacity (a
// hair wider, so that rounding never loses a site at that distance): nearest first by a k-nearest search
// that doubles k until the capacity is reached, O(log m + k) per origin instead of m.
std::vector<double> closest_chords_sq(const std::vector<network::Place>& origins,
                                      const std::vector<network::Place>& set, const ClosestNeed& need,
                                      const ProgressTask& task) {
  network::SphereCloud cloud;
  cloud.xyz.reserve(set.size() * 3);
  for (const auto& place : set) cloud.add(place.lon, place.lat);
  const network::SphereTree tree(3, cloud, nanoflann::KDTreeSingleIndexAdaptorParams(16));
  std::vector<double> chords_sq(origins.size());
  std::vector<std::uint32_t> index;
  std::vector<double> distance_sq;
  for (std::size_t origin = 0; origin < origins.size(); ++origin) {
    if (origin % 4096 == 0) task.throw_if_stopped();
    const auto query = network::unit_vector(origins[origin].lon, origins[origin].lat);
    for (std::size_t k = std::min<std::size_t>(8, set.size());; k = std::min(2 * k, set.size())) {
      index.resize(k);
      distance_sq.resize(k);
      const std::size_t got = tree.knnSearch(query.data(), k, index.data(), distance_sq.data());
      double capacity = 0.0;
      std::size_t reached = got;
      for (std::size_t i = 0; i < got && reached == got; ++i) {
        capacity += need.capacity[index[i]];
        if (capacity >= need.n) reached = i;
      }
      if (reached < got) {
        chords_sq[origin] = distance_sq[reached] * (1.0 + 1e-9) + 1e-18;
        break;
      }
      if (k == set.size()) {  // the caller checked the total: not reached here
        chords_sq[origin] = std::numeric_limits<double>::infinity();
        break;
      }
    }
  }
  return chords_sq;
}

}  // namespace

io::LongMatrix straight_line_matrix(const std::vector<network::Place>& origins,
                                    const std::vector<std::vector<network::Place>>& sets, double speed_mps,
                                    double detour, double reach_s, ProgressSink& progress,
                                    const std::optional<ClosestNeed>& closest) {
  const auto filled = static_cast<std::size_t>(
      std::count_if(sets.begin(), sets.end(), [](const auto& set) { return !set.empty(); }));
  ProgressTask task(progress, "straight-line costs", origins.size() * filled);
  io::LongMatrix matrix;
  matrix.source = "straight line";
  for (const auto& place : origins) matrix.origin_ids.push_back(place.id);
  const double seconds_per_metre = detour / speed_mps;
  // The reach as a chord between unit vectors; a hair wider so that rounding never loses a pair on the
  // boundary (the join compares the exact costs with the reach again).
  const double angle = reach_s / seconds_per_metre / network::kEarthRadiusM;
  bool every_pair = !std::isfinite(reach_s) || angle >= 3.0;  // chord_of_metres caps at 3 rad
  const double chord = every_pair ? 0.0 : network::chord_of_metres(reach_s / seconds_per_metre);
  const double chord_sq = chord * chord * (1.0 + 1e-9) + 1e-18;
  // Cost to the n-th closest: each origin also needs the sites of the first set out to where their
  // capacity adds up to n; where the whole set never does, every pair (as a matrix would give).
  std::vector<double> closest_sq;
  if (closest && !every_pair && !sets.empty() && !sets.front().empty()) {
    if (closest->capacity.size() != sets.front().size()) {
      throw Error(ErrorCode::Internal,
                  fmt::format("{} capacities for {} sites", closest->capacity.size(), sets.front().size()),
                  "report this bug");
    }
    const double total = std::accumulate(closest->capacity.begin(), closest->capacity.end(), 0.0);
    if (total >= closest->n) {
      closest_sq = closest_chords_sq(origins, sets.front(), *closest, task);
    } else {
      every_pair = true;
    }
  }
  const auto radius_sq = [&](std::size_t origin) {
    return closest_sq.empty() ? chord_sq : std::max(chord_sq, closest_sq[origin]);
  };
  std::size_t first = 0;  // index of the set's first destination in the matrix
  for (const auto& set : sets) {
    for (const auto& place : set) matrix.destination_ids.push_back(place.id);
    if (set.empty()) continue;
    const auto cost = [&](std::size_t origin, std::size_t site) {
      return static_cast<float>(
          network::haversine_m(origins[origin].lon, origins[origin].lat, set[site].lon, set[site].lat) *
          seconds_per_metre);
    };
    const auto push = [&](std::size_t origin, std::size_t site) {
      matrix.origin.push_back(static_cast<std::uint32_t>(origin));
      matrix.destination.push_back(static_cast<std::uint32_t>(first + site));
      matrix.cost.push_back(cost(origin, site));
    };
    if (every_pair) {
      for (std::size_t origin = 0; origin < origins.size(); ++origin) {
        task.throw_if_stopped();
        for (std::size_t site = 0; site < set.size(); ++site) push(origin, site);
        task.tick();
      }
    } else {
      network::SphereCloud cloud;
      cloud.xyz.reserve(set.size() * 3);
      for (const auto& place : set) cloud.add(place.lon, place.lat);
      const network::SphereTree tree(3, cloud, nanoflann::KDTreeSingleIndexAdaptorParams(16));
      std::vector<std::pair<std::uint32_t, double>> found;
      for (std::size_t origin = 0; origin < origins.size(); ++origin) {
        if (origin % 4096 == 0) task.throw_if_stopped();
        const auto query = network::unit_vector(origins[origin].lon, origins[origin].lat);
        found.clear();
        const double r_sq = radius_sq(origin);
        if (std::isfinite(r_sq)) {
          tree.radiusSearch(query.data(), r_sq, found, nanoflann::SearchParams(32, 0.0, false));
        } else {
          for (std::uint32_t site = 0; site < set.size(); ++site) found.emplace_back(site, 0.0);
        }
        if (found.empty()) {  // none within reach: the nearest still tells how far the service is
          std::uint32_t nearest = 0;
          double distance_sq = 0.0;
          tree.knnSearch(query.data(), 1, &nearest, &distance_sq);
          found.emplace_back(nearest, distance_sq);
        }
        for (const auto& [site, distance_sq] : found) push(origin, site);
        task.tick();
      }
    }
    first += set.size();
  }
  return matrix;
}

io::LongMatrix straight_line_zone_matrix(const std::vector<std::string>& zone_ids, const ZonePoints& points,
                                         const std::vector<std::vector<network::Place>>& sets,
                                         double speed_mps, double detour, double reach_s,
                                         ProgressSink& progress) {
  std::vector<network::Place> places(points.size());
  for (std::size_t k = 0; k < points.size(); ++k) places[k] = {"", points.lon[k], points.lat[k]};
  const io::LongMatrix by_point = straight_line_matrix(places, sets, speed_mps, detour, reach_s, progress);
  std::vector<const network::Place*> sites;
  for (const auto& set : sets) {
    for (const auto& place : set) sites.push_back(&place);
  }
  std::vector<std::vector<std::uint32_t>> candidates(zone_ids.size());
  for (std::size_t pair = 0; pair < by_point.size(); ++pair)
    candidates[points.zone[by_point.origin[pair]]].push_back(by_point.destination[pair]);
  std::vector<std::vector<std::uint32_t>> members(zone_ids.size());
  for (std::size_t k = 0; k < points.size(); ++k)
    members[points.zone[k]].push_back(static_cast<std::uint32_t>(k));
  io::LongMatrix matrix;
  matrix.source = by_point.source;
  matrix.origin_ids = zone_ids;
  matrix.destination_ids = by_point.destination_ids;
  const double seconds_per_metre = detour / speed_mps;
  for (std::size_t z = 0; z < zone_ids.size(); ++z) {
    auto& sites_of_zone = candidates[z];
    std::sort(sites_of_zone.begin(), sites_of_zone.end());
    sites_of_zone.erase(std::unique(sites_of_zone.begin(), sites_of_zone.end()), sites_of_zone.end());
    for (const std::uint32_t j : sites_of_zone) {
      double mean = 0.0;
      for (const std::uint32_t k : members[z]) {
        mean += points.weight[k] *
                network::haversine_m(points.lon[k], points.lat[k], sites[j]->lon, sites[j]->lat);
      }
      matrix.origin.push_back(static_cast<std::uint32_t>(z));
      matrix.destination.push_back(j);
      matrix.cost.push_back(static_cast<float>(mean * seconds_per_metre));
    }
  }
  return matrix;
}

}  // namespace equalis::access

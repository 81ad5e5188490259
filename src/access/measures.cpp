#include "access/measures.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

namespace equalis::access {

namespace {

using Index = long long;  // OpenMP loops want a signed index

Index signed_count(std::size_t count) {
  return static_cast<Index>(count);
}

// f(c_ij) of every pair, once: the catchment measures read each weight two or three times.
std::vector<float> pair_weights(const CostRows& rows, const DecayFunction& decay,
                                double max_cost = std::numeric_limits<double>::infinity()) {
  std::vector<float> weight(rows.pair_count());
  const auto reach = static_cast<float>(std::min(decay.reach(), max_cost));
#pragma omp parallel for schedule(static)
  for (Index pair = 0; pair < signed_count(weight.size()); ++pair) {
    const float cost = rows.cost[static_cast<std::size_t>(pair)];
    weight[static_cast<std::size_t>(pair)] = cost > reach ? 0.0F : static_cast<float>(decay.weight(cost));
  }
  return weight;
}

// Per zone, Σ over its pairs of term(pair): the gather half of every measure.
template <typename Term>
std::vector<double> sum_by_zone(const CostRows& rows, Term&& term) {
  std::vector<double> out(rows.zone_count(), 0.0);
#pragma omp parallel for schedule(dynamic, 256)
  for (Index z = 0; z < signed_count(out.size()); ++z) {
    const auto zone = static_cast<std::size_t>(z);
    double sum = 0.0;
    for (std::size_t pair = rows.offsets[zone]; pair < rows.offsets[zone + 1]; ++pair)
      sum += term(zone, pair);
    out[zone] = sum;
  }
  return out;
}

// Per facility, Σ over the pairs that reach it of term(zone, pair): the scatter half. Serial: one add
// per pair (0.1 s for 50 M pairs) is cheaper than per-thread copies of the facility array.
template <typename Term>
std::vector<double> sum_by_facility(const CostRows& rows, std::size_t facilities, Term&& term) {
  std::vector<double> out(facilities, 0.0);
  for (std::size_t zone = 0; zone < rows.zone_count(); ++zone) {
    for (std::size_t pair = rows.offsets[zone]; pair < rows.offsets[zone + 1]; ++pair) {
      out[rows.facility[pair]] += term(zone, pair);
    }
  }
  return out;
}

// Capacity per unit of demand; a facility nobody reaches gives nothing (not ∞ or NaN, as a division
// by zero would: Ipea's R code divides and then drops the NaN but keeps ∞·0 pairs out of reach).
std::vector<double> supply_ratio(std::span<const double> capacity, const std::vector<double>& demand,
                                 std::size_t* without_demand) {
  std::vector<double> ratio(capacity.size(), 0.0);
  std::size_t none = 0;
  for (std::size_t j = 0; j < capacity.size(); ++j) {
    if (demand[j] > 0.0) {
      ratio[j] = capacity[j] / demand[j];
    } else {
      ++none;
    }
  }
  if (without_demand != nullptr) *without_demand = none;
  return ratio;
}

}  // namespace

std::vector<double> cumulative(const CostRows& rows, std::span<const double> capacity, double cutoff) {
  const auto limit = static_cast<float>(cutoff);  // costs are floats: compare as floats (5.8 ≤ 5.8)
  return sum_by_zone(rows, [&](std::size_t, std::size_t pair) {
    return rows.cost[pair] <= limit ? capacity[rows.facility[pair]] : 0.0;
  });
}

std::vector<double> cumulative_interval(const CostRows& rows, std::span<const double> capacity, double from,
                                        double to, double step, IntervalSummary summary) {
  std::vector<double> cutoffs;
  // Cutoffs as seq(from, to, by = step) makes them: from + k·step, without accumulating rounding.
  for (std::size_t k = 0;; ++k) {
    const double cutoff = from + static_cast<double>(k) * step;
    if (cutoff > to + step * 1e-9) break;
    cutoffs.push_back(cutoff);
  }
  std::vector<double> out(rows.zone_count(), 0.0);
#pragma omp parallel
  {
    std::vector<double> reached(cutoffs.size());
#pragma omp for schedule(dynamic, 256)
    for (Index z = 0; z < signed_count(out.size()); ++z) {
      const auto zone = static_cast<std::size_t>(z);
      // The row is sorted by cost: one sweep fills every cutoff.
      std::size_t pair = rows.offsets[zone];
      double sum = 0.0;
      for (std::size_t k = 0; k < cutoffs.size(); ++k) {
        for (; pair < rows.offsets[zone + 1] && rows.cost[pair] <= static_cast<float>(cutoffs[k]); ++pair) {
          sum += capacity[rows.facility[pair]];
        }
        reached[k] = sum;
      }
      if (summary == IntervalSummary::Mean) {
        double total = 0.0;
        for (const double value : reached) total += value;
        out[zone] = total / static_cast<double>(reached.size());
      } else {  // reached is non-decreasing: the median is its middle (the mean of the two middles)
        const std::size_t half = reached.size() / 2;
        out[zone] = reached.size() % 2 == 1 ? reached[half] : 0.5 * (reached[half - 1] + reached[half]);
      }
    }
  }
  return out;
}

std::vector<double> cost_to_closest(const CostRows& rows, std::span<const double> capacity, double n) {
  std::vector<double> out(rows.zone_count(), std::numeric_limits<double>::infinity());
#pragma omp parallel for schedule(dynamic, 256)
  for (Index z = 0; z < signed_count(out.size()); ++z) {
    const auto zone = static_cast<std::size_t>(z);
    double reached = 0.0;
    for (std::size_t pair = rows.offsets[zone]; pair < rows.offsets[zone + 1]; ++pair) {
      reached += capacity[rows.facility[pair]];
      if (reached >= n) {
        out[zone] = rows.cost[pair];
        break;
      }
    }
  }
  return out;
}

std::vector<double> gravity(const CostRows& rows, std::span<const double> capacity,
                            const DecayFunction& decay) {
  const auto reach = static_cast<float>(decay.reach());
  return sum_by_zone(rows, [&](std::size_t, std::size_t pair) {
    const float cost = rows.cost[pair];
    return cost > reach ? 0.0 : capacity[rows.facility[pair]] * decay.weight(cost);
  });
}

std::vector<double> floating_catchment(CatchmentMethod method, const CostRows& rows,
                                       std::span<const double> population, std::span<const double> capacity,
                                       const DecayFunction& decay, CatchmentDetail* detail,
                                       const CatchmentOptions& options) {
  const std::vector<float> w = pair_weights(rows, decay, options.max_cost);
  const std::size_t facilities = capacity.size();
  std::vector<double> demand;
  std::vector<double> ratio;
  std::vector<double> access;
  std::size_t without_demand = 0;
  switch (method) {
    case CatchmentMethod::TwoStep:
    case CatchmentMethod::Modified: {
      demand = sum_by_facility(rows, facilities,
                               [&](std::size_t i, std::size_t p) { return population[i] * w[p]; });
      ratio = supply_ratio(capacity, demand, &without_demand);
      const bool squared = method == CatchmentMethod::Modified;
      access = sum_by_zone(rows, [&](std::size_t, std::size_t p) {
        const double weight = w[p];
        return ratio[rows.facility[p]] * (squared ? weight * weight : weight);
      });
      break;
    }
    case CatchmentMethod::Balanced: {
      // Ipea's BFCA: demand from weights normalised over each zone's facilities, access from weights
      // normalised over each facility's zones.
      const std::vector<double> zone_total =
          sum_by_zone(rows, [&](std::size_t, std::size_t p) { return double{w[p]}; });
      const std::vector<double> facility_total =
          sum_by_facility(rows, facilities, [&](std::size_t, std::size_t p) { return double{w[p]}; });
      demand = sum_by_facility(rows, facilities, [&](std::size_t i, std::size_t p) {
        return zone_total[i] > 0.0 ? population[i] * w[p] / zone_total[i] : 0.0;
      });
      ratio = supply_ratio(capacity, demand, &without_demand);
      access = sum_by_zone(rows, [&](std::size_t, std::size_t p) {
        const std::uint32_t j = rows.facility[p];
        return facility_total[j] > 0.0 ? ratio[j] * w[p] / facility_total[j] : 0.0;
      });
      break;
    }
    case CatchmentMethod::ThreeStep: {
      // Selection weight G_ij = w_ij / Σ_k w_ik: a person splits between the facilities in reach (Wan et
      // al.), or between every destination of the matrix, those beyond max_cost too (PySAL).
      std::vector<float> uncut;
      if (options.selection_over_all_pairs) uncut = pair_weights(rows, decay);
      const std::vector<float>& selecting = options.selection_over_all_pairs ? uncut : w;
      const std::vector<double> zone_total =
          sum_by_zone(rows, [&](std::size_t, std::size_t p) { return double{selecting[p]}; });
      const auto selection = [&](std::size_t i, std::size_t p) {
        return zone_total[i] > 0.0 ? selecting[p] / zone_total[i] : 0.0;
      };
      demand = sum_by_facility(rows, facilities, [&](std::size_t i, std::size_t p) {
        return selection(i, p) * population[i] * w[p];
      });
      ratio = supply_ratio(capacity, demand, &without_demand);
      access = sum_by_zone(rows, [&](std::size_t i, std::size_t p) {
        return selection(i, p) * ratio[rows.facility[p]] * w[p];
      });
      break;
    }
  }
  if (detail != nullptr) {
    detail->demand = std::move(demand);
    detail->ratio = std::move(ratio);
    detail->facilities_without_demand = without_demand;
  }
  return access;
}

std::vector<double> spatial_availability(const CostRows& rows, std::span<const double> population,
                                         std::span<const double> capacity, const DecayFunction& decay,
                                         double alpha) {
  const std::vector<float> w = pair_weights(rows, decay);
  std::vector<double> pull(population.size());  // P_i^α (0^α = 0: an empty zone attracts nothing)
  for (std::size_t i = 0; i < population.size(); ++i)
    pull[i] = population[i] > 0.0 ? std::pow(population[i], alpha) : 0.0;
  const std::vector<double> total =
      sum_by_facility(rows, capacity.size(), [&](std::size_t i, std::size_t p) { return pull[i] * w[p]; });
  return sum_by_zone(rows, [&](std::size_t i, std::size_t p) {
    const std::uint32_t j = rows.facility[p];
    return total[j] > 0.0 ? capacity[j] * pull[i] * w[p] / total[j] : 0.0;
  });
}

namespace {

struct FacilityPair {
  std::uint32_t facility = 0;
  float cost = 0.0F;
  std::uint32_t zone = 0;
};

// The pairs within `limit`, by facility and then by cost (ties by zone): each facility's catchment
// grows outward from it.
std::vector<FacilityPair> pairs_by_facility(const CostRows& rows, double limit) {
  const auto cutoff = static_cast<float>(limit);
  std::vector<FacilityPair> pairs;
  for (std::size_t zone = 0; zone < rows.zone_count(); ++zone) {
    for (std::size_t pair = rows.offsets[zone]; pair < rows.offsets[zone + 1]; ++pair) {
      if (rows.cost[pair] > cutoff) break;  // the row is sorted by cost
      pairs.push_back({rows.facility[pair], rows.cost[pair], static_cast<std::uint32_t>(zone)});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const FacilityPair& a, const FacilityPair& b) {
    if (a.facility != b.facility) return a.facility < b.facility;
    if (a.cost != b.cost) return a.cost < b.cost;
    return a.zone < b.zone;
  });
  return pairs;
}

std::vector<std::uint32_t> coverage_order(CoverageOrder order, std::span<const double> capacity,
                                          const std::vector<double>& in_reach,
                                          std::span<const double> column) {
  std::vector<std::uint32_t> out(capacity.size());
  std::iota(out.begin(), out.end(), 0U);
  const auto by = [&](std::span<const double> key, bool descending) {
    std::stable_sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (std::isnan(key[a]) || std::isnan(key[b])) return !std::isnan(key[a]) && std::isnan(key[b]);
      return descending ? key[a] > key[b] : key[a] < key[b];
    });
  };
  switch (order) {
    case CoverageOrder::CapacityDescending:
      by(capacity, true);
      break;
    case CoverageOrder::CapacityAscending:
      by(capacity, false);
      break;
    case CoverageOrder::PopulationDescending:
      by(in_reach, true);
      break;
    case CoverageOrder::PopulationAscending:
      by(in_reach, false);
      break;
    case CoverageOrder::File:
      break;
    case CoverageOrder::ColumnDescending:
      by(column, true);
      break;
    case CoverageOrder::ColumnAscending:
      by(column, false);
      break;
  }
  return out;
}

}  // namespace

CoverageResult capacity_coverage(const CostRows& rows, std::span<const double> population,
                                 std::span<const double> capacity, double limit, CoverageOrder order,
                                 std::span<const double> column) {
  const std::vector<FacilityPair> pairs = pairs_by_facility(rows, limit);
  const std::size_t facilities = capacity.size();
  std::vector<std::size_t> first(facilities + 1, 0);  // facility j's pairs: [first[j], first[j + 1])
  for (const auto& pair : pairs) ++first[pair.facility + 1];
  for (std::size_t j = 0; j < facilities; ++j) first[j + 1] += first[j];

  CoverageResult result;
  result.population_in_reach.assign(facilities, 0.0);
  for (const auto& pair : pairs) result.population_in_reach[pair.facility] += population[pair.zone];
  result.order = coverage_order(order, capacity, result.population_in_reach, column);
  result.covered_by_facility.assign(facilities, 0.0);
  result.zones_served.assign(facilities, 0);
  result.covered_by_zone.assign(population.size(), 0.0);
  std::vector<double> uncovered(population.begin(), population.end());

  for (const std::uint32_t j : result.order) {
    double left = capacity[j];
    for (std::size_t ring = first[j]; ring < first[j + 1] && left > 0.0;) {
      std::size_t ring_end = ring;  // zones at the same cost: one ring of the catchment
      double people = 0.0;
      while (ring_end < first[j + 1] && pairs[ring_end].cost == pairs[ring].cost) {
        people += uncovered[pairs[ring_end].zone];
        ++ring_end;
      }
      // The whole ring, or the share of it that the capacity left can serve.
      const double share = people <= left ? 1.0 : left / people;
      for (std::size_t p = ring; p < ring_end; ++p) {
        const std::uint32_t zone = pairs[p].zone;
        if (uncovered[zone] <= 0.0) continue;
        const double taken = share >= 1.0 ? uncovered[zone] : uncovered[zone] * share;
        uncovered[zone] -= taken;
        result.covered_by_zone[zone] += taken;
        result.covered_by_facility[j] += taken;
        ++result.zones_served[j];
      }
      left = share >= 1.0 ? left - people : 0.0;
      ring = ring_end;
    }
  }
  // Rounding must not cover more than a zone holds.
  for (std::size_t z = 0; z < population.size(); ++z)
    result.covered_by_zone[z] = std::min(result.covered_by_zone[z], population[z]);
  return result;
}

namespace {

// One RAAM cycle's choice for a zone: the pair it moves people from and the pair it moves them to.
struct RaamMove {
  std::size_t from = 0;
  std::size_t to = 0;
  double amount = 0.0;
};

}  // namespace

std::vector<double> raam(const CostRows& rows, std::span<const double> population,
                         std::span<const double> capacity, const RaamParameters& parameters,
                         RaamDetail* detail) {
  const std::size_t zones = rows.zone_count();
  const std::size_t facilities = capacity.size();
  double total_people = 0.0;
  double total_capacity = 0.0;
  for (const double p : population) total_people += p;
  for (const double c : capacity) total_capacity += c;
  const double rho = parameters.rho.value_or(total_capacity > 0.0 ? total_people / total_capacity : 1.0);
  // Capacity scaled by ρ: load / scaled is the congestion cost, 1 at the study's mean ratio.
  std::vector<double> scaled(facilities);
  for (std::size_t j = 0; j < facilities; ++j) scaled[j] = capacity[j] * rho;

  // Everyone starts at the nearest facility (the first pair of the row).
  std::vector<double> assigned(rows.pair_count(), 0.0);
  std::vector<double> load(facilities, 0.0);
  for (std::size_t z = 0; z < zones; ++z) {
    if (rows.offsets[z] == rows.offsets[z + 1] || population[z] <= 0.0) continue;
    assigned[rows.offsets[z]] = population[z];
    load[rows.facility[rows.offsets[z]]] += population[z];
  }
  const auto pair_cost = [&](std::size_t pair) {
    return static_cast<double>(rows.cost[pair]) / parameters.tau +
           load[rows.facility[pair]] / scaled[rows.facility[pair]];
  };

  std::vector<RaamMove> moves(zones);
  std::vector<double> incoming(facilities);
  int cycle = 0;
  double moved = 0.0;
  for (; cycle < parameters.max_cycles; ++cycle) {
    const double step =
        std::max(parameters.initial_step * std::pow(0.5, static_cast<double>(cycle) / parameters.half_life),
                 parameters.min_step);
    for (std::size_t z = 0; z < zones; ++z) {
      RaamMove& move = moves[z];
      move = {};
      if (population[z] <= 0.0) continue;
      double cheapest = std::numeric_limits<double>::infinity();
      double dearest = -std::numeric_limits<double>::infinity();
      for (std::size_t pair = rows.offsets[z]; pair < rows.offsets[z + 1]; ++pair) {
        const double cost = pair_cost(pair);
        if (cost < cheapest) {
          cheapest = cost;
          move.to = pair;
        }
        if (assigned[pair] > 0.0 && cost > dearest) {
          dearest = cost;
          move.from = pair;
        }
      }
      // Costs equal to rounding: nothing to gain (without this, 1-ulp differences keep moving people).
      if (!(dearest > cheapest + 1e-12 * std::abs(cheapest))) continue;
      // The amount at `to` that equalises the two costs, the rest of both loads held fixed.
      const double s_to = scaled[rows.facility[move.to]];
      const double s_from = scaled[rows.facility[move.from]];
      const double both = assigned[move.to] + assigned[move.from];
      const double others_to = load[rows.facility[move.to]] - assigned[move.to];
      const double others_from = load[rows.facility[move.from]] - assigned[move.from];
      const double travel_gap =
          (static_cast<double>(rows.cost[move.from]) - rows.cost[move.to]) / parameters.tau;
      const double balanced =
          (s_to * s_from / (s_to + s_from)) * (travel_gap + (both + others_from) / s_from - others_to / s_to);
      move.amount = std::clamp(balanced - assigned[move.to], 0.0, assigned[move.from]);
      move.amount = std::min(move.amount, step * population[z]);
    }
    if (cycle < parameters.limit_initial) {
      // Early on every zone sees the same cheap facility: do not let them mob it beyond its capacity.
      std::fill(incoming.begin(), incoming.end(), 0.0);
      for (const auto& move : moves) {
        if (move.amount > 0.0) incoming[rows.facility[move.to]] += move.amount;
      }
      for (auto& move : moves) {
        const double over = incoming[rows.facility[move.to]] / scaled[rows.facility[move.to]];
        if (move.amount > 0.0 && over > 1.0) move.amount /= over;
      }
    }
    moved = 0.0;
    for (const auto& move : moves) {
      if (move.amount <= 0.0) continue;
      assigned[move.from] -= move.amount;
      assigned[move.to] += move.amount;
      load[rows.facility[move.from]] -= move.amount;
      load[rows.facility[move.to]] += move.amount;
      moved += move.amount;
    }
    if (moved <= 0.0) break;
  }

  std::vector<double> out(zones, std::numeric_limits<double>::infinity());
  for (std::size_t z = 0; z < zones; ++z) {
    if (rows.offsets[z] == rows.offsets[z + 1]) continue;
    if (population[z] <= 0.0) {
      for (std::size_t pair = rows.offsets[z]; pair < rows.offsets[z + 1]; ++pair)
        out[z] = std::min(out[z], pair_cost(pair));
      continue;
    }
    double sum = 0.0;
    double people = 0.0;
    for (std::size_t pair = rows.offsets[z]; pair < rows.offsets[z + 1]; ++pair) {
      sum += assigned[pair] * pair_cost(pair);
      people += assigned[pair];
    }
    out[z] = sum / people;
  }
  if (detail != nullptr) {
    detail->rho = rho;
    detail->load = std::move(load);
    detail->cycles = cycle;
    detail->moved_last_cycle = moved;
  }
  return out;
}

}  // namespace equalis::access

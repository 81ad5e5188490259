#include "access/measures.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace equalis::access {

namespace {

using Index = long long;  // OpenMP loops want a signed index

Index signed_count(std::size_t count) {
  return static_cast<Index>(count);
}

// f(c_ij) of every pair, once: the catchment measures read each weight two or three times.
std::vector<float> pair_weights(const CostRows& rows, const DecayFunction& decay) {
  std::vector<float> weight(rows.pair_count());
  const auto reach = static_cast<float>(decay.reach());
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
                                       const DecayFunction& decay, CatchmentDetail* detail) {
  const std::vector<float> w = pair_weights(rows, decay);
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
      // Selection weight G_ij = w_ij / Σ_k w_ik: a person splits between the facilities in reach.
      const std::vector<double> zone_total =
          sum_by_zone(rows, [&](std::size_t, std::size_t p) { return double{w[p]}; });
      const auto selection = [&](std::size_t i, std::size_t p) {
        return zone_total[i] > 0.0 ? w[p] / zone_total[i] : 0.0;
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

}  // namespace equalis::access

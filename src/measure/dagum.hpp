#pragma once
// Dagum's decomposition of the Gini ratio by a partition of the units into groups
// (Dagum 1997, "A new approach to the decomposition of the Gini income inequality ratio",
// Empirical Economics 22:515-531):
//   G = Gw + Gnb + Gt,
// Gw the within-group part, Gnb the net between-group part (the gap between group means) and Gt the
// transvariation (how far the poorer group's units overlap the richer group's). Gb = Gnb + Gt is the gross
// between-group part. All terms are population-weighted: a unit's weight is the population it stands for,
// and a unit of weight 0 is absent (that is how the bootstrap drops units).

#include "core/progress.hpp"
#include "measure/sample.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace equalis::measure {

struct DagumGroup {
  std::string name;
  std::size_t units = 0;          // units with positive weight; 0 = the group is absent from the sums
  double population_share = 0.0;  // p_j = W_j / W
  double income_share = 0.0;      // s_j = p_j μ_j / μ (share of the indicator's total)
  double mean = 0.0;              // μ_j
  // G_jj = Σ_{a,b∈j} w_a w_b |y_a − y_b| / (2 μ_j W_j²). nullopt when the group is absent or its mean is 0
  // (every unit 0): the ratio is then 0/0.
  std::optional<double> gini_within;
  double within_contribution = 0.0;  // p_j s_j G_jj, the group's part of Gw
};

struct DagumPair {
  std::uint32_t group_a = 0;  // the richer group: μ_a ≥ μ_b (equal means: the lower id)
  std::uint32_t group_b = 0;
  // G_ab = Σ_{a∈A,b∈B} w_a w_b |y_a − y_b| / (W_A W_B (μ_A + μ_B)). nullopt when a group is absent or both
  // means are 0.
  std::optional<double> gini_between;
  // D_ab = (d_ab − p_ab)/(d_ab + p_ab) in [0, 1] with d_ab = E[(y_a − y_b)+], p_ab = E[(y_b − y_a)+] over
  // weighted cross pairs. nullopt when d + p = 0 (both groups the same constant) or a group is absent.
  std::optional<double> relative_affluence;
  double gross_between_contribution = 0.0;   // G_ab (p_a s_b + p_b s_a)
  double net_between_contribution = 0.0;     // gross × D_ab (0 when D_ab is nullopt)
  double transvariation_contribution = 0.0;  // gross × (1 − D_ab) (0 when D_ab is nullopt)
};

struct DagumDecomposition {
  double gini = 0.0;            // G, the same number gini_sorted gives
  double within = 0.0;          // Gw = Σ_j p_j s_j G_jj
  double net_between = 0.0;     // Gnb = Σ_pairs gross × D
  double transvariation = 0.0;  // Gt = Σ_pairs gross × (1 − D)
  double gross_between = 0.0;   // Gb = Gnb + Gt
  // Each term over G; nullopt when G = 0 (every unit has the same value).
  std::optional<double> within_share;
  std::optional<double> net_between_share;
  std::optional<double> transvariation_share;
  std::vector<DagumGroup> groups;  // groups[id], one per group name, absent groups included
  // Every unordered pair of group ids once, in the order (0,1), (0,2), …, (0,k−1), (1,2), …: the position
  // does not depend on the data (see dagum_pair_index), so bootstrap replicates line up.
  std::vector<DagumPair> pairs;
};

// Position in DagumDecomposition::pairs of the pair {first, second} (first ≠ second, both < group_count).
[[nodiscard]] std::size_t dagum_pair_index(std::uint32_t first, std::uint32_t second,
                                           std::uint32_t group_count);

// Dagum decomposition of the population-weighted Gini.
// @pre sorted_values ascending (as in Sample), weights ≥ 0 of the same length, groups[i] <
// group_names.size(). Cost O(n·k) time and O(k²) memory for n units in k groups with positive weight (never
// O(n²) for fixed k); the result is bit-for-bit the same for any number of threads. Throws
// Error(InvalidInput) on no groups, a negative or non-finite value (among units of positive weight), a
// negative or non-finite weight, a group id out of range, unsorted values, a zero total weight or a zero
// mean; Error(Cancelled) if `progress` asks to stop.
DagumDecomposition dagum_decomposition_sorted(std::span<const double> sorted_values,
                                              std::span<const double> weights,
                                              std::span<const std::uint32_t> groups,
                                              const std::vector<std::string>& group_names,
                                              ProgressSink& progress = null_progress());

// Same on a Sample; throws Error(InvalidInput) if the sample has no groups.
DagumDecomposition dagum_decomposition(const Sample& sample, ProgressSink& progress = null_progress());

}  // namespace equalis::measure

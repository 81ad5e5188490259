#pragma once
// Exact between/within decomposition of GE(α) by a partition of the units into groups
// (Shorrocks 1980, Econometrica 48:613; Shorrocks 1984, Econometrica 52:1369):
//   GE(α) = GE_between + Σ_g s_g (μ_g/μ)^α GE_g(α),
// where s_g is group g's population share and GE_between is GE(α) of the group means.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace equalis::measure {

struct GroupTerm {
  std::string name;
  std::size_t units = 0;
  double population_share = 0.0;  // s_g = W_g / W
  double income_share = 0.0;      // v_g = s_g μ_g / μ (share of the indicator's total)
  double mean = 0.0;              // μ_g
  double index = 0.0;             // GE_g(α) within the group
  double weight = 0.0;            // s_g (μ_g/μ)^α
  double contribution = 0.0;      // weight × index: the group's part of the within term
};

struct GeDecomposition {
  double alpha = 0.0;
  double total = 0.0;
  double between = 0.0;
  double within = 0.0;
  double between_share = 0.0;  // between / total (0 when total is 0)
  std::vector<GroupTerm> groups;
};

// `groups[i]` in [0, group_names.size()). Groups without units of positive weight are left out of the
// sums and reported with units = 0.
GeDecomposition ge_decomposition(std::span<const double> values, std::span<const double> weights,
                                 std::span<const std::uint32_t> groups,
                                 const std::vector<std::string>& group_names, double alpha);

// Several α at once: one pass over the data for all of them (one log per unit, one exp per α other
// than 0 and 1). Sums run over fixed chunks merged in order, so results do not depend on the thread count.
std::vector<GeDecomposition> ge_decompositions(std::span<const double> values,
                                               std::span<const double> weights,
                                               std::span<const std::uint32_t> groups,
                                               const std::vector<std::string>& group_names,
                                               std::span<const double> alphas);

// Only the between-group term, O(n): what the permutation test recomputes for each relabelling.
double ge_between(std::span<const double> values, std::span<const double> weights,
                  std::span<const std::uint32_t> groups, std::uint32_t group_count, double alpha);

}  // namespace equalis::measure

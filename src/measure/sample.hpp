#pragma once
// The input every inequality kernel works on: units sorted ascending by value, each with a population
// weight and (optionally) a group id. Sorting once up front lets the Gini family run in O(n) and lets
// the bootstrap reuse the order by only changing weights.

#include "core/groups.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace equalis::measure {

struct Sample {
  std::vector<double> values;              // ascending
  std::vector<double> weights;             // >= 0, same order; 1 for every unit when unweighted
  Groups groups;                           // group of each unit, same order; empty when ungrouped
  std::vector<std::uint32_t> input_index;  // position of each unit in the caller's input

  [[nodiscard]] std::size_t size() const noexcept { return values.size(); }
  [[nodiscard]] bool has_groups() const noexcept { return !groups.empty(); }
  [[nodiscard]] std::uint32_t group_count() const noexcept { return groups.count(); }
};

// Sorts the units by value. `weights` may be empty (all 1) and `groups` may be empty (no grouping).
// Throws Error(InvalidInput) on a negative or non-finite weight, a group id out of range, or no units.
Sample make_sample(std::span<const double> values, std::span<const double> weights = {},
                   std::span<const std::uint32_t> groups = {}, std::vector<std::string> group_names = {});

// Permutation that sorts `values` ascending (stable). LSD radix sort on the IEEE-754 bit pattern for
// large inputs (O(n), passes whose digit is constant are skipped), std::stable_sort for small ones.
std::vector<std::uint32_t> sort_order(std::span<const double> values);

}  // namespace equalis::measure

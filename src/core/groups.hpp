#pragma once
// Units each in one named group: the one way measure (indicator units, sorted samples, panels) and plan
// (clients) carry "who belongs where", with the one renumbering of a category column's codes into the
// groups that occur and the one sum of weights per group.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace equalis {

struct Groups {
  std::vector<std::uint32_t> codes;  // the group of each unit, an index into names; empty: no grouping
  std::vector<std::string> names;    // names[code]

  [[nodiscard]] bool empty() const noexcept { return codes.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return codes.size(); }
  [[nodiscard]] std::uint32_t count() const noexcept { return static_cast<std::uint32_t>(names.size()); }
  [[nodiscard]] const std::string& name_of(std::size_t unit) const { return names[codes[unit]]; }
  friend bool operator==(const Groups&, const Groups&) = default;
};

// Every unit in one group `name` (a plan without groups: "all").
[[nodiscard]] Groups one_group(std::size_t units, std::string name);

// The groups of units given as codes into `labels` (a category column's labels, which may name groups no
// unit here is in — rows dropped, another period): only the labels that occur, renumbered densely in
// order of first appearance.
[[nodiscard]] Groups dense_groups(std::vector<std::uint32_t> codes, const std::vector<std::string>& labels);

// The total weight of each group (every unit weighs 1 when `weights` is empty).
[[nodiscard]] std::vector<double> group_totals(const Groups& groups, std::span<const double> weights = {});

}  // namespace equalis

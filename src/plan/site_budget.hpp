#pragma once
// Opening costs under a budget, shared by every model that takes one: Σ site_cost_j over the NEW open
// sites ≤ budget (existing sites cost nothing; they are already paid for).

#include "plan/instance.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace equalis::plan {

// Checks the budget and the site costs (throws Error(InvalidInput): budget not finite ≥ 0, a missing or
// invalid opening cost) and whether p new sites can be afforded at all. Returns why no plan fits (the p
// cheapest new sites cost more than the budget), or nullopt.
[[nodiscard]] std::optional<std::string> check_site_budget(const PlanInstance& instance, std::size_t p,
                                                           double budget);

// Σ site_cost over the sites of `open` that are not existing ones (0 without site costs).
[[nodiscard]] double new_site_spend(const PlanInstance& instance, std::span<const std::uint32_t> open);

// Tracks the spend of a plan under local search moves: may `in` replace `out` within the budget?
class SpendTracker {
 public:
  SpendTracker(const PlanInstance& instance, std::optional<double> budget);
  void reset(std::span<const std::uint32_t> open);
  [[nodiscard]] bool swap_fits(std::uint32_t in, std::uint32_t out) const noexcept;
  void swap(std::uint32_t in, std::uint32_t out) noexcept;
  [[nodiscard]] bool fits() const noexcept;

 private:
  [[nodiscard]] double cost_of(std::uint32_t site) const noexcept;

  const PlanInstance& instance_;
  std::optional<double> budget_;
  std::vector<std::uint8_t> is_fixed_;
  double spent_ = 0.0;
};

namespace detail {
// Adds site j's coefficient in the budget row (created by the caller; −1 = no budget) to `entries`.
void add_budget_entry(const PlanInstance& instance, int budget_row, std::size_t j, bool fixed_site,
                      std::vector<std::pair<int, double>>& entries);
}  // namespace detail

}  // namespace equalis::plan

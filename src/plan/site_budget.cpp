#include "plan/site_budget.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace equalis::plan {

namespace {
// Budgets are compared with a relative tolerance so that a plan costing exactly the budget fits.
constexpr double kBudgetTolerance = 1e-12;
}  // namespace

std::optional<std::string> check_site_budget(const PlanInstance& instance, std::size_t p, double budget) {
  if (!(budget >= 0.0) || !std::isfinite(budget))
    throw Error(ErrorCode::InvalidInput, "the budget must be a finite number ≥ 0", "set `budget` ≥ 0");
  if (instance.site_cost.size() != instance.candidate_count())
    throw Error(ErrorCode::InvalidInput, "a budget needs an opening cost for every candidate site",
                "set `site_costs`: a CSV with columns id, cost");
  const std::vector<std::uint8_t> is_fixed = fixed_mask(instance.candidate_count(), instance.fixed_open);
  std::vector<double> costs;
  for (std::size_t j = 0; j < instance.candidate_count(); ++j) {
    const double c = instance.site_cost[j];
    if (!(c >= 0.0) || !std::isfinite(c))
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("site {} has an invalid opening cost", instance.candidate_label(j)),
                  "opening costs must be finite and ≥ 0");
    if (is_fixed[j] == 0U) costs.push_back(c);
  }
  if (p > costs.size()) return std::nullopt;  // the caller reports p larger than the free candidates
  std::partial_sort(costs.begin(), costs.begin() + static_cast<std::ptrdiff_t>(p), costs.end());
  double cheapest = 0.0;
  for (std::size_t k = 0; k < p; ++k) cheapest += costs[k];
  if (cheapest <= budget * (1.0 + kBudgetTolerance)) return std::nullopt;
  return fmt::format(
      "the budget {} is below {}, the cost of the {} cheapest new sites: no plan fits the budget", budget,
      cheapest, p);
}

double new_site_spend(const PlanInstance& instance, std::span<const std::uint32_t> open) {
  if (instance.site_cost.empty()) return 0.0;
  const std::vector<std::uint8_t> is_fixed = fixed_mask(instance.candidate_count(), instance.fixed_open);
  double total = 0.0;
  for (const std::uint32_t j : open) {
    if (is_fixed[j] == 0U) total += instance.site_cost[j];
  }
  return total;
}

SpendTracker::SpendTracker(const PlanInstance& instance, std::optional<double> budget)
    : instance_(instance),
      budget_(budget),
      is_fixed_(fixed_mask(instance.candidate_count(), instance.fixed_open)) {}

void SpendTracker::reset(std::span<const std::uint32_t> open) {
  spent_ = new_site_spend(instance_, open);
}

double SpendTracker::cost_of(std::uint32_t site) const noexcept {
  if (instance_.site_cost.empty() || is_fixed_[site] != 0U) return 0.0;
  return instance_.site_cost[site];
}

bool SpendTracker::swap_fits(std::uint32_t in, std::uint32_t out) const noexcept {
  if (!budget_) return true;
  return spent_ - cost_of(out) + cost_of(in) <= *budget_ * (1.0 + kBudgetTolerance);
}

void SpendTracker::swap(std::uint32_t in, std::uint32_t out) noexcept {
  spent_ += cost_of(in) - cost_of(out);
}

bool SpendTracker::fits() const noexcept {
  return !budget_ || spent_ <= *budget_ * (1.0 + kBudgetTolerance);
}

namespace detail {
void add_budget_entry(const PlanInstance& instance, int budget_row, std::size_t j, bool fixed_site,
                      std::vector<std::pair<int, double>>& entries) {
  if (budget_row >= 0 && !fixed_site && instance.site_cost[j] != 0.0)
    entries.emplace_back(budget_row, instance.site_cost[j]);
}
}  // namespace detail

}  // namespace equalis::plan

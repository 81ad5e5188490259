#pragma once
// Budget allocation across regions (the fiscal-transfer lever). Region r has an indicator v_r, a
// population P_r and the unit cost u_r of raising its indicator by one; an optional ceiling c_r on the
// new value (e.g. 100 for a percentage) and an optional committed spend s_r (fixed needs). Spending
// u_r x_r raises the indicator to v_r + x_r. Both objectives are linear programs solved exactly with
// CLP (through CBC's interface), lexicographically:
// - RaiseMinimum (maximin; Rawls 1971): maximise min_r (v_r + x_r), then the population-weighted mean;
// - MinimiseDeviation: minimise the population-weighted mean absolute deviation from the
//   population-weighted mean, Σ P_r |v_r + x_r − m| / Σ P (linear because m is linear in x; Konno &
//   Yamazaki 1991's MAD linearisation), then maximise the weighted mean (so the budget is not left idle
//   when spending it does not change the deviation).
// Subject to Σ u_r x_r ≤ budget, u_r x_r ≥ s_r, v_r + x_r ≤ c_r. The report gives each region's
// allocation and new value, and the Gini and Theil T (measure/inequality.hpp) before and after.

#include "plan/solution.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace equalis::plan {

struct BudgetRegion {
  std::string id;
  double value = 0.0;         // current indicator
  double population = 0.0;    // weight, ≥ 0
  double unit_cost = 1.0;     // cost of raising the indicator by one, > 0
  std::optional<double> cap;  // ceiling of the new value
  double committed = 0.0;     // spend the region must receive (fixed needs), ≥ 0
};

enum class BudgetObjective : std::uint8_t { RaiseMinimum, MinimiseDeviation };

struct BudgetOptions {
  BudgetObjective objective = BudgetObjective::RaiseMinimum;
  double budget = 0.0;  // ≥ 0
  double time_limit_seconds = 60;
};

struct RegionAllocation {
  std::string id;
  double spend = 0.0;     // u_r x_r
  double increase = 0.0;  // x_r
  double new_value = 0.0;
};

// Distribution summary of the indicator (population-weighted). Gini/Theil are absent when undefined
// (mean ≤ 0; Theil also needs every value > 0).
struct IndicatorSummary {
  double minimum = 0.0;
  double mean = 0.0;
  double mean_absolute_deviation = 0.0;
  std::optional<double> gini;
  std::optional<double> theil;
};

struct BudgetResult {
  SolveStatus status = SolveStatus::Infeasible;  // Optimal or Infeasible (message says why)
  std::string message;
  double objective = 0.0;  // RaiseMinimum: the new minimum; MinimiseDeviation: the new MAD
  double spent = 0.0;
  double unspent = 0.0;
  std::vector<RegionAllocation> regions;
  IndicatorSummary before, after;
};

[[nodiscard]] IndicatorSummary summarise_indicator(std::span<const double> values,
                                                   std::span<const double> population);

// Throws Error(InvalidInput) for a negative budget or population, unit cost ≤ 0, a negative committed
// spend, non-finite values, or no region. A budget below the committed spend, or committed spend beyond a
// region's ceiling, is status Infeasible.
[[nodiscard]] BudgetResult allocate_budget(std::span<const BudgetRegion> regions,
                                           const BudgetOptions& options);

// Regions from a CSV: id, indicator, population, unit cost, optional cap and committed columns.
struct BudgetCsvSpec {
  std::string id_column = "region";
  std::string value_column = "indicator";
  std::string population_column = "population";
  std::string unit_cost_column = "unit_cost";
  std::string cap_column = "cap";              // optional: used when present; empty cells = no cap
  std::string committed_column = "committed";  // optional
};
[[nodiscard]] std::vector<BudgetRegion> read_budget_csv(const std::string& path,
                                                        const BudgetCsvSpec& spec = {});

}  // namespace equalis::plan

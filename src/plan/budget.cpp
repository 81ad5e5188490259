#include "plan/budget.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"
#include "core/unique_ids.hpp"
#include "measure/inequality.hpp"
#include "plan/detail/mip.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>
#include <unordered_set>

namespace equalis::plan {

namespace {

void check_regions(std::span<const BudgetRegion> regions, const BudgetOptions& options) {
  if (regions.empty())
    throw Error(ErrorCode::InvalidInput, "no region to allocate to", "give at least one region");
  if (!(options.budget >= 0.0) || !std::isfinite(options.budget)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("budget {} is not a finite number ≥ 0", options.budget),
                "set `budget` ≥ 0");
  }
  for (const BudgetRegion& r : regions) {
    if (!std::isfinite(r.value)) {
      throw Error(ErrorCode::InvalidInput, fmt::format("region {}: indicator is not finite", r.id));
    }
    if (!(r.population >= 0.0) || !std::isfinite(r.population)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("region {}: population {} is negative", r.id, r.population),
                  "populations are weights ≥ 0");
    }
    if (!(r.unit_cost > 0.0) || !std::isfinite(r.unit_cost)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("region {}: unit cost {} is not > 0", r.id, r.unit_cost),
                  "give the (positive) cost of raising the indicator by one");
    }
    if (!(r.committed >= 0.0) || !std::isfinite(r.committed)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("region {}: committed spend {} is negative", r.id, r.committed));
    }
    if (r.cap && !std::isfinite(*r.cap)) {
      throw Error(ErrorCode::InvalidInput, fmt::format("region {}: cap is not finite", r.id));
    }
    if (r.cap && *r.cap < r.value) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("region {}: cap {} is below the current value {}", r.id, *r.cap, r.value),
                  "a cap is the ceiling of the new value: give one ≥ the indicator, or none");
    }
  }
  std::unordered_set<std::string_view> ids;
  for (const BudgetRegion& r : regions) {
    if (!ids.insert(r.id).second) {
      throw Error(ErrorCode::InvalidInput, fmt::format("region {} appears twice", r.id),
                  "give one row per region");
    }
  }
}

}  // namespace

IndicatorSummary summarise_indicator(std::span<const double> values, std::span<const double> population) {
  IndicatorSummary s;
  double weight = 0.0;
  s.minimum = std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < values.size(); ++r) {
    if (population[r] <= 0.0) continue;
    weight += population[r];
    s.mean += population[r] * values[r];
    s.minimum = std::min(s.minimum, values[r]);
  }
  if (weight <= 0.0) {
    s.minimum = 0.0;
    return s;
  }
  s.mean /= weight;
  for (std::size_t r = 0; r < values.size(); ++r)
    s.mean_absolute_deviation += population[r] * std::abs(values[r] - s.mean);
  s.mean_absolute_deviation /= weight;
  if (s.mean > 0.0) {
    s.gini = measure::gini(values, population);
    const bool positive = std::all_of(values.begin(), values.end(), [](double v) { return v > 0.0; });
    if (positive) s.theil = measure::generalized_entropy(values, population, 1.0);
  }
  return s;
}

BudgetResult allocate_budget(std::span<const BudgetRegion> regions, const BudgetOptions& options) {
  check_regions(regions, options);
  BudgetResult result;
  const std::size_t n = regions.size();
  std::vector<double> before(n), population(n);
  for (std::size_t r = 0; r < n; ++r) {
    before[r] = regions[r].value;
    population[r] = regions[r].population;
  }
  result.before = summarise_indicator(before, population);
  const double committed =
      std::accumulate(regions.begin(), regions.end(), 0.0,
                      [](double sum, const BudgetRegion& r) { return sum + r.committed; });
  if (committed > options.budget * (1.0 + 1e-12)) {
    result.message =
        fmt::format("the budget {} is below the committed spend {} (fixed needs)", options.budget, committed);
    return result;
  }
  for (const BudgetRegion& r : regions) {
    if (r.cap && r.value + r.committed / r.unit_cost > *r.cap + 1e-9 * (1.0 + std::abs(*r.cap)) &&
        r.committed > 0.0) {
      result.message = fmt::format("region {}: the committed spend raises it above its cap {}", r.id, *r.cap);
      return result;
    }
  }
  const double total_population = std::accumulate(population.begin(), population.end(), 0.0);
  // Columns: x_r (increase), then z (min) or d_r (deviations). Rows: budget, then per objective.
  detail::MipModel model;
  const int budget_row = model.add_row(-1e30, options.budget);
  std::vector<int> level_row(n, -1), upper_row(n, -1), lower_row(n, -1);
  const bool maximin = options.objective == BudgetObjective::RaiseMinimum;
  int mean_row = -1;  // MAD: m − Σ P x / W = Σ P v / W, i.e. m is the new weighted mean
  for (std::size_t r = 0; r < n; ++r) {
    if (maximin) {
      if (population[r] > 0.0) level_row[r] = model.add_row(-1e30, regions[r].value);  // z − x_r ≤ v_r
    } else {
      upper_row[r] = model.add_row(-1e30, -regions[r].value);  // x_r − m − d_r ≤ −v_r
      lower_row[r] = model.add_row(-1e30, regions[r].value);   // m − x_r − d_r ≤ v_r
    }
  }
  if (!maximin) {
    double base_mean = 0.0;
    for (std::size_t r = 0; r < n; ++r) base_mean += population[r] * regions[r].value;
    base_mean = total_population > 0.0 ? base_mean / total_population : 0.0;
    mean_row = model.add_row(base_mean, base_mean);
  }
  std::vector<int> x(n);
  for (std::size_t r = 0; r < n; ++r) {
    const BudgetRegion& region = regions[r];
    const double lower = region.committed / region.unit_cost;
    const double upper = region.cap ? std::max(lower, *region.cap - region.value) : 1e30;
    std::vector<std::pair<int, double>> entries{{budget_row, region.unit_cost}};
    if (maximin && level_row[r] >= 0) entries.emplace_back(level_row[r], -1.0);
    if (!maximin) {
      entries.emplace_back(upper_row[r], 1.0);
      entries.emplace_back(lower_row[r], -1.0);
      if (total_population > 0.0) entries.emplace_back(mean_row, -population[r] / total_population);
    }
    x[r] = model.add_column(0.0, lower, std::max(lower, upper), false, entries);
  }
  int key_column = -1;
  if (maximin) {
    std::vector<std::pair<int, double>> entries;
    for (std::size_t r = 0; r < n; ++r) {
      if (level_row[r] >= 0) entries.emplace_back(level_row[r], 1.0);
    }
    key_column = model.add_column(-1.0, -1e30, 1e30, false, entries);  // maximise z
  } else {
    std::vector<std::pair<int, double>> entries{{mean_row, 1.0}};
    for (std::size_t r = 0; r < n; ++r) {
      entries.emplace_back(upper_row[r], -1.0);
      entries.emplace_back(lower_row[r], 1.0);
    }
    model.add_column(0.0, -1e30, 1e30, false, entries);  // m
    for (std::size_t r = 0; r < n; ++r) {
      const double share = total_population > 0.0 ? population[r] / total_population : 0.0;
      model.add_column(share, 0.0, 1e30, false, {{upper_row[r], -1.0}, {lower_row[r], -1.0}});  // d_r
    }
  }
  // With no population the minimum is unconstrained: nothing to raise.
  if (maximin && key_column >= 0 &&
      model.start[static_cast<std::size_t>(key_column) + 1] ==
          model.start[static_cast<std::size_t>(key_column)]) {
    model.column_upper[static_cast<std::size_t>(key_column)] = 0.0;
  }
  const detail::MipResult first = detail::solve_mip(model, options.time_limit_seconds);
  if (!first.has_solution) {
    result.message = first.proven_infeasible ? "the allocation LP is infeasible (caps versus committed spend)"
                                             : "the LP solver stopped without a solution";
    return result;
  }
  const double stage_one = maximin ? -first.objective : first.objective;
  // Stage 2: hold the stage-1 level and maximise the population-weighted mean (spend the rest usefully).
  if (maximin) {
    const auto z = static_cast<std::size_t>(key_column);
    model.objective[z] = 0.0;
    model.column_lower[z] = stage_one - 1e-9 * (1.0 + std::abs(stage_one));
  } else {
    const int cap_row = model.add_row(-1e30, stage_one + 1e-9 * (1.0 + std::abs(stage_one)));
    // Re-add the d_r columns' objective as a row: Σ share d_r ≤ MAD*. Build a fresh model column-wise.
    detail::MipModel held = model;
    held.row_index.clear();
    held.value.clear();
    held.start.assign(1, 0);
    for (std::size_t j = 0; j < model.objective.size(); ++j) {
      for (int e = model.start[j]; e < model.start[j + 1]; ++e) {
        held.row_index.push_back(model.row_index[static_cast<std::size_t>(e)]);
        held.value.push_back(model.value[static_cast<std::size_t>(e)]);
      }
      if (j > n && model.objective[j] != 0.0) {  // a d_r column
        held.row_index.push_back(cap_row);
        held.value.push_back(model.objective[j]);
      }
      held.start.push_back(static_cast<int>(held.row_index.size()));
    }
    for (double& c : held.objective) c = 0.0;
    model = std::move(held);
  }
  for (std::size_t r = 0; r < n; ++r) {
    model.objective[static_cast<std::size_t>(x[r])] =
        total_population > 0.0 ? -population[r] / total_population : 0.0;
  }
  const detail::MipResult second = detail::solve_mip(model, options.time_limit_seconds);
  const detail::MipResult& final = second.has_solution ? second : first;
  result.status = SolveStatus::Optimal;
  result.objective = stage_one;
  std::vector<double> after(n);
  for (std::size_t r = 0; r < n; ++r) {
    const double increase = std::max(0.0, final.solution[static_cast<std::size_t>(x[r])]);
    RegionAllocation allocation;
    allocation.id = regions[r].id;
    allocation.increase = increase;
    allocation.spend = increase * regions[r].unit_cost;
    allocation.new_value = regions[r].value + increase;
    after[r] = allocation.new_value;
    result.spent += allocation.spend;
    result.regions.push_back(std::move(allocation));
  }
  result.unspent = std::max(0.0, options.budget - result.spent);
  result.after = summarise_indicator(after, population);
  if (!second.has_solution)
    result.message = "the tie-break stage (weighted mean) did not solve; stage-1 allocation";
  return result;
}

std::vector<BudgetRegion> read_budget_csv(const std::string& path, const BudgetCsvSpec& spec) {
  const CsvTable table = CsvTable::read_file(path);
  const std::size_t id = table.column_index(spec.id_column);
  const NumericColumn value = read_numeric_column(table, spec.value_column);
  const NumericColumn population = read_numeric_column(table, spec.population_column);
  const NumericColumn unit_cost = read_numeric_column(table, spec.unit_cost_column);
  const bool has_cap = !spec.cap_column.empty() && table.has_column(spec.cap_column);
  const bool has_committed = !spec.committed_column.empty() && table.has_column(spec.committed_column);
  NumericColumn cap, committed;
  if (has_cap) cap = read_numeric_column(table, spec.cap_column);
  if (has_committed) committed = read_numeric_column(table, spec.committed_column);
  require_unique_ids(table, id, "region", "give one row per region");
  std::vector<BudgetRegion> regions;
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const auto require = [&](const NumericColumn& column, const std::string& name) {
      if (column.valid[row] == 0U) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("missing {} for region {}", name, table.cell(row, id)),
                    "every region needs indicator, population and unit cost",
                    table.location(row, table.column_index(name)));
      }
      return column.values[row];
    };
    BudgetRegion region;
    region.id = std::string(table.cell(row, id));
    region.value = require(value, spec.value_column);
    region.population = require(population, spec.population_column);
    region.unit_cost = require(unit_cost, spec.unit_cost_column);
    if (!(region.unit_cost > 0.0)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("unit cost {} of region {} is not > 0", region.unit_cost, region.id),
                  "the cost of raising the indicator by one must be positive",
                  table.location(row, table.column_index(spec.unit_cost_column)));
    }
    if (has_cap && cap.valid[row] != 0U) {
      region.cap = cap.values[row];
      if (*region.cap < region.value) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("region {}: cap {} is below the current value {}", region.id, *region.cap,
                                region.value),
                    "a cap is the ceiling of the new value: give one ≥ the indicator, or leave the cell "
                    "empty",
                    table.location(row, table.column_index(spec.cap_column)));
      }
    }
    if (has_committed && committed.valid[row] != 0U) region.committed = committed.values[row];
    regions.push_back(std::move(region));
  }
  return regions;
}

}  // namespace equalis::plan

#include "report/plan_report.hpp"

#include <fmt/format.h>

#include <sstream>
#include <vector>

namespace equalis::report {

using json = nlohmann::ordered_json;

namespace {

std::vector<std::string> site_labels(const plan::PlanInstance& instance,
                                     const std::vector<std::uint32_t>& sites) {
  std::vector<std::string> labels;
  labels.reserve(sites.size());
  for (const std::uint32_t j : sites) labels.push_back(instance.candidate_label(j));
  return labels;
}

// The demand column the client weights came from; null = every client weighs 1.
json weight_column_json(const plan::PlanInstance& instance) {
  return instance.weight_column.empty() ? json(nullptr) : json(instance.weight_column);
}

std::string weights_text(const plan::PlanInstance& instance) {
  return instance.weight_column.empty() ? "weights: none (each client weighs 1)\n"
                                        : fmt::format("weights: column '{}'\n", instance.weight_column);
}

std::string model_name(const plan::PlanRequest& request) {
  return std::string(plan::plan_model_name(request.model));
}

json options_json(const plan::PlanRequest& request, const plan::PlanResult& result) {
  json options = {{"model", model_name(request)},
                  {"p", result.p},
                  {"radius", optional_number(request.radius)},
                  {"existing", request.existing},
                  {"seed", request.seed},
                  {"time_limit", request.time_limit},
                  {"target_gap", request.target_gap},
                  {"exact", request.exact},
                  {"cost_unit", std::string(plan::cost_unit_key(result.cost_unit))}};
  if (!request.graph.empty()) {
    options["sites"] = request.sites;
    options["max_time"] = optional_number(request.max_time);
  }
  options["budget"] = optional_number(request.budget);
  options["site_costs"] = request.site_costs;
  // The fair models take no capacities (their solvers refuse them), so their options never list them.
  if (request.model != plan::PlanModel::Fair) {
    options["capacity"] = request.capacity;
    options["single_source"] = request.single_source;
  } else {
    options["objective"] = std::string(plan::fair_objective_name(request.objective));
  }
  return options;
}

json groups_json(const std::vector<plan::GroupOutcome>& groups) {
  json rows = json::array();
  for (const plan::GroupOutcome& group : groups) {
    rows.push_back({{"group", group.label},
                    {"demand", group.demand},
                    {"mean_cost", group.mean_cost},
                    {"max_cost", group.max_cost},
                    {"coverage", optional_number(group.coverage)},
                    {"unserved_clients", group.unserved_clients}});
  }
  return rows;
}

// The plain p-median plan's outcome per group (the baseline of a fair plan).
json baseline_groups_json(const std::vector<plan::GroupOutcome>& groups) {
  json rows = json::array();
  for (const plan::GroupOutcome& group : groups) {
    rows.push_back({{"group", group.label},
                    {"mean_cost", group.mean_cost},
                    {"max_cost", group.max_cost},
                    {"coverage", optional_number(group.coverage)}});
  }
  return rows;
}

json fairness_json(const plan::KolmPollakFairness& fair) {
  return {{"objective", "kolm_pollak_ede"},
          {"aversion", fair.aversion},
          {"kappa", fair.kappa},
          {"total_cost", fair.total_cost},
          {"pmedian_total_cost", fair.pmedian_total_cost},
          {"pmedian_ede", fair.pmedian_ede},
          {"price_of_fairness", fair.price_of_fairness},
          {"pmedian_open_sites", fair.pmedian_open_sites},
          {"pmedian_groups", baseline_groups_json(fair.pmedian_groups)}};
}

json fairness_json(const plan::GroupFairness& fair) {
  return {{"objective", std::string(plan::group_fairness_measure(fair.objective))},
          {"method", fair.method},
          {"bound_method", fair.bound_method},
          {"focus_groups", fair.focus_groups},
          {"total_cost", fair.total_cost},
          {"pmedian_total_cost", fair.pmedian_total_cost},
          {"pmedian_objective", fair.pmedian_objective},
          {"price_of_fairness", fair.price_of_fairness},
          {"cost_cap", optional_number(fair.cost_cap)},
          {"pmedian_open_sites", fair.pmedian_open_sites},
          {"pmedian_groups", baseline_groups_json(fair.pmedian_groups)}};
}

// Σ demand × cost (total costs, the p-median's and the fairness block's).
std::string total_cost_unit(const plan::PlanResult& result) {
  return "demand × " + std::string(result.cost_unit == io::CostUnit::Given
                                       ? "cost units"
                                       : io::cost_unit_name(result.cost_unit));
}

json result_json(const plan::PlanResult& result) {
  const plan::PlanInstance& instance = result.instance;
  const plan::PlanSolution& solution = result.solution;
  json out;
  out["status"] = plan::status_name(solution.status);
  out["message"] = solution.message;
  // Costs, mean and max costs, the radius and the cost cap are in cost_unit; the objective in its own.
  out["cost_unit"] = plan::cost_unit_key(result.cost_unit);
  out["objective"] = solution.objective;
  out["objective_unit"] = result.objective_unit;
  out[solution.maximize ? "upper_bound" : "lower_bound"] = optional_number(solution.lower_bound);
  out["gap"] = optional_number(solution.gap);
  out["open_sites"] = site_labels(instance, solution.open);
  out["existing_sites"] = site_labels(instance, instance.fixed_open);
  out["unserved_clients"] = solution.unserved_clients;
  out["iterations"] = solution.iterations;
  out["seconds"] = solution.seconds;
  if (!solution.open.empty()) {
    out["total_cost_unit"] = total_cost_unit(result);
    out["total_cost"] = result.evaluation.total_cost;
    out["max_cost"] = result.evaluation.max_cost;
    out["groups"] = groups_json(result.groups);
  }
  if (result.kolm_pollak) out["fairness"] = fairness_json(*result.kolm_pollak);
  if (result.group_fairness) out["fairness"] = fairness_json(*result.group_fairness);
  out["warnings"] = result.warnings;
  return out;
}

// A fair plan's per-group baseline (the plain p-median plan), empty for the other models.
const std::vector<plan::GroupOutcome>& baseline_groups(const plan::PlanResult& result) {
  static const std::vector<plan::GroupOutcome> kNone;
  if (result.kolm_pollak) return result.kolm_pollak->pmedian_groups;
  if (result.group_fairness) return result.group_fairness->pmedian_groups;
  return kNone;
}

std::string coverage_cell(const std::optional<double>& coverage) {
  return coverage ? fmt::format("{:.4f}", *coverage) : "-";
}

// The plan's outcome per group; for a fair plan beside the p-median plan's, so that the table shows what
// the fairness costs every group, not only the one it helps.
std::string groups_text(const std::vector<plan::GroupOutcome>& groups,
                        const std::vector<plan::GroupOutcome>& baseline) {
  const bool compare = baseline.size() == groups.size();
  std::string text = fmt::format("{:<16} {:>12} {:>12} {:>12} {:>10}", "group", "demand", "mean cost",
                                 "max cost", "coverage");
  if (compare) text += fmt::format(" | {:>13} {:>12} {:>10}", "p-median mean", "max", "coverage");
  text += "\n";
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const plan::GroupOutcome& group = groups[g];
    text += fmt::format("{:<16} {:>12.6g} {:>12.6g} {:>12.6g} {:>10}", group.label, group.demand,
                        group.mean_cost, group.max_cost, coverage_cell(group.coverage));
    if (compare) {
      text += fmt::format(" | {:>13.6g} {:>12.6g} {:>10}", baseline[g].mean_cost, baseline[g].max_cost,
                          coverage_cell(baseline[g].coverage));
    }
    text += "\n";
  }
  return text;
}

std::string fairness_text(const plan::PlanResult& result) {
  if (result.kolm_pollak) {
    return fmt::format("Kolm–Pollak EDE {} {} (p-median plan: {}); price of fairness {:.4f}%\n",
                       result.solution.objective, result.objective_unit, result.kolm_pollak->pmedian_ede,
                       100.0 * result.kolm_pollak->price_of_fairness);
  }
  if (result.group_fairness) {
    const plan::GroupFairness& fair = *result.group_fairness;
    return fmt::format(
        "{} {} {} (p-median plan: {}; plan by {}, bound by {}); total cost {} vs {} {}; price "
        "of fairness {:.4f}%\n",
        plan::group_fairness_measure(fair.objective), result.solution.objective, result.objective_unit,
        fair.pmedian_objective, fair.method, fair.bound_method, fair.total_cost, fair.pmedian_total_cost,
        total_cost_unit(result), 100.0 * fair.price_of_fairness);
  }
  return {};
}

// A CSV cell: quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void csv_row(const std::string& section, const std::string& item, const std::string& field,
             const std::string& value, std::string& csv) {
  csv += csv_cell(section) + "," + csv_cell(item) + "," + csv_cell(field) + "," + csv_cell(value) + "\n";
}

std::string scalar_text(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

// The whole JSON document as tidy rows (section, item, field, value), so the CSV carries everything the
// JSON does: objects nest into the section ("result.fairness"), an array of objects gives one item per
// element (named by its first string field: the group or region), an array of scalars one row per
// element; null is an empty cell.
void tidy_rows(const json& node, const std::string& section, const std::string& item, std::string& csv) {
  for (const auto& [key, value] : node.items()) {
    const std::string path = section.empty() ? key : section + "." + key;
    if (value.is_object()) {
      tidy_rows(value, path, item, csv);
    } else if (value.is_array()) {
      for (std::size_t k = 0; k < value.size(); ++k) {
        const json& element = value[k];
        if (!element.is_object()) {
          csv_row(section, item, key, scalar_text(element), csv);
          continue;
        }
        std::string name = std::to_string(k);
        for (const auto& field : element) {
          if (field.is_string()) {
            name = field.get<std::string>();
            break;
          }
        }
        tidy_rows(element, path, name, csv);
      }
    } else {
      csv_row(section, item, key, scalar_text(value), csv);
    }
  }
}

}  // namespace

json plan_json(const plan::PlanRequest& request, const plan::PlanResult& result) {
  json out = envelope("plan " + model_name(request), result.file, result.instance.client_count());
  out["options"] = options_json(request, result);
  out["instance"] = {{"clients", result.instance.client_count()},
                     {"candidates", result.instance.candidate_count()},
                     {"groups", result.instance.groups.names},
                     {"weight_column", weight_column_json(result.instance)}};
  out["result"] = result_json(result);
  return out;
}

std::string plan_csv(const plan::PlanRequest& request, const plan::PlanResult& result) {
  std::string csv = "section,item,field,value\n";
  tidy_rows(plan_json(request, result), "", "", csv);
  const plan::PlanInstance& instance = result.instance;
  const plan::Evaluation& evaluation = result.evaluation;
  for (std::size_t i = 0; i < instance.client_count(); ++i) {
    const std::string client = instance.client_label(i);
    const bool served = evaluation.assignment[i] != plan::kNoSite;
    csv_row("client", client, "group", instance.groups.name_of(i), csv);
    csv_row("client", client, "demand", fmt::format("{}", instance.demand[i]), csv);
    csv_row("client", client, "site", served ? instance.candidate_label(evaluation.assignment[i]) : "", csv);
    csv_row("client", client, "cost", served ? fmt::format("{}", evaluation.assigned_cost[i]) : "", csv);
  }
  return csv;
}

std::string plan_text(const plan::PlanRequest& request, const plan::PlanResult& result) {
  const plan::PlanInstance& instance = result.instance;
  const plan::PlanSolution& solution = result.solution;
  std::string text = fmt::format("plan {}: {}{}\n", model_name(request), plan::status_name(solution.status),
                                 solution.message.empty() ? "" : " (" + solution.message + ")");
  text += fmt::format("objective {} {}", solution.objective, result.objective_unit);
  if (solution.lower_bound) {
    text += fmt::format(", {} bound {}, gap {:.4f}%", solution.maximize ? "upper" : "lower",
                        *solution.lower_bound, 100.0 * solution.gap.value_or(0.0));
  }
  text += fmt::format(" ({:.3f} s)\n", solution.seconds);
  text += fmt::format("costs in {}\n", result.cost_unit_text);
  text += weights_text(instance);
  text += fmt::format("open sites ({}):", solution.open.size());
  for (const std::uint32_t j : solution.open) text += " " + instance.candidate_label(j);
  text += "\n";
  if (!solution.open.empty()) text += groups_text(result.groups, baseline_groups(result));
  text += fairness_text(result);
  for (const std::string& warning : result.warnings) text += "warning: " + warning + "\n";
  return text;
}

Renderers plan_renderers(const plan::PlanRequest& request, const plan::PlanResult& result) {
  return {.json = [&request, &result] { return plan_json(request, result); },
          .csv = [&request, &result] { return plan_csv(request, result); },
          .text = [&request, &result] { return plan_text(request, result); }};
}

namespace {

json summary_json(const plan::IndicatorSummary& summary) {
  return {{"minimum", summary.minimum},
          {"mean", summary.mean},
          {"mean_absolute_deviation", summary.mean_absolute_deviation},
          {"gini", optional_number(summary.gini)},
          {"theil", optional_number(summary.theil)}};
}

std::string objective_name(const plan::BudgetRequest& request) {
  return std::string(plan::budget_objective_name(request.objective));
}

}  // namespace

json budget_json(const plan::BudgetRequest& request, const plan::BudgetOutcome& outcome) {
  const plan::BudgetResult& allocation = outcome.allocation;
  json out = envelope("plan budget", request.regions, outcome.regions.size());
  out["options"] = {{"objective", objective_name(request)},
                    {"budget", request.budget.value_or(0.0)},
                    {"time_limit", request.time_limit}};
  json result;
  result["status"] = plan::status_name(allocation.status);
  result["message"] = allocation.message;
  result["objective"] = allocation.regions.empty() ? json(nullptr) : json(allocation.objective);
  result["spent"] = allocation.spent;
  result["unspent"] = allocation.unspent;
  // The regions file carries no units: spend, budget and unit costs are in its money unit, values,
  // increases and caps in the indicator's.
  result["spend_unit"] = "the unit_cost column's money unit";
  result["value_unit"] = "the indicator column's unit";
  json rows = json::array();
  for (std::size_t r = 0; r < allocation.regions.size(); ++r) {
    const plan::RegionAllocation& a = allocation.regions[r];
    rows.push_back({{"region", a.id},
                    {"value", outcome.regions[r].value},
                    {"population", outcome.regions[r].population},
                    {"unit_cost", outcome.regions[r].unit_cost},
                    {"cap", optional_number(outcome.regions[r].cap)},
                    {"committed", outcome.regions[r].committed},
                    {"spend", a.spend},
                    {"increase", a.increase},
                    {"new_value", a.new_value}});
  }
  result["regions"] = rows;
  result["before"] = summary_json(allocation.before);
  if (!allocation.regions.empty()) result["after"] = summary_json(allocation.after);
  out["result"] = result;
  return out;
}

std::string budget_csv(const plan::BudgetRequest& request, const plan::BudgetOutcome& outcome) {
  std::string csv = "section,item,field,value\n";
  tidy_rows(budget_json(request, outcome), "", "", csv);
  return csv;
}

std::string budget_text(const plan::BudgetRequest& request, const plan::BudgetOutcome& outcome) {
  const plan::BudgetResult& allocation = outcome.allocation;
  std::string text =
      fmt::format("plan budget ({}): {}{}\n", objective_name(request), plan::status_name(allocation.status),
                  allocation.message.empty() ? "" : " (" + allocation.message + ")");
  if (allocation.regions.empty()) return text;
  text += fmt::format(
      "objective {:.6g}; spent {:.6g} of {:.6g} (money in the unit costs' unit, values in the "
      "indicator's)\n",
      allocation.objective, allocation.spent, request.budget.value_or(0.0));
  text += fmt::format("{:<16} {:>12} {:>12} {:>12}\n", "region", "value", "spend", "new value");
  for (std::size_t r = 0; r < allocation.regions.size(); ++r) {
    text +=
        fmt::format("{:<16} {:>12.6g} {:>12.6g} {:>12.6g}\n", allocation.regions[r].id,
                    outcome.regions[r].value, allocation.regions[r].spend, allocation.regions[r].new_value);
  }
  const auto index = [](const std::optional<double>& v) { return v ? fmt::format("{:.4f}", *v) : "-"; };
  text += fmt::format("minimum {:.6g} -> {:.6g}; Gini {} -> {}; Theil {} -> {}\n", allocation.before.minimum,
                      allocation.after.minimum, index(allocation.before.gini), index(allocation.after.gini),
                      index(allocation.before.theil), index(allocation.after.theil));
  return text;
}

Renderers budget_renderers(const plan::BudgetRequest& request, const plan::BudgetOutcome& outcome) {
  return {.json = [&request, &outcome] { return budget_json(request, outcome); },
          .csv = [&request, &outcome] { return budget_csv(request, outcome); },
          .text = [&request, &outcome] { return budget_text(request, outcome); }};
}

}  // namespace equalis::report

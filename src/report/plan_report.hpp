#pragma once
// JSON, CSV and text forms of a location plan (plan/plan_request.hpp) and of a budget allocation across
// regions; docs/plan.md documents the JSON layout. The request is echoed in the JSON options block.

#include "plan/plan_request.hpp"
#include "report/document.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace equalis::report {

// The whole document: envelope, options, instance size and the result with its fairness block.
nlohmann::ordered_json plan_json(const plan::PlanRequest& request, const plan::PlanResult& result);
// Tidy rows section,item,field,value: every field of the JSON document (section = its path, item = the
// group or region of a row of a table), then each client's group, demand, site and cost (section
// "client", item = the client; empty site and cost when unserved).
std::string plan_csv(const plan::PlanRequest& request, const plan::PlanResult& result);
// Status, objective with its bound, open sites, a table of group outcomes, the fairness comparison.
std::string plan_text(const plan::PlanRequest& request, const plan::PlanResult& result);
// The three forms; request and result must outlive the renderers.
Renderers plan_renderers(const plan::PlanRequest& request, const plan::PlanResult& result);

nlohmann::ordered_json budget_json(const plan::BudgetRequest& request, const plan::BudgetOutcome& outcome);
// The same tidy rows as plan_csv: the JSON document, regions as items of section "result.regions"
// (with their unit cost).
std::string budget_csv(const plan::BudgetRequest& request, const plan::BudgetOutcome& outcome);
std::string budget_text(const plan::BudgetRequest& request, const plan::BudgetOutcome& outcome);
// The three forms; request and outcome must outlive the renderers.
Renderers budget_renderers(const plan::BudgetRequest& request, const plan::BudgetOutcome& outcome);

}  // namespace equalis::report

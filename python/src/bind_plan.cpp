// equalis.plan: the location models (pmedian, pcenter, mclp, lscp, fair) over a plan::PlanRequest and the
// budget allocation over a plan::BudgetRequest, fields spelt as `equalis plan …` spells its flags (with
// underscores) and rendered by the CLI's own report code. A plan that cannot be had (infeasible,
// unsupported) is a status in the result, as on the command line; the Python layer raises it.

#include "binding.hpp"

#include "plan/plan_request.hpp"
#include "report/plan_report.hpp"

namespace equalis::python {
namespace {

plan::PlanRequest plan_request(const py::dict& fields) {
  plan::PlanRequest request;
  // Messages name the Python function: plan.pmedian(), plan.fair(), …
  std::string function = "plan";
  if (fields.contains("model") && py::isinstance<py::str>(fields["model"]))
    function += "." + py::str(fields["model"]).cast<std::string>();
  Fields in(fields, function);
  in.choice("model", request.model,
            std::vector<std::pair<std::string, plan::PlanModel>>{{"pmedian", plan::PlanModel::PMedian},
                                                                 {"pcenter", plan::PlanModel::PCenter},
                                                                 {"mclp", plan::PlanModel::Mclp},
                                                                 {"lscp", plan::PlanModel::Lscp},
                                                                 {"fair", plan::PlanModel::Fair}});
  in.get("orlib", request.orlib);
  in.get("matrix", request.matrix);
  in.get("graph", request.graph);
  in.get("demand", request.demand);
  in.get("sites", request.sites);
  in.get("max_time", request.max_time);
  in.get("max_snap", request.max_snap);
  // Unset, the source's default (seconds for a graph, the file's own unit otherwise).
  io::CostUnit unit = io::CostUnit::Given;
  const bool unit_given = fields.contains("cost_unit") && !py::object(fields["cost_unit"]).is_none();
  in.choice("cost_unit", unit,
            std::vector<std::pair<std::string, io::CostUnit>>{{"seconds", io::CostUnit::Seconds},
                                                              {"minutes", io::CostUnit::Minutes},
                                                              {"metres", io::CostUnit::Metres},
                                                              {"given", io::CostUnit::Given}});
  if (unit_given) request.cost_unit = unit;
  auto& spec = request.spec;
  in.get("from_col", spec.from_column);
  in.get("to_col", spec.to_column);
  in.get("cost_col", spec.cost_column);
  in.get("id_col", spec.demand_id_column);
  in.get("weight_col", spec.weight_column);
  in.get("unweighted", spec.unweighted);
  in.get("groups", spec.group_column);
  in.get("drop_missing_group", spec.drop_missing_group);
  in.get("p", request.p);
  in.get("radius", request.radius);
  in.get("existing", request.existing);
  in.get("seed", request.seed);
  in.get("time_limit", request.time_limit);
  in.get("target_gap", request.target_gap);
  in.get("exact", request.exact);
  in.choice("objective", request.objective,
            std::vector<std::pair<std::string, plan::FairObjective>>{
                {"kolm-pollak", plan::FairObjective::KolmPollak},
                {"rawls", plan::FairObjective::Rawls},
                {"coverage", plan::FairObjective::Coverage},
                {"gap", plan::FairObjective::Gap}});
  in.get("aversion", request.aversion);
  in.get("cost_slack", request.cost_slack);
  in.get("focus_groups", request.focus_groups);
  in.get("mip_max_pairs", request.mip_max_pairs);
  in.get("site_costs", request.site_costs);
  in.get("capacity", request.capacity);
  in.get("site_id_col", request.site_id_col);
  in.get("site_cost_col", request.site_cost_col);
  in.get("capacity_col", request.capacity_col);
  in.get("budget", request.budget);
  in.get("single_source", request.single_source);
  in.finish();
  return request;
}

plan::BudgetRequest budget_request(const py::dict& fields) {
  plan::BudgetRequest request;
  Fields in(fields, "plan.budget");
  in.get("regions", request.regions);
  in.get("budget", request.budget);
  in.choice("objective", request.objective,
            std::vector<std::pair<std::string, plan::BudgetObjective>>{
                {"maximin", plan::BudgetObjective::RaiseMinimum},
                {"mad", plan::BudgetObjective::MinimiseDeviation}});
  auto& spec = request.spec;
  in.get("id_col", spec.id_column);
  in.get("value_col", spec.value_column);
  in.get("population_col", spec.population_column);
  in.get("unit_cost_col", spec.unit_cost_column);
  in.get("cap_col", spec.cap_column);
  in.get("committed_col", spec.committed_column);
  in.get("time_limit", request.time_limit);
  in.finish();
  return request;
}

}  // namespace

void bind_plan(py::module_& module) {
  def_engine(module, "plan", plan_request, [](const auto& request, ProgressSink& sink) {
    const auto result = plan::run_plan(request, sink);
    return render_all(report::plan_renderers(request, result), "plan");
  });
  def_engine(module, "plan_budget", budget_request, [](const auto& request, ProgressSink& sink) {
    const auto outcome = plan::run_budget(request, sink);
    return render_all(report::budget_renderers(request, outcome), "budget");
  });
}

}  // namespace equalis::python

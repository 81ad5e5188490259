#include "study/study_run.hpp"

#include "core/error.hpp"
#include "core/stopwatch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

namespace equalis::study {

namespace {

// Runs one stage: says which on the sink, times it, and names the stage in any error it throws (the
// module's message names its own fields; the stage tells a study user which section to look at).
void stage(const std::string& name, std::size_t index, std::size_t count, ProgressSink& progress,
           StudyResult& result, const std::function<void()>& work) {
  if (progress.stop_requested()) throw Error(ErrorCode::Cancelled, "interrupted", "run the study again");
  progress.log(LogLevel::Info, fmt::format("stage {}/{}: {}", index, count, name));
  const auto start = SteadyClock::now();
  try {
    work();
  } catch (const Error& error) {
    if (error.code() == ErrorCode::Cancelled) throw;
    throw Error(error.code(), fmt::format("[{}] {}", name, error.message()), error.fix(), error.where());
  }
  result.timings.push_back({name, seconds_since(start), {}});
}

// The highest group mean cost of a plan, and whose it is.
std::pair<double, std::string> worst_group(const plan::PlanResult& result) {
  double worst = 0.0;
  std::string label;
  for (const auto& group : result.groups) {
    if (group.mean_cost >= worst) {
      worst = group.mean_cost;
      label = group.label;
    }
  }
  return {worst, label};
}

PlanOutcome run_plans(const PlanStudy& study, ProgressSink& progress) {
  PlanOutcome outcome;
  outcome.efficient_request = study.efficient;
  outcome.efficient = plan::run_plan(outcome.efficient_request, progress);

  outcome.fair_request = study.efficient;
  outcome.fair_request.model = plan::PlanModel::Fair;
  outcome.fair_request.objective = plan::FairObjective::Rawls;
  outcome.fair_request.focus_groups = study.focus_groups;
  outcome.fair = plan::run_plan(outcome.fair_request, progress);

  const double efficient_total = outcome.efficient.evaluation.total_cost;
  for (const double aversion : study.aversions) {
    plan::PlanRequest request = study.efficient;
    request.model = plan::PlanModel::Fair;
    request.objective = plan::FairObjective::KolmPollak;
    request.aversion = aversion;
    const plan::PlanResult result = plan::run_plan(request, progress);
    FairnessPoint point;
    point.aversion = aversion;
    point.total_cost = result.evaluation.total_cost;
    point.price_of_fairness =
        efficient_total > 0.0 ? (point.total_cost - efficient_total) / efficient_total : 0.0;
    std::tie(point.worst_group_mean, point.worst_group) = worst_group(result);
    outcome.curve.push_back(point);
  }
  return outcome;
}

void collect_warnings(const std::string& stage, const std::vector<std::string>& warnings,
                      StudyResult& result) {
  for (const auto& warning : warnings) result.warnings.push_back(fmt::format("[{}] {}", stage, warning));
}

}  // namespace

std::vector<std::string> stages_of(const Study& study) {
  std::vector<std::string> stages;
  if (study.access) stages.emplace_back("access");
  if (study.journeys) stages.emplace_back("journeys");
  if (study.inequality) stages.emplace_back("inequality");
  if (study.convergence) stages.emplace_back("convergence");
  if (study.composite) stages.emplace_back("composite");
  if (study.plan) stages.emplace_back("plan");
  if (study.audit) stages.emplace_back("audit");
  return stages;
}

StudyResult run_study(const Study& study, ProgressSink& progress, const RunOptions& options) {
  StudyResult result;
  const auto stages = stages_of(study);
  std::size_t index = 0;
  const auto run = [&](const std::string& name, const std::function<void()>& work) {
    stage(name, ++index, stages.size(), progress, result, work);
  };
  if (study.access) {
    run("access", [&] {
      access::AccessRequest request = *study.access;
      request.cost_cache = options.cache_directory;
      result.access = access::run_access(request, progress);
      collect_warnings("access", result.access->warnings, result);
    });
    result.timings.back().cache = result.access->cost_cache_use;
  }
  if (study.journeys) {
    run("journeys", [&] {
      journeys::JourneyRequest request = *study.journeys;
      request.access.cost_cache = options.cache_directory;
      result.journeys = journeys::run_journeys(request, progress);
    });
    result.timings.back().cache = result.journeys->access.cost_cache_use;
  }
  if (study.inequality) {
    run("inequality", [&] { result.inequality = measure::run_inequality(*study.inequality, progress); });
  }
  if (study.convergence) {
    run("convergence", [&] { result.convergence = measure::run_convergence(*study.convergence, progress); });
  }
  if (study.composite) {
    run("composite", [&] { result.composite = measure::run_composite(*study.composite, progress); });
  }
  if (study.plan) {
    run("plan", [&] {
      result.plan = run_plans(*study.plan, progress);
      collect_warnings("plan", result.plan->efficient.warnings, result);
      collect_warnings("plan", result.plan->fair.warnings, result);
    });
  }
  if (study.audit) {
    run("audit", [&] { result.audit = audit::run_metrics(*study.audit, progress); });
  }
  return result;
}

}  // namespace equalis::study

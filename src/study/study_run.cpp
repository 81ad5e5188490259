#include "study/study_run.hpp"

#include "core/error.hpp"
#include "core/stopwatch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace equalis::study {

namespace {

// A module's request field as the study file spells it: `cost_unit` in an access message is the study's
// costs.unit, `time_limit` in a plan message its plan.time_limit. Fields without an entry are the stage's
// section and the field ("audit.min_cell").
std::string study_key_of(const std::string& stage, std::string_view field) {
  static const std::unordered_map<std::string_view, std::string_view> kAccess{
      {"cost_unit", "costs.unit"},
      {"matrix", "costs.matrix"},
      {"graph", "costs.graph"},
      {"straight_line", "costs.straight_line"},
      {"detour", "costs.detour"},
      {"snap", "costs.snap"},
      {"max_snap", "costs.max_snap"},
      {"snap_threshold", "costs.snap_threshold"},
      {"digital_profiles", "channels.digital_profiles"},
      {"joint_abilities", "channels.joint_abilities"},
      {"outreach_reach", "channels.outreach_reach"},
      {"terminals", "channels.terminals"},
      {"assisted", "channels.assisted"},
      {"outreach", "channels.outreach"},
      {"zone_polygons", "zones.polygons"},
      {"polygon_id", "zones.polygon_id"},
      {"scenarios", "access.scenarios"},
  };
  static const std::unordered_map<std::string_view, std::string_view> kOthers{
      {"target_gap", "plan.gap"},        {"value_columns", "values"},
      {"time_column", "time"},           {"id_column", "id"},
      {"weight_column", "weight"},       {"group_column", "group"},
      {"from_time", "convergence.from"}, {"to_time", "convergence.to"},
  };
  if (stage == "access" || stage == "journeys") {
    if (const auto found = kAccess.find(field); found != kAccess.end()) return std::string(found->second);
    if (stage == "journeys" && (field == "catalogue" || field == "abilities" || field == "scenario_list"))
      return fmt::format("journeys.{}", field);
    return fmt::format("access.{}", field);
  }
  if (const auto found = kOthers.find(field); found != kOthers.end()) {
    const std::string_view key = found->second;
    return key.find('.') == std::string_view::npos ? fmt::format("{}.{}", stage, key) : std::string(key);
  }
  return fmt::format("{}.{}", stage, field);
}

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
    const auto spell = [&](std::string_view field) { return study_key_of(name, field); };
    throw Error(error.code(), fmt::format("[{}] {}", name, respell_fields(error.message(), spell)),
                respell_fields(error.fix(), spell), error.where());
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

std::string user_cache_directory() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0')
    return (std::filesystem::path(xdg) / "equalis").string();
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    return (std::filesystem::path(home) / ".cache" / "equalis").string();
  return {};
}

void refuse_output_over_inputs(const Study& study, const std::string& output,
                               const std::string& output_field) {
  std::error_code error;
  const auto folder = std::filesystem::weakly_canonical(output, error);
  for (const auto& input : study.inputs) {
    const auto path = std::filesystem::weakly_canonical(input.path, error);
    const auto [end, _] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
    if (end == folder.end()) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("the output folder {} holds the study's input {}", output, input.path),
          fmt::format("name another folder with {}: the run replaces the whole folder", output_field));
    }
  }
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

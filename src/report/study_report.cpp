#include "report/study_report.hpp"

#include "core/sha256.hpp"
#include "core/version.hpp"
#include "report/access_report.hpp"
#include "report/audit_report.hpp"
#include "report/composite_json.hpp"
#include "report/convergence_json.hpp"
#include "report/journeys_report.hpp"
#include "report/measure_json.hpp"
#include "report/plan_report.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace equalis::report {

namespace {

using Json = nlohmann::ordered_json;

Json recipe(const study::Study& study) {
  Json inputs = Json::array();
  for (const auto& input : study.inputs) {
    std::error_code error;
    const auto bytes = std::filesystem::file_size(input.path, error);
    inputs.push_back({{"role", input.role},
                      {"path", input.path},
                      {"sha256", sha256_file_hex(input.path)},
                      {"bytes", error ? 0 : bytes}});
  }
  Json defaults = Json::array();
  for (const auto& applied : study.defaults) {
    defaults.push_back({{"key", applied.key}, {"value", applied.value}, {"note", applied.note}});
  }
  return {{"study_file", study.file},
          {"study_sha256", sha256_hex(study.text)},
          {"inputs", std::move(inputs)},
          {"options", study.text},
          {"defaults_applied", std::move(defaults)},
          {"equalis_version", std::string(version())}};
}

Json plan_section(const study::PlanOutcome& plan) {
  Json curve = Json::array();
  for (const auto& point : plan.curve) {
    curve.push_back({{"objective", "kolm-pollak"},
                     {"aversion", point.aversion},
                     {"total_cost", point.total_cost},
                     {"price_of_fairness", point.price_of_fairness},
                     {"worst_group_mean", point.worst_group_mean},
                     {"worst_group", point.worst_group}});
  }
  return {{"efficient", plan_json(plan.efficient_request, plan.efficient)},
          {"fair", plan_json(plan.fair_request, plan.fair)},
          {"price_of_fairness", std::move(curve)}};
}

Json sections(const study::Study& study, const study::StudyResult& result) {
  Json out = Json::object();
  if (result.access) out["access"] = to_json(*study.access, *result.access);
  if (result.journeys) out["journeys"] = to_json(*study.journeys, *result.journeys);
  if (result.inequality) out["inequality"] = to_json(*study.inequality, *result.inequality);
  if (result.convergence) out["convergence"] = to_json(*study.convergence, *result.convergence);
  if (result.composite) out["composite"] = to_json(*study.composite, *result.composite);
  if (result.plan) out["plan"] = plan_section(*result.plan);
  if (result.audit) out["audit"] = metrics_renderers(*study.audit, *result.audit).json();
  return out;
}

std::string price_of_fairness_csv(const study::PlanOutcome& plan) {
  std::string out = "objective,aversion,total_cost,price_of_fairness,worst_group,worst_group_mean\n";
  for (const auto& point : plan.curve) {
    out += fmt::format("kolm-pollak,{},{},{},{},{}\n", point.aversion, point.total_cost,
                       point.price_of_fairness, point.worst_group, point.worst_group_mean);
  }
  return out;
}

}  // namespace

Json study_json(const study::Study& study, const study::StudyResult& result) {
  Json timings = Json::array();
  for (const auto& stage : result.timings)
    timings.push_back({{"stage", stage.stage}, {"seconds", stage.seconds}, {"cache", stage.cache}});
  Json header = {{"title", study.title},
                 {"title_zh", study.title_zh},
                 {"description", study.description},
                 {"description_zh", study.description_zh},
                 {"file", study.file},
                 {"language", study.language}};
  return {{"equalis", {{"version", std::string(version())}, {"command", "run"}}},
          {"study", std::move(header)},
          {"recipe", recipe(study)},
          {"findings", Json::array()},
          {"sections", sections(study, result)},
          {"timings", std::move(timings)},
          {"warnings", result.warnings}};
}

std::vector<FileContent> study_files(const study::Study& study, const study::StudyResult& result) {
  std::vector<FileContent> files;
  files.push_back({kStudyMarker, study_json(study, result).dump(2) + "\n"});
  if (result.access) {
    files.push_back({"zones.geojson", zones_geojson(*result.access).dump() + "\n"});
    files.push_back({"tables/access_zones.csv", zone_csv(*result.access)});
    files.push_back({"tables/access_summary.csv", summary_csv(*result.access)});
  }
  if (result.journeys) {
    files.push_back({"tables/journeys_zones.csv", journeys_zone_csv(*result.journeys)});
    files.push_back({"tables/journeys_summary.csv", journeys_summary_csv(*result.journeys)});
  }
  if (result.inequality)
    files.push_back({"tables/inequality.csv", renderers(*study.inequality, *result.inequality).csv()});
  if (result.composite)
    files.push_back({"tables/composite.csv", renderers(*study.composite, *result.composite).csv()});
  if (result.plan) {
    files.push_back(
        {"tables/plan_efficient.csv", plan_csv(result.plan->efficient_request, result.plan->efficient)});
    files.push_back({"tables/plan_rawls.csv", plan_csv(result.plan->fair_request, result.plan->fair)});
    files.push_back({"tables/price_of_fairness.csv", price_of_fairness_csv(*result.plan)});
  }
  if (result.audit)
    files.push_back({"tables/audit.csv", metrics_renderers(*study.audit, *result.audit).csv()});
  return files;
}

}  // namespace equalis::report

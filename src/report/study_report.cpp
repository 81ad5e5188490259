#include "report/study_report.hpp"

#include "core/csv.hpp"
#include "core/sha256.hpp"
#include "core/version.hpp"
#include "report/access_report.hpp"
#include "report/audit_report.hpp"
#include "report/composite_json.hpp"
#include "report/convergence_json.hpp"
#include "report/journeys_report.hpp"
#include "report/measure_json.hpp"
#include "report/plan_report.hpp"
#include "report/study_findings.hpp"
#include "report/study_html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <unordered_map>

namespace equalis::report {

namespace {

using Json = nlohmann::ordered_json;

// The first of the usual names present in `header`, or -1.
int column_named(const std::vector<std::string>& header, std::initializer_list<std::string_view> names) {
  for (const auto name : names) {
    const auto found = std::find(header.begin(), header.end(), name);
    if (found != header.end()) return static_cast<int>(found - header.begin());
  }
  return -1;
}

// id → (lon, lat) from a CSV with an id column (`id_column`, else id/idx/facility/site) and lon/lat
// columns; rows without a finite place are left out. Nothing when the file has no such columns.
void read_places(const std::string& file, const std::string& id_column,
                 std::unordered_map<std::string, std::pair<double, double>>& places,
                 std::vector<std::string>* order = nullptr) {
  const CsvTable table = CsvTable::read_file(file);
  const auto& header = table.header();
  const int id = id_column.empty() ? column_named(header, {"id", "idx", "facility", "site", "facility_id"})
                                   : column_named(header, {id_column});
  const int lon = column_named(header, {"lon", "longitude", "lng", "x"});
  const int lat = column_named(header, {"lat", "latitude", "y"});
  if (id < 0 || lon < 0 || lat < 0) return;
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const auto number = [&](int column) {
      const std::string cell(table.cell(row, static_cast<std::size_t>(column)));
      char* end = nullptr;
      const double value = std::strtod(cell.c_str(), &end);
      return end != cell.c_str() && *end == '\0' ? value : std::nan("");
    };
    const double x = number(lon);
    const double y = number(lat);
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    const std::string key(table.cell(row, static_cast<std::size_t>(id)));
    if (places.emplace(key, std::pair{x, y}).second && order != nullptr) order->push_back(key);
  }
}

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

Json site_points(const std::string& file);

Json plan_section(const study::PlanOutcome& plan, const std::string& site_locations) {
  Json curve = Json::array();
  for (const auto& point : plan.curve) {
    curve.push_back({{"objective", "kolm-pollak"},
                     {"aversion", point.aversion},
                     {"total_cost", point.total_cost},
                     {"price_of_fairness", point.price_of_fairness},
                     {"worst_group_mean", point.worst_group_mean},
                     {"worst_group", point.worst_group}});
  }
  Json out = {{"efficient", plan_json(plan.efficient_request, plan.efficient)},
              {"fair", plan_json(plan.fair_request, plan.fair)},
              {"price_of_fairness", std::move(curve)}};
  if (!site_locations.empty()) out["sites"] = site_points(site_locations);
  return out;
}

Json sections(const study::Study& study, const study::StudyResult& result) {
  Json out = Json::object();
  if (result.access) out["access"] = to_json(*study.access, *result.access);
  if (result.journeys) out["journeys"] = to_json(*study.journeys, *result.journeys);
  if (result.inequality) out["inequality"] = to_json(*study.inequality, *result.inequality);
  if (result.convergence) out["convergence"] = to_json(*study.convergence, *result.convergence);
  if (result.composite) out["composite"] = to_json(*study.composite, *result.composite);
  if (result.plan) out["plan"] = plan_section(*result.plan, study.plan->site_locations);
  if (result.audit) out["audit"] = metrics_renderers(*study.audit, *result.audit).json();
  return out;
}

// Where the offices are, for the maps: the access run's places, or the lon/lat columns of the facilities
// file when the costs came from a matrix (places were not needed then); none without either.
Json facility_points(const study::Study& study, const access::AccessResult& access) {
  Json points = Json::array();
  if (!access.facilities.lon.empty()) {
    for (std::size_t j = 0; j < access.facilities.size(); ++j) {
      points.push_back({{"id", access.facilities.ids[j]},
                        {"lon", access.facilities.lon[j]},
                        {"lat", access.facilities.lat[j]}});
    }
    return points;
  }
  std::unordered_map<std::string, std::pair<double, double>> places;
  read_places(study.access->facilities.file, study.access->facilities.id_column, places);
  for (const auto& id : access.facilities.ids) {
    if (const auto found = places.find(id); found != places.end()) {
      points.push_back({{"id", id}, {"lon", found->second.first}, {"lat", found->second.second}});
    }
  }
  return points;
}

Json site_points(const std::string& file) {
  Json points = Json::array();
  std::unordered_map<std::string, std::pair<double, double>> places;
  std::vector<std::string> order;
  read_places(file, "", places, &order);
  for (const auto& id : order) {
    const auto& [lon, lat] = places.at(id);
    points.push_back({{"id", id}, {"lon", lon}, {"lat", lat}});
  }
  return points;
}

Json labels_of(const study::Study& study) {
  Json labels = Json::object();
  for (const auto& label : study.labels) {
    Json names = Json::object();
    if (!label.en.empty()) names["en"] = label.en;
    if (!label.zh.empty()) names["zh"] = label.zh;
    labels[label.id] = std::move(names);
  }
  return labels;
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
  Json report = {{"equalis", {{"version", std::string(version())}, {"command", "run"}}},
                 {"study", std::move(header)},
                 {"recipe", recipe(study)},
                 {"labels", labels_of(study)},
                 {"findings", Json::array()},
                 {"sections", sections(study, result)},
                 {"timings", std::move(timings)},
                 {"warnings", result.warnings}};
  if (result.access) report["facilities"] = facility_points(study, *result.access);
  // The findings are computed from the sections as written (study_findings reads the documents).
  report["findings"] = study_findings(nlohmann::json::parse(report.dump()));
  return report;
}

std::string study_summary_text(const study::Study& study, const study::StudyResult& result,
                               const std::string& output) {
  std::string summary = fmt::format("equalis run: {} — {} stage(s)\n",
                                    study.title.empty() ? study.file : study.title, result.timings.size());
  for (const auto& stage : result.timings) {
    summary += fmt::format("  {:<12} {:8.2f} s{}\n", stage.stage, stage.seconds,
                           stage.cache == "reused" ? "  (travel costs from the cache)" : "");
  }
  for (const auto& warning : result.warnings) summary += fmt::format("  warning: {}\n", warning);
  if (!output.empty())
    summary += fmt::format("report: {}/report.html (data: report.json, tables/)\n", output);
  return summary;
}

std::vector<FileContent> study_files(const study::Study& study, const study::StudyResult& result) {
  std::vector<FileContent> files;
  const Json report = study_json(study, result);
  files.push_back({kStudyMarker, report.dump(2) + "\n"});
  const Json zones = result.access ? zones_geojson(*result.access) : Json();
  files.push_back({"report.html", render_study_html(nlohmann::json::parse(report.dump()),
                                                    nlohmann::json::parse(zones.dump()),
                                                    study.language == "zh" ? Language::Zh : Language::En)});
  if (result.access) {
    files.push_back({"zones.geojson", zones.dump() + "\n"});
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

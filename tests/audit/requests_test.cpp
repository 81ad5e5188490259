// The audit families called as a library, without the CLI: one request, one call, one report, on the
// golden tests' synthetic decision log. Each test checks numbers tests/golden/expected/audit_*.json (or
// .ndjson) also shows, so the library call and the documented command agree.

#include "audit/requests.hpp"

#include "audit/monitor_run.hpp"
#include "core/error.hpp"
#include "report/audit_report.hpp"
#include "report/document.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace equalis::audit {
namespace {

const std::string kGoldenData = EQUALIS_TEST_DATA_DIR "/../golden/data/";
const std::string kDecisions = kGoldenData + "decisions.csv";

// As tests/golden/cases/audit_metrics_json.case, without the bootstrap (point estimates only).
TEST(AuditRequests, MetricsMatchTheGoldenReport) {
  AuditMetricsRequest request;
  request.log.file = kDecisions;
  request.log.group = {"region", "hukou", "age_band"};
  request.log.decision = "granted";
  request.log.label = "eligible";
  const AuditMetricsReport report = run_metrics(request, null_progress());
  EXPECT_EQ(report.table.rows_read, 3000U);
  EXPECT_EQ(report.table.cell_count(), 18U);
  EXPECT_EQ(report.audit.overall.counts.n(), 3000U);
  EXPECT_NEAR(*report.audit.overall.rates[static_cast<std::size_t>(Metric::SelectionRate)].value,
              0.4796666666666667, 1e-12);
  const FamilyResult& region = report.audit.families.at(0);
  EXPECT_EQ(region.name, "region");
  EXPECT_EQ(region.reference_name, "west");
  EXPECT_NEAR(*region.spread[0].max_minus_min, 0.08010028363047006, 1e-12);
  ASSERT_TRUE(report.mitigation.has_value());  // automatic: the label is known
  const ReweighingCell& first = report.mitigation->reweighing.at(0);
  EXPECT_EQ(first.group, "east × local × 40-59");
  EXPECT_EQ(first.count, 146U);
  EXPECT_NEAR(*first.weight, 1.0414680365296805, 1e-12);
  EXPECT_FALSE(report.mitigation->thresholds.has_value());  // no score
  EXPECT_EQ(report.mitigation->skipped, ThresholdsSkipped::NoScore);
  // The JSON form, rendered without the CLI, carries the same numbers.
  const auto json =
      nlohmann::json::parse(report::render(report::Format::Json, report::metrics_renderers(request, report)));
  EXPECT_EQ(json["input"]["rows"], 3000);
  EXPECT_EQ(json["result"]["families"][0]["reference"]["group"], "west");
  EXPECT_EQ(json["recipe"]["options"]["missing_group"], "own");
}

TEST(AuditRequests, AmbiguousReferenceIsRefusedBeforeReading) {
  AuditMetricsRequest request;
  request.log.file = kGoldenData + "no_such_file.csv";
  request.log.group = {"region", "hukou"};
  request.log.decision = "granted";
  request.reference = {"east"};
  try {
    (void)run_metrics(request, null_progress());
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    EXPECT_NE(std::string(error.what()).find("`reference`"), std::string::npos) << error.what();
  }
}

// As tests/golden/cases/audit_rules.case.
TEST(AuditRequests, RulesMatchTheGoldenReport) {
  RulesRequest request;
  request.file = kDecisions;
  request.rule = R"(hukou == "local" and has_e_id)";
  request.group = {"region", "age_band"};
  const RulesReport report = run_rules(request, null_progress());
  EXPECT_EQ(report.rows, 3000U);
  EXPECT_EQ(report.sha256.size(), 64U);
  EXPECT_EQ(report.result.overall.population, 3000U);
  EXPECT_EQ(report.result.overall.excluded, 1402U);
  EXPECT_NEAR(*report.result.overall.exclusion_rate, 0.4673333333333333, 1e-12);
}

// As tests/golden/cases/audit_representation.case.
TEST(AuditRequests, RepresentationMatchesTheGoldenReport) {
  RepresentationRequest request;
  request.file = kDecisions;
  request.group = "region";
  request.reference = kGoldenData + "census.csv";
  request.reference_value = "population";
  const RepresentationReport report = run_representation(request, null_progress());
  EXPECT_EQ(report.reference_group, "region");  // defaults to the data's group column
  EXPECT_EQ(report.result.total, 3000U);
  const RepresentationRow& east = report.result.rows.at(0);
  EXPECT_EQ(east.group, "east");
  EXPECT_EQ(east.count, 1359U);
  EXPECT_NEAR(*east.coverage_ratio, 1.0453846153846154, 1e-12);
}

// Out-of-range levels were accepted (coverage 5 flagged every group; alpha 2 failed inside a quantile
// without naming the field): the library refuses them by name, as the command line does.
TEST(AuditRequests, RulesAndRepresentationRefuseLevelsOutOfRange) {
  RulesRequest rules;
  rules.file = kDecisions;
  rules.rule = "has_e_id";
  rules.group = {"region"};
  rules.alpha = 2.0;
  RepresentationRequest representation;
  representation.file = kDecisions;
  representation.group = "region";
  representation.reference = kGoldenData + "census.csv";
  representation.reference_value = "population";
  representation.coverage = 5.0;
  const auto expect_refused = [](const auto& run, const char* field) {
    try {
      run();
      ADD_FAILURE() << "expected an error naming " << field;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
      EXPECT_NE(std::string(error.what()).find(field), std::string::npos) << error.what();
    }
  };
  expect_refused([&] { (void)run_rules(rules, null_progress()); }, "`alpha`");
  expect_refused([&] { (void)run_representation(representation, null_progress()); }, "`coverage`");
  representation.coverage = 0.8;
  representation.alpha = 0.0;
  expect_refused([&] { (void)run_representation(representation, null_progress()); }, "`alpha`");
}

// As tests/golden/cases/audit_mitigate.case.
TEST(AuditRequests, MitigateMatchesTheGoldenReport) {
  MitigateRequest request;
  request.log.file = kDecisions;
  request.log.group = {"hukou"};
  request.log.score = "risk";
  request.log.threshold = 0.5;
  request.log.label = "eligible";
  const MitigateReport report = run_mitigate(request, null_progress());
  EXPECT_EQ(report.table.rows_read, 3000U);
  ASSERT_TRUE(report.mitigation.thresholds.has_value());
  const GroupThreshold& local = report.mitigation.thresholds->groups.at(0);
  EXPECT_EQ(local.group, "local");
  EXPECT_EQ(local.positives, 978U);
  EXPECT_NEAR(*local.threshold, 0.5805, 1e-12);

  request.log.label.clear();
  EXPECT_THROW((void)run_mitigate(request, null_progress()), Error);
}

// As tests/golden/cases/audit_monitor.case: the alerts arrive through the callback, in order.
TEST(AuditRequests, MonitorStreamsAlertsAndResumesFromItsState) {
  MonitorRequest request;
  request.file = kDecisions;
  request.group = {"region"};
  request.decision = "granted";
  request.options.window_count = 500;
  std::vector<MonitorAlert> alerts;
  request.on_alert = [&alerts](const MonitorAlert& alert) { alerts.push_back(alert); };
  const MonitorSummary summary = run_monitor(request, null_progress());
  EXPECT_EQ(summary.events, 3000U);
  EXPECT_EQ(summary.new_events, 3000U);
  EXPECT_EQ(summary.window, 500U);
  EXPECT_EQ(summary.alerts, 22U);
  ASSERT_EQ(alerts.size(), 22U);
  EXPECT_EQ(alerts.front().kind, "alert");
  EXPECT_EQ(alerts.front().group, "west");
  EXPECT_EQ(alerts.front().event_index, 365U);
  EXPECT_EQ(alerts.back().kind, "cleared");
  EXPECT_EQ(alerts.back().event_index, 1906U);

  // A second run on the same (append-only) log with the saved state reads nothing new.
  const auto state = std::filesystem::temp_directory_path() / "equalis_requests_test_monitor_state.json";
  std::filesystem::remove(state);
  request.state = state.string();
  request.on_alert = nullptr;
  EXPECT_EQ(run_monitor(request, null_progress()).alerts, 22U);
  const MonitorSummary resumed = run_monitor(request, null_progress());
  EXPECT_EQ(resumed.events, 3000U);
  EXPECT_EQ(resumed.new_events, 0U);
  EXPECT_EQ(resumed.alerts, 0U);
  std::filesystem::remove(state);
}

}  // namespace
}  // namespace equalis::audit

// `equalis audit …` end to end: the one-command audit on the COMPAS published counts (aggregated input),
// per-row logs, JSON/CSV/text output, and bad input with its exit status and message.

#include "cli/cli_run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using equalis::cli_test::data;
using equalis::cli_test::run;
using equalis::cli_test::RunResult;
using equalis::cli_test::write_temp;

const std::string kCompas = "audit metrics " + data("audit/compas_aggregated.csv") +
                            " -g race --decision decile_ge5 --label two_year_recid --count n";

const nlohmann::json& find_group(const nlohmann::json& family, const std::string& name) {
  for (const auto& group : family["groups"]) {
    if (group["name"] == name) return group;
  }
  throw std::runtime_error("no group " + name);
}

TEST(CliAudit, CompasAggregatedReproducesPublishedErrorRates) {
  const RunResult r = run(kCompas + " --reference Caucasian");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& family = json["result"]["families"][0];
  EXPECT_EQ(family["reference"]["group"], "Caucasian");
  const auto& black = find_group(family, "African-American");
  const auto& white = find_group(family, "Caucasian");
  EXPECT_NEAR(black["rates"]["fpr"]["value"].get<double>(), 0.4485, 5e-5);
  EXPECT_NEAR(black["rates"]["fnr"]["value"].get<double>(), 0.2799, 5e-5);
  EXPECT_NEAR(white["rates"]["fpr"]["value"].get<double>(), 0.2345, 5e-5);
  EXPECT_NEAR(white["rates"]["fnr"]["value"].get<double>(), 0.4772, 5e-5);
  EXPECT_EQ(black["rates"]["fpr"]["denominator"], 1795);
  EXPECT_TRUE(black["disparities"]["fpr"]["significant"].get<bool>());
  EXPECT_NEAR(black["disparities"]["fpr"]["difference"].get<double>(), 805.0 / 1795 - 349.0 / 1488, 1e-12);
  EXPECT_EQ(json["recipe"]["input"]["sha256"].get<std::string>().size(), 64U);
  EXPECT_EQ(json["recipe"]["options"]["count"], "n");
}

TEST(CliAudit, BootstrapIsSeededAndReported) {
  const RunResult a = run(kCompas + " --bootstrap 200 --seed 7");
  const RunResult b = run(kCompas + " --bootstrap 200 --seed 7");
  ASSERT_EQ(a.exit_status, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  const auto json = nlohmann::json::parse(a.out);
  const auto& white = find_group(json["result"]["families"][0], "Caucasian");
  EXPECT_TRUE(white["disparities"]["fpr"]["bootstrap_difference"].is_array());
  EXPECT_EQ(json["result"]["settings"]["bootstrap_replicates"], 200);
}

TEST(CliAudit, TextAndCsvForms) {
  const RunResult text = run(kCompas + " --format text");
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_NE(text.out.find("four-fifths rule"), std::string::npos);
  EXPECT_NE(text.out.find("sha256"), std::string::npos);
  const RunResult csv = run(kCompas + " --format csv");
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("section,period,family,group,bin,metric,value,low,high\n", 0), 0U);
  EXPECT_NE(csv.out.find("\nmetrics,,race,Caucasian,,n,"), std::string::npos);
}

TEST(CliAudit, SuppressionCountsSmallGroups) {
  const std::string path = write_temp("small.csv",
                                      "g,d\na,1\na,0\na,1\na,0\na,1\na,0\na,1\na,0\na,1\na,0\na,1\nb,1\nb,0\n"
                                      "c,1\nc,0\nc,1\nc,0\nc,1\nc,0\nc,1\nc,0\nc,1\nc,0\nc,1\nc,1\n");
  const RunResult r = run("audit metrics " + path + " -g g --decision d");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  // b (2) is below the minimum; a (11), the smallest other group, is its complement.
  EXPECT_EQ(json["result"]["suppressed_groups"], 2);
  const auto& b = find_group(json["result"]["families"][0], "b");
  EXPECT_TRUE(b["suppressed"].get<bool>());
  EXPECT_FALSE(b.contains("n"));
  EXPECT_TRUE(find_group(json["result"]["families"][0], "a")["suppressed"].get<bool>());
  EXPECT_EQ(json["result"]["families"][0]["suppressed"]["applicants"], 13);
  EXPECT_TRUE(find_group(json["result"]["families"][0], "c")["rates"]["tpr"]["value"].is_null());
}

TEST(CliAudit, BadDecisionPointsAtTheCell) {
  const std::string path = write_temp("bad.csv", "g,d\na,1\na,yes please\n");
  const RunResult r = run("audit metrics " + path + " -g g --decision d");
  EXPECT_EQ(r.exit_status, 3);  // parse error
  EXPECT_NE(r.err.find(":3:3"), std::string::npos) << r.err;
}

TEST(CliAudit, NegativeCountAndUnknownReference) {
  const std::string path = write_temp("neg.csv", "g,d,n\na,1,5\nb,0,-2\n");
  const RunResult negative = run("audit metrics " + path + " -g g --decision d --count n");
  EXPECT_EQ(negative.exit_status, 2);
  EXPECT_NE(negative.err.find(":3:5"), std::string::npos) << negative.err;
  const RunResult reference = run(kCompas + " --reference Caucasain");
  EXPECT_EQ(reference.exit_status, 2);
  EXPECT_NE(reference.err.find("Caucasian"), std::string::npos) << reference.err;
}

TEST(CliAudit, ScoreThresholdFromStdin) {
  const std::string path = write_temp("score.csv", "g,s,y\na,0.9,1\na,0.2,0\nb,0.6,0\nb,0.4,1\n");
  const RunResult r = run("audit metrics - -g g --score s --threshold 0.5 --label y --min-cell 0 < " + path);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_TRUE(json["result"]["families"][0]["groups"][0]["rates"]["selection_rate"]["value"] == 0.5);
  EXPECT_TRUE(json["recipe"]["input"]["sha256"].is_string());
}

TEST(CliAudit, RuleAuditReportsExclusionByGroup) {
  std::string population = "hukou,has_e_id,region\n";
  for (int i = 0; i < 20; ++i)
    population += "local,1,north\nlocal,0,north\nmigrant,1,south\nmigrant,0,south\nmigrant,0,north\n";
  const std::string path = write_temp("pop.csv", population);
  const RunResult r =
      run("audit rules " + path + " --rule 'hukou == \"local\" and has_e_id' -g hukou -g region");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& hukou = json["result"]["by_attribute"][0];
  EXPECT_EQ(hukou["least_excluded"], "local");
  EXPECT_DOUBLE_EQ(hukou["groups"][0]["exclusion_rate"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(hukou["groups"][1]["exclusion_rate"].get<double>(), 1.0);
  EXPECT_EQ(json["result"]["overall"]["excluded"], 80);
}

TEST(CliAudit, RuleThatDoesNotParsePointsAtItsColumn) {
  const std::string path = write_temp("pop2.csv", "hukou\nlocal\n");
  const RunResult r = run("audit rules " + path + " --rule 'hukou == \"local\" and' -g hukou");
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_NE(r.err.find("rule:1:21"), std::string::npos) << r.err;
}

TEST(CliAudit, RepresentationFlagsUnderCoveredGroups) {
  std::string applicants = "region\n";
  for (int i = 0; i < 30; ++i) applicants += "north\n";
  for (int i = 0; i < 70; ++i) applicants += "south\n";
  const std::string data_path = write_temp("applicants.csv", applicants);
  const std::string reference = write_temp("census.csv", "region,share\nnorth,0.5\nsouth,0.5\n");
  const RunResult r = run("audit representation " + data_path + " -g region --reference " + reference +
                          " --reference-value share");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& north = json["result"]["groups"][0];
  EXPECT_EQ(north["group"], "north");
  EXPECT_DOUBLE_EQ(north["coverage_ratio"].get<double>(), 0.6);
  EXPECT_TRUE(north["under_covered"].get<bool>());
  EXPECT_TRUE(north["significantly_under"].get<bool>());
  EXPECT_EQ(json["result"]["under_covered"], 1);
}

TEST(CliAudit, MitigateReportsWeightsThresholdsAndAccuracyChange) {
  const std::string path = write_temp("scored.csv",
                                      "g,s,y\na,0.9,1\na,0.8,1\na,0.7,1\na,0.3,1\na,0.6,0\na,0.2,0\n"
                                      "b,0.6,1\nb,0.4,1\nb,0.35,1\nb,0.1,1\nb,0.5,0\nb,0.1,0\n");
  // Six applicants a group: below the default minimum cell, so --min-cell 0 to see the arithmetic.
  const RunResult r =
      run("audit mitigate " + path + " -g g --score s --threshold 0.5 --label y --min-cell 0");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& thresholds = json["result"]["equal_opportunity_thresholds"];
  EXPECT_DOUBLE_EQ(thresholds["target_tpr"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(thresholds["accuracy_change"].get<double>(), 7.0 / 12.0 - 0.5);
  EXPECT_DOUBLE_EQ(thresholds["groups"][1]["threshold"].get<double>(), 0.4);
  // a: 4 positives of 6, overall 8 of 12: w(a, 1) = (6/12)(8/12)/(4/12) = 1.
  EXPECT_DOUBLE_EQ(json["result"]["reweighing"][0]["weight"].get<double>(), 1.0);
}

TEST(CliAudit, MonitorAlertsAndResumesFromState) {
  // 600 balanced decisions, then 600 where b is never selected.
  std::string log = "g,d\n";
  for (int i = 0; i < 600; ++i)
    log += std::string(i % 2 == 0 ? "a" : "b") + "," + ((i / 2) % 2 == 0 ? "1" : "0") + "\n";
  std::string tail;
  for (int i = 0; i < 600; ++i) tail += std::string(i % 2 == 0 ? "a,1" : "b,0") + "\n";
  const std::string first = write_temp("mon1.csv", log);
  const std::string whole = write_temp("mon2.csv", log + tail);
  const std::string state = write_temp("mon_state.json", "");
  std::filesystem::remove(state);
  const std::string options = " -g g --decision d --window 200 --gap 0.2 --state " + state;
  const RunResult quiet = run("audit monitor " + first + options);
  ASSERT_EQ(quiet.exit_status, 0) << quiet.err;
  EXPECT_EQ(quiet.out.find("\"alert\""), std::string::npos);
  // Restart on the grown log: only the new 600 decisions are read, and the shift raises an alert.
  const RunResult resumed = run("audit monitor - " + options + " < " + whole);
  ASSERT_EQ(resumed.exit_status, 0) << resumed.err;
  const auto first_line = nlohmann::json::parse(resumed.out.substr(0, resumed.out.find('\n')));
  EXPECT_EQ(first_line["type"], "alert");
  EXPECT_GT(first_line["event"].get<int>(), 600);
  const auto last = resumed.out.substr(resumed.out.rfind('{'));
  const auto summary = nlohmann::json::parse(last);
  EXPECT_EQ(summary["new_events"], 600);
  EXPECT_EQ(summary["events"], 1200);
}

TEST(CliAudit, NonFiniteThresholdsAreRefused) {
  // A NaN threshold selected nobody (0 % everywhere) and a NaN window never alerted: both exited 0.
  const std::string log = std::string(EQUALIS_TEST_DATA_DIR) + "/../golden/data/decisions.csv";
  const auto metrics =
      run("audit metrics " + log + " -g region --score risk --threshold nan --label eligible");
  EXPECT_EQ(metrics.exit_status, 2) << metrics.err;
  EXPECT_NE(metrics.err.find("--threshold"), std::string::npos) << metrics.err;
  const auto monitor = run("audit monitor " + log + " -g region --score risk --threshold nan");
  EXPECT_EQ(monitor.exit_status, 2) << monitor.err;
  const auto window =
      run("audit monitor " + log + " -g region --decision granted --time decided_at --window-seconds nan");
  EXPECT_EQ(window.exit_status, 2) << window.err;
  const auto gap = run("audit monitor " + log + " -g region --decision granted --gap inf");
  EXPECT_EQ(gap.exit_status, 2) << gap.err;
}
}  // namespace

// ---- the one-command audit: rule, calibration, periods and mitigation in one report ---------------------

std::string scored_log() {
  // a: 20 × (0.8, positive, local, January) + 20 × (0.3, negative, local, February);
  // b: 20 × (0.6, positive, not local, January) + 20 × (0.2, positive, local, February).
  std::string log = "g,s,y,local,t\n";
  for (int i = 0; i < 20; ++i) {
    log +=
        "a,0.8,1,1,2024-01-10\na,0.3,0,1,2024-02-10\nb,0.6,1,0,2024-01-15\nb,0.2,1,1,2024-02-15T08:00:00\n";
  }
  return log;
}

TEST(CliAudit, OneCommandAuditWithRuleCalibrationPeriodsAndMitigation) {
  const std::string path = write_temp("one.csv", scored_log());
  const RunResult r = run("audit metrics " + path +
                          " -g g --score s --threshold 0.5 --label y --rule local --time t --period month");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& result = json["result"];
  // Rule: b is half excluded (its January rows are not local), a not at all.
  const auto& rule = result["rule_audit"]["by_attribute"][0];
  EXPECT_EQ(rule["least_excluded"], "a");
  EXPECT_DOUBLE_EQ(find_group(rule, "b")["exclusion_rate"].get<double>(), 0.5);
  // Calibration (10 equal-width bins): ECE(a) = ½·|0.8 − 1| + ½·|0.3 − 0| = 0.25,
  // ECE(b) = ½·|0.6 − 1| + ½·|0.2 − 1| = 0.6; in-the-large(b) = 0.4 − 1 = −0.6.
  const auto& calibration = result["calibration"];
  EXPECT_EQ(calibration["bins"], 10);
  EXPECT_EQ(calibration["binning"], "equal_width");
  const auto& cal_a = find_group(calibration["families"][0], "a");
  EXPECT_NEAR(cal_a["ece"].get<double>(), 0.25, 1e-12);
  EXPECT_NEAR(find_group(calibration["families"][0], "b")["calibration_in_the_large"].get<double>(), -0.6,
              1e-12);
  EXPECT_EQ(cal_a["bins"][8]["n"], 20);
  EXPECT_TRUE(cal_a["bins"][0]["suppressed"] == false);
  // Periods: everybody selected in January, nobody in February.
  const auto& periods = result["periods"];
  ASSERT_EQ(periods.size(), 2U);
  EXPECT_EQ(periods[0]["period"], "2024-01");
  EXPECT_DOUBLE_EQ(periods[0]["overall"]["selection_rate"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(periods[1]["overall"]["selection_rate"].get<double>(), 0.0);
  // Mitigation is automatic with a label: reweighing and, with a score, thresholds.
  EXPECT_EQ(result["mitigation"]["reweighing"].size(), 4U);
  EXPECT_TRUE(result["mitigation"]["equal_opportunity_thresholds"].is_object());
  EXPECT_TRUE(result["mitigation"]["mode"].get<std::string>().starts_with("automatic"));
  EXPECT_EQ(json["recipe"]["options"]["rule"], "local");

  const RunResult text = run("audit metrics " + path +
                             " -g g --score s --threshold 0.5 --label y --rule local --time t --format text");
  ASSERT_EQ(text.exit_status, 0) << text.err;
  for (const char* part : {"Calibration by score bin", "By period", "Mitigation options", "excluded by g"}) {
    EXPECT_NE(text.out.find(part), std::string::npos) << part;
  }
  const RunResult csv = run("audit metrics " + path +
                            " -g g --score s --threshold 0.5 --label y --rule local --time t --format csv");
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  // One tidy table: a single header, every part as rows of the same nine columns.
  EXPECT_EQ(csv.out.rfind("section,period,family,group,bin,metric,value,low,high\n", 0), 0U);
  EXPECT_EQ(csv.out.find("section,", 1), std::string::npos);
  EXPECT_EQ(csv.out.find("\n\n"), std::string::npos);
  EXPECT_NE(csv.out.find("\ncalibration,,g,a,9,bin_low,0.8,,"), std::string::npos);
  EXPECT_NE(csv.out.find("\nrule_audit,,g,"), std::string::npos);
  EXPECT_NE(csv.out.find("\nperiod,"), std::string::npos);
  std::istringstream rows(csv.out);
  for (std::string row; std::getline(rows, row);) {
    if (row.find('"') == std::string::npos) {
      EXPECT_EQ(std::count(row.begin(), row.end(), ','), 8) << row;
    }
  }

  const RunResult off =
      run("audit metrics " + path + " -g g --score s --threshold 0.5 --label y --no-mitigation --bins 0");
  ASSERT_EQ(off.exit_status, 0) << off.err;
  const auto off_json = nlohmann::json::parse(off.out);
  EXPECT_FALSE(off_json["result"].contains("mitigation"));
  EXPECT_FALSE(off_json["result"].contains("calibration"));
}

TEST(CliAudit, QuantileBinsAndSuppressedBins) {
  const std::string path = write_temp("quant.csv", scored_log());
  const RunResult r =
      run("audit metrics " + path +
          " -g g --score s --threshold 0.5 --label y --bins 4 --binning quantile --min-cell 25");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& calibration = json["result"]["calibration"];
  EXPECT_EQ(calibration["binning"], "quantile");
  // Every bin of a and b holds 20 < 25 applicants or none: all non-empty bins are suppressed.
  EXPECT_GT(calibration["families"][0]["suppressed"]["bins"].get<int>(), 0);
}

TEST(CliAudit, NdjsonInputByExtension) {
  std::string log;
  for (int i = 0; i < 20; ++i) {
    log += "{\"g\":\"a\",\"d\":1,\"y\":1}\n{\"g\":\"b\",\"d\":0,\"y\":1}\n{\"g\":\"b\",\"d\":true,\"y\":0}\n";
  }
  const std::string path = write_temp("log.ndjson", log);
  const RunResult r = run("audit metrics " + path + " -g g --decision d --label y");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& family = json["result"]["families"][0];
  EXPECT_DOUBLE_EQ(find_group(family, "b")["rates"]["selection_rate"]["value"].get<double>(), 0.5);
  EXPECT_EQ(json["recipe"]["options"]["input_format"], "ndjson");
  const std::string bad =
      write_temp("bad.jsonl", "{\"g\":\"a\",\"d\":1,\"y\":1}\n{\"g\":\"a\",\"d\":\"maybe\",\"y\":1}\n");
  const RunResult error = run("audit metrics " + bad + " -g g --decision d --label y");
  EXPECT_NE(error.exit_status, 0);
  EXPECT_NE(error.err.find("bad.jsonl:2:10"), std::string::npos) << error.err;
  EXPECT_NE(error.err.find("'d'"), std::string::npos) << error.err;
  // --input-format overrides the extension.
  const std::string csv_named = write_temp("log_as_text.txt", log);
  const RunResult forced =
      run("audit metrics " + csv_named + " -g g --decision d --label y --input-format ndjson");
  EXPECT_EQ(forced.exit_status, 0) << forced.err;
}

TEST(CliAudit, MetricsRuleErrorsPointAtTheRuleColumn) {
  const std::string path = write_temp("rule_err.csv", scored_log());
  const RunResult parse = run("audit metrics " + path + " -g g --score s --threshold 0.5 --rule 'local and'");
  EXPECT_NE(parse.exit_status, 0);
  EXPECT_NE(parse.err.find("rule:1:"), std::string::npos) << parse.err;
  const RunResult unknown = run("audit metrics " + path + " -g g --score s --threshold 0.5 --rule 'locl'");
  EXPECT_NE(unknown.exit_status, 0);
  EXPECT_NE(unknown.err.find("rule:1:1"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("local"), std::string::npos) << unknown.err;
  const RunResult time =
      run("audit metrics " + write_temp("time_err.csv", "g,d,t\na,1,2024-01-01\na,0,soon\n") +
          " -g g --decision d --time t");
  EXPECT_NE(time.exit_status, 0);
  EXPECT_NE(time.err.find("time_err.csv:3:5"), std::string::npos) << time.err;
}

TEST(CliAudit, MonitorReadsNdjson) {
  // The monitor test's log as NDJSON: 600 balanced decisions, then 600 where b is never selected. The
  // CSV and NDJSON runs give the same alerts.
  std::string csv = "g,d\n";
  std::string ndjson;
  for (int i = 0; i < 1200; ++i) {
    const bool a = i % 2 == 0;
    const bool selected = i < 600 ? (i / 2) % 2 == 0 : a;
    csv += fmt::format("{},{}\n", a ? "a" : "b", selected ? 1 : 0);
    ndjson += fmt::format("{{\"g\":\"{}\",\"d\":{}}}\n", a ? "a" : "b", selected ? "true" : "false");
  }
  const std::string options = " -g g --decision d --window 200 --gap 0.2";
  const RunResult from_csv = run("audit monitor " + write_temp("mon.csv", csv) + options);
  const RunResult from_ndjson = run("audit monitor " + write_temp("mon.ndjson", ndjson) + options);
  ASSERT_EQ(from_ndjson.exit_status, 0) << from_ndjson.err;
  EXPECT_NE(from_ndjson.out.find("\"alert\""), std::string::npos);
  EXPECT_EQ(from_ndjson.out, from_csv.out);
  const RunResult from_stdin =
      run("audit monitor - --input-format ndjson" + options + " < " + write_temp("mon2.ndjson", ndjson));
  EXPECT_EQ(from_stdin.out, from_csv.out);
  const RunResult bad =
      run("audit monitor " + write_temp("mon_bad.ndjson", "{\"g\":\"a\",\"d\":7}\n") + options);
  EXPECT_NE(bad.exit_status, 0);
  EXPECT_NE(bad.err.find("mon_bad.ndjson:1:10"), std::string::npos) << bad.err;
}

namespace {

// One rule for counts in every audit reader: 1e30 or 2e19 people are refused at their cell (they were
// counted as 0 by `audit rules` before), and so is a total above 2^53.
TEST(CliAudit, HugeCountsAreRefusedAtTheirCellByEveryReader) {
  const std::string reference = write_temp("count_reference.csv", "g,pop\na,1\nb,1\n");
  for (const std::string huge : {"1e30", "2e19", "-1", "2.5", "9007199254740994"}) {
    const std::string path = write_temp("huge_count.csv", "g,d,ok,n\na,1,1,5\nb,0,0," + huge + "\n");
    for (const std::string& command : {"audit rules " + path + " --rule ok -g g --count n",
                                       "audit metrics " + path + " -g g --decision d --count n",
                                       "audit representation " + path + " -g g --count n --reference " +
                                           reference + " --reference-value pop"}) {
      const RunResult r = run(command);
      EXPECT_EQ(r.exit_status, 2) << command << "\n" << r.err;
      EXPECT_NE(r.err.find(":3:7"), std::string::npos) << command << "\n" << r.err;
      EXPECT_NE(r.err.find("2^53"), std::string::npos) << r.err;
    }
  }
  // Not a number at all: the same parse error (exit 3) from every reader.
  const std::string word = write_temp("word_count.csv", "g,d,ok,n\na,1,1,5\nb,0,0,inf\n");
  for (const std::string& command : {"audit rules " + word + " --rule ok -g g --count n",
                                     "audit metrics " + word + " -g g --decision d --count n",
                                     "audit representation " + word + " -g g --count n --reference " +
                                         reference + " --reference-value pop"}) {
    const RunResult r = run(command);
    EXPECT_EQ(r.exit_status, 3) << command << "\n" << r.err;
    EXPECT_NE(r.err.find(":3:7: count 'inf' in 'n' is not a number"), std::string::npos) << r.err;
  }
  // 2^53 itself is a count; two of them add up to more than any table may hold.
  const std::string largest = write_temp("largest_count.csv", "g,d,ok,n\na,1,1,9007199254740992\n");
  EXPECT_EQ(run("audit rules " + largest + " --rule ok -g g --count n").exit_status, 0);
  const std::string twice =
      write_temp("twice_count.csv", "g,d,ok,n\na,1,1,9007199254740992\nb,0,0,9007199254740992\n");
  for (const std::string& command : {"audit rules " + twice + " --rule ok -g g --count n",
                                     "audit metrics " + twice + " -g g --decision d --count n",
                                     "audit representation " + twice + " -g g --count n --reference " +
                                         reference + " --reference-value pop"}) {
    const RunResult r = run(command);
    EXPECT_EQ(r.exit_status, 2) << command << "\n" << r.err;
    EXPECT_NE(r.err.find(":3:7"), std::string::npos) << command << "\n" << r.err;
  }
}

}  // namespace

namespace {

TEST(CliAudit, FavourableNotSelectedFlagsTheMostFlaggedGroup) {
  std::string csv = "g,flag\n";
  for (int i = 0; i < 100; ++i) csv += std::string("a,") + (i < 10 ? "1" : "0") + "\n";
  for (int i = 0; i < 100; ++i) csv += std::string("b,") + (i < 50 ? "1" : "0") + "\n";
  const std::string path = write_temp("fraud_flags.csv", csv);
  const RunResult by_default = run("audit metrics " + path + " -g g --decision flag");
  ASSERT_EQ(by_default.exit_status, 0) << by_default.err;
  const auto plain = nlohmann::json::parse(by_default.out);
  EXPECT_FALSE(plain["result"]["settings"].contains("favourable"));  // the default report is unchanged
  EXPECT_TRUE(find_group(plain["result"]["families"][0], "a")["four_fifths"]["flag"].get<bool>());
  const RunResult r = run("audit metrics " + path + " -g g --decision flag --favourable not-selected");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["result"]["settings"]["favourable"], "not_selected");
  EXPECT_EQ(json["recipe"]["options"]["favourable"], "not-selected");
  const auto& family = json["result"]["families"][0];
  EXPECT_EQ(family["reference"]["group"], "a");
  EXPECT_FALSE(find_group(family, "a")["four_fifths"]["flag"].get<bool>());
  EXPECT_TRUE(find_group(family, "b")["four_fifths"]["flag"].get<bool>());
  EXPECT_NE(run("audit metrics " + path + " -g g --decision flag --favourable rejected").exit_status, 0);
}

}  // namespace

namespace {

TEST(CliAudit, ScoresOutsideTheUnitIntervalRunWithoutCalibration) {
  std::string csv = "g,risk,y\n";
  for (int i = 0; i < 40; ++i)
    csv += std::string(i % 2 == 0 ? "a" : "b") + "," + std::to_string(i % 10) + "," +
           (i % 3 == 0 ? "1" : "0") + "\n";
  const std::string path = write_temp("risk_0_9.csv", csv);
  const RunResult r = run("audit metrics " + path + " -g g --score risk --threshold 5 --label y");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.err.find("warning: calibration not computed: score '2' in 'risk' at "), std::string::npos)
      << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_FALSE(json["result"].contains("calibration"));
  EXPECT_NE(json["result"]["calibration_not_computed"].get<std::string>().find("outside [0, 1]"),
            std::string::npos);
  EXPECT_EQ(json["recipe"]["options"]["bins"], 0);
  const RunResult text =
      run("audit metrics " + path + " -g g --score risk --threshold 5 --label y --format text");
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_NE(text.out.find("Calibration: not computed (score '2'"), std::string::npos) << text.out;
}

}  // namespace

namespace {

// `tail -f log | equalis audit monitor - …` then Ctrl-C: the rows read so far count, the state is saved,
// the summary is printed (saying `interrupted`) and the exit status is 130 (cancelled). Before, the read
// blocked on the pipe failed with an I/O error: no state, no summary.
void expect_interrupt_saves_state(const std::string& header, const std::function<std::string(int)>& row,
                                  const std::string& format) {
  const std::string state = write_temp("monitor_interrupted_" + format + ".json", "");
  std::filesystem::remove(state);
  int to_child[2];
  int from_child[2];
  ASSERT_EQ(::pipe(to_child), 0);
  ASSERT_EQ(::pipe(from_child), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(from_child[1], STDOUT_FILENO);
    ::close(to_child[1]);
    ::close(from_child[0]);
    const std::string binary = EQUALIS_BINARY;
    ::execl(binary.c_str(), binary.c_str(), "audit", "monitor", "-", "-g", "g", "--decision", "d",
            "--input-format", format.c_str(), "--state", state.c_str(), "--save-every", "10",
            static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  std::string rows = header;
  for (int i = 0; i < 50; ++i) rows += row(i);
  ASSERT_EQ(::write(to_child[1], rows.data(), rows.size()), static_cast<ssize_t>(rows.size()));
  // The writer stays open, like `tail -f`: wait until the monitor has saved all 50 rows, then Ctrl-C.
  bool saved = false;
  for (int attempt = 0; attempt < 400 && !saved; ++attempt) {
    std::ifstream in(state);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    saved = text.find("\"events_seen\":50") != std::string::npos;
    if (!saved) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_TRUE(saved) << "the monitor never processed the piped rows";
  ::kill(child, SIGINT);
  std::string out;
  char buffer[4096];
  for (ssize_t got; (got = ::read(from_child[0], buffer, sizeof buffer)) > 0;)
    out.append(buffer, static_cast<std::size_t>(got));
  ::close(from_child[0]);
  ::close(to_child[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << format;
  EXPECT_EQ(WEXITSTATUS(status), 130) << format << "\n" << out;
  const auto summary = nlohmann::json::parse(out.substr(out.rfind("{\"type\":\"summary\"")));
  EXPECT_EQ(summary["events"], 50) << format;
  EXPECT_TRUE(summary["interrupted"].get<bool>()) << format;
  std::ifstream in(state);
  EXPECT_EQ(nlohmann::json::parse(in)["events_seen"], 50) << format;
}

TEST(CliAudit, MonitorOnStdinSavesStateAndSummarizesWhenInterrupted) {
  expect_interrupt_saves_state(
      "g,d\n",
      [](int i) { return std::string(i % 2 == 0 ? "a" : "b") + "," + std::to_string(i % 3 % 2) + "\n"; },
      "csv");
  expect_interrupt_saves_state(
      "",
      [](int i) {
        return std::string("{\"g\":\"") + (i % 2 == 0 ? "a" : "b") + "\",\"d\":" + std::to_string(i % 3 % 2) +
               "}\n";
      },
      "ndjson");
}

}  // namespace

namespace {

// Every command of the example block at the top of docs/audit.md runs as written from the repository root
// (on the synthetic log of examples/audit/). The commands run in a scratch directory that links
// `examples`, so files they write (the monitor's state) stay out of the tree.
TEST(CliAudit, TheDocsExamplesRunAsWritten) {
  const std::filesystem::path root = std::filesystem::path(EQUALIS_TEST_DATA_DIR).parent_path().parent_path();
  std::ifstream in(root / "docs" / "audit.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t start = doc.find("```\n");
  ASSERT_NE(start, std::string::npos);
  const std::size_t end = doc.find("```", start + 4);
  std::string block = doc.substr(start + 4, end - start - 4);
  for (std::size_t at; (at = block.find("\\\n")) != std::string::npos;) block.replace(at, 2, " ");
  const auto scratch =
      std::filesystem::temp_directory_path() / ("equalis_docs_" + std::to_string(::getpid()));
  std::filesystem::create_directories(scratch);
  std::filesystem::remove(scratch / "examples");
  std::filesystem::create_directory_symlink(root / "examples", scratch / "examples");
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(scratch);
  std::istringstream lines(block);
  std::size_t commands = 0;
  for (std::string line; std::getline(lines, line);) {
    if (const auto comment = line.find("  #"); comment != std::string::npos) line.erase(comment);
    line.erase(0, line.find_first_not_of(' '));
    if (line.empty() || line[0] == '#') continue;
    std::string arguments;
    if (line.rfind("equalis ", 0) == 0) {
      arguments = line.substr(8);
    } else if (line.rfind("cat ", 0) == 0 && line.find(" | equalis ") != std::string::npos) {
      const std::size_t pipe = line.find(" | equalis ");
      arguments = line.substr(pipe + 11) + " < " + line.substr(4, pipe - 4);
    } else {
      ADD_FAILURE() << "not a command this test knows how to run: " << line;
      continue;
    }
    const RunResult r = run(arguments + " >/dev/null");
    EXPECT_EQ(r.exit_status, 0) << line << "\n" << r.err;
    ++commands;
  }
  std::filesystem::current_path(previous);
  std::filesystem::remove_all(scratch);
  EXPECT_GE(commands, 7U);
}

}  // namespace

// `equalis audit …` end to end: the one-command audit on the COMPAS published counts (aggregated input),
// per-row logs, JSON/CSV/text output, and bad input with its exit status and message.

#include "cli/cli_run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

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
  EXPECT_EQ(csv.out.rfind("family,group,suppressed,reference,n,selection_rate", 0), 0U);
  EXPECT_NE(csv.out.find("race,Caucasian,0,"), std::string::npos);
}

TEST(CliAudit, SuppressionCountsSmallGroups) {
  const std::string path =
      write_temp("small.csv", "g,d\na,1\na,0\na,1\na,0\na,1\na,0\na,1\na,0\na,1\na,0\na,1\nb,1\nb,0\n");
  const RunResult r = run("audit metrics " + path + " -g g --decision d");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["result"]["suppressed_groups"], 1);
  const auto& b = find_group(json["result"]["families"][0], "b");
  EXPECT_TRUE(b["suppressed"].get<bool>());
  EXPECT_FALSE(b.contains("n"));
  EXPECT_TRUE(find_group(json["result"]["families"][0], "a")["rates"]["tpr"]["value"].is_null());
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
  const RunResult r = run("audit mitigate " + path + " -g g --score s --threshold 0.5 --label y");
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

}  // namespace

// `equalis journeys` as a user runs it: the "One Network for All Matters" example on two zones, the JSON,
// the CSV and the summary written together, a broken catalogue reported at once with exit status 2, and
// the example's scenarios (and a misspelt one).

#include "cli_run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace equalis::cli_test {
namespace {

std::string example(const std::string& name) {
  return std::string(EQUALIS_EXAMPLES_DIR) + "/journeys/" + name;
}

struct Files {
  std::string zones =
      write_temp("j_zones.csv", "id,population,pop_60plus,pop_rural\nA,1000,200,0\nB,800,200,800\n");
  std::string offices = write_temp("j_offices.csv", "id,capacity\nX,5\n");
  std::string assisted = write_temp("j_assisted.csv", "id\nS\n");
  std::string matrix = write_temp("j_matrix.csv", "from,to,cost\nA,X,10\nB,X,50\nB,S,10\nA,S,40\n");
  [[nodiscard]] std::string command(const std::string& tail) const {
    return fmt::format(
        "journeys {} --facilities {} --matrix {} --cost-unit minutes --standard 30min --group-columns "
        "pop_60plus,pop_rural --assisted {} --catalogue {} --abilities {} {}",
        zones, offices, matrix, assisted, example("one_network_catalogue.toml"),
        example("one_network_abilities_cn.csv"), tail);
  }
  ~Files() {
    for (const auto& path : {zones, offices, assisted, matrix}) std::filesystem::remove(path);
  }
};

TEST(CliJourneys, OneNetworkExampleGivesCompletionTripsAndReasons) {
  const Files files;
  auto r = run(files.command("--format json"));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["matters"].size(), 4U);
  const auto& allowance = json["matters"][0];
  EXPECT_EQ(allowance["id"], "elderly_allowance");
  for (const auto& group : allowance["groups"]) {
    double failing = 0.0;
    for (const auto& reason : group["reasons"]) failing += reason["people"].get<double>();
    EXPECT_NEAR(failing, group["failing"].get<double>(), 1e-6) << group["group"];
  }
  // Older people finish the allowance less often than everyone (fewer phones, e-IDs and skills).
  EXPECT_LT(allowance["groups"][1]["share_completing"].get<double>(),
            allowance["groups"][0]["share_completing"].get<double>());
  EXPECT_FALSE(json["inputs"]["abilities"]["illustrative"].empty());
  // The CSV: one row per zone × group × matter, and a summary written with it.
  const auto summary = write_temp("j_summary.csv", "");
  const auto out = write_temp("j_out.csv", "");
  r = run(files.command(fmt::format("--format csv -o {} --summary-output {}", out, summary)));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::string csv = read_text(out);
  EXPECT_EQ(csv.rfind("zone,group,matter,people,eligible,completion,visits,more_than_one_visit,minutes,money,"
                      "main_reason\n",
                      0),
            0U);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 3 * 4);
  EXPECT_NE(read_text(summary).find("elderly_allowance,pop_60plus,completing,"), std::string::npos);
  std::filesystem::remove(summary);
  std::filesystem::remove(out);
}

TEST(CliJourneys, ABrokenCatalogueIsReportedAtOnceAndNothingIsWritten) {
  const Files files;
  const auto catalogue = write_temp("j_bad.toml",
                                    "[requirements]\nsmartphone = \"a phone\"\n[[matter]]\nid = \"m\"\n"
                                    "  [[matter.step]]\n  id = \"a\"\n  channels = [{ channel = \"online\", "
                                    "requires = [\"smartfone\"] }]\n  [[matter.step]]\n  id = \"b\"\n");
  const auto out = write_temp("j_keep.json", "previous\n");
  const auto r = run(fmt::format(
      "journeys {} --facilities {} --matrix {} --cost-unit minutes --standard 30min --catalogue {} "
      "--abilities {} "
      "-o {}",
      files.zones, files.offices, files.matrix, catalogue, example("one_network_abilities_cn.csv"), out));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("2 problems"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'smartphone'"), std::string::npos) << r.err;
  EXPECT_EQ(read_text(out), "previous\n");
  std::filesystem::remove(catalogue);
  std::filesystem::remove(out);
}

TEST(CliJourneys, ScenariosAreComparedWithTheBaseline) {
  const Files files;
  auto r =
      run(files.command(fmt::format("--scenarios {} --format json", example("one_network_scenarios.toml"))));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["scenarios"].size(), 5U);
  const auto& online = json["scenarios"][0];
  EXPECT_EQ(online["name"], "allowance online only");
  bool older_lose = false;
  for (const auto& change : online["changes"]) {
    if (change["matter"] != "elderly_allowance") {
      EXPECT_NEAR(change["completion_change"].get<double>(), 0.0, 1e-12) << change;
      continue;
    }
    EXPECT_LE(change["completion_change"].get<double>(), 1e-12) << change;  // raises it for nobody
    if (change["group"] == "pop_60plus") older_lose = change["loses"].get<bool>();
  }
  EXPECT_TRUE(older_lose);
  r = run(files.command(fmt::format("--scenarios {} --format text", example("one_network_scenarios.toml"))));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("scenario 'digital by default'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("LOSES"), std::string::npos) << r.out;
  const auto bad = write_temp("j_bad_scenarios.toml",
                              "[[scenario]]\nname = \"x\"\nonline_only = [\"elderly_allowanse\"]\n"
                              "close_channels = [\"fax\"]\n");
  r = run(files.command(fmt::format("--scenarios {}", bad)));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("2 problems in the scenarios"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(":3:16: online_only: 'elderly_allowanse'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(":4:19: 'fax' is no channel"), std::string::npos) << r.err;
  std::filesystem::remove(bad);
}

}  // namespace
}  // namespace equalis::cli_test

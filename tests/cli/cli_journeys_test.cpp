// `equalis journeys` as a user runs it: the "One Network for All Matters" example on two zones, the JSON,
// the CSV and the summary written together, a broken catalogue reported at once with exit status 2, the
// example's scenarios (and a misspelt one), and the telemedicine and satellite-education examples with
// their office kinds (--office).

#include "cli_run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

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

// One CSV row's numbers: zone,group,matter,people,eligible,completion,visits,more_than_one_visit,minutes,…
std::vector<double> row_of(const std::string& csv, const std::string& key) {
  const auto at = csv.find("\n" + key + ",");
  if (at == std::string::npos) return {};
  std::stringstream line(csv.substr(at + key.size() + 2, csv.find('\n', at + 1) - at - key.size() - 2));
  std::vector<double> out;
  for (std::string cell; out.size() < 7 && std::getline(line, cell, ',');) out.push_back(std::stod(cell));
  return out;  // people, eligible, completion, visits, more_than_one_visit, minutes, money (not the reason)
}

// Telemedicine (examples/journeys/telemedicine_*): zone A has the clinic 10 min and a partner hospital
// 20 min away; zone B neither within 30 min. By hand, with q = 0.797 × 0.866 × 0.049 (smartphone, skill and
// a patient record, the example's figures for everyone): in B only the online consultation is left, and the
// medicine must come by delivery (e-payment 0.8), so 0.8 q finish, with no trip. In A everyone finishes:
// booking and consulting at the clinic are one trip, and only those who consult online and have the
// medicine delivered (0.8 q) make none: 1 − 0.8 q trips.
TEST(CliJourneys, TelemedicineExample) {
  const auto zones =
      write_temp("t_zones.csv", "id,population,pop_60plus,pop_rural\nA,1000,200,0\nB,800,200,800\n");
  const auto clinics = write_temp("t_clinics.csv", "id,capacity\nX,5\n");
  const auto hospitals = write_temp("t_hospitals.csv", "id\nH\n");
  const auto matrix = write_temp("t_matrix.csv", "from,to,cost\nA,X,10\nB,X,50\nA,H,20\nB,H,60\n");
  const std::string command = fmt::format(
      "journeys {} --facilities {} --matrix {} --cost-unit minutes --standard 30min --group-columns "
      "pop_60plus,pop_rural --catalogue {} --abilities {}",
      zones, clinics, matrix, example("telemedicine_catalogue.toml"),
      example("telemedicine_abilities_cn.csv"));
  auto r = run(fmt::format("{} --office partner_hospital={} --format csv", command, hospitals));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const double q = 0.797 * 0.866 * 0.049;
  const auto b = row_of(r.out, "B,all,consultation");
  ASSERT_EQ(b.size(), 7U) << r.out;
  EXPECT_NEAR(b[2], 0.8 * q, 1e-9);
  EXPECT_NEAR(b[3], 0.0, 1e-12);
  const auto a = row_of(r.out, "A,all,consultation");
  ASSERT_EQ(a.size(), 7U) << r.out;
  EXPECT_NEAR(a[2], 1.0, 1e-12);
  EXPECT_NEAR(a[3], 1.0 - 0.8 * q, 1e-9);
  // The specialist is at the partner hospital: in B only the online follow-up, for those holding a record.
  EXPECT_NEAR(row_of(r.out, "B,all,specialist_follow_up")[2], q, 1e-9);
  r = run(fmt::format("{} --office partner_hospital={} --format json", command, hospitals));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["inputs"]["office_kinds"][0]["kind"], "partner_hospital");
  bool proof_reason = false;
  for (const auto& reason : json["matters"][0]["groups"][0]["reasons"]) {
    proof_reason = proof_reason || (reason["kind"] == "proof" && reason["office"] == "partner_hospital");
  }
  EXPECT_TRUE(proof_reason) << json["matters"][0]["groups"][0]["reasons"].dump();
  // Without the partner hospitals' file, or with a misspelt kind: exit 2, the kind at its catalogue line.
  r = run(fmt::format("{} --format csv", command));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("telemedicine_catalogue.toml:13:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("office kind 'partner_hospital' has no facilities file"), std::string::npos) << r.err;
  r = run(fmt::format("{} --office partner_hospitals={} --format csv", command, hospitals));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("did you mean 'partner_hospital'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--office"), std::string::npos) << r.err;
  r = run(fmt::format("{} --office {} --format csv", command, hospitals));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("is not KIND=FILE"), std::string::npos) << r.err;
  for (const auto& path : {zones, clinics, hospitals, matrix}) std::filesystem::remove(path);
}

// Online and satellite education (examples/journeys/education_*): school X and teaching point T; zone A
// 10 and 5 min from them, B 50 and 20, C 50 and 60 (the standard 30 min). By hand, for everyone (device
// 0.85 × connection 0.797 = 0.67745 can follow online, 45 min): in A the others walk to the teaching point
// (45 + 2 × 5 = 55 min, cheaper than the school's 65): trips 0.32255, minutes 0.67745 × 45 + 0.32255 × 55
// = 48.2255; in B the teaching point is 20 min away: minutes 0.67745 × 45 + 0.32255 × 85 = 57.902; in C
// only those online finish: 0.67745.
TEST(CliJourneys, SatelliteEducationExample) {
  const auto zones = write_temp("e_zones.csv", "id,population,pop_rural\nA,1000,0\nB,500,500\nC,500,500\n");
  const auto schools = write_temp("e_schools.csv", "id,capacity\nX,5\n");
  const auto points = write_temp("e_points.csv", "id\nT\n");
  const auto matrix =
      write_temp("e_matrix.csv", "from,to,cost\nA,X,10\nB,X,50\nC,X,50\nA,T,5\nB,T,20\nC,T,60\n");
  const auto r =
      run(fmt::format("journeys {} --facilities {} --matrix {} --cost-unit minutes --standard 30min "
                      "--group-columns pop_rural "
                      "--office teaching_point={} --catalogue {} --abilities {} --format csv",
                      zones, schools, matrix, points, example("education_catalogue.toml"),
                      example("education_abilities_cn.csv")));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto a = row_of(r.out, "A,all,lesson");
  ASSERT_EQ(a.size(), 7U) << r.out;
  EXPECT_NEAR(a[2], 1.0, 1e-12);
  EXPECT_NEAR(a[3], 0.32255, 1e-9);
  EXPECT_NEAR(a[5], 48.2255, 1e-9);
  EXPECT_NEAR(row_of(r.out, "B,all,lesson")[5], 57.902, 1e-9);
  EXPECT_NEAR(row_of(r.out, "C,all,lesson")[2], 0.67745, 1e-9);
  // Rural pupils have fewer devices and connections: fewer of them finish where no teaching point is near.
  EXPECT_LT(row_of(r.out, "C,pop_rural,lesson")[2], row_of(r.out, "C,all,lesson")[2]);
  for (const auto& path : {zones, schools, points, matrix}) std::filesystem::remove(path);
}

}  // namespace
}  // namespace equalis::cli_test

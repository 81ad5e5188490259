// `equalis measure composite` run as a user would: the UN EGDI reproduced from its three components, a
// hand-worked three-unit example (weighted sum and TOPSIS), cost indicators, weights and missing cells.

#include "cli_run.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace equalis::cli_test {
namespace {

using nlohmann::json;

json run_json(const std::string& arguments) {
  const RunResult r = run(arguments);
  EXPECT_EQ(r.exit_status, 0) << arguments << "\n" << r.err;
  return r.exit_status == 0 ? json::parse(r.out) : json();
}

// The published EGDI table, read without equalis: the file has no embedded commas or escaped quotes, so a
// split on commas and stripping the surrounding quotes is exact.
struct EgdiRow {
  std::string name;
  int rank = 0;
  double egdi = 0.0;
};

std::vector<EgdiRow> read_egdi(const std::string& path) {
  std::istringstream in(read_text(path));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("Survey Year,Country Name,E-Government Rank,E-Government Index,", 0), 0U);
  std::vector<EgdiRow> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) {
      if (cell.size() >= 2 && cell.front() == '"') cell = cell.substr(1, cell.size() - 2);
      cells.push_back(cell);
    }
    rows.push_back({cells[1], std::stoi(cells[2]), std::stod(cells[3])});
  }
  return rows;
}

// Three units, A benefit, B cost. Min-max: A -> 0, 0.5, 1; B (cost) -> 1, 2/3, 0.
// Equal weights: x 0.5, y 7/12, z 0.5 -> ranks 2, 1, 2 (x and z tie exactly).
std::string hand_example() {
  return write_temp("composite_hand.csv", "unit,A,B\nx,10,5\ny,20,10\nz,30,20\n");
}

TEST(CliComposite, ReproducesTheUnEgdiFromItsComponents) {
  const std::string file = data("un_egdi/egdi_2022.csv");
  const RunResult r =
      run(fmt::format("measure composite {} --id 'Country Name' --indicator 'Online Service Index' "
                      "--indicator 'Human Capital Index' --indicator "
                      "'Telecommunication Infrastructure Index' --normalize none --weights 1,1,1",
                      file));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.err.find("renormalised to sum 1"), std::string::npos) << r.err;
  const json out = json::parse(r.out);
  const json& result = out["result"];
  ASSERT_EQ(result["n"], 193);
  for (const auto& w : result["weights"]) {
    EXPECT_NEAR(w["weight"].get<double>(), 1.0 / 3.0, 1e-15);
    EXPECT_EQ(w["given"], 1.0);
  }
  const std::vector<EgdiRow> published = read_egdi(file);
  ASSERT_EQ(result["units"].size(), published.size());
  // The EGDI is published to 4 decimals and each component too, so |mean - EGDI| <= 3 * 0.5e-4 / 3 + 0.5e-4.
  // Four pairs of countries tie in the published (rounded) EGDI and share a rank; the unrounded mean of the
  // rounded components separates them, and the second of each pair drops one place.
  const std::set<std::string> separated{"Bahamas ", "Bhutan ", "Iceland ", "Eswatini"};
  std::set<std::string> differing;
  double worst = 0.0;
  for (std::size_t row = 0; row < published.size(); ++row) {
    const json& unit = result["units"][row];
    ASSERT_EQ(unit["id"], published[row].name);
    worst = std::max(worst, std::abs(unit["score"].get<double>() - published[row].egdi));
    const int rank = unit["rank"].get<int>();
    if (rank != published[row].rank) {
      differing.insert(unit["id"].get<std::string>());
      EXPECT_EQ(rank, published[row].rank + 1) << unit["id"];
    }
  }
  EXPECT_LE(worst, 6.7e-5);
  EXPECT_GT(worst, 6.6e-5);  // the bound is attained: the components are rounded
  EXPECT_EQ(differing, separated);
}

TEST(CliComposite, HandExampleWeightedSumTiesAndCostDirection) {
  const std::string file = hand_example();
  const json out = run_json(
      fmt::format("measure composite {} --id unit -i A -i B:- --weights equal --show-normalized", file));
  const json& units = out["result"]["units"];
  ASSERT_EQ(units.size(), 3U);
  EXPECT_DOUBLE_EQ(units[0]["score"].get<double>(), 0.5);
  EXPECT_NEAR(units[1]["score"].get<double>(), 7.0 / 12.0, 1e-15);
  EXPECT_DOUBLE_EQ(units[2]["score"].get<double>(), 0.5);
  EXPECT_EQ(units[0]["rank"], 2);
  EXPECT_EQ(units[1]["rank"], 1);
  EXPECT_EQ(units[2]["rank"], 2);
  EXPECT_EQ(units[0]["normalized"], json::array({0.0, 1.0}));
  EXPECT_NEAR(units[1]["normalized"][1].get<double>(), 2.0 / 3.0, 1e-15);
  EXPECT_EQ(out["options"]["indicators"][1]["direction"], "cost");
  EXPECT_EQ(out["result"]["weights"][1]["direction"], "cost");

  // B as a benefit instead: B -> 0, 1/3, 1, so z (highest on both) wins and x is last.
  const json benefit =
      run_json(fmt::format("measure composite {} --id unit -i A -i B:+ --weights equal", file));
  EXPECT_EQ(benefit["result"]["units"][0]["rank"], 3);
  EXPECT_EQ(benefit["result"]["units"][1]["rank"], 2);
  EXPECT_EQ(benefit["result"]["units"][2]["rank"], 1);
  EXPECT_NEAR(benefit["result"]["units"][1]["score"].get<double>(), 5.0 / 12.0, 1e-15);

  // Explicit 3,1 -> 0.75, 0.25: x 0.25, y 0.75 * 0.5 + 0.25 * 2/3 = 13/24, z 0.75.
  const json weighted =
      run_json(fmt::format("measure composite {} --id unit -i A -i B:- --weights 3,1", file));
  EXPECT_EQ(weighted["result"]["weighting"], "explicit");
  EXPECT_EQ(weighted["result"]["weights"][0]["weight"], 0.75);
  EXPECT_EQ(weighted["result"]["weights"][0]["given"], 3.0);
  EXPECT_NEAR(weighted["result"]["units"][1]["score"].get<double>(), 13.0 / 24.0, 1e-15);
  EXPECT_EQ(weighted["result"]["units"][2]["rank"], 1);
  EXPECT_EQ(weighted["result"]["units"][0]["rank"], 3);

  // z-scores (sample SD) break the tie: A -> -1, 0, 1; B (cost) -> (11.67 - B) / 7.638.
  const json z = run_json(
      fmt::format("measure composite {} --id unit -i A -i B:- --weights equal --normalize zscore", file));
  EXPECT_NEAR(z["result"]["units"][0]["score"].get<double>(), -0.06356421952801528, 1e-14);
  EXPECT_NEAR(z["result"]["units"][1]["score"].get<double>(), 0.10910894511799615, 1e-14);
  EXPECT_NEAR(z["result"]["units"][2]["score"].get<double>(), -0.04554472558998102, 1e-14);
  EXPECT_EQ(z["result"]["units"][0]["rank"], 3);
  EXPECT_EQ(z["result"]["units"][2]["rank"], 2);
  EXPECT_EQ(z["result"]["normalization"], "zscore");

  // A tie tolerance of 0.1 puts x and z (0.5) in y's tie block (7/12).
  const json tolerant = run_json(
      fmt::format("measure composite {} --id unit -i A -i B:- --weights equal --tie-tolerance 0.1", file));
  for (const auto& unit : tolerant["result"]["units"]) EXPECT_EQ(unit["rank"], 1);

  // Without --id, units are numbered by data row.
  const json numbered = run_json(fmt::format("measure composite {} -i A -i B:- --weights equal", file));
  EXPECT_EQ(numbered["result"]["units"][2]["id"], "3");
}

TEST(CliComposite, HandExampleTopsis) {
  // Vector normalisation: A / sqrt(1400), B / sqrt(525); equal weights; ideal (max A, min B).
  // Closeness computed by hand (Python): x 0.550510257216822, y 0.5973002521507229, z 0.44948974278317805.
  const std::string file = hand_example();
  const json out = run_json(
      fmt::format("measure composite {} --id unit -i A -i B:- --weights equal --method topsis", file));
  const json& units = out["result"]["units"];
  EXPECT_NEAR(units[0]["score"].get<double>(), 0.550510257216822, 1e-14);
  EXPECT_NEAR(units[1]["score"].get<double>(), 0.5973002521507229, 1e-14);
  EXPECT_NEAR(units[2]["score"].get<double>(), 0.44948974278317805, 1e-14);
  EXPECT_NEAR(units[0]["d_plus"].get<double>(), 0.26726124191242434, 1e-14);
  EXPECT_NEAR(units[0]["d_minus"].get<double>(), 0.3273268353539886, 1e-14);
  EXPECT_EQ(units[1]["rank"], 1);
  EXPECT_EQ(units[0]["rank"], 2);
  EXPECT_EQ(units[2]["rank"], 3);
  EXPECT_EQ(out["result"]["normalization"], "vector");
  EXPECT_TRUE(out["options"]["normalize"].is_null());

  const RunResult csv =
      run(fmt::format("measure composite {} --id unit -i A -i B:- --weights equal --method topsis "
                      "--show-normalized --format csv",
                      file));
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  // The unit columns first, then the run and the weights per indicator (the same on every row).
  EXPECT_EQ(csv.out.rfind("id,score,rank,d_plus,d_minus,normalized:A,normalized:B,n,rows_dropped,", 0), 0U)
      << csv.out;
  EXPECT_NE(
      csv.out.find(",direction:A,weight:A,ideal:A,anti_ideal:A,direction:B,weight:B,ideal:B,anti_ideal:B\n"
                   "x,0.5505102572168"),
      std::string::npos)
      << csv.out;
  EXPECT_NE(csv.out.find(",3,0,3,topsis,vector,equal,0,unit,1,error,benefit,0.5,"), std::string::npos)
      << csv.out;
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 4);

  const RunResult ignored =
      run(fmt::format("measure composite {} -i A -i B:- --method topsis --normalize zscore", file));
  EXPECT_EQ(ignored.exit_status, 0) << ignored.err;
  EXPECT_NE(ignored.err.find("--normalize is ignored"), std::string::npos) << ignored.err;
}

TEST(CliComposite, TextListsTheWeightsAndBothEnds) {
  const RunResult r =
      run(fmt::format("measure composite {} --id 'Country Name' -i 'Online Service Index' "
                      "-i 'Human Capital Index' --weights critic --format text --top 3",
                      data("un_egdi/egdi_2022.csv")));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("critic weights"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Top 3:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Bottom 3:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    193  "), std::string::npos) << r.out;
}

TEST(CliComposite, BadWeightsAndIndicatorsAreRejected) {
  const std::string file = hand_example();
  const RunResult count = run(fmt::format("measure composite {} -i A -i B:- --weights 1,2,3", file));
  EXPECT_EQ(count.exit_status, 2);
  EXPECT_NE(count.err.find("3 weights for 2 indicators"), std::string::npos) << count.err;
  const RunResult negative = run(fmt::format("measure composite {} -i A -i B:- --weights 1,-1", file));
  EXPECT_EQ(negative.exit_status, 2);
  EXPECT_NE(negative.err.find("negative weight"), std::string::npos) << negative.err;
  const RunResult word = run(fmt::format("measure composite {} -i A -i B:- --weights heavy", file));
  EXPECT_EQ(word.exit_status, 2);
  EXPECT_NE(word.err.find("'heavy' is not a number"), std::string::npos) << word.err;
  const RunResult zero = run(fmt::format("measure composite {} -i A -i B:- --weights 0,0", file));
  EXPECT_EQ(zero.exit_status, 2);
  const RunResult one = run(fmt::format("measure composite {} -i A", file));
  EXPECT_EQ(one.exit_status, 2);
  EXPECT_NE(one.err.find("at least 2"), std::string::npos) << one.err;
  const RunResult twice = run(fmt::format("measure composite {} -i A -i A:-", file));
  EXPECT_EQ(twice.exit_status, 2);
  EXPECT_NE(twice.err.find("given twice"), std::string::npos) << twice.err;
  const RunResult unknown = run(fmt::format("measure composite {} -i A -i C", file));
  EXPECT_EQ(unknown.exit_status, 2);
  EXPECT_NE(unknown.err.find("no column named 'C'"), std::string::npos) << unknown.err;
  const RunResult none_cost = run(fmt::format("measure composite {} -i A -i B:- --normalize none", file));
  EXPECT_EQ(none_cost.exit_status, 2);
  EXPECT_NE(none_cost.err.find("cost indicator 'B'"), std::string::npos) << none_cost.err;
}

TEST(CliComposite, MissingCellErrorsOrIsDroppedWithACount) {
  const std::string file = write_temp("composite_missing.csv", "unit,A,B\nx,10,5\ny,20,\nz,30,20\nw,15,7\n");
  const RunResult strict =
      run(fmt::format("measure composite {} --id unit -i A -i B:- --weights equal", file));
  EXPECT_EQ(strict.exit_status, 2);
  EXPECT_NE(strict.err.find(file + ":3:6"), std::string::npos) << strict.err;
  EXPECT_NE(strict.err.find("--missing drop"), std::string::npos) << strict.err;
  const RunResult dropped =
      run(fmt::format("measure composite {} --id unit -i A -i B:- --weights equal --missing drop", file));
  ASSERT_EQ(dropped.exit_status, 0) << dropped.err;
  const json out = json::parse(dropped.out);
  EXPECT_EQ(out["result"]["rows_dropped"], 1);
  EXPECT_EQ(out["result"]["n"], 3);
  EXPECT_EQ(out["result"]["units"][1]["id"], "z");
}

}  // namespace
}  // namespace equalis::cli_test

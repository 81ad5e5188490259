// "CSV outputs carry everything the JSON does": for each command with a CSV form, every scalar of the
// --format json document (numbers within a relative 1e-9, strings and flags exactly) must appear in the
// --format csv output of the same run, except for an explicit, commented list of paths per command.

#include "cli_run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

using equalis::cli_test::data;
using equalis::cli_test::run;
using equalis::cli_test::RunResult;
using equalis::cli_test::write_temp;
using Json = nlohmann::json;

// The cells of an RFC 4180 CSV text.
std::vector<std::string> csv_cells(const std::string& text) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',' || c == '\n') {
      cells.push_back(std::move(cell));
      cell.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  if (!cell.empty()) cells.push_back(cell);
  return cells;
}

struct CsvContent {
  std::set<std::string> words;
  std::vector<double> numbers;  // sorted

  explicit CsvContent(const std::string& text) {
    for (const auto& cell : csv_cells(text)) {
      words.insert(cell);
      std::size_t used = 0;
      try {
        const double value = std::stod(cell, &used);
        if (used == cell.size()) numbers.push_back(value);
      } catch (const std::exception&) {  // not a number
      }
    }
    std::sort(numbers.begin(), numbers.end());
  }

  [[nodiscard]] bool has_number(double value) const {
    const double tolerance = 1e-9 * std::max(1.0, std::fabs(value));
    const auto it = std::lower_bound(numbers.begin(), numbers.end(), value - tolerance);
    return it != numbers.end() && *it <= value + tolerance;
  }
};

// "/a/0/b" -> "/a/#/b": exceptions name a path whatever the array positions.
std::string pattern_of(const std::string& path) {
  static const std::regex index("/[0-9]+(?=/|$)");
  return std::regex_replace(path, index, "/#");
}

// An exception names a path pattern or a prefix of one; `*` stands for any one key.
bool matches(const std::string& pattern, const std::string& exception) {
  std::string expression;
  for (const char c : exception) {
    if (c == '*') {
      expression += "[^/]+";
    } else if (std::string_view("\\^$.|?+()[]{}").find(c) != std::string_view::npos) {
      expression += std::string("\\") + c;
    } else {
      expression += c;
    }
  }
  return std::regex_match(pattern, std::regex(expression + "(/.*)?"));
}

void walk(const Json& value, const std::string& path, const CsvContent& csv,
          const std::vector<std::string>& exceptions, std::vector<std::string>& missing) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) walk(item, path + "/" + key, csv, exceptions, missing);
    return;
  }
  if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      walk(value[i], path + "/" + std::to_string(i), csv, exceptions, missing);
    return;
  }
  const std::string pattern = pattern_of(path);
  for (const auto& exception : exceptions) {
    if (matches(pattern, exception)) return;
  }
  bool found = true;
  if (value.is_boolean()) {
    found = csv.words.count(value.get<bool>() ? "1" : "0") > 0 || csv.words.count(value.dump()) > 0;
  } else if (value.is_number()) {
    found = csv.has_number(value.get<double>());
  } else if (value.is_string()) {
    found = csv.words.count(value.get<std::string>()) > 0;
  }  // null: an empty cell says undefined
  if (!found) missing.push_back(pattern + " = " + value.dump());
}

// The JSON scalars of `arguments` that its CSV lacks (one line per distinct path pattern).
std::vector<std::string> missing_from_csv(const std::string& arguments,
                                          const std::vector<std::string>& exceptions) {
  const RunResult json = run(arguments + " --format json");
  EXPECT_EQ(json.exit_status, 0) << json.err;
  const RunResult csv = run(arguments + " --format csv");
  EXPECT_EQ(csv.exit_status, 0) << csv.err;
  std::vector<std::string> missing;
  walk(Json::parse(json.out), "", CsvContent(csv.out), exceptions, missing);
  std::vector<std::string> distinct;
  for (const auto& item : missing) {
    const std::string path = item.substr(0, item.find(" = "));
    if (std::none_of(distinct.begin(), distinct.end(),
                     [&](const std::string& seen) { return seen.starts_with(path + " "); }))
      distinct.push_back(item);
  }
  return distinct;
}

// The envelope every JSON report starts with echoes the command line (version, command, input file): the
// CSV is the output of that command line.
const std::vector<std::string> kEnvelope{"/equalis", "/input/file"};

std::vector<std::string> with_envelope(std::vector<std::string> exceptions) {
  exceptions.insert(exceptions.end(), kEnvelope.begin(), kEnvelope.end());
  return exceptions;
}

const std::string kDecisions = std::string(EQUALIS_EXAMPLES_DIR) + "/audit/decisions.csv";

TEST(CsvParity, AuditMetrics) {
  const auto missing = missing_from_csv(
      "audit metrics " + kDecisions +
          " -g region -g hukou --score risk --threshold 0.5 --label eligible --rule 'hukou == \"local\" and "
          "has_e_id' --time decided_at --period quarter --bootstrap 20",
      with_envelope({
          // The fairness criterion of each metric is a fixed name (docs/audit.md), not a result.
          "/result/families/#/between_groups/selection_rate/criterion",
          "/result/families/#/between_groups/tpr/criterion",
          "/result/families/#/between_groups/fpr/criterion",
          "/result/families/#/between_groups/fnr/criterion",
          "/result/families/#/between_groups/ppv/criterion",
          "/result/families/#/groups/#/disparities/selection_rate/criterion",
          "/result/families/#/groups/#/disparities/tpr/criterion",
          "/result/families/#/groups/#/disparities/fpr/criterion",
          "/result/families/#/groups/#/disparities/fnr/criterion",
          "/result/families/#/groups/#/disparities/ppv/criterion",
          // A sentence saying mitigation was automatic; the CSV's mitigation rows say it was done.
          "/result/mitigation/mode",
          // A rate's numerator and denominator are sums of the confusion counts the CSV has (tp, fp, fn,
          // tn, n, selected); the rate and its interval are rows.
          "/result/overall/rates/*/numerator",
          "/result/overall/rates/*/denominator",
          "/result/families/#/groups/#/rates/*/numerator",
          "/result/families/#/groups/#/rates/*/denominator",
          // The reweighing label is in the metric's name (label_<y>_count, label_<y>_weight).
          "/result/mitigation/reweighing/#/label",
      }));
  EXPECT_EQ(missing, std::vector<std::string>{});
}

TEST(CsvParity, AuditRules) {
  EXPECT_EQ(missing_from_csv("audit rules " + kDecisions +
                                 " --rule 'hukou == \"local\" and has_e_id' -g region -g age_band",
                             with_envelope({})),
            std::vector<std::string>{});
}

TEST(CsvParity, AuditRepresentation) {
  EXPECT_EQ(missing_from_csv("audit representation " + kDecisions + " -g region --reference " +
                                 std::string(EQUALIS_EXAMPLES_DIR) +
                                 "/audit/census.csv --reference-value population",
                             with_envelope({})),
            std::vector<std::string>{});
}

TEST(CsvParity, AuditMitigate) {
  EXPECT_EQ(missing_from_csv("audit mitigate " + kDecisions +
                                 " -g hukou -g age_band --score risk --threshold 0.5 --label eligible",
                             // The reweighing label is in the metric's name (label_<y>_count).
                             with_envelope({"/result/reweighing/#/label"})),
            std::vector<std::string>{});
}

// ---- measure ---------------------------------------------------------------------------------------

const std::string kMexico = data("mexico/mexico.csv");
const std::string kMexicoJoin = data("mexico/mexicojoin_attributes_shp_order.csv");

TEST(CsvParity, MeasureInequality) {
  EXPECT_EQ(missing_from_csv("measure inequality " + kMexico +
                                 " -v pcgdp1940 -v pcgdp2000 -g hanson98 --gini-small-sample --bootstrap 40 "
                                 "--permutations 19 --stratified",
                             // A decomposition's short index name (theil_t for GE(1), theil_l for GE(0)):
                             // the CSV's statistic names spell every GE index ge(α).
                             with_envelope({"/results/#/decomposition/ge/#/index"})),
            std::vector<std::string>{});
}

TEST(CsvParity, MeasureInequalityWeightedRanked) {
  EXPECT_EQ(missing_from_csv("measure inequality " + kMexico +
                                 " -v pcgdp1940 -w pcgdp1950 --rank-by pcgdp1960 --bootstrap 20",
                             with_envelope({})),
            std::vector<std::string>{});
}

TEST(CsvParity, MeasureSpatialGlobal) {
  EXPECT_EQ(
      missing_from_csv("measure spatial " + kMexicoJoin + " -v PCGDP1940 -v PCGDP2000 --id POLY_ID --edges " +
                           data("mexico/mexicojoin_rook_edges.csv") + " --edge-index --permutations 99",
                       with_envelope({})),
      std::vector<std::string>{});
}

TEST(CsvParity, MeasureSpatialLocal) {
  EXPECT_EQ(
      missing_from_csv("measure spatial " + kMexicoJoin + " -v PCGDP1940 --id POLY_ID --polygons " +
                           data("mexico/mexicojoin.shp") + " --polygon-id POLY_ID --local --permutations 99",
                       with_envelope({})),
      std::vector<std::string>{});
}

TEST(CsvParity, MeasureSpatialDistanceBand) {
  EXPECT_EQ(
      missing_from_csv("measure spatial " + std::string(EQUALIS_TEST_DATA_DIR) +
                           "/../golden/data/monaco_demand.csv -v population --id id --distance-band 300 "
                           "--x lon --y lat --geographic --transform binary --permutations 49",
                       with_envelope({})),
      std::vector<std::string>{});
}

// Two islands (p4, p5 have no neighbour within 1.5): the global form lists them in one cell.
TEST(CsvParity, MeasureSpatialIslands) {
  const std::string points = write_temp(
      "parity_islands.csv", "id,x,y,v\np0,0,0,1\np1,1,0,2\np2,2,0,4\np3,3,0,3\np4,10,0,9\np5,20,0,5\n");
  const std::string command = "measure spatial " + points + " -v v --id id --distance-band 1.5 --x x --y y";
  // The ids of the islands: the cell island_ids joins them with ';' (the column islands counts them).
  EXPECT_EQ(missing_from_csv(command + " --permutations 9", with_envelope({"/results/#/weights/islands/#"})),
            std::vector<std::string>{});
  // With --local every unit, island or not, is a row of its own.
  EXPECT_EQ(missing_from_csv(command + " --permutations 9 --local", with_envelope({})),
            std::vector<std::string>{});
}

TEST(CsvParity, MeasureComposite) {
  const std::string egdi = data("un_egdi/egdi_2022.csv");
  const std::string indicators =
      " -i 'Online Service Index' -i 'Human Capital Index' -i 'Telecommunication Infrastructure Index:-' "
      "--id 'Country Name'";
  // The indicator names are in the header (direction:<indicator>, weight:<indicator>, …), which keeps the
  // per-indicator figures on the unit rows.
  const auto exceptions = with_envelope({"/options/indicators/#/column", "/result/weights/#/indicator"});
  EXPECT_EQ(missing_from_csv("measure composite " + egdi + indicators + " --weights critic --show-normalized",
                             exceptions),
            std::vector<std::string>{});
  EXPECT_EQ(missing_from_csv("measure composite " + egdi + indicators + " --method topsis --weights 2,1,1",
                             exceptions),
            std::vector<std::string>{});
}

// `measure convergence` has no CSV form (its result is series and densities): --help offers json or text
// only, and --format csv is refused before any work, saying what to use.
TEST(CsvParity, ConvergenceOffersNoCsv) {
  const RunResult help = run("measure convergence --help");
  ASSERT_EQ(help.exit_status, 0) << help.err;
  const std::string format_line = help.out.substr(help.out.find("--format"));
  EXPECT_EQ(format_line.substr(0, format_line.find('\n')).find("csv"), std::string::npos) << format_line;
  EXPECT_NE(format_line.find("json|text"), std::string::npos) << format_line;
  const RunResult csv = run("measure convergence " + kMexico + " -v pcgdp1940 -v pcgdp2000 --format csv");
  EXPECT_EQ(csv.exit_status, 6) << csv.err;  // unsupported
  EXPECT_NE(csv.err.find("no CSV output"), std::string::npos) << csv.err;
  EXPECT_NE(csv.err.find("--format json or text"), std::string::npos) << csv.err;
  EXPECT_EQ(csv.out, "");
}

}  // namespace

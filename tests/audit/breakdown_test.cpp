// The parts of the one-command audit collected in the same streaming pass: a rule audit on the log's
// own columns, calibration by score bin, metrics per calendar period, and NDJSON input. Expected values
// are worked by hand in the comments.

#include "audit/breakdown.hpp"

#include "audit/decision_log.hpp"
#include "audit/rules.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/sha256.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace equalis::audit {
namespace {

std::string write_temp(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("equalis_breakdown_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path) << content;
  return path.string();
}

const RuleGroup& rule_group(const RuleFamily& family, const std::string& name) {
  for (const auto& group : family.groups) {
    if (group.name == name) return group;
  }
  throw std::runtime_error("no group " + name);
}

TEST(StreamedRule, ExclusionByGroupInTheSamePass) {
  // Rule "local and age >= 18": row 1 eligible; rows 2, 4 (not local) and 5 (17) excluded; row 3 has no
  // age, so true-and-unknown = unknown (undetermined). a: 1 eligible, 1 excluded, 1 undetermined;
  // b: 2 excluded. Exclusion rates a = 1/2, b = 2/2; least excluded a; b − a = 0.5, ratio 2.
  const auto path =
      write_temp("rule.csv", "g,d,y,local,age\na,1,1,1,30\na,0,0,0,40\na,1,0,yes,\nb,0,1,0,20\nb,1,1,1,17\n");
  Rule rule = Rule::parse("local and age >= 18");
  DecisionLogSpec spec;
  spec.group_columns = {"g"};
  spec.decision_column = "d";
  spec.label_column = "y";
  spec.rule = &rule;
  const DecisionTable table = read_decision_log(path, spec, null_progress());
  RuleAuditOptions options;
  options.min_cell_size = 1;
  const RuleAuditResult result = audit_rule_cells(table, options);
  EXPECT_EQ(result.rule, "local and age >= 18");
  EXPECT_EQ(result.overall.population, 5U);
  EXPECT_EQ(result.overall.eligible, 1U);
  EXPECT_EQ(result.overall.excluded, 3U);
  EXPECT_EQ(result.overall.undetermined, 1U);
  ASSERT_EQ(result.families.size(), 1U);
  const RuleGroup& a = rule_group(result.families[0], "a");
  const RuleGroup& b = rule_group(result.families[0], "b");
  EXPECT_EQ(a.undetermined, 1U);
  EXPECT_DOUBLE_EQ(*a.exclusion_rate, 0.5);
  EXPECT_DOUBLE_EQ(*b.exclusion_rate, 1.0);
  EXPECT_EQ(result.families[0].least_excluded, "a");
  EXPECT_DOUBLE_EQ(*b.difference_to_least_excluded, 0.5);
  EXPECT_DOUBLE_EQ(*b.ratio_to_least_excluded, 2.0);
  // The same rule over the same rows as a population table gives the same counts.
  const CsvTable population = CsvTable::read_file(path);
  RuleAuditOptions table_options = options;
  table_options.group_columns = {"g"};
  Rule again = Rule::parse("local and age >= 18");
  const RuleAuditResult direct = audit_rule(population, again, table_options);
  EXPECT_EQ(rule_group(direct.families[0], "b").excluded, b.excluded);
  EXPECT_EQ(rule_group(direct.families[0], "a").undetermined, a.undetermined);
}

TEST(StreamedRule, UnknownColumnNamesTheRuleColumn) {
  const auto path = write_temp("rule_bad.csv", "g,d\na,1\n");
  Rule rule = Rule::parse("g == 'a' and has_id");
  DecisionLogSpec spec;
  spec.group_columns = {"g"};
  spec.decision_column = "d";
  spec.rule = &rule;
  try {
    static_cast<void>(read_decision_log(path, spec, null_progress()));
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    ASSERT_TRUE(error.where().has_value());
    EXPECT_EQ(error.where()->column, 14U);
  }
}

DecisionLogSpec scored_spec() {
  DecisionLogSpec spec;
  spec.group_columns = {"g"};
  spec.score_column = "s";
  spec.threshold = 0.5;
  spec.label_column = "y";
  spec.calibration_bins = 2;
  return spec;
}

TEST(Calibration, EqualWidthBinsByHand) {
  // Bins [0, 0.5) and [0.5, 1]. a: bin 1 = {0.1 (0), 0.3 (1)}: mean 0.2, rate 1/2; bin 2 = {0.6, 0.8},
  // both positive: mean 0.7, rate 1. ECE(a) = ½·0.3 + ½·0.3 = 0.3; mean score 0.45, observed 0.75,
  // in-the-large −0.3. b: {0.2 (0)} and {0.9 (0)}: ECE = ½·0.2 + ½·0.9 = 0.55, in-the-large +0.55.
  const auto path = write_temp("cal.csv", "g,s,y\na,0.1,0\na,0.3,1\na,0.6,1\na,0.8,1\nb,0.2,0\nb,0.9,0\n");
  const DecisionTable table = read_decision_log(path, scored_spec(), null_progress());
  const CalibrationResult result = calibration_by_group(table, 1, 0.05, true);
  ASSERT_EQ(result.families.size(), 1U);
  const GroupCalibration& a = result.families[0].groups[0];
  const GroupCalibration& b = result.families[0].groups[1];
  ASSERT_EQ(a.name, "a");
  ASSERT_EQ(a.bins.size(), 2U);
  EXPECT_EQ(a.bins[0].n, 2U);
  EXPECT_DOUBLE_EQ(a.bins[0].low, 0.0);
  EXPECT_DOUBLE_EQ(a.bins[0].high, 0.5);
  EXPECT_NEAR(*a.bins[0].mean_score, 0.2, 1e-12);
  EXPECT_DOUBLE_EQ(*a.bins[0].observed_rate, 0.5);
  EXPECT_NEAR(*a.bins[1].mean_score, 0.7, 1e-12);
  EXPECT_DOUBLE_EQ(*a.bins[1].observed_rate, 1.0);
  // Wilson 2/2 at 95 %: [0.342380, 1]; 1/2: [0.094531, 0.905469].
  EXPECT_NEAR(a.bins[1].wilson->low, 0.3423802275, 1e-9);
  EXPECT_NEAR(a.bins[1].wilson->high, 1.0, 1e-12);
  EXPECT_NEAR(a.bins[0].wilson->low, 0.0945312057, 1e-9);
  EXPECT_NEAR(*a.ece, 0.3, 1e-12);
  EXPECT_NEAR(*a.mean_score, 0.45, 1e-12);
  EXPECT_DOUBLE_EQ(*a.observed_rate, 0.75);
  EXPECT_NEAR(*a.calibration_in_the_large, -0.3, 1e-12);
  EXPECT_NEAR(*b.ece, 0.55, 1e-12);
  EXPECT_NEAR(*b.calibration_in_the_large, 0.55, 1e-12);
  EXPECT_EQ(result.overall.n, 6U);
}

TEST(Calibration, SmallBinsAndGroupsAreSuppressed) {
  const auto path =
      write_temp("cal_small.csv", "g,s,y\na,0.1,0\na,0.3,1\na,0.6,1\na,0.8,1\nb,0.2,0\nb,0.9,0\n");
  const DecisionTable table = read_decision_log(path, scored_spec(), null_progress());
  // min cell 2: b (n = 2) stays but its two bins of 1 are suppressed; each overall bin minus a's would
  // give b's back, so a's bins are suppressed too (complementary suppression).
  const CalibrationResult two = calibration_by_group(table, 2, 0.05, true);
  EXPECT_EQ(two.families[0].suppressed_groups, 0U);
  EXPECT_EQ(two.families[0].suppressed_bins, 4U);
  EXPECT_TRUE(two.families[0].groups[0].bins[0].suppressed);
  const GroupCalibration& b = two.families[0].groups[1];
  EXPECT_TRUE(b.bins[0].suppressed);
  EXPECT_FALSE(b.bins[0].mean_score.has_value());
  EXPECT_FALSE(b.bins[0].observed_rate.has_value());
  // min cell 3: b is suppressed entirely.
  const CalibrationResult three = calibration_by_group(table, 3, 0.05, true);
  EXPECT_EQ(three.families[0].suppressed_groups, 1U);
  EXPECT_TRUE(three.families[0].groups[1].suppressed);
  EXPECT_FALSE(three.families[0].groups[1].ece.has_value());
}

// A score that is not a probability (a risk score on 0–10, a log-odds) no longer stops the audit (it needed
// `bins` 0 before): calibration is given up, and the table says why and where; the confusion counts stay.
TEST(Calibration, ScoreOutsideTheUnitIntervalSkipsCalibrationAndSaysWhere) {
  const auto path = write_temp("cal_bad.csv", "g,s,y\na,0.1,0\na,1.5,1\na,7,1\n");
  const DecisionTable table = read_decision_log(path, scored_spec(), null_progress());
  EXPECT_EQ(table.calibration_bins, 0U);
  EXPECT_TRUE(table.calibration.empty());
  EXPECT_NE(table.calibration_skipped.find("score '1.5' in 's'"), std::string::npos)
      << table.calibration_skipped;
  EXPECT_NE(table.calibration_skipped.find(":3:3"), std::string::npos) << table.calibration_skipped;
  EXPECT_EQ(table.total().n(), 3U);
  EXPECT_THROW(static_cast<void>(calibration_by_group(table, 1, 0.05, true)), Error);
}

TEST(Calibration, NeedsScoreAndLabel) {
  DecisionLogSpec spec = scored_spec();
  spec.label_column.reset();
  const auto path = write_temp("cal_nolabel.csv", "g,s\na,0.1\n");
  EXPECT_THROW(static_cast<void>(read_decision_log(path, spec, null_progress())), Error);
}

TEST(Calibration, QuantileEdgesSplitTheWeight) {
  // Scores 0.1 … 0.8, 4 bins: the edges are the first scores past 2, 4 and 6 of 8 rows: 0.3, 0.5, 0.7,
  // so every bin holds two rows.
  const auto path = write_temp(
      "cal_q.csv", "g,s,y\na,0.1,0\na,0.2,0\na,0.3,0\na,0.4,1\nb,0.5,0\nb,0.6,1\nb,0.7,1\nb,0.8,1\n");
  DecisionLogSpec spec = scored_spec();
  spec.calibration_bins = 4;
  spec.calibration_edges = score_quantile_edges(path, spec, 4);
  ASSERT_EQ(spec.calibration_edges.size(), 3U);
  EXPECT_DOUBLE_EQ(spec.calibration_edges[0], 0.3);
  EXPECT_DOUBLE_EQ(spec.calibration_edges[1], 0.5);
  EXPECT_DOUBLE_EQ(spec.calibration_edges[2], 0.7);
  const DecisionTable table = read_decision_log(path, spec, null_progress());
  const CalibrationResult result = calibration_by_group(table, 1, 0.05, true, "quantile");
  for (const auto& bin : result.overall.bins) EXPECT_EQ(bin.n, 2U);
  // Weighted rows (--count) count their weight.
  const auto counted = write_temp("cal_qc.csv", "g,s,y,n\na,0.1,0,3\na,0.9,1,1\n");
  spec.count_column = "n";
  spec.calibration_bins = 2;
  spec.calibration_edges.clear();
  const auto edges = score_quantile_edges(counted, spec, 2);
  ASSERT_EQ(edges.size(), 1U);
  EXPECT_DOUBLE_EQ(edges[0], 0.1);  // 3 of 4 applicants at 0.1 already exceed half
}

TEST(Periods, IsoDatesWeeksMonthsQuartersYears) {
  EXPECT_EQ(period_of("2024-03-15", Period::Day)->name, "2024-03-15");
  EXPECT_EQ(period_of("2024-03-15", Period::Week)->name, "2024-W11");  // a Friday
  EXPECT_EQ(period_of("2021-01-01", Period::Week)->name, "2020-W53");  // ISO year of its Thursday
  EXPECT_EQ(period_of("2024-12-30", Period::Week)->name, "2025-W01");  // a Monday
  EXPECT_EQ(period_of("2024-03-15T10:30:00Z", Period::Month)->name, "2024-03");
  EXPECT_EQ(period_of("2024-03-15 10:30", Period::Quarter)->name, "2024-Q1");
  EXPECT_EQ(period_of("2024-11-02", Period::Quarter)->name, "2024-Q4");
  EXPECT_EQ(period_of("2024-11-02", Period::Year)->name, "2024");
  EXPECT_EQ(period_of("2024-02-29", Period::Day)->name, "2024-02-29");
  EXPECT_EQ(period_of("0", Period::Day)->name, "1970-01-01");
  EXPECT_EQ(period_of("86399.5", Period::Day)->name, "1970-01-01");
  EXPECT_EQ(period_of("-1", Period::Day)->name, "1969-12-31");
  EXPECT_EQ(period_of("1710460800", Period::Day)->name, "2024-03-15");
  EXPECT_EQ(period_of("2024-03-15", Period::Day)->key, 19797);
  EXPECT_FALSE(period_of("2023-02-29", Period::Day).has_value());
  EXPECT_FALSE(period_of("2024-13-01", Period::Day).has_value());
  EXPECT_FALSE(period_of("15/03/2024", Period::Day).has_value());
  EXPECT_FALSE(period_of("2024-03-15X", Period::Day).has_value());
}

TEST(Periods, CountsPerMonthInTimeOrder) {
  // February appears first in the file; periods come out in time order.
  const auto path = write_temp("periods.csv",
                               "g,d,y,t\na,0,0,2024-02-01\na,1,1,2024-01-05\nb,0,1,2024-01-20\n"
                               "b,1,0,2024-02-03T10:00:00\na,1,0,2024-01-31\n");
  DecisionLogSpec spec;
  spec.group_columns = {"g"};
  spec.decision_column = "d";
  spec.label_column = "y";
  spec.time_column = "t";
  spec.period = Period::Month;
  const DecisionTable table = read_decision_log(path, spec, null_progress());
  ASSERT_EQ(table.period_labels, (std::vector<std::string>{"2024-01", "2024-02"}));
  // Cells in order of first appearance: a (0), b (1).
  const auto& january = table.period_cells[0];
  ASSERT_EQ(january.size(), 2U);
  EXPECT_EQ(january[0].tp, 1U);
  EXPECT_EQ(january[0].fp, 1U);
  EXPECT_EQ(january[1].fn, 1U);
  AuditOptions options;
  options.min_cell_size = 1;
  const auto periods = audit_by_period(table, options);
  ASSERT_EQ(periods.size(), 2U);
  EXPECT_EQ(periods[0].period, "2024-01");
  EXPECT_EQ(periods[0].n, 3U);
  // January: a selected 2/2, b 0/1: selection gap 1, four-fifths flag on b.
  EXPECT_DOUBLE_EQ(*periods[0].audit.families[0].spread[0].max_minus_min, 1.0);
  EXPECT_EQ(periods[0].audit.families[0].four_fifths_flags, 1U);
  // February: a 0/1, b 1/1.
  EXPECT_EQ(periods[1].n, 2U);
  EXPECT_EQ(periods[1].audit.families[0].reference_name, "b");
  // Suppression applies per period: with min cell 2 January's b is suppressed, and a with it (January's
  // n minus a would give b back).
  options.min_cell_size = 2;
  const auto suppressed = audit_by_period(table, options);
  EXPECT_EQ(suppressed[0].audit.families[0].suppressed_groups, 2U);
  EXPECT_EQ(suppressed[1].audit.families[0].suppressed_groups, 2U);
  // A chosen reference absent from a period falls back to most-favoured there, and says so.
  options.min_cell_size = 1;
  options.reference = ReferenceRule::Chosen;
  options.reference_values = {{"", "a"}};
  const DecisionTable only_a_in_march = read_decision_log(
      write_temp("periods2.csv", "g,d,y,t\na,1,1,2024-01-05\nb,0,1,2024-01-20\nb,1,0,2024-03-01\n"), spec,
      null_progress());
  const auto fallback = audit_by_period(only_a_in_march, options);
  ASSERT_EQ(fallback.size(), 2U);
  EXPECT_TRUE(fallback[0].note.empty());
  EXPECT_FALSE(fallback[1].note.empty());
}

TEST(Periods, BadTimestampIsAnErrorAtItsCell) {
  const auto path = write_temp("periods_bad.csv", "g,d,t\na,1,2024-01-05\na,0,yesterday\n");
  DecisionLogSpec spec;
  spec.group_columns = {"g"};
  spec.decision_column = "d";
  spec.time_column = "t";
  try {
    static_cast<void>(read_decision_log(path, spec, null_progress()));
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse);
    ASSERT_TRUE(error.where().has_value());
    EXPECT_EQ(error.where()->line, 3U);
    EXPECT_EQ(error.where()->column, 5U);
    EXPECT_NE(std::string(error.what()).find("'t'"), std::string::npos);
  }
}

DecisionLogSpec ndjson_spec() {
  DecisionLogSpec spec;
  spec.group_columns = {"g"};
  spec.decision_column = "d";
  spec.label_column = "y";
  spec.ndjson = true;
  spec.hash_input = true;
  return spec;
}

TEST(Ndjson, SameTableAsTheCsv) {
  // a: (1, true) = TP, (0, false) = TN; b: ("1", 1) = TP; null group = "(missing)": TN. The blank line
  // is skipped; an unused array-valued key is ignored.
  const std::string text =
      "{\"g\":\"a\",\"d\":1,\"y\":true}\n{\"g\":\"a\",\"d\":0,\"y\":false}\n\n"
      "{\"g\":\"b\",\"d\":\"1\",\"y\":1,\"extra\":[1,2]}\n{\"g\":null,\"d\":0,\"y\":0}\n";
  const auto path = write_temp("log.ndjson", text);
  const DecisionTable table = read_decision_log(path, ndjson_spec(), null_progress());
  ASSERT_EQ(table.cell_count(), 3U);
  EXPECT_EQ(table.cell_name(0), "a");
  EXPECT_EQ(table.cells[0].tp, 1U);
  EXPECT_EQ(table.cells[0].tn, 1U);
  EXPECT_EQ(table.cells[1].tp, 1U);
  EXPECT_EQ(table.cell_name(2), "(missing)");
  EXPECT_EQ(table.cells[2].tn, 1U);
  EXPECT_EQ(table.rows_read, 4U);
  EXPECT_EQ(table.sha256, sha256_hex(text));
}

TEST(Ndjson, RuleScoreAndTimeFromKeys) {
  const auto path = write_temp("scored.jsonl",
                               "{\"g\":\"a\",\"s\":0.7,\"y\":1,\"t\":\"2024-01-02\",\"local\":true}\n"
                               "{\"g\":\"a\",\"s\":0.2,\"y\":0,\"t\":\"2024-02-02\",\"local\":false}\n");
  Rule rule = Rule::parse("local");
  DecisionLogSpec spec = ndjson_spec();
  spec.decision_column.reset();
  spec.score_column = "s";
  spec.threshold = 0.5;
  spec.calibration_bins = 2;
  spec.time_column = "t";
  spec.rule = &rule;
  const DecisionTable table = read_decision_log(path, spec, null_progress());
  EXPECT_EQ(table.cells[0].tp, 1U);
  EXPECT_EQ(table.cells[0].tn, 1U);
  EXPECT_EQ(table.rule_cells[0].eligible, 1U);
  EXPECT_EQ(table.rule_cells[0].excluded, 1U);
  EXPECT_EQ(table.period_labels.size(), 2U);
  EXPECT_EQ(table.calibration[1].n, 1U);  // 0.7 in the upper bin
}

void expect_ndjson_error(const std::string& text, ErrorCode code, std::size_t line, std::size_t column,
                         const std::string& key) {
  const auto path = write_temp("bad.ndjson", text);
  try {
    static_cast<void>(read_decision_log(path, ndjson_spec(), null_progress()));
    FAIL() << "expected an error for " << text;
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    ASSERT_TRUE(error.where().has_value());
    EXPECT_EQ(error.where()->line, line) << error.what();
    EXPECT_EQ(error.where()->column, column) << error.what();
    if (!key.empty()) {
      EXPECT_NE(std::string(error.what()).find("'" + key + "'"), std::string::npos) << error.what();
    }
  }
}

TEST(Ndjson, ErrorsNameFileLineAndKey) {
  // Decision 2 on line 2: the key "d" starts at byte 10.
  expect_ndjson_error("{\"g\":\"a\",\"d\":1,\"y\":1}\n{\"g\":\"a\",\"d\":2,\"y\":1}\n", ErrorCode::Parse, 2,
                      10, "d");
  // Missing label key (absent = missing value): the default policy refuses it and names the key.
  expect_ndjson_error("{\"g\":\"a\",\"d\":1}\n", ErrorCode::InvalidInput, 1, 1, "y");
  // Not JSON: the byte where parsing failed.
  expect_ndjson_error("{\"g\":\"a\",\"d\":1,\"y\":1}\n{\"g\":\"a\",\n", ErrorCode::Parse, 2, 10, "");
  // Not an object.
  expect_ndjson_error("[1,2]\n", ErrorCode::Parse, 1, 1, "");
  // A nested value for a key the audit reads.
  expect_ndjson_error("{\"g\":{\"x\":1},\"d\":1,\"y\":1}\n", ErrorCode::Parse, 1, 2, "g");
  // Found by fuzzing: a number beyond a double escaped as nlohmann's out_of_range (exit 70); now a parse
  // error at the number, on any key.
  expect_ndjson_error("{\"g\":\"a\",\"d\":1,\"y\":1}\n{\"g\":\"a\",\"n\":1e340,\"d\":1,\"y\":1}\n",
                      ErrorCode::Parse, 2, 14, "1e340");
}

// ---- parallel chunked read
// ----------------------------------------------------------------------------------

std::string generated_log(int rows, bool with_quotes) {
  std::string log = "region,hukou,score,label,local,t\n";
  std::uint64_t state = 12345;
  auto next = [&state](std::uint64_t modulo) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33U) % modulo;
  };
  for (int row = 0; row < rows; ++row) {
    const auto region = next(7);
    const bool migrant = next(3) == 0;
    const double score = static_cast<double>(next(1000)) / 1000.0;
    const int label = next(100) < 30 + 5 * region ? 1 : 0;
    const char* hukou = with_quotes && row == rows / 2 ? "\"mig\nrant\"" : (migrant ? "migrant" : "local");
    log += "r" + std::to_string(region) + "," + hukou + "," + std::to_string(score) + "," +
           std::to_string(label) + "," + (next(4) == 0 ? "0" : "1") + ",2024-" + (region < 3 ? "01" : "02") +
           "-1" + std::to_string(next(10)) + "\n";
    if (row % 97 == 0) log += "\n";  // blank lines are skipped either way
  }
  return log;
}

DecisionLogSpec generated_spec(Rule* rule) {
  DecisionLogSpec spec;
  spec.group_columns = {"region", "hukou"};
  spec.score_column = "score";
  spec.threshold = 0.5;
  spec.label_column = "label";
  spec.calibration_bins = 5;
  spec.time_column = "t";
  spec.period = Period::Day;
  spec.rule = rule;
  spec.hash_input = true;
  return spec;
}

void expect_same_tables(const DecisionTable& a, const DecisionTable& b) {
  ASSERT_EQ(a.cell_count(), b.cell_count());
  EXPECT_EQ(a.attributes, b.attributes);
  for (std::size_t cell_idx = 0; cell_idx < a.cell_count(); ++cell_idx) {
    EXPECT_EQ(a.cells[cell_idx].tp, b.cells[cell_idx].tp);
    EXPECT_EQ(a.cells[cell_idx].fp, b.cells[cell_idx].fp);
    EXPECT_EQ(a.cells[cell_idx].fn, b.cells[cell_idx].fn);
    EXPECT_EQ(a.cells[cell_idx].tn, b.cells[cell_idx].tn);
    EXPECT_EQ(a.rule_cells[cell_idx].excluded, b.rule_cells[cell_idx].excluded);
    EXPECT_EQ(a.rule_cells[cell_idx].eligible, b.rule_cells[cell_idx].eligible);
  }
  ASSERT_EQ(a.calibration.size(), b.calibration.size());
  for (std::size_t idx = 0; idx < a.calibration.size(); ++idx) {
    EXPECT_EQ(a.calibration[idx].n, b.calibration[idx].n);
    EXPECT_EQ(a.calibration[idx].positives, b.calibration[idx].positives);
    EXPECT_NEAR(a.calibration[idx].score_sum, b.calibration[idx].score_sum, 1e-9);
  }
  EXPECT_EQ(a.period_labels, b.period_labels);
  ASSERT_EQ(a.period_cells.size(), b.period_cells.size());
  for (std::size_t period_idx = 0; period_idx < a.period_cells.size(); ++period_idx) {
    const auto& pa = a.period_cells[period_idx];
    const auto& pb = b.period_cells[period_idx];
    for (std::size_t cell_idx = 0; cell_idx < std::max(pa.size(), pb.size()); ++cell_idx) {
      const std::uint64_t na = cell_idx < pa.size() ? pa[cell_idx].n() : 0;
      const std::uint64_t nb = cell_idx < pb.size() ? pb[cell_idx].n() : 0;
      EXPECT_EQ(na, nb);
    }
  }
  EXPECT_EQ(a.rows_read, b.rows_read);
  EXPECT_EQ(a.sha256, b.sha256);
}

TEST(ParallelRead, SameTableAsTheSequentialRead) {
  const auto path = write_temp("parallel.csv", generated_log(20000, false));
  Rule sequential_rule = Rule::parse("local and hukou == 'local'");
  DecisionLogSpec sequential = generated_spec(&sequential_rule);
  sequential.threads = 1;
  const DecisionTable expected = read_decision_log(path, sequential, null_progress());
  EXPECT_EQ(expected.read_threads, 1U);
  for (const std::size_t threads : {2U, 3U, 7U}) {
    Rule rule = Rule::parse("local and hukou == 'local'");
    DecisionLogSpec spec = generated_spec(&rule);
    spec.threads = threads;
    spec.parallel_min_bytes = 0;
    const DecisionTable table = read_decision_log(path, spec, null_progress());
    EXPECT_EQ(table.read_threads, threads);
    expect_same_tables(expected, table);
  }
}

TEST(ParallelRead, QuotedFieldsFallBackToTheSequentialRead) {
  // A quoted field with a newline in the middle of the file: the split could land inside it.
  const auto path = write_temp("parallel_quoted.csv", generated_log(20000, true));
  Rule rule = Rule::parse("local");
  DecisionLogSpec spec = generated_spec(&rule);
  spec.threads = 4;
  spec.parallel_min_bytes = 0;
  const DecisionTable table = read_decision_log(path, spec, null_progress());
  EXPECT_EQ(table.read_threads, 1U);
  EXPECT_EQ(table.attributes[1].names.size(), 3U);  // local, migrant and the quoted "mig\nrant"
}

TEST(ParallelRead, ErrorsInALaterRangeKeepTheirPosition) {
  std::string log = generated_log(20000, false);
  // The last row's label (its 4th field) becomes 7.
  const std::size_t last_start = log.rfind('\n', log.size() - 2) + 1;
  std::size_t label_at = last_start;
  for (int k = 0; k < 3; ++k) label_at = log.find(',', label_at) + 1;
  log[label_at] = '7';
  const auto path = write_temp("parallel_bad.csv", log);
  std::size_t line = 1;
  for (std::size_t k = 0; k < last_start; ++k) line += log[k] == '\n' ? 1U : 0U;
  Rule rule = Rule::parse("local");
  DecisionLogSpec spec = generated_spec(&rule);
  spec.threads = 3;
  spec.parallel_min_bytes = 0;
  try {
    static_cast<void>(read_decision_log(path, spec, null_progress()));
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse) << error.what();
    ASSERT_TRUE(error.where().has_value());
    EXPECT_EQ(error.where()->line, line);
    EXPECT_NE(std::string(error.what()).find("'label'"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace equalis::audit

namespace equalis::audit {
namespace {

// A score outside [0, 1] in a later range: a range cannot name its line, so the file is read sequentially,
// which gives calibration up naming the exact cell; the table is the sequential read's.
TEST(ParallelRead, AScoreOutsideTheUnitIntervalInALaterRangeSkipsCalibrationAsSequentially) {
  std::string log = generated_log(20000, false);
  const std::size_t last_start = log.rfind('\n', log.size() - 2) + 1;
  const std::size_t score_at = log.find(',', log.find(',', last_start) + 1) + 1;
  log.replace(score_at, log.find(',', score_at) - score_at, "7.5");
  const auto path = write_temp("parallel_score.csv", log);
  Rule sequential_rule = Rule::parse("local");
  DecisionLogSpec sequential = generated_spec(&sequential_rule);
  sequential.threads = 1;
  const DecisionTable expected = read_decision_log(path, sequential, null_progress());
  ASSERT_NE(expected.calibration_skipped.find("score '7.5'"), std::string::npos)
      << expected.calibration_skipped;
  Rule rule = Rule::parse("local");
  DecisionLogSpec spec = generated_spec(&rule);
  spec.threads = 3;
  spec.parallel_min_bytes = 0;
  const DecisionTable table = read_decision_log(path, spec, null_progress());
  EXPECT_EQ(table.read_threads, 1U);
  EXPECT_EQ(table.calibration_bins, 0U);
  EXPECT_EQ(table.calibration_skipped, expected.calibration_skipped);
  expect_same_tables(expected, table);
}

}  // namespace
}  // namespace equalis::audit

// Nobody re-identified from what the audit publishes: for `audit metrics`, `audit rules` and
// `audit representation`, in JSON, CSV and text, every suppressed cell is attacked by subtraction — for
// each published total it belongs to (the overall total, its attribute group for an intersection cell, the
// whole log for a period), total − Σ shown cells — and none may come back.

#include "cli/cli_run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using equalis::cli_test::run;
using equalis::cli_test::RunResult;
using equalis::cli_test::write_temp;
using Json = nlohmann::json;

// What a reader of one output knows: the cells that exist (nullopt = suppressed) and the additive
// relations between them (total = Σ parts).
struct Published {
  std::map<std::string, std::optional<std::uint64_t>> cells;
  std::vector<std::pair<std::string, std::vector<std::string>>> relations;
};

// Every cell a single subtraction gives back, as "cell = value (from total)".
std::vector<std::string> recovered_by_subtraction(const Published& published) {
  std::vector<std::string> found;
  for (const auto& [total, parts] : published.relations) {
    std::vector<std::string> members{total};
    members.insert(members.end(), parts.begin(), parts.end());
    std::vector<std::string> hidden;
    std::int64_t shown_parts = 0;
    for (const auto& member : members) {
      const auto& value = published.cells.at(member);
      if (!value) hidden.push_back(member);
      if (value && member != total) shown_parts += static_cast<std::int64_t>(*value);
    }
    if (hidden.size() != 1) continue;
    const auto& total_value = published.cells.at(total);
    const std::int64_t value =
        total_value ? static_cast<std::int64_t>(*total_value) - shown_parts : shown_parts;
    found.push_back(hidden[0] + " = " + std::to_string(value) + " (from " + total + ")");
  }
  return found;
}

std::size_t hidden_count(const Published& published) {
  std::size_t count = 0;
  for (const auto& [name, value] : published.cells) count += value ? 0U : 1U;
  return count;
}

std::string key(const std::string& family, const std::string& group) {
  return family + "|" + group;
}

std::vector<std::string> split(const std::string& text, const std::string& separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + separator.size())
    out.push_back(text.substr(start, at - start));
  out.push_back(text.substr(start));
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  return split(text, "\n");
}

// The rows of a tidy audit CSV (section,period,family,group,bin,metric,value,low,high), header checked;
// rows with a quoted field (recipe text) are left out, since no count is quoted.
std::vector<std::vector<std::string>> tidy_rows(const std::string& csv) {
  const auto lines = lines_of(csv);
  EXPECT_EQ(lines[0], "section,period,family,group,bin,metric,value,low,high");
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 1; i < lines.size() && !lines[i].empty(); ++i) {
    if (lines[i].find('"') != std::string::npos) continue;
    rows.push_back(split(lines[i], ","));
    EXPECT_EQ(rows.back().size(), 9U) << lines[i];
  }
  return rows;
}

bool all_digits(const std::string& token) {
  if (token.empty()) return false;
  for (const char c : token) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

// A text table row: the group name (possibly several words) and the first whole number after it.
std::pair<std::string, std::optional<std::uint64_t>> text_row(const std::string& line) {
  std::istringstream in(line);
  std::string token;
  std::string name;
  while (in >> token) {
    if (all_digits(token)) return {name, std::stoull(token)};
    if (token == "<min") return {name, std::nullopt};
    name += (name.empty() ? "" : " ") + token;
  }
  return {name, std::nullopt};
}

// The structure of one audit (whole log or one period) from its JSON: every group hidden until a format
// shows it; families add up to the overall total; intersection cells to their attribute's group.
void add_audit_structure(Published& published, const Json& families, const std::string& prefix) {
  const std::string overall = prefix + "overall";
  published.cells[overall] = std::nullopt;
  for (const auto& family : families) {
    const std::string name = family["name"];
    const std::size_t attributes =
        family.contains("attributes") ? family["attributes"].size() : split(name, " × ").size();
    std::vector<std::string> members;
    for (const auto& group : family["groups"]) {
      members.push_back(prefix + key(name, group["name"]));
      published.cells[members.back()] = std::nullopt;
    }
    if (attributes == 1) {
      published.relations.emplace_back(overall, members);
      continue;
    }
    const std::vector<std::string> attribute_names = split(name, " × ");
    std::map<std::string, std::vector<std::string>> parts;
    for (const auto& group : family["groups"]) {
      const auto values = split(group["name"].get<std::string>(), " × ");
      for (std::size_t a = 0; a < values.size(); ++a) {
        parts[prefix + key(attribute_names[a], values[a])].push_back(prefix + key(name, group["name"]));
      }
    }
    for (auto& [total, cells] : parts) published.relations.emplace_back(total, cells);
  }
}

// Decision log (aggregated): region × hukou with a small island, a small migrant cell in the north, and two
// months, so groups, intersection cells and periods all need complements.
std::string decision_log() {
  const std::vector<std::tuple<std::string, std::string, int>> cells{
      {"north", "local", 40}, {"north", "migrant", 4}, {"south", "local", 30}, {"south", "migrant", 25},
      {"east", "local", 12},  {"east", "migrant", 6},  {"isle", "local", 3},   {"isle", "migrant", 2},
      {"west", "local", 50},  {"west", "migrant", 45}};
  std::string csv = "region,hukou,has_id,d,y,t,n\n";
  for (const auto& [region, hukou, n] : cells) {
    const int id = hukou == "local" ? 1 : 0;
    csv +=
        region + "," + hukou + "," + std::to_string(id) + ",1,1,2024-01-15," + std::to_string(n / 2) + "\n";
    csv += region + "," + hukou + "," + std::to_string(id) + ",0,0,2024-02-15," + std::to_string(n - n / 2) +
           "\n";
  }
  return write_temp("disclosure_log.csv", csv);
}

const std::string kMetrics = " -g region -g hukou --decision d --label y --count n";

TEST(AuditDisclosure, MetricsJsonGivesNoSuppressedCellBackBySubtraction) {
  const RunResult r = run("audit metrics " + decision_log() + kMetrics + " --time t --period month");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const Json result = Json::parse(r.out)["result"];
  Published published;
  add_audit_structure(published, result["families"], "");
  published.cells["overall"] = result["overall"]["n"].get<std::uint64_t>();
  for (const auto& family : result["families"]) {
    for (const auto& group : family["groups"]) {
      if (!group["suppressed"].get<bool>())
        published.cells[key(family["name"], group["name"])] = group["n"].get<std::uint64_t>();
    }
  }
  // Each period is an audit of its own, and each group's periods add up to the whole log's group.
  for (const auto& period : result["periods"]) {
    const std::string prefix = period["period"].get<std::string>() + "/";
    add_audit_structure(published, period["families"], prefix);
    published.cells[prefix + "overall"] = period["overall"]["n"].get<std::uint64_t>();
    for (const auto& family : period["families"]) {
      for (const auto& group : family["groups"]) {
        if (!group["suppressed"].get<bool>())
          published.cells[prefix + key(family["name"], group["name"])] = group["n"].get<std::uint64_t>();
      }
    }
  }
  for (const auto& family : result["families"]) {
    for (const auto& group : family["groups"]) {
      std::vector<std::string> parts;
      for (const auto& period : result["periods"]) {
        const std::string part =
            period["period"].get<std::string>() + "/" + key(family["name"], group["name"]);
        if (published.cells.count(part) != 0) parts.push_back(part);
      }
      published.relations.emplace_back(key(family["name"], group["name"]), parts);
    }
  }
  EXPECT_GE(hidden_count(published), 6U);  // the attack has something to attack
  EXPECT_EQ(recovered_by_subtraction(published), std::vector<std::string>{});
  // No family prints the total of a lone suppressed group.
  for (const auto& family : result["families"]) {
    if (family["suppressed"]["groups"] == 1) {
      EXPECT_TRUE(family["suppressed"]["applicants"].is_null());
    }
  }
}

// The structure, from the JSON of the same run; the values from `csv` or `text`.
Published metrics_structure(const std::string& log) {
  const RunResult r = run("audit metrics " + log + kMetrics);
  EXPECT_EQ(r.exit_status, 0) << r.err;
  const Json result = Json::parse(r.out)["result"];
  Published published;
  add_audit_structure(published, result["families"], "");
  return published;
}

TEST(AuditDisclosure, MetricsCsvGivesNoSuppressedCellBackBySubtraction) {
  const std::string log = decision_log();
  Published published = metrics_structure(log);
  const RunResult r = run("audit metrics " + log + kMetrics + " --format csv --no-mitigation");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines[0], "section,period,family,group,bin,metric,value,low,high");
  for (std::size_t i = 1; i < lines.size() && !lines[i].empty(); ++i) {
    const auto fields = split(lines[i], ",");  // section,period,family,group,bin,metric,value,low,high
    if (fields[0] != "metrics" || fields[5] != "n") continue;
    if (fields[3] == "overall") {
      published.cells["overall"] = std::stoull(fields[6]);
      continue;
    }
    const std::string cell = key(fields[2], fields[3]);
    ASSERT_EQ(published.cells.count(cell), 1U) << cell;
    published.cells[cell] = std::stoull(fields[6]);
  }
  EXPECT_GE(hidden_count(published), 4U);
  EXPECT_EQ(recovered_by_subtraction(published), std::vector<std::string>{});
}

TEST(AuditDisclosure, MetricsTextGivesNoSuppressedCellBackBySubtraction) {
  const std::string log = decision_log();
  Published published = metrics_structure(log);
  const RunResult r = run("audit metrics " + log + kMetrics + " --format text");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  std::string family;
  bool in_table = false;
  for (const auto& line : lines_of(r.out)) {
    if (line.rfind("overall: n = ", 0) == 0) published.cells["overall"] = std::stoull(line.substr(13));
    if (line.rfind("== ", 0) == 0) family = line.substr(3, line.find(" (") - 3);
    if (line.rfind("group ", 0) == 0) in_table = true;
    if (line.empty() || line.rfind("suppressed", 0) == 0 || line.rfind("Mitigation", 0) == 0)
      in_table = false;
    if (!in_table || line.rfind("group ", 0) == 0 || line.rfind("…", 0) == 0) continue;
    const auto [group, n] = text_row(line);
    ASSERT_EQ(published.cells.count(key(family, group)), 1U) << line;
    published.cells[key(family, group)] = n;
  }
  EXPECT_GE(hidden_count(published), 4U);
  EXPECT_EQ(recovered_by_subtraction(published), std::vector<std::string>{});
  // The reweighing table per intersection cell hides the suppressed cells as well.
  EXPECT_NE(r.out.find("north × migrant                  label 1  suppressed"), std::string::npos) << r.out;
}

// Without the intersection family the reweighing table still lists the cells: they are protected as the
// intersection would be (north × migrant, 4 applicants, and its complements).
TEST(AuditDisclosure, ReweighingCellsAreProtectedWithoutTheIntersectionFamily) {
  const RunResult r = run("audit metrics " + decision_log() + kMetrics + " --no-intersections");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const Json reweighing = Json::parse(r.out)["result"]["mitigation"]["reweighing"];
  std::map<std::string, std::optional<std::uint64_t>> cells;
  for (const auto& cell : reweighing) {
    if (cell["label"] != 1) continue;
    cells[cell["group"]] =
        cell.contains("count") ? std::optional(cell["count"].get<std::uint64_t>()) : std::nullopt;
  }
  EXPECT_FALSE(cells.at("north × migrant").has_value());
  std::size_t hidden = 0;
  for (const auto& [name, count] : cells) hidden += count ? 0U : 1U;
  EXPECT_GE(hidden, 4U);  // a lone hidden cell per region or hukou value would come back by subtraction
}

const std::string kRules = " --rule 'hukou == \"local\" and has_id' -g region -g hukou --count n";

Published rules_structure(const Json& result) {
  Published published;
  published.cells["overall"] = result["overall"]["population"].get<std::uint64_t>();
  for (const auto& family : result["by_attribute"]) {
    std::vector<std::string> members;
    for (const auto& group : family["groups"]) {
      members.push_back(key(family["attribute"], group["name"]));
      published.cells[members.back()] = std::nullopt;
    }
    published.relations.emplace_back("overall", members);
  }
  return published;
}

TEST(AuditDisclosure, RulesGiveNoSuppressedGroupBackBySubtraction) {
  const std::string log = decision_log();
  const RunResult json_run = run("audit rules " + log + kRules);
  ASSERT_EQ(json_run.exit_status, 0) << json_run.err;
  const Json result = Json::parse(json_run.out)["result"];
  Published from_json = rules_structure(result);
  for (const auto& family : result["by_attribute"]) {
    for (const auto& group : family["groups"]) {
      if (!group["suppressed"].get<bool>())
        from_json.cells[key(family["attribute"], group["name"])] = group["population"].get<std::uint64_t>();
    }
  }
  EXPECT_GE(hidden_count(from_json), 2U);
  EXPECT_EQ(recovered_by_subtraction(from_json), std::vector<std::string>{});

  const RunResult csv = run("audit rules " + log + kRules + " --format csv");
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  Published from_csv = rules_structure(result);
  std::size_t shown_in_csv = 0;
  for (const auto& fields : tidy_rows(csv.out)) {  // section,period,family,group,bin,metric,value,…
    if (fields[0] != "rule_audit" || fields[5] != "population" || fields[3] == "overall") continue;
    from_csv.cells[key(fields[2], fields[3])] = std::stoull(fields[6]);
    ++shown_in_csv;
  }
  EXPECT_GT(shown_in_csv, 0U);
  EXPECT_EQ(recovered_by_subtraction(from_csv), std::vector<std::string>{});

  const RunResult text = run("audit rules " + log + kRules + " --format text");
  ASSERT_EQ(text.exit_status, 0) << text.err;
  Published from_text = rules_structure(result);
  std::string attribute;
  bool in_table = false;
  for (const auto& line : lines_of(text.out)) {
    if (line.rfind("== excluded by ", 0) == 0) attribute = line.substr(15, line.find(" (") - 15);
    if (line.rfind("group ", 0) == 0) {
      in_table = true;
      continue;
    }
    if (line.empty() || line.rfind("suppressed", 0) == 0) in_table = false;
    if (!in_table) continue;
    const auto [group, population] = text_row(line);
    from_text.cells[key(attribute, group)] = population;
  }
  EXPECT_EQ(recovered_by_subtraction(from_text), std::vector<std::string>{});
}

TEST(AuditDisclosure, RepresentationGivesNoSuppressedGroupBackBySubtraction) {
  const std::string log = decision_log();
  const std::string census = write_temp(
      "disclosure_census.csv", "region,population\nnorth,100\nsouth,100\neast,50\nisle,20\nwest,200\n");
  const std::string command = "audit representation " + log + " -g region --count n --reference " + census +
                              " --reference-value population";
  const RunResult json_run = run(command);
  ASSERT_EQ(json_run.exit_status, 0) << json_run.err;
  const Json result = Json::parse(json_run.out)["result"];
  auto structure = [&] {
    Published published;
    published.cells["total"] = result["total"].get<std::uint64_t>();
    std::vector<std::string> members;
    for (const auto& row : result["groups"]) {
      members.push_back(row["group"]);
      published.cells[members.back()] = std::nullopt;
    }
    published.relations.emplace_back("total", members);
    return published;
  };
  Published from_json = structure();
  for (const auto& row : result["groups"]) {
    if (!row["suppressed"].get<bool>()) from_json.cells[row["group"]] = row["count"].get<std::uint64_t>();
  }
  EXPECT_GE(hidden_count(from_json), 2U);
  EXPECT_EQ(recovered_by_subtraction(from_json), std::vector<std::string>{});

  const RunResult csv = run(command + " --format csv");
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  Published from_csv = structure();
  std::size_t shown_in_csv = 0;
  for (const auto& fields : tidy_rows(csv.out)) {
    if (fields[0] != "representation" || fields[5] != "count") continue;
    from_csv.cells[fields[3]] = std::stoull(fields[6]);
    ++shown_in_csv;
  }
  EXPECT_GT(shown_in_csv, 0U);
  EXPECT_EQ(recovered_by_subtraction(from_csv), std::vector<std::string>{});

  const RunResult text = run(command + " --format text");
  ASSERT_EQ(text.exit_status, 0) << text.err;
  Published from_text = structure();
  bool in_table = false;
  for (const auto& line : lines_of(text.out)) {
    if (line.rfind("group ", 0) == 0) {
      in_table = true;
      continue;
    }
    if (line.empty()) in_table = false;
    if (!in_table) continue;
    const auto [group, count] = text_row(line);
    from_text.cells[group] = count;
  }
  EXPECT_EQ(recovered_by_subtraction(from_text), std::vector<std::string>{});
}

}  // namespace

namespace {

// ---- audit mitigate ---------------------------------------------------------------------------------

// The cells `audit mitigate` hides in its reweighing table (label 1 rows of the JSON).
std::map<std::string, std::optional<std::uint64_t>> reweighing_cells(const Json& reweighing) {
  std::map<std::string, std::optional<std::uint64_t>> cells;
  for (const auto& cell : reweighing) {
    if (cell["label"] != 1) continue;
    cells[cell["group"]] =
        cell.contains("count") ? std::optional(cell["count"].get<std::uint64_t>()) : std::nullopt;
  }
  return cells;
}

// Before --min-cell, `audit mitigate` printed every cell: north × migrant (4 applicants) with its count and
// weight. Now it hides exactly the cells `audit metrics` hides, so reading both gives nothing more.
TEST(AuditDisclosure, MitigateHidesTheCellsMetricsHides) {
  const std::string log = decision_log();
  const RunResult mitigate = run("audit mitigate " + log + kMetrics);
  ASSERT_EQ(mitigate.exit_status, 0) << mitigate.err;
  const Json json = Json::parse(mitigate.out);
  EXPECT_EQ(json["recipe"]["options"]["min_cell"], 10);
  const auto cells = reweighing_cells(json["result"]["reweighing"]);
  EXPECT_FALSE(cells.at("north × migrant").has_value());

  const RunResult metrics = run("audit metrics " + log + kMetrics + " --no-mitigation");
  ASSERT_EQ(metrics.exit_status, 0) << metrics.err;
  const Json intersection = Json::parse(metrics.out)["result"]["families"].back();
  ASSERT_EQ(intersection["name"], "region × hukou");
  std::size_t hidden = 0;
  for (const auto& group : intersection["groups"]) {
    EXPECT_EQ(cells.at(group["name"]).has_value(), !group["suppressed"].get<bool>()) << group["name"];
    hidden += group["suppressed"].get<bool>() ? 1U : 0U;
  }
  EXPECT_GE(hidden, 4U);

  // CSV and text show no count of a hidden cell either.
  const RunResult csv = run("audit mitigate " + log + kMetrics + " --format csv");
  ASSERT_EQ(csv.exit_status, 0) << csv.err;
  std::set<std::string> counted;
  std::set<std::string> suppressed;
  for (const auto& fields : tidy_rows(csv.out)) {
    if (fields[0] != "mitigation" || fields[2] != "reweighing") continue;
    if (fields[5] == "suppressed") suppressed.insert(fields[3]);
    if (fields[5].ends_with("_count")) counted.insert(fields[3]);
  }
  for (const auto& [name, count] : cells) {
    EXPECT_EQ(counted.count(name), count ? 1U : 0U) << name;
    EXPECT_EQ(suppressed.count(name), count ? 0U : 1U) << name;
  }
  const RunResult text = run("audit mitigate " + log + kMetrics + " --format text");
  ASSERT_EQ(text.exit_status, 0) << text.err;
  EXPECT_NE(text.out.find("north × migrant                  label 1  suppressed"), std::string::npos)
      << text.out;

  // --min-cell 0 publishes every cell (the flag is the one that decides).
  const RunResult all = run("audit mitigate " + log + kMetrics + " --min-cell 0");
  ASSERT_EQ(all.exit_status, 0) << all.err;
  EXPECT_EQ(reweighing_cells(Json::parse(all.out)["result"]["reweighing"]).at("north × migrant"), 4U / 2);
}

// The group thresholds of a small group give its TPR and selection rate: suppressed with it.
TEST(AuditDisclosure, MitigateHidesTheThresholdsOfSmallGroups) {
  std::string csv = "g,s,y\n";
  for (int i = 0; i < 40; ++i) csv += fmt::format("a,{:.3f},{}\n", (i % 20) / 20.0, i % 3 == 0 ? 1 : 0);
  for (int i = 0; i < 30; ++i) csv += fmt::format("b,{:.3f},{}\n", (i % 15) / 15.0, i % 2);
  for (int i = 0; i < 4; ++i) csv += fmt::format("c,{:.3f},1\n", 0.2 + 0.1 * i);
  const std::string log = write_temp("disclosure_scored.csv", csv);
  const RunResult r = run("audit mitigate " + log + " -g g --score s --threshold 0.5 --label y");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const Json groups = Json::parse(r.out)["result"]["equal_opportunity_thresholds"]["groups"];
  std::size_t hidden = 0;
  for (const auto& group : groups) {
    const bool suppressed = group.value("suppressed", false);
    hidden += suppressed ? 1U : 0U;
    EXPECT_EQ(group.contains("threshold"), !suppressed) << group;
    EXPECT_EQ(group.contains("n"), !suppressed) << group;
    if (group["group"] == "c") {
      EXPECT_TRUE(suppressed);
    }
  }
  EXPECT_EQ(hidden, 2U);  // c and its complement (the groups add up to the whole log)
}

// ---- audit monitor ----------------------------------------------------------------------------------

// Before the monitor knew the minimum cell, `--min-group 1` alerted on c (1 of 3 decisions in the window),
// with its selection rate; and a compared with a rest of 3 c gave the rest's rate away. No event may report a
// count or a rate of fewer than 10 decisions (the group's, or the rest's: window_n − group_n).
TEST(AuditDisclosure, MonitorEventsReportNoSmallGroup) {
  std::string csv = "g,d\n";
  for (int i = 0; i < 60; ++i) csv += fmt::format("a,{}\n", i % 2);
  for (int i = 0; i < 3; ++i) csv += "c,1\n";  // a group of 3, all selected: 100 % vs 50 %
  for (int i = 0; i < 60; ++i) csv += fmt::format("a,{}\n", i % 2);
  const std::string log = write_temp("disclosure_monitor.csv", csv);
  // A window of 40 after the 60 a: 37 a and 3 c, so each a decision is compared with a rest of 3.
  for (const std::string window : {"1000", "40"}) {
    const RunResult r = run("audit monitor " + log +
                            " -g g --decision d --min-group 1 --gap 0.1 --alpha 0.5" + " --window " + window);
    ASSERT_EQ(r.exit_status, 0) << r.err;
    std::size_t events = 0;
    for (const auto& line : lines_of(r.out)) {
      if (line.empty()) continue;
      const Json event = Json::parse(line);
      if (event["type"] == "summary") continue;
      ++events;
      if (event.value("suppressed", false)) {
        for (const char* withheld :
             {"group_n", "group_selection_rate", "rest_selection_rate", "gap", "z", "p"})
          EXPECT_FALSE(event.contains(withheld)) << line;
        continue;
      }
      EXPECT_GE(event["group_n"].get<std::uint64_t>(), 10U) << line;
      EXPECT_GE(event["window_n"].get<std::uint64_t>() - event["group_n"].get<std::uint64_t>(), 10U) << line;
    }
    // With --min-cell 0 the same run alerts on c: the test has something to protect.
    const RunResult open =
        run("audit monitor " + log +
            " -g g --decision d --min-group 1 --gap 0.1 --alpha 0.5 --min-cell 0 --window " + window);
    ASSERT_EQ(open.exit_status, 0) << open.err;
    EXPECT_NE(open.out.find("\"type\":\"alert\",\"group\":\"c\""), std::string::npos) << open.out;
    EXPECT_LE(events, 2U) << r.out;  // at most an alert on a large group and its clearance
  }
}

// ---- calibration ------------------------------------------------------------------------------------

// A scored log with a label: a group of 4 (suppressed), small score bins in every group and overall.
std::string scored_log() {
  std::string csv = "g,s,y\n";
  auto add = [&](const std::string& group, int n, double low, double width, int every) {
    for (int i = 0; i < n; ++i) {
      csv += fmt::format("{},{:.4f},{}\n", group, low + width * (i % 7) / 7.0, i % every == 0 ? 1 : 0);
    }
  };
  add("a", 60, 0.0, 0.5, 2);
  add("a", 3, 0.91, 0.05, 1);  // 3 in the top bin: overall too
  add("b", 50, 0.3, 0.6, 3);
  add("b", 4, 0.05, 0.04, 2);
  add("c", 4, 0.5, 0.3, 1);
  return write_temp("disclosure_calibration.csv", csv);
}

// No suppressed bin comes back by subtraction (a group's bins add up to its n, the groups' bins to the
// overall bin, the overall bins to the overall n), small overall bins are suppressed too, and every ECE is
// the one of the published bins — so a hidden bin enters no published number. Before, the overall bins
// were always shown and the ECE weighed in the hidden bins.
TEST(AuditDisclosure, CalibrationGivesNoSuppressedBinBack) {
  const RunResult r = run("audit metrics " + scored_log() +
                          " -g g --score s --threshold 0.5 --label y --bins 10 --no-mitigation");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const Json calibration = Json::parse(r.out)["result"]["calibration"];
  EXPECT_EQ(calibration["ece_over"], "published_bins");
  Published published;
  auto add_group = [&](const std::string& name, const Json& group) {
    published.cells[name] =
        group.contains("n") ? std::optional(group["n"].get<std::uint64_t>()) : std::nullopt;
    std::vector<std::string> bins;
    for (std::size_t b = 0; b < calibration["bins"].get<std::size_t>(); ++b) {
      bins.push_back(name + "#" + std::to_string(b));
      const bool shown = group.contains("bins") && !group["bins"][b]["suppressed"].get<bool>();
      published.cells[bins.back()] =
          shown ? std::optional(group["bins"][b]["n"].get<std::uint64_t>()) : std::nullopt;
    }
    published.relations.emplace_back(name, bins);
    // The ECE is a function of the published bins alone.
    if (!group.contains("ece") || group["ece"].is_null()) return;
    double weighted = 0.0;
    double n = 0.0;
    for (const auto& bin : group["bins"]) {
      if (bin["suppressed"].get<bool>() || bin["n"] == 0) continue;
      weighted += bin["n"].get<double>() *
                  std::fabs(bin["mean_score"].get<double>() - bin["observed_rate"].get<double>());
      n += bin["n"].get<double>();
    }
    EXPECT_NEAR(group["ece"].get<double>(), weighted / n, 1e-12) << name;
  };
  add_group("overall", calibration["overall"]);
  const Json& family = calibration["families"][0];
  std::vector<std::string> groups;
  for (const auto& group : family["groups"]) {
    groups.push_back(group["name"].get<std::string>());
    add_group(groups.back(), group);
  }
  for (std::size_t b = 0; b < calibration["bins"].get<std::size_t>(); ++b) {
    std::vector<std::string> parts;
    for (const auto& group : groups) parts.push_back(group + "#" + std::to_string(b));
    published.relations.emplace_back("overall#" + std::to_string(b), parts);
  }
  EXPECT_TRUE(calibration["overall"]["bins"][9]["suppressed"].get<bool>());  // 3 applicants overall
  EXPECT_GE(calibration["overall_suppressed_bins"].get<std::size_t>(), 2U);  // and a complement
  EXPECT_GE(hidden_count(published), 6U);
  EXPECT_EQ(recovered_by_subtraction(published), std::vector<std::string>{});
}

}  // namespace

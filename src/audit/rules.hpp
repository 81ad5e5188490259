#pragma once
// Eligibility rules as small boolean expressions over a population table, e.g.
//   hukou == "local" and (age >= 18 or has_guardian) and not has_debt
// Grammar (recursive descent; keywords are lower case):
//   expr    := and_expr ("or" and_expr)*
//   and_expr:= not_expr ("and" not_expr)*
//   not_expr:= "not" not_expr | compare
//   compare := operand (("==" | "!=" | "<" | "<=" | ">" | ">=") operand)?
//   operand := "(" expr ")" | NUMBER | STRING ('…' or "…") | true | false | COLUMN (name or `quoted name`)
// A bare column used as a condition is true when its value is 1, true or yes (any case), false otherwise.
// Comparisons are numeric when both sides are numbers, textual otherwise. A missing cell ("", NA, …) makes
// its comparison unknown; and/or/not follow Kleene's three-valued logic, and a row whose rule is unknown
// is counted as undetermined, never silently eligible or excluded.

#include "audit/proportion.hpp"
#include "core/csv.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace equalis::audit {

enum class Truth : std::uint8_t { False, True, Unknown };

class Rule {
 public:
  // Parses `text`; throws Error(Parse) whose location names the 1-based character column of the problem
  // (file = "rule").
  static Rule parse(std::string_view text);
  Rule(Rule&&) noexcept;
  Rule& operator=(Rule&&) noexcept;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;
  ~Rule();

  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  // Column names the rule reads, in order of first use.
  [[nodiscard]] std::vector<std::string> columns() const;
  // Resolves column names against `table`; throws Error(InvalidInput) naming the rule column of an
  // unknown name and the nearest existing column.
  void bind(const CsvTable& table);
  // Same against a header (streamed input); `source` names the input in messages.
  void bind(const std::vector<std::string>& header, std::string_view source);
  // Evaluates row `row_idx` of the table given to bind().
  [[nodiscard]] Truth evaluate(const CsvTable& table, std::size_t row_idx) const;
  // Evaluates a streamed record: one field per column of the header given to bind().
  [[nodiscard]] Truth evaluate(std::span<const std::string_view> fields) const;

  struct Node;

 private:
  Rule() = default;
  std::string text_;
  std::unique_ptr<Node> root_;
};

struct RuleGroup {
  std::string name;
  bool suppressed = false;
  std::uint64_t population = 0;
  std::uint64_t eligible = 0;
  std::uint64_t excluded = 0;
  std::uint64_t undetermined = 0;
  std::optional<double> exclusion_rate;        // excluded / (eligible + excluded)
  std::optional<Interval> exclusion_interval;  // Wilson
  std::optional<double> difference_to_least_excluded;
  std::optional<double> ratio_to_least_excluded;
  std::optional<TestResult> z_test;  // vs the least-excluded group
};

struct RuleFamily {
  std::string attribute;
  std::vector<RuleGroup> groups;
  std::string least_excluded;
  std::size_t suppressed_groups = 0;
};

struct RuleAuditResult {
  std::string rule;
  RuleGroup overall;
  std::vector<RuleFamily> families;
};

struct RuleAuditOptions {
  std::vector<std::string> group_columns;
  std::optional<std::string> count_column;  // population counts per row (aggregated tables)
  std::uint64_t min_cell_size = 10;         // and complements, so no suppressed group follows from the others
  double alpha = 0.05;
  // Groups to suppress besides those (attribute, group name): the metrics audit's complements, so the
  // rule audit of the same log hides the same groups.
  std::vector<std::pair<std::string, std::string>> also_suppress;
};

// Who the rule excludes, overall and by each attribute. Throws Error(InvalidInput/Parse) on a bad
// column or count (with file:line:column).
RuleAuditResult audit_rule(const CsvTable& population, Rule& rule, const RuleAuditOptions& options);

struct DecisionTable;
// The same report from the per-cell rule counts a streamed decision log collected
// (DecisionLogSpec::rule): exclusion by each attribute's values; options.group_columns and
// options.count_column are ignored (the table's attributes and weights are used).
RuleAuditResult audit_rule_cells(const DecisionTable& table, const RuleAuditOptions& options);

}  // namespace equalis::audit

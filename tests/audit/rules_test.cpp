// Eligibility rules: parsing (with error columns), three-valued evaluation, and exclusion by group.

#include "audit/rules.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

namespace equalis::audit {
namespace {

CsvTable population() {
  return CsvTable::parse(
      "hukou,has_e_id,age,region,n\n"
      "local,1,30,north,10\n"
      "local,0,40,north,10\n"
      "migrant,yes,25,north,10\n"
      "migrant,1,17,south,20\n"
      "local,true,70,south,30\n"
      "migrant,,50,south,10\n",
      "pop.csv");
}

std::size_t error_column(const std::string& text) {
  try {
    static_cast<void>(Rule::parse(text));
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse) << text;
    return error.where() ? error.where()->column : 0;
  }
  ADD_FAILURE() << "no error for: " << text;
  return 0;
}

TEST(Rules, EvaluatesRowsWithThreeValuedLogic) {
  const CsvTable table = population();
  Rule rule = Rule::parse(R"(hukou == "local" and has_e_id)");
  rule.bind(table);
  EXPECT_EQ(rule.evaluate(table, 0), Truth::True);
  EXPECT_EQ(rule.evaluate(table, 1), Truth::False);  // has_e_id = 0
  EXPECT_EQ(rule.evaluate(table, 2), Truth::False);  // migrant
  EXPECT_EQ(rule.evaluate(table, 4), Truth::True);   // "true"
  EXPECT_EQ(rule.evaluate(table, 5), Truth::False);  // migrant and unknown = false
  Rule either = Rule::parse("hukou == 'local' or has_e_id");
  either.bind(table);
  EXPECT_EQ(either.evaluate(table, 5), Truth::Unknown);  // false or unknown = unknown
  Rule numeric = Rule::parse("not (age < 18) and age <= 65");
  numeric.bind(table);
  EXPECT_EQ(numeric.evaluate(table, 3), Truth::False);
  EXPECT_EQ(numeric.evaluate(table, 4), Truth::False);
  EXPECT_EQ(numeric.evaluate(table, 0), Truth::True);
  EXPECT_EQ(numeric.columns(), (std::vector<std::string>{"age"}));
}

TEST(Rules, PrecedenceAndBindsTighterThanOr) {
  const CsvTable table = population();
  Rule rule = Rule::parse("region == 'south' or hukou == 'local' and age > 35");
  rule.bind(table);
  EXPECT_EQ(rule.evaluate(table, 0), Truth::False);  // north, local, 30
  EXPECT_EQ(rule.evaluate(table, 1), Truth::True);   // north, local, 40
  EXPECT_EQ(rule.evaluate(table, 3), Truth::True);   // south
}

TEST(Rules, ParseErrorsPointAtTheColumn) {
  EXPECT_EQ(error_column("hukou = 'local'"), 7U);
  EXPECT_EQ(error_column("hukou == 'local' and"), 21U);
  EXPECT_EQ(error_column("(age > 18"), 10U);
  EXPECT_EQ(error_column("age > 18)"), 9U);
  EXPECT_EQ(error_column("hukou == \"local"), 10U);
  EXPECT_EQ(error_column("age > 18 or 5"), 13U);
  EXPECT_EQ(error_column("age # 3"), 5U);
  EXPECT_EQ(error_column("(age > 1) == b"), 1U);
}

TEST(Rules, UnknownColumnIsReportedWithItsRuleColumn) {
  const CsvTable table = population();
  Rule rule = Rule::parse("hukou == 'local' and has_eid");
  try {
    rule.bind(table);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    EXPECT_EQ(error.where()->column, 22U);
    EXPECT_NE(std::string(error.what()).find("has_e_id"), std::string::npos);
  }
}

TEST(Rules, ExclusionByGroupWithCounts) {
  const CsvTable table = population();
  Rule rule = Rule::parse(R"(hukou == "local" and has_e_id)");
  RuleAuditOptions options;
  options.group_columns = {"hukou", "region"};
  options.count_column = "n";
  options.min_cell_size = 0;
  const RuleAuditResult result = audit_rule(table, rule, options);
  EXPECT_EQ(result.overall.population, 90U);
  EXPECT_EQ(result.overall.eligible, 40U);
  EXPECT_EQ(result.overall.excluded, 50U);  // the migrant with a missing id is excluded anyway
  const RuleFamily& hukou = result.families[0];
  EXPECT_EQ(hukou.groups[0].name, "local");
  EXPECT_DOUBLE_EQ(*hukou.groups[0].exclusion_rate, 0.2);
  EXPECT_DOUBLE_EQ(*hukou.groups[1].exclusion_rate, 1.0);
  EXPECT_EQ(hukou.least_excluded, "local");
  EXPECT_DOUBLE_EQ(*hukou.groups[1].difference_to_least_excluded, 0.8);
  EXPECT_DOUBLE_EQ(*hukou.groups[1].ratio_to_least_excluded, 5.0);
  const RuleFamily& region = result.families[1];
  EXPECT_DOUBLE_EQ(*region.groups[0].exclusion_rate, 2.0 / 3.0);  // north: 20 of 30
}

TEST(Rules, UndeterminedRowsAreCountedNotGuessed) {
  const CsvTable table = population();
  Rule rule = Rule::parse("has_e_id");
  RuleAuditOptions options;
  options.group_columns = {"hukou"};
  options.min_cell_size = 0;
  const RuleAuditResult result = audit_rule(table, rule, options);
  EXPECT_EQ(result.overall.undetermined, 1U);
  EXPECT_EQ(result.overall.excluded, 1U);
  EXPECT_EQ(result.overall.eligible, 4U);
}

TEST(Rules, DeepNestingIsAnErrorNotACrash) {
  // 20 000 parentheses or nots used to overflow the stack (exit 139): now a parse error at the level that
  // goes too deep.
  const std::string parens = std::string(20000, '(') + "a" + std::string(20000, ')');
  EXPECT_EQ(error_column(parens), 101U);
  std::string nots;
  for (int i = 0; i < 20000; ++i) nots += "not ";
  EXPECT_EQ(error_column(nots + "a"), 401U);
  std::string chain = "a";
  for (int i = 0; i < 5000; ++i) chain += " and a";
  EXPECT_GT(error_column(chain), 0U);
  // Within the bounds, deep rules still parse.
  EXPECT_NO_THROW(static_cast<void>(Rule::parse(std::string(100, '(') + "a" + std::string(100, ')'))));
  std::string long_chain = "a";
  for (int i = 0; i < 999; ++i) long_chain += " or a";
  EXPECT_NO_THROW(static_cast<void>(Rule::parse(long_chain)));
}

}  // namespace
}  // namespace equalis::audit

#include "audit/rules.hpp"

#include "audit/count_cell.hpp"
#include "audit/decision_log.hpp"
#include "audit/disclosure.hpp"
#include "core/error.hpp"
#include "core/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace equalis::audit {

enum class NodeKind : std::uint8_t { Or, And, Not, Compare, Column, Number, String, Boolean };
enum class CompareOp : std::uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

struct Rule::Node {
  NodeKind kind;
  std::size_t column = 0;  // 1-based character column in the rule text
  CompareOp op = CompareOp::Eq;
  std::string text;  // column name or string literal
  double number = 0.0;
  bool boolean = false;
  std::size_t table_column = 0;  // after bind()
  std::unique_ptr<Node> left;
  std::unique_ptr<Node> right;
};

namespace {

using Node = Rule::Node;

enum class TokenKind : std::uint8_t { Identifier, Number, String, Op, LParen, RParen, End };

struct Token {
  TokenKind kind;
  std::string text;
  std::size_t column;  // 1-based, in characters
};

[[noreturn]] void fail_at(std::size_t column, const std::string& message, const std::string& fix) {
  throw Error(ErrorCode::Parse, message, fix, SourceLocation{"rule", 1, column});
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  std::size_t column = 1;  // characters, so a UTF-8 column name does not shift later positions
  auto advance = [&](std::size_t bytes) {
    for (std::size_t k = 0; k < bytes; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) ++column;
    }
    i += bytes;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      advance(1);
      continue;
    }
    const std::size_t start_column = column;
    if (c == '(' || c == ')') {
      tokens.push_back({c == '(' ? TokenKind::LParen : TokenKind::RParen, std::string(1, c), start_column});
      advance(1);
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      const bool two = i + 1 < text.size() && text[i + 1] == '=';
      if ((c == '=' || c == '!') && !two) {
        fail_at(start_column, fmt::format("'{}' is not an operator", c),
                c == '=' ? "write == to compare" : "write != for 'not equal', or the keyword not");
      }
      tokens.push_back({TokenKind::Op, std::string(text.substr(i, two ? 2 : 1)), start_column});
      advance(two ? 2 : 1);
    } else if (c == '"' || c == '\'') {
      std::size_t end = i + 1;
      while (end < text.size() && text[end] != c) ++end;
      if (end >= text.size())
        fail_at(start_column, "a string is never closed", fmt::format("add the closing {}", c));
      tokens.push_back({TokenKind::String, std::string(text.substr(i + 1, end - i - 1)), start_column});
      advance(end + 1 - i);
    } else if (c == '`') {
      std::size_t end = i + 1;
      while (end < text.size() && text[end] != '`') ++end;
      if (end >= text.size())
        fail_at(start_column, "a quoted column name is never closed", "add the closing `");
      tokens.push_back({TokenKind::Identifier, std::string(text.substr(i + 1, end - i - 1)), start_column});
      advance(end + 1 - i);
    } else if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
      std::size_t end = i + 1;
      while (end < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.' ||
              ((text[end] == '-' || text[end] == '+') && (text[end - 1] == 'e' || text[end - 1] == 'E')))) {
        ++end;
      }
      const std::string_view literal = text.substr(i, end - i);
      if (!parse_number(literal)) {
        fail_at(start_column, fmt::format("'{}' is not a number", excerpt(literal)),
                "write a decimal number such as 18 or 0.5");
      }
      tokens.push_back({TokenKind::Number, std::string(literal), start_column});
      advance(end - i);
    } else if (std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' ||
               (static_cast<unsigned char>(c) & 0x80U) != 0) {
      std::size_t end = i + 1;
      while (end < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '_' ||
              text[end] == '.' || (static_cast<unsigned char>(text[end]) & 0x80U) != 0)) {
        ++end;
      }
      tokens.push_back({TokenKind::Identifier, std::string(text.substr(i, end - i)), start_column});
      advance(end - i);
    } else {
      fail_at(start_column, fmt::format("unexpected character '{}'", c),
              "use ==, !=, <, <=, >, >=, and, or, not, parentheses, numbers and quoted strings");
    }
  }
  tokens.push_back({TokenKind::End, "", column});
  return tokens;
}

// Real rules nest a few levels and join a few dozen conditions. The bounds keep the recursive parser,
// evaluator and destructor far from the stack's end on any input (20 000 parentheses used to crash).
constexpr std::size_t kMaxNesting = 100;
constexpr std::size_t kMaxConditions = 1000;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  std::unique_ptr<Node> parse_all() {
    auto node = parse_or();
    if (peek().kind != TokenKind::End) {
      fail_at(peek().column, fmt::format("unexpected '{}'", peek().text),
              "join conditions with and / or, and balance the parentheses");
    }
    require_condition(*node);
    return node;
  }

 private:
  const Token& peek() const { return tokens_[position_]; }
  bool is_keyword(const char* word) const {
    return peek().kind == TokenKind::Identifier && peek().text == word;
  }
  static bool is_condition(const Node& node) {
    return node.kind == NodeKind::Or || node.kind == NodeKind::And || node.kind == NodeKind::Not ||
           node.kind == NodeKind::Compare || node.kind == NodeKind::Column || node.kind == NodeKind::Boolean;
  }
  static void require_condition(const Node& node) {
    if (!is_condition(node)) {
      fail_at(node.column, "a number or a string is not a condition",
              "compare it with a column, e.g. age >= 18");
    }
  }
  // Counts one more level of parentheses or `not`; refuses a rule nested deeper than kMaxNesting.
  void enter(std::size_t column) {
    if (++depth_ > kMaxNesting) {
      fail_at(column, fmt::format("the rule nests more than {} levels of parentheses and not", kMaxNesting),
              "simplify the rule: remove redundant parentheses and double negations");
    }
  }
  std::unique_ptr<Node> binary(NodeKind kind, std::unique_ptr<Node> left, std::unique_ptr<Node> right,
                               std::size_t column) {
    if (++conditions_ > kMaxConditions) {
      fail_at(column, fmt::format("the rule joins more than {} conditions", kMaxConditions),
              "split it into several rules, or test membership with a derived column");
    }
    require_condition(*left);
    require_condition(*right);
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->column = column;
    node->left = std::move(left);
    node->right = std::move(right);
    return node;
  }
  std::unique_ptr<Node> parse_or() {
    auto left = parse_and();
    while (is_keyword("or")) {
      const std::size_t column = peek().column;
      ++position_;
      left = binary(NodeKind::Or, std::move(left), parse_and(), column);
    }
    return left;
  }
  std::unique_ptr<Node> parse_and() {
    auto left = parse_not();
    while (is_keyword("and")) {
      const std::size_t column = peek().column;
      ++position_;
      left = binary(NodeKind::And, std::move(left), parse_not(), column);
    }
    return left;
  }
  std::unique_ptr<Node> parse_not() {
    if (is_keyword("not")) {
      const std::size_t column = peek().column;
      ++position_;
      enter(column);
      auto operand = parse_not();
      --depth_;
      require_condition(*operand);
      auto node = std::make_unique<Node>();
      node->kind = NodeKind::Not;
      node->column = column;
      node->left = std::move(operand);
      return node;
    }
    return parse_compare();
  }
  std::unique_ptr<Node> parse_compare() {
    auto left = parse_operand();
    if (peek().kind != TokenKind::Op) return left;
    const Token op = peek();
    ++position_;
    auto right = parse_operand();
    for (const Node* side : {left.get(), right.get()}) {
      if (side->kind != NodeKind::Column && side->kind != NodeKind::Number &&
          side->kind != NodeKind::String) {
        fail_at(side->column, "only columns, numbers and strings can be compared",
                "compare values, and join the comparisons with and / or");
      }
    }
    auto node = std::make_unique<Node>();
    node->kind = NodeKind::Compare;
    node->column = op.column;
    node->op = op.text == "=="   ? CompareOp::Eq
               : op.text == "!=" ? CompareOp::Ne
               : op.text == "<"  ? CompareOp::Lt
               : op.text == "<=" ? CompareOp::Le
               : op.text == ">"  ? CompareOp::Gt
                                 : CompareOp::Ge;
    node->left = std::move(left);
    node->right = std::move(right);
    return node;
  }
  std::unique_ptr<Node> parse_operand() {
    const Token token = peek();
    auto node = std::make_unique<Node>();
    node->column = token.column;
    switch (token.kind) {
      case TokenKind::LParen: {
        ++position_;
        enter(token.column);
        auto inner = parse_or();
        --depth_;
        if (peek().kind != TokenKind::RParen) {
          fail_at(peek().column, "a parenthesis is never closed", "add the closing )");
        }
        ++position_;
        inner->column = token.column;  // errors about a parenthesised part point at its "("
        return inner;
      }
      case TokenKind::Number:
        node->kind = NodeKind::Number;
        node->number = *parse_number(token.text);
        node->text = token.text;
        break;
      case TokenKind::String:
        node->kind = NodeKind::String;
        node->text = token.text;
        break;
      case TokenKind::Identifier:
        if (token.text == "and" || token.text == "or" || token.text == "not") {
          fail_at(token.column, fmt::format("'{}' needs a condition before it", token.text),
                  "write a comparison or a column name here");
        }
        if (token.text == "true" || token.text == "false") {
          node->kind = NodeKind::Boolean;
          node->boolean = token.text == "true";
        } else {
          node->kind = NodeKind::Column;
          node->text = token.text;
        }
        break;
      case TokenKind::End:
        fail_at(token.column, "the rule ends too early", "complete the condition");
      default:
        fail_at(token.column, fmt::format("unexpected '{}'", token.text),
                "write a column, number or string here");
    }
    ++position_;
    return node;
  }

  std::vector<Token> tokens_;
  std::size_t position_ = 0;
  std::size_t depth_ = 0;       // open parentheses and nots around the current token
  std::size_t conditions_ = 0;  // and / or nodes built so far
};

void collect_columns(const Node& node, std::vector<std::string>& names) {
  if (node.kind == NodeKind::Column && std::find(names.begin(), names.end(), node.text) == names.end()) {
    names.push_back(node.text);
  }
  if (node.left) collect_columns(*node.left, names);
  if (node.right) collect_columns(*node.right, names);
}

void bind_node(Node& node, const std::vector<std::string>& header, std::string_view source) {
  if (node.kind == NodeKind::Column) {
    const auto it = std::find(header.begin(), header.end(), node.text);
    if (it == header.end()) {
      const std::string hint = nearest_name(node.text, header);
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("the rule reads column '{}', which '{}' does not have", node.text, source),
                  hint.empty() ? fmt::format("the columns are: {}", fmt::join(header, ", "))
                               : fmt::format("did you mean '{}'?", hint),
                  SourceLocation{"rule", 1, node.column});
    }
    node.table_column = static_cast<std::size_t>(it - header.begin());
  }
  if (node.left) bind_node(*node.left, header, source);
  if (node.right) bind_node(*node.right, header, source);
}

bool is_true_token(std::string_view cell) {
  std::string lower(cell);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return lower == "1" || lower == "true" || lower == "yes";
}

struct Value {
  bool missing = false;
  std::string_view text;
  std::optional<double> number;
};

// `cell(column_idx)` gives the current record's field: a CsvTable row or a streamed record.
template <typename CellOf>
Value value_of(const Node& node, const CellOf& cell_of) {
  if (node.kind == NodeKind::Number) return {false, node.text, node.number};
  if (node.kind == NodeKind::String) return {false, node.text, std::nullopt};
  const std::string_view cell = cell_of(node.table_column);
  if (is_missing_token(cell)) return {true, cell, std::nullopt};
  return {false, cell, parse_number(cell)};
}

template <typename T>
bool compare(CompareOp op, const T& a, const T& b) {
  switch (op) {
    case CompareOp::Eq:
      return a == b;
    case CompareOp::Ne:
      return a != b;
    case CompareOp::Lt:
      return a < b;
    case CompareOp::Le:
      return a <= b;
    case CompareOp::Gt:
      return a > b;
    case CompareOp::Ge:
      return a >= b;
  }
  return false;
}

template <typename CellOf>
Truth evaluate_node(const Node& node, const CellOf& cell_of) {
  switch (node.kind) {
    case NodeKind::Boolean:
      return node.boolean ? Truth::True : Truth::False;
    case NodeKind::Column: {
      const std::string_view cell = cell_of(node.table_column);
      if (is_missing_token(cell)) return Truth::Unknown;
      return is_true_token(cell) ? Truth::True : Truth::False;
    }
    case NodeKind::Not: {
      const Truth inner = evaluate_node(*node.left, cell_of);
      return inner == Truth::Unknown ? Truth::Unknown : (inner == Truth::True ? Truth::False : Truth::True);
    }
    case NodeKind::And: {  // Kleene: false dominates, then unknown
      const Truth a = evaluate_node(*node.left, cell_of);
      if (a == Truth::False) return Truth::False;
      const Truth b = evaluate_node(*node.right, cell_of);
      if (b == Truth::False) return Truth::False;
      return a == Truth::True && b == Truth::True ? Truth::True : Truth::Unknown;
    }
    case NodeKind::Or: {  // Kleene: true dominates, then unknown
      const Truth a = evaluate_node(*node.left, cell_of);
      if (a == Truth::True) return Truth::True;
      const Truth b = evaluate_node(*node.right, cell_of);
      if (b == Truth::True) return Truth::True;
      return a == Truth::False && b == Truth::False ? Truth::False : Truth::Unknown;
    }
    case NodeKind::Compare: {
      const Value a = value_of(*node.left, cell_of);
      const Value b = value_of(*node.right, cell_of);
      if (a.missing || b.missing) return Truth::Unknown;
      const bool result =
          a.number && b.number ? compare(node.op, *a.number, *b.number) : compare(node.op, a.text, b.text);
      return result ? Truth::True : Truth::False;
    }
    case NodeKind::Number:
    case NodeKind::String:
      break;
  }
  return Truth::Unknown;
}

void finish_group(RuleGroup& group, double alpha) {
  const std::uint64_t decided = group.eligible + group.excluded;
  if (group.suppressed || decided == 0) return;
  group.exclusion_rate = static_cast<double>(group.excluded) / static_cast<double>(decided);
  group.exclusion_interval = wilson_interval(group.excluded, decided, alpha);
}

// Primary suppression (population < min cell) and complements: each attribute's groups add up to the
// overall population, so a lone suppressed group would follow by subtraction (audit/disclosure.hpp).
void suppress_groups(RuleAuditResult& result, const RuleAuditOptions& options) {
  DisclosureTable disclosure;
  const std::size_t overall = disclosure.add_cell(result.overall.population, false, true);
  std::vector<std::vector<std::size_t>> cell_of(result.families.size());
  for (std::size_t family_idx = 0; family_idx < result.families.size(); ++family_idx) {
    const RuleFamily& family = result.families[family_idx];
    for (const RuleGroup& group : family.groups) {
      const bool listed = std::find(options.also_suppress.begin(), options.also_suppress.end(),
                                    std::pair(family.attribute, group.name)) != options.also_suppress.end();
      cell_of[family_idx].push_back(
          disclosure.add_cell(group.population, group.population < options.min_cell_size || listed));
    }
    disclosure.add_relation(overall, cell_of[family_idx]);
  }
  protect(disclosure);
  for (std::size_t family_idx = 0; family_idx < result.families.size(); ++family_idx) {
    auto& groups = result.families[family_idx].groups;
    for (std::size_t group_idx = 0; group_idx < groups.size(); ++group_idx) {
      groups[group_idx].suppressed = disclosure.hidden[cell_of[family_idx][group_idx]] != 0;
    }
  }
}

void finish_rule_result(RuleAuditResult& result, const RuleAuditOptions& options) {
  finish_group(result.overall, options.alpha);
  for (auto& family : result.families) {
    if (family.groups.back().population == 0) family.groups.pop_back();  // no missing values
  }
  suppress_groups(result, options);
  for (auto& family : result.families) {
    std::optional<std::size_t> least;
    for (std::size_t group_idx = 0; group_idx < family.groups.size(); ++group_idx) {
      RuleGroup& group = family.groups[group_idx];
      finish_group(group, options.alpha);
      if (group.suppressed) ++family.suppressed_groups;
      if (group.exclusion_rate && (!least || *group.exclusion_rate < *family.groups[*least].exclusion_rate)) {
        least = group_idx;
      }
    }
    if (!least) continue;
    const RuleGroup& reference = family.groups[*least];
    family.least_excluded = reference.name;
    for (RuleGroup& group : family.groups) {
      if (!group.exclusion_rate) continue;
      group.difference_to_least_excluded = *group.exclusion_rate - *reference.exclusion_rate;
      if (*reference.exclusion_rate > 0.0) {
        group.ratio_to_least_excluded = *group.exclusion_rate / *reference.exclusion_rate;
      }
      if (&group != &reference) {
        group.z_test = two_proportion_z_test(group.excluded, group.eligible + group.excluded,
                                             reference.excluded, reference.eligible + reference.excluded);
      }
    }
  }
}

}  // namespace

Rule::Rule(Rule&&) noexcept = default;
Rule& Rule::operator=(Rule&&) noexcept = default;
Rule::~Rule() = default;

Rule Rule::parse(std::string_view text) {
  Rule rule;
  rule.text_ = std::string(text);
  Parser parser(tokenize(text));
  rule.root_ = parser.parse_all();
  return rule;
}

std::vector<std::string> Rule::columns() const {
  std::vector<std::string> names;
  collect_columns(*root_, names);
  return names;
}

void Rule::bind(const CsvTable& table) {
  bind_node(*root_, table.header(), table.source());
}

void Rule::bind(const std::vector<std::string>& header, std::string_view source) {
  bind_node(*root_, header, source);
}

Truth Rule::evaluate(const CsvTable& table, std::size_t row_idx) const {
  return evaluate_node(*root_, [&](std::size_t column_idx) { return table.cell(row_idx, column_idx); });
}

Truth Rule::evaluate(std::span<const std::string_view> fields) const {
  return evaluate_node(*root_, [&](std::size_t column_idx) { return fields[column_idx]; });
}

RuleAuditResult audit_rule(const CsvTable& population, Rule& rule, const RuleAuditOptions& options) {
  rule.bind(population);
  std::vector<CategoryColumn> groups;
  for (const auto& name : options.group_columns) groups.push_back(read_category_column(population, name));
  std::vector<std::uint64_t> counts(population.row_count(), 1);
  if (options.count_column) {
    const std::size_t count_idx = population.column_index(*options.count_column);
    std::uint64_t total = 0;
    for (std::size_t row_idx = 0; row_idx < population.row_count(); ++row_idx) {
      const std::string_view cell = population.cell(row_idx, count_idx);
      const auto value = count_value(cell);
      if (!value) throw_bad_count(cell, *options.count_column, population.location(row_idx, count_idx));
      if (*value > kMaxCount - total)
        throw_count_total(*options.count_column, population.location(row_idx, count_idx));
      total += *value;
      counts[row_idx] = *value;
    }
  }
  RuleAuditResult result;
  result.rule = rule.text();
  result.overall.name = "overall";
  for (std::size_t family_idx = 0; family_idx < groups.size(); ++family_idx) {
    RuleFamily family;
    family.attribute = options.group_columns[family_idx];
    for (const auto& label : groups[family_idx].labels) {
      RuleGroup group;
      group.name = label;
      family.groups.push_back(std::move(group));
    }
    RuleGroup missing;
    missing.name = kMissingGroupLabel;
    family.groups.push_back(std::move(missing));
    result.families.push_back(std::move(family));
  }
  for (std::size_t row_idx = 0; row_idx < population.row_count(); ++row_idx) {
    const std::uint64_t weight = counts[row_idx];
    const Truth truth = rule.evaluate(population, row_idx);
    auto add = [&](RuleGroup& group) {
      group.population += weight;
      if (truth == Truth::True) group.eligible += weight;
      if (truth == Truth::False) group.excluded += weight;
      if (truth == Truth::Unknown) group.undetermined += weight;
    };
    add(result.overall);
    for (std::size_t family_idx = 0; family_idx < groups.size(); ++family_idx) {
      const CategoryColumn& column = groups[family_idx];
      auto& family_groups = result.families[family_idx].groups;
      add(column.valid[row_idx] != 0 ? family_groups[column.codes[row_idx]] : family_groups.back());
    }
  }
  finish_rule_result(result, options);
  return result;
}

RuleAuditResult audit_rule_cells(const DecisionTable& table, const RuleAuditOptions& options) {
  if (table.rule_cells.size() != table.cells.size()) {
    throw Error(ErrorCode::InvalidInput, "the decision table holds no rule counts",
                "read the log with DecisionLogSpec::rule set");
  }
  RuleAuditResult result;
  result.rule = table.rule_text;
  result.overall.name = "overall";
  for (std::size_t attribute_idx = 0; attribute_idx < table.group_columns.size(); ++attribute_idx) {
    RuleFamily family;
    family.attribute = table.group_columns[attribute_idx];
    for (const auto& label : table.attributes[attribute_idx].names) {
      RuleGroup group;
      group.name = label;
      family.groups.push_back(std::move(group));
    }
    result.families.push_back(std::move(family));
  }
  auto add = [](RuleGroup& group, const RuleCounts& counts) {
    group.eligible += counts.eligible;
    group.excluded += counts.excluded;
    group.undetermined += counts.undetermined;
    group.population += counts.eligible + counts.excluded + counts.undetermined;
  };
  for (std::size_t cell_idx = 0; cell_idx < table.cells.size(); ++cell_idx) {
    const RuleCounts& counts = table.rule_cells[cell_idx];
    add(result.overall, counts);
    for (std::size_t attribute_idx = 0; attribute_idx < table.group_columns.size(); ++attribute_idx) {
      add(result.families[attribute_idx].groups[table.attributes[attribute_idx].codes[cell_idx]], counts);
    }
  }
  for (auto& family : result.families) {
    // Values seen only on rows that were dropped have no population here.
    std::erase_if(family.groups, [](const RuleGroup& group) { return group.population == 0; });
    family.groups.push_back(RuleGroup{});  // finish_rule_result drops an empty last group
  }
  finish_rule_result(result, options);
  return result;
}

}  // namespace equalis::audit

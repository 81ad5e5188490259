// Fuzz target for the rule language (audit/rules.hpp): any text must parse or be refused with
// equalis::Error. A rule that parses is bound to a table holding exactly its columns and evaluated on
// rows of awkward cells (missing, non-numeric, boolean words), through both the CsvTable and the
// streamed-record paths, which must agree.

#include "fuzz_support.hpp"

#include "audit/rules.hpp"
#include "core/csv.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::array<std::string_view, 9> kCells{"1", "0", "", "NA", "yes", "18", "abc", "-2.5e3", "TRUE"};
constexpr std::size_t kRows = 6;

std::string_view cell(std::size_t row, std::size_t column) {
  return kCells[(row * 7 + column * 3) % kCells.size()];
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The table as CSV text, every cell quoted so that any column name survives.
std::string table_text(const std::vector<std::string>& columns) {
  std::string text;
  for (std::size_t row = 0; row <= kRows; ++row) {
    for (std::size_t col = 0; col < columns.size(); ++col) {
      if (col > 0) text += ',';
      text += quoted(row == 0 ? std::string_view(columns[col]) : cell(row - 1, col));
    }
    text += '\n';
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::optional<equalis::audit::Rule> rule;
  equalis::fuzz::refusal_is_fine(
      [&] { rule.emplace(equalis::audit::Rule::parse(equalis::fuzz::as_text(data, size))); });
  if (!rule) return 0;
  const std::vector<std::string> columns = rule->columns();
  if (columns.empty()) return 0;
  std::vector<equalis::audit::Truth> streamed;
  equalis::fuzz::refusal_is_fine([&] {
    rule->bind(columns, "fuzz");
    for (std::size_t row = 0; row < kRows; ++row) {
      std::vector<std::string_view> fields;
      for (std::size_t col = 0; col < columns.size(); ++col) fields.push_back(cell(row, col));
      streamed.push_back(rule->evaluate(fields));
    }
  });
  equalis::fuzz::refusal_is_fine([&] {
    const equalis::CsvTable table = equalis::CsvTable::parse(table_text(columns), "fuzz.csv");
    rule->bind(table);
    for (std::size_t row = 0; row < table.row_count(); ++row) {
      if (row < streamed.size() && rule->evaluate(table, row) != streamed[row]) std::abort();
    }
  });
  return 0;
}

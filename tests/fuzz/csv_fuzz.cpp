// Fuzz target for the in-memory CSV readers: CsvTable with the typed-column conversion, and ColumnTable
// (the typed reader big inputs go through) on the same text. Any byte string must either parse or raise
// equalis::Error; when both readers accept it they must agree on the header and the row count.
// Built as a libFuzzer target with -DEQUALIS_FUZZ=ON (clang); otherwise linked with replay_main.cpp.

#include "fuzz_support.hpp"

#include "core/csv.hpp"
#include "core/csv_columns.hpp"
#include "core/table.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {

using equalis::fuzz::refusal_is_fine;

// Every header column once, numeric and category in turn (a repeated name is asked for once).
std::vector<equalis::WantedColumn> wanted_columns(const std::vector<std::string>& header) {
  std::vector<equalis::WantedColumn> wanted;
  for (const std::string& name : header) {
    bool seen = false;
    for (const auto& column : wanted) seen = seen || column.name == name;
    if (seen) continue;
    const auto kind = wanted.size() % 2 == 0 ? equalis::ColumnKind::Numeric : equalis::ColumnKind::Category;
    wanted.push_back({name, kind});
  }
  return wanted;
}

void read_columns(const std::string& text, const std::vector<std::string>* table_header,
                  std::optional<std::size_t> table_rows) {
  const std::vector<equalis::WantedColumn> wanted =
      table_header != nullptr ? wanted_columns(*table_header) : std::vector<equalis::WantedColumn>{};
  refusal_is_fine([&] {
    const equalis::ColumnTable columns = equalis::ColumnTable::parse(text, "fuzz.csv", wanted);
    if (table_header != nullptr && (columns.header() != *table_header || columns.row_count() != *table_rows))
      std::abort();  // the two readers of one dialect disagree
    for (const auto& column : wanted) {
      for (std::size_t row = 0; row < columns.row_count(); ++row) (void)columns.location(row, column.name);
    }
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(equalis::fuzz::as_text(data, size));
  std::optional<equalis::CsvTable> table;
  refusal_is_fine([&] { table.emplace(equalis::CsvTable::parse(text, "fuzz.csv")); });
  if (!table) {
    read_columns(text, nullptr, std::nullopt);
    return 0;
  }
  for (const auto& name : table->header()) {
    refusal_is_fine([&] { (void)equalis::read_numeric_column(*table, name); });
    refusal_is_fine([&] { (void)equalis::read_category_column(*table, name); });
  }
  for (std::size_t row = 0; row < table->row_count(); ++row) {
    (void)table->row_location(row);
    for (std::size_t col = 0; col < table->column_count(); ++col) (void)table->location(row, col);
  }
  read_columns(text, &table->header(), table->row_count());
  return 0;
}

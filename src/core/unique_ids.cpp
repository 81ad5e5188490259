#include "core/unique_ids.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace equalis {

namespace {

[[noreturn]] void repeated(std::string_view noun, std::string_view id, std::size_t first_line,
                           std::string_view fix, const SourceLocation& at) {
  throw Error(ErrorCode::InvalidInput,
              fmt::format("{} '{}' appears twice (first at line {})", noun, excerpt(id), first_line),
              std::string(fix), at);
}

}  // namespace

void require_unique_ids(const CsvTable& table, std::size_t column, std::string_view noun,
                        std::string_view fix) {
  std::unordered_map<std::string_view, std::size_t> first_row;
  first_row.reserve(table.row_count());
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const std::string_view id = table.cell(row, column);
    if (id.empty()) continue;
    if (const auto [it, inserted] = first_row.try_emplace(id, row); !inserted) {
      repeated(noun, id, table.row_location(it->second).line, fix, table.location(row, column));
    }
  }
}

void require_unique_ids(const ColumnTable& table, std::string_view column, std::string_view noun,
                        std::string_view fix) {
  const CategoryColumn& ids = table.category(column);
  // Codes are handed out in order of first appearance: a column without repeats has code == row.
  std::uint32_t next = 0;
  for (std::size_t row = 0; row < ids.size(); ++row) {
    if (ids.valid[row] == 0) {
      throw Error(ErrorCode::InvalidInput, fmt::format("missing id in column '{}'", column),
                  "give every row an id", table.location(row, column));
    }
    if (ids.codes[row] != next) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("{} '{}' appears twice in column '{}'", noun,
                              excerpt(ids.labels[ids.codes[row]]), column),
                  std::string(fix), table.location(row, column));
    }
    ++next;
  }
}

}  // namespace equalis

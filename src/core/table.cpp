#include "core/table.hpp"

#include <fast_float/fast_float.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

namespace equalis {

namespace {
std::size_t count_invalid(const std::vector<std::uint8_t>& valid) {
  return static_cast<std::size_t>(std::count(valid.begin(), valid.end(), std::uint8_t{0}));
}
}  // namespace

std::size_t NumericColumn::missing_count() const noexcept {
  return count_invalid(valid);
}
std::size_t CategoryColumn::missing_count() const noexcept {
  return count_invalid(valid);
}

bool is_missing_token(std::string_view cell) noexcept {
  static constexpr std::array<std::string_view, 7> kTokens{"", "NA", "N/A", "NaN", "nan", "null", "NULL"};
  return std::find(kTokens.begin(), kTokens.end(), cell) != kTokens.end();
}

std::optional<double> parse_number(std::string_view cell) noexcept {
  if (double plain = 0.0; parse_plain_decimal(cell, plain)) return plain;
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
  if (cell.empty()) return std::nullopt;
  double value = 0.0;
  const auto result = fast_float::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (result.ec != std::errc() || result.ptr != cell.data() + cell.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

NumericColumn read_numeric_column(const CsvTable& table, std::string_view name) {
  const std::size_t column_idx = table.column_index(name);
  const auto& cells = table.column(column_idx);
  NumericColumn column{std::string(name), std::vector<double>(cells.size(), 0.0),
                       std::vector<std::uint8_t>(cells.size(), 1)};
  for (std::size_t row_idx = 0; row_idx < cells.size(); ++row_idx) {
    const std::string_view cell = cells[row_idx];
    if (auto value = parse_number(cell)) {
      column.values[row_idx] = *value;
    } else if (is_missing_token(cell)) {
      column.valid[row_idx] = 0;
    } else {
      throw Error(ErrorCode::Parse, fmt::format("'{}' in column '{}' is not a number", excerpt(cell), name),
                  "write a plain decimal number such as 1234.5 (no thousands separators or units), or "
                  "leave the cell empty / NA to mark it missing",
                  table.location(row_idx, column_idx));
    }
  }
  return column;
}

CategoryColumn read_category_column(const CsvTable& table, std::string_view name) {
  const std::size_t column_idx = table.column_index(name);
  const auto& cells = table.column(column_idx);
  CategoryColumn column{std::string(name),
                        std::vector<std::uint32_t>(cells.size(), 0),
                        {},
                        std::vector<std::uint8_t>(cells.size(), 1)};
  std::unordered_map<std::string_view, std::uint32_t> code_of;
  for (std::size_t row_idx = 0; row_idx < cells.size(); ++row_idx) {
    const std::string_view cell = cells[row_idx];
    if (is_missing_token(cell)) {
      column.valid[row_idx] = 0;
      continue;
    }
    auto [it, inserted] = code_of.try_emplace(cell, static_cast<std::uint32_t>(column.labels.size()));
    if (inserted) column.labels.emplace_back(cell);
    column.codes[row_idx] = it->second;
  }
  return column;
}

}  // namespace equalis

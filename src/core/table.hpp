#pragma once
// Typed columns taken from a CsvTable: one vector per column and an explicit validity mask, so a
// missing value is never a silent NaN. Parsing errors name file:line:column and the fix.

#include "core/csv.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace equalis {

// What to do with a missing cell ("", NA, N/A, NaN, null, NULL) in a column a computation needs.
enum class MissingPolicy : std::uint8_t {
  Error,  // refuse the input and say where the first missing cell is
  Drop,   // drop the whole row and report how many rows were dropped
};

struct NumericColumn {
  std::string name;
  std::vector<double> values;       // 0.0 where !valid[i]; never NaN
  std::vector<std::uint8_t> valid;  // 1 = present, 0 = missing
  [[nodiscard]] std::size_t size() const noexcept { return values.size(); }
  [[nodiscard]] std::size_t missing_count() const noexcept;
};

struct CategoryColumn {
  std::string name;
  std::vector<std::uint32_t> codes;  // index into labels; 0 where !valid[i]
  std::vector<std::string> labels;   // in order of first appearance
  std::vector<std::uint8_t> valid;
  [[nodiscard]] std::size_t size() const noexcept { return codes.size(); }
  [[nodiscard]] std::size_t missing_count() const noexcept;
};

[[nodiscard]] bool is_missing_token(std::string_view cell) noexcept;
// A finite decimal number filling the whole cell, or nullopt.
[[nodiscard]] std::optional<double> parse_number(std::string_view cell) noexcept;

// Throws Error(Parse) at the first cell that is neither a number nor a missing token.
[[nodiscard]] NumericColumn read_numeric_column(const CsvTable& table, std::string_view name);
[[nodiscard]] CategoryColumn read_category_column(const CsvTable& table, std::string_view name);

}  // namespace equalis

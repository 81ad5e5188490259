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
// Plain decimals ("-1234.56"): digits, at most one point, at most 15 significant digits. The value is
// then an integer mantissa over a power of ten, both exactly representable, and one IEEE division
// rounds correctly (Clinger 1990, "How to read floating point numbers accurately"): the same double as
// a full parser, at a fraction of the cost. Returns false for anything else (exponents, "+1", long
// digit strings), which parse_number hands to fast_float. Inline: it is the inner loop of CSV reads.
inline bool parse_plain_decimal(std::string_view cell, double& value) noexcept {
  static constexpr double kPowers[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                         1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char* at = cell.data();
  const char* const end = at + cell.size();
  const bool negative = at < end && *at == '-';
  if (negative) ++at;
  const char* const first = at;
  std::uint64_t mantissa = 0;
  for (; at < end && static_cast<unsigned>(*at - '0') < 10U; ++at)
    mantissa = mantissa * 10 + static_cast<unsigned>(*at - '0');
  auto digits = static_cast<std::size_t>(at - first);
  std::size_t decimals = 0;
  if (at < end && *at == '.') {
    const char* const fraction = ++at;
    for (; at < end && static_cast<unsigned>(*at - '0') < 10U; ++at)
      mantissa = mantissa * 10 + static_cast<unsigned>(*at - '0');
    decimals = static_cast<std::size_t>(at - fraction);
    digits += decimals;
  }
  if (at != end || digits == 0 || digits > 15) return false;
  const double magnitude = static_cast<double>(mantissa) / kPowers[decimals];
  value = negative ? -magnitude : magnitude;
  return true;
}

// A finite decimal number filling the whole cell, or nullopt.
[[nodiscard]] std::optional<double> parse_number(std::string_view cell) noexcept;

// Throws Error(Parse) at the first cell that is neither a number nor a missing token.
[[nodiscard]] NumericColumn read_numeric_column(const CsvTable& table, std::string_view name);
[[nodiscard]] CategoryColumn read_category_column(const CsvTable& table, std::string_view name);

}  // namespace equalis

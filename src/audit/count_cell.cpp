#include "audit/count_cell.hpp"

#include "core/table.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace equalis::audit {

std::optional<std::uint64_t> count_value(std::string_view cell) noexcept {
  const auto value = parse_number(cell);
  if (!value || !std::isfinite(*value) || *value < 0.0 || *value != std::floor(*value) ||
      *value > static_cast<double>(kMaxCount)) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*value);
}

void throw_bad_count(std::string_view cell, std::string_view column, const SourceLocation& where) {
  const auto value = parse_number(cell);
  if (!value) {
    throw Error(ErrorCode::Parse, fmt::format("count '{}' in '{}' is not a number", excerpt(cell), column),
                "write a whole number of applicants", where);
  }
  throw Error(ErrorCode::InvalidInput,
              fmt::format("count '{}' in '{}' is not a whole number between 0 and 2^53 ({})", excerpt(cell),
                          column, kMaxCount),
              "counts are numbers of people: whole, non-negative and at most 2^53", where);
}

void throw_count_total(std::string_view column, const SourceLocation& where) {
  throw Error(ErrorCode::InvalidInput,
              fmt::format("the counts in '{}' add up to more than 2^53 ({})", column, kMaxCount),
              "check the count column: no table holds that many people", where);
}

}  // namespace equalis::audit

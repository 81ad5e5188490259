#pragma once
// The one rule for a count cell (the applicants, people or records a row of an aggregated table stands
// for), shared by every audit reader (metrics, monitor, rules, representation): a finite, non-negative
// whole number no larger than kMaxCount = 2^53, the largest integer a double holds exactly — so `1e30` or
// `2e19` is refused at its cell instead of wrapping, saturating or being read as 0. A table's counts must
// also add up to at most kMaxCount, so no total can wrap.

#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace equalis::audit {

inline constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 53;

// The count in `cell`, or nullopt if the cell breaks the rule (callers treat missing tokens first).
[[nodiscard]] std::optional<std::uint64_t> count_value(std::string_view cell) noexcept;

// Error(Parse) for a cell that is not a number, Error(InvalidInput) for a negative, fractional, infinite
// or too large one; both name the column, the cell and `where`, with the fix.
[[noreturn]] void throw_bad_count(std::string_view cell, std::string_view column,
                                  const SourceLocation& where);

// Error(InvalidInput): the counts read so far add up to more than kMaxCount (so no total can wrap).
[[noreturn]] void throw_count_total(std::string_view column, const SourceLocation& where);

}  // namespace equalis::audit

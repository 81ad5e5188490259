#include "core/problems.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <optional>

namespace equalis {

void Problems::add(std::size_t line, std::size_t column, std::string message, std::string fix) {
  items_.push_back({line, column, std::move(message), std::move(fix)});
}

void Problems::throw_if_any() const {
  if (items_.empty()) return;
  // Line 0: a problem without a place (data given in memory, not read from a file).
  const auto where = [&](const Item& item) -> std::optional<SourceLocation> {
    if (item.line == 0) return std::nullopt;
    return SourceLocation{source_, item.line, item.column};
  };
  const Item& first = items_.front();
  if (items_.size() == 1) {
    throw Error(ErrorCode::InvalidInput,
                first.line == 0 ? fmt::format("{}: {}", source_, first.message) : first.message, first.fix,
                where(first));
  }
  std::string message = fmt::format("{} problems in {}:", items_.size(), what_);
  for (const auto& item : items_) {
    message += item.line == 0 ? fmt::format("\n  {}: {} (fix: {})", source_, item.message, item.fix)
                              : fmt::format("\n  {}:{}:{}: {} (fix: {})", source_, item.line, item.column,
                                            item.message, item.fix);
  }
  throw Error(ErrorCode::InvalidInput, message, "fix each place listed", where(first));
}

}  // namespace equalis

#include "core/problems.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

namespace equalis {

void Problems::add(std::size_t line, std::size_t column, std::string message, std::string fix) {
  items_.push_back({line, column, std::move(message), std::move(fix)});
}

void Problems::throw_if_any() const {
  if (items_.empty()) return;
  const Item& first = items_.front();
  if (items_.size() == 1) {
    throw Error(ErrorCode::InvalidInput, first.message, first.fix,
                SourceLocation{source_, first.line, first.column});
  }
  std::string message = fmt::format("{} problems in {}:", items_.size(), what_);
  for (const auto& item : items_) {
    message +=
        fmt::format("\n  {}:{}:{}: {} (fix: {})", source_, item.line, item.column, item.message, item.fix);
  }
  throw Error(ErrorCode::InvalidInput, message, "fix each place listed",
              SourceLocation{source_, first.line, first.column});
}

}  // namespace equalis

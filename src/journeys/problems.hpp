#pragma once
// Every problem of a TOML input with its place (the catalogue, the journey scenarios), so that a user fixes
// the file in one round. Internal to the journeys module.

#include "access/channels.hpp"
#include "core/error.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

namespace equalis::journeys {

// The channels as the journeys files spell them.
struct ChannelSpelling {
  std::string_view name;
  access::Channel channel;
};
inline constexpr std::array<ChannelSpelling, 6> kChannels{{{"in-person", access::Channel::InPerson},
                                                           {"terminal", access::Channel::Terminal},
                                                           {"online", access::Channel::Online},
                                                           {"phone", access::Channel::Phone},
                                                           {"assisted", access::Channel::Assisted},
                                                           {"outreach", access::Channel::Outreach}}};

class Problems {
 public:
  Problems(std::string source, std::string what) : source_(std::move(source)), what_(std::move(what)) {}

  void add(const toml::node& node, std::string message, std::string fix) {
    const auto& where = node.source();
    add(static_cast<std::size_t>(where.begin.line), static_cast<std::size_t>(where.begin.column),
        std::move(message), std::move(fix));
  }
  void add(std::size_t line, std::size_t column, std::string message, std::string fix) {
    items_.push_back({line, column, std::move(message), std::move(fix)});
  }

  // Line 0: a problem without a place (data given in memory, not read from a file).
  void throw_if_any() const {
    if (items_.empty()) return;
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

 private:
  struct Item {
    std::size_t line;
    std::size_t column;
    std::string message;
    std::string fix;
  };
  [[nodiscard]] std::optional<SourceLocation> where(const Item& item) const {
    if (item.line == 0) return std::nullopt;
    return SourceLocation{source_, item.line, item.column};
  }
  std::string source_;
  std::string what_;  // "the catalogue", "the scenarios"
  std::vector<Item> items_;
};

}  // namespace equalis::journeys

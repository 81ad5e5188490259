#pragma once
// Every problem of a TOML input with its place (the catalogue, the journey scenarios), so that a user fixes
// the file in one round. Internal to the journeys module.

#include "access/channels.hpp"
#include "core/error.hpp"
#include "core/problems.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
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

// Every problem at its TOML node's place (core/problems.hpp reports them together).
class Problems : public equalis::Problems {
 public:
  using equalis::Problems::add;
  using equalis::Problems::Problems;
  void add(const toml::node& node, std::string message, std::string fix) {
    const auto& where = node.source();
    add(static_cast<std::size_t>(where.begin.line), static_cast<std::size_t>(where.begin.column),
        std::move(message), std::move(fix));
  }

  // A number ≥ 0 (minutes, money); anything else is a problem at the node and nothing is returned.
  std::optional<double> amount(const toml::node& node, const char* what) {
    double value = std::nan("");
    if (const auto* integer = node.as_integer()) value = static_cast<double>(integer->get());
    if (const auto* real = node.as_floating_point()) value = real->get();
    if (!(std::isfinite(value) && value >= 0.0)) {
      add(node, fmt::format("{} must be a number ≥ 0", what), "write e.g. 15 (minutes) or 0 (money)");
      return std::nullopt;
    }
    return value;
  }
};

}  // namespace equalis::journeys

#pragma once
// The one way a TOML input is parsed (access scenarios, the journeys catalogue and scenarios, the study
// file): malformed TOML is Error(Parse) at its line and column, with the same words everywhere. Internal
// and header-only: only the modules that read TOML include it, and they link toml++ themselves.

#include "core/error.hpp"

#include <fmt/format.h>

#include <string>
#include <toml++/toml.h>

namespace equalis::io::detail {

inline toml::table parse_toml(const std::string& text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    const auto& where = error.source();
    throw Error(ErrorCode::Parse, fmt::format("not valid TOML: {}", error.description()),
                "check the TOML syntax at this place",
                SourceLocation{source, static_cast<std::size_t>(where.begin.line),
                               static_cast<std::size_t>(where.begin.column)});
  }
}

}  // namespace equalis::io::detail

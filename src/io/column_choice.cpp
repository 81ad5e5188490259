#include "io/column_choice.hpp"

#include "core/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace equalis::io {

std::string choose_column(const std::string& path, const std::vector<std::string>& header,
                          const std::string& given, std::initializer_list<const char*> usual,
                          const char* role) {
  if (!given.empty()) return given;
  for (const char* name : usual) {
    if (std::find(header.begin(), header.end(), name) != header.end()) return name;
  }
  throw Error(ErrorCode::InvalidInput,
              fmt::format("{}: no {} column (looked for {})", path, role, fmt::join(usual, ", ")),
              fmt::format("name the {} column with its option", role));
}

}  // namespace equalis::io

#include "core/error.hpp"

#include <fmt/format.h>

namespace equalis {

std::string SourceLocation::to_string() const {
  std::string text = file;
  if (line > 0) {
    text += fmt::format(":{}", line);
    if (column > 0) text += fmt::format(":{}", column);
  }
  return text;
}

Error::Error(ErrorCode code, std::string message, std::string fix, std::optional<SourceLocation> where)
    : std::runtime_error(compose(message, fix, where)),
      code_(code),
      message_(std::move(message)),
      fix_(std::move(fix)),
      where_(std::move(where)) {}

std::string Error::compose(const std::string& message, const std::string& fix,
                           const std::optional<SourceLocation>& where) {
  std::string text;
  if (where && !where->file.empty()) text += where->to_string() + ": ";
  text += message;
  if (!fix.empty()) text += " (fix: " + fix + ")";
  return text;
}

void assertion_failed(const char* expression, const char* file, int line) {
  throw Error(ErrorCode::Internal, fmt::format("assertion failed: {} at {}:{}", expression, file, line),
              "please report this bug with the command that triggered it");
}

}  // namespace equalis

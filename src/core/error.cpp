#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

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

std::string respell_fields(std::string_view text, const std::function<std::string(std::string_view)>& spell) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find('`', at);
    const std::size_t close = open == std::string_view::npos ? open : text.find('`', open + 1);
    if (close == std::string_view::npos) break;
    const std::string_view field = text.substr(open + 1, close - open - 1);
    const bool is_field = !field.empty() && std::all_of(field.begin(), field.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    });
    out.append(text.substr(at, open - at));
    out += is_field ? spell(field) : std::string(text.substr(open, close - open + 1));
    at = close + 1;
  }
  out.append(text.substr(at));
  return out;
}

void assertion_failed(const char* expression, const char* file, int line) {
  throw Error(ErrorCode::Internal, fmt::format("assertion failed: {} at {}:{}", expression, file, line),
              "please report this bug with the command that triggered it");
}

std::string excerpt(std::string_view text) {
  constexpr std::size_t kMax = 60;
  if (text.size() <= kMax) return std::string(text);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;  // not mid-character
  return fmt::format("{}… ({} bytes)", text.substr(0, cut), text.size());
}

}  // namespace equalis

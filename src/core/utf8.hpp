#pragma once
// UTF-8 validation of input text (RFC 3629): every reader checks the bytes it tokenizes, so a file in
// another encoding is reported at its first bad byte instead of reaching a JSON writer (which refused it
// with an internal error) or a CSV output (which passed it on).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace equalis {

// Offset of the first byte that does not belong to a well-formed UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF included), or nullopt. ASCII runs are checked eight bytes at a
// time.
[[nodiscard]] std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept;

// The message and fix for an invalid byte, shared by the readers.
[[nodiscard]] std::string invalid_utf8_message(std::string_view text, std::size_t offset);
inline constexpr std::string_view kInvalidUtf8Fix =
    "save the file as UTF-8 (for example: iconv -f GBK -t UTF-8 in.csv > out.csv)";

}  // namespace equalis

#include "core/utf8.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>

namespace equalis {

std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t at = 0;
  while (at < size) {
    if (size - at >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, bytes + at, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {  // eight ASCII bytes
        at += 8;
        continue;
      }
    }
    const unsigned char lead = bytes[at];
    if (lead < 0x80U) {
      ++at;
      continue;
    }
    std::size_t length = 0;
    unsigned char low =
        0x80U;  // allowed range of the second byte (excludes overlongs, surrogates, > U+10FFFF)
    unsigned char high = 0xBFU;
    if (lead >= 0xC2U && lead <= 0xDFU) {
      length = 2;
    } else if (lead >= 0xE0U && lead <= 0xEFU) {
      length = 3;
      if (lead == 0xE0U) low = 0xA0U;
      if (lead == 0xEDU) high = 0x9FU;
    } else if (lead >= 0xF0U && lead <= 0xF4U) {
      length = 4;
      if (lead == 0xF0U) low = 0x90U;
      if (lead == 0xF4U) high = 0x8FU;
    } else {
      return at;
    }
    if (size - at < length) return at;
    if (bytes[at + 1] < low || bytes[at + 1] > high) return at;
    for (std::size_t k = 2; k < length; ++k) {
      if ((bytes[at + k] & 0xC0U) != 0x80U) return at;
    }
    at += length;
  }
  return std::nullopt;
}

std::string invalid_utf8_message(std::string_view text, std::size_t offset) {
  return fmt::format("invalid UTF-8 (byte 0x{:02X})", static_cast<unsigned char>(text[offset]));
}

}  // namespace equalis

#pragma once
// Gzip-compressed inputs: travel-time matrices are large and usually shipped compressed (`.csv.gz`), so
// every CSV reader takes them as they are, recognised by their magic bytes, not by the file name.

#include <cstddef>
#include <string>
#include <string_view>

namespace equalis {

// True if the bytes start with the gzip magic number (RFC 1952: 1f 8b).
[[nodiscard]] bool is_gzip(std::string_view bytes) noexcept;

// The decompressed content of one or more concatenated gzip members. Throws Error(Parse) naming
// `source` for corrupt or truncated data, and Error(Unsupported) beyond `max_bytes` decompressed (a
// guard against decompression bombs: the whole text is held in memory).
[[nodiscard]] std::string gunzip(std::string_view bytes, const std::string& source,
                                 std::size_t max_bytes = std::size_t{16} << 30U);

}  // namespace equalis

#include "core/gzip.hpp"

#include "core/error.hpp"

#include <climits>
#include <fmt/format.h>

#include <algorithm>
#include <zlib.h>

namespace equalis {

bool is_gzip(std::string_view bytes) noexcept {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1FU &&
         static_cast<unsigned char>(bytes[1]) == 0x8BU;
}

namespace {

[[noreturn]] void corrupt(const std::string& source, const char* why) {
  throw Error(ErrorCode::Parse, fmt::format("'{}' is not a valid gzip file ({})", source, why),
              "check the download (gzip -t FILE), or give the uncompressed file");
}

}  // namespace

std::string gunzip(std::string_view bytes, const std::string& source, std::size_t max_bytes) {
  z_stream stream{};
  // 16 + MAX_WBITS: gzip framing only (no raw zlib streams pass for gzip).
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    throw Error(ErrorCode::Internal, "zlib could not start", "report this as a bug");
  }
  struct Closer {
    z_stream* stream;
    ~Closer() { inflateEnd(stream); }
  } closer{&stream};

  std::string out;
  out.resize(std::max<std::size_t>(bytes.size() * 4, 1U << 16U));
  std::size_t produced = 0;
  std::size_t consumed = 0;
  for (;;) {
    // zlib counts in uInt: feed and drain in chunks that fit.
    const std::size_t in_chunk = std::min<std::size_t>(bytes.size() - consumed, UINT_MAX);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + consumed));  // NOLINT
    stream.avail_in = static_cast<uInt>(in_chunk);
    if (produced == out.size()) {
      if (out.size() >= max_bytes) {
        throw Error(ErrorCode::Unsupported,
                    fmt::format("'{}' decompresses to more than {} GB", source, max_bytes >> 30U),
                    "decompress it yourself (gunzip) and give the plain file");
      }
      out.resize(std::min(out.size() * 2, max_bytes));
    }
    const std::size_t out_chunk = std::min<std::size_t>(out.size() - produced, UINT_MAX);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + produced);  // NOLINT
    stream.avail_out = static_cast<uInt>(out_chunk);
    const int status = inflate(&stream, Z_NO_FLUSH);
    consumed += in_chunk - stream.avail_in;
    produced += out_chunk - stream.avail_out;
    if (status == Z_STREAM_END) {
      // Concatenated members (gzip a >> f; gzip b >> f) are one file: go on after the first.
      if (consumed == bytes.size()) break;
      if (!is_gzip(bytes.substr(consumed))) corrupt(source, "trailing bytes after the compressed data");
      if (inflateReset(&stream) != Z_OK) corrupt(source, "cannot restart after a member");
      continue;
    }
    if (status == Z_BUF_ERROR && consumed == bytes.size() && stream.avail_out != 0) {
      corrupt(source, "the file ends before the compressed data does");
    }
    if (status != Z_OK && status != Z_BUF_ERROR) {
      corrupt(source, stream.msg != nullptr ? stream.msg : "bad compressed data");
    }
  }
  out.resize(produced);
  return out;
}

}  // namespace equalis

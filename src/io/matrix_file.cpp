#include "io/matrix_file.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <limits>

namespace equalis::io {

namespace {

constexpr std::string_view kMagic = "EQMATRX1";

// Byte-by-byte little-endian, so the format does not depend on the host's byte order.
template <typename T>
void append_le(std::string& out, T value) {
  for (std::size_t byte = 0; byte < sizeof(T); ++byte) {
    out += static_cast<char>(static_cast<unsigned char>((value >> (8 * byte)) & 0xFFU));
  }
}

void append_ids(std::string& out, std::span<const std::string> ids) {
  for (const std::string& id : ids) {
    if (id.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw Error(ErrorCode::InvalidInput, "a place id is longer than 4 GiB", "use shorter ids");
    }
    append_le(out, static_cast<std::uint32_t>(id.size()));
    out += id;
  }
}

// Reads fields in order and says where a file ends too early.
class Reader {
 public:
  Reader(std::string_view bytes, const std::string& name) : bytes_(bytes), name_(name) {}

  template <typename T>
  T number(const char* what) {
    const std::string_view raw = take(sizeof(T), what);
    T value = 0;
    for (std::size_t byte = 0; byte < sizeof(T); ++byte) {
      value |= static_cast<T>(static_cast<T>(static_cast<unsigned char>(raw[byte])) << (8 * byte));
    }
    return value;
  }

  std::string_view take(std::size_t count, const char* what) {
    if (count > bytes_.size() - offset_) {
      throw Error(ErrorCode::Parse,
                  fmt::format("{}: matrix file is truncated: {} needs {} bytes at offset {}, {} left", name_,
                              what, count, offset_, bytes_.size() - offset_),
                  "write the matrix again (the file was cut short or is not a whole matrix file)");
    }
    const std::string_view out = bytes_.substr(offset_, count);
    offset_ += count;
    return out;
  }

  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - offset_; }
  [[nodiscard]] std::size_t offset() const { return offset_; }

 private:
  std::string_view bytes_;
  const std::string& name_;
  std::size_t offset_ = 0;
};

std::vector<std::string> read_ids(Reader& reader, std::uint64_t count, const char* what) {
  std::vector<std::string> ids;
  // Each id takes at least its 4-byte length: a count beyond that is a corrupt header, not a huge file.
  if (count > reader.remaining() / 4) {
    reader.take(reader.remaining() + 1, what);  // reports the truncation
  }
  ids.reserve(static_cast<std::size_t>(count));
  for (std::uint64_t k = 0; k < count; ++k) {
    const auto length = reader.number<std::uint32_t>(what);
    ids.emplace_back(reader.take(length, what));
  }
  return ids;
}

}  // namespace

std::string encode_matrix_file(std::span<const std::string> origin_ids,
                               std::span<const std::string> destination_ids,
                               std::span<const std::uint32_t> time_ms) {
  if (time_ms.size() != origin_ids.size() * destination_ids.size()) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("a matrix of {} x {} places has {} times", origin_ids.size(),
                            destination_ids.size(), time_ms.size()),
                "give one time per origin and destination, row-major");
  }
  std::string out(kMagic);
  append_le(out, kMatrixFileVersion);
  append_le(out, std::uint32_t{0});
  append_le(out, std::uint64_t{origin_ids.size()});
  append_le(out, std::uint64_t{destination_ids.size()});
  append_ids(out, origin_ids);
  append_ids(out, destination_ids);
  out.reserve(out.size() + time_ms.size() * sizeof(std::uint32_t));
  for (const std::uint32_t time : time_ms) append_le(out, time);
  return out;
}

MatrixFile decode_matrix_file(std::string_view bytes, const std::string& name) {
  Reader reader(bytes, name);
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    throw Error(ErrorCode::Parse, fmt::format("{} is not a binary matrix file (no EQMATRX1 magic)", name),
                "give a binary travel-time matrix (EQMATRX1, docs/network.md)");
  }
  reader.take(kMagic.size(), "the magic");
  const auto version = reader.number<std::uint32_t>("the version");
  if (version != kMatrixFileVersion) {
    throw Error(ErrorCode::Parse,
                fmt::format("{}: matrix file version {} (this build reads version {})", name, version,
                            kMatrixFileVersion),
                "write the matrix again with this version of equalis");
  }
  reader.number<std::uint32_t>("the reserved field");
  const auto rows = reader.number<std::uint64_t>("the row count");
  const auto cols = reader.number<std::uint64_t>("the column count");
  MatrixFile out;
  out.origin_ids = read_ids(reader, rows, "an origin id");
  out.destination_ids = read_ids(reader, cols, "a destination id");
  const std::size_t cells = out.origin_ids.size() * out.destination_ids.size();
  if (cols != 0 && cells / out.destination_ids.size() != out.origin_ids.size()) {
    throw Error(ErrorCode::Parse, fmt::format("{}: {} x {} cells overflow", name, rows, cols),
                "the header is corrupt: write the matrix again");
  }
  if (reader.remaining() / sizeof(std::uint32_t) < cells) {
    reader.take(cells * sizeof(std::uint32_t), "the travel times");  // reports the truncation
  }
  out.time_ms.reserve(cells);
  for (std::size_t cell = 0; cell < cells; ++cell)
    out.time_ms.push_back(reader.number<std::uint32_t>("a time"));
  if (reader.remaining() != 0) {
    throw Error(ErrorCode::Parse,
                fmt::format("{}: {} bytes after the {} x {} matrix", name, reader.remaining(), rows, cols),
                "the file is not one matrix: write it again");
  }
  return out;
}

void write_matrix_file(const std::string& path, std::span<const std::string> origin_ids,
                       std::span<const std::string> destination_ids, std::span<const std::uint32_t> time_ms) {
  write_file_atomically(path, encode_matrix_file(origin_ids, destination_ids, time_ms));
}

MatrixFile read_matrix_file(const std::string& path) {
  require_input_file(path, "matrix file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCode::Io, fmt::format("cannot open matrix file '{}'", path),
                "check the path and the file's permissions");
  }
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
    throw Error(ErrorCode::Io, fmt::format("cannot read matrix file '{}'", path), "check the disk");
  }
  return decode_matrix_file(bytes, path);
}

}  // namespace equalis::io

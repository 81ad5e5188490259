#pragma once
// The binary travel-time matrix (docs/network.md): "EQMATRX1", u32 version 1, u32 0 (reserved), u64 rows,
// u64 cols, then every origin id and every destination id as u32 byte length + UTF-8 bytes, then
// rows x cols u32 milliseconds row-major (4294967295 = unreachable). Little-endian throughout, whatever
// the host, so that a file written on one machine reads back on any other.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::io {

inline constexpr std::uint32_t kMatrixFileVersion = 1;
inline constexpr std::uint32_t kMatrixUnreachable = 0xFFFFFFFFU;

// What a matrix file holds: ids label the rows and columns, times are milliseconds row-major.
struct MatrixFile {
  std::vector<std::string> origin_ids;
  std::vector<std::string> destination_ids;
  std::vector<std::uint32_t> time_ms;  // origin_ids.size() x destination_ids.size()

  [[nodiscard]] std::uint32_t at(std::size_t row, std::size_t col) const {
    return time_ms[row * destination_ids.size() + col];
  }
};

// The file's bytes. Throws Error(InvalidInput) if time_ms is not rows x cols long.
std::string encode_matrix_file(std::span<const std::string> origin_ids,
                               std::span<const std::string> destination_ids,
                               std::span<const std::uint32_t> time_ms);

// Parses the bytes of a matrix file; `name` labels the messages. Throws Error(Parse) for a wrong magic,
// an unknown version, a truncated file, sizes that do not fit the file, or trailing bytes.
MatrixFile decode_matrix_file(std::string_view bytes, const std::string& name);

// Writes the file atomically (core/atomic_file.hpp); throws Error(Io) if it cannot be written.
void write_matrix_file(const std::string& path, std::span<const std::string> origin_ids,
                       std::span<const std::string> destination_ids, std::span<const std::uint32_t> time_ms);

// Reads and decodes a matrix file; throws Error(Io) if it cannot be read, Error(Parse) as decode does.
MatrixFile read_matrix_file(const std::string& path);

}  // namespace equalis::io

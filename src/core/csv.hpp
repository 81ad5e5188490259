#pragma once
// A strict RFC 4180 CSV reader: UTF-8 (a leading BOM is skipped), quoted fields with "" escapes and
// embedded newlines, LF or CRLF line ends. The whole file is held once in memory and cells are views
// into it, so a 10-million-row file costs its own size plus 16 bytes a cell.
// Errors name file:line:column and say how to fix the input.

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace equalis {

struct CsvOptions {
  char delimiter = ',';
  bool trim_unquoted = true;  // strip spaces/tabs around unquoted cells ("Iraq " -> "Iraq")
};

class CsvTable {
 public:
  // Reads and parses a file; throws Error(Io) if it cannot be read, Error(Parse) if it is not valid CSV.
  static CsvTable read_file(const std::string& path, const CsvOptions& options = {});
  // Parses text already in memory; `source_name` is used in error messages.
  static CsvTable parse(std::string text, std::string source_name, const CsvOptions& options = {});

  CsvTable(const CsvTable&) = delete;
  CsvTable& operator=(const CsvTable&) = delete;
  // Moves keep the cells valid: a short text lives inside the std::string (small-string optimization),
  // so its bytes move with it and the cell views are re-pointed at the new copy.
  CsvTable(CsvTable&& other) noexcept;
  CsvTable& operator=(CsvTable&& other) noexcept;
  ~CsvTable() = default;

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return header_; }
  [[nodiscard]] std::size_t row_count() const noexcept { return row_start_.size(); }
  [[nodiscard]] std::size_t column_count() const noexcept { return header_.size(); }

  // Index of a named column; throws Error(InvalidInput) naming the nearest existing column if absent.
  [[nodiscard]] std::size_t column_index(std::string_view name) const;
  [[nodiscard]] bool has_column(std::string_view name) const noexcept;
  [[nodiscard]] const std::vector<std::string_view>& column(std::size_t column_idx) const {
    return columns_.at(column_idx);
  }
  [[nodiscard]] std::string_view cell(std::size_t row_idx, std::size_t column_idx) const {
    return columns_.at(column_idx).at(row_idx);
  }
  // Where a cell starts in the file (1-based line and character column), for error messages.
  [[nodiscard]] SourceLocation location(std::size_t row_idx, std::size_t column_idx) const;
  // Where a data row starts (its first line), for row-level messages.
  [[nodiscard]] SourceLocation row_location(std::size_t row_idx) const;

 private:
  CsvTable() = default;
  void repoint_cells(const char* old_text) noexcept;  // after text_ moved away from `old_text`
  std::string source_;
  std::string text_;  // the file; quoted cells are unescaped in place, so views stay valid
  std::vector<std::string> header_;
  std::vector<std::vector<std::string_view>> columns_;
  std::vector<std::uint64_t> row_start_;  // byte offset of each data row in text_
  std::vector<std::uint32_t> row_line_;   // 1-based line where each data row starts
  friend class CsvParser;
};

// The header of a CSV file (plain or gzip), reading only its first line: a cheap check of the columns a
// request names before any heavy work. Throws Error(Io) if unreadable, Error(Parse) for a bad header.
std::vector<std::string> read_csv_header(const std::string& path, const CsvOptions& options = {});

// The existing name closest to `name` by edit distance (for "did you mean" hints); empty if none is close.
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace equalis

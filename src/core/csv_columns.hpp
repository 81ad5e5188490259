#pragma once
// Typed columns read straight from a CSV file: only the columns asked for, parsed into numbers or
// category codes while the file is scanned, in parallel ranges when the file has no quoted field. No
// copy of the cells is kept (CsvTable keeps 16 bytes a cell), so a 10-million-row file costs its typed
// columns plus the file's pages while it is read. Same dialect, messages and file:line:column as
// CsvTable; the file stays mapped so later checks can still point at a cell.

#include "core/csv.hpp"
#include "core/progress.hpp"
#include "core/table.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace equalis {

enum class ColumnKind : std::uint8_t { Numeric, Category };

struct WantedColumn {
  std::string name;
  ColumnKind kind = ColumnKind::Numeric;
};

class ColumnTable {
 public:
  // Throws Error(Io) if the file cannot be read, Error(Parse) at the first malformed record or cell,
  // Error(InvalidInput) naming the nearest header column if a wanted column is absent.
  static ColumnTable read_file(const std::string& path, const std::vector<WantedColumn>& wanted,
                               const CsvOptions& options = {}, ProgressSink& progress = null_progress());
  // The header row alone (to choose columns by name before reading), with the same checks.
  static std::vector<std::string> read_header(const std::string& path, const CsvOptions& options = {});
  // Parses text in memory; `source_name` is used in messages.
  static ColumnTable parse(std::string text, std::string source_name, const std::vector<WantedColumn>& wanted,
                           const CsvOptions& options = {});

  // A table already in memory (a data frame handed over by a binding): its typed columns, all of `rows`
  // rows. `source` names it in messages, and a cell's location is its row position (from 0) and column.
  static ColumnTable from_columns(std::string source, std::size_t rows, std::vector<NumericColumn> numeric,
                                  std::vector<CategoryColumn> category);

  ColumnTable(const ColumnTable&) = delete;
  ColumnTable& operator=(const ColumnTable&) = delete;
  ColumnTable(ColumnTable&&) noexcept = default;
  ColumnTable& operator=(ColumnTable&&) noexcept = default;
  ~ColumnTable();

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return header_; }
  [[nodiscard]] std::size_t row_count() const noexcept { return rows_; }
  // Index of a header column; throws Error(InvalidInput) with a "did you mean" hint if absent.
  [[nodiscard]] std::size_t column_index(std::string_view name) const;

  // A column that was asked for with this kind; throws Error(Internal) otherwise (a caller's bug).
  [[nodiscard]] const NumericColumn& numeric(std::string_view name) const;
  [[nodiscard]] const CategoryColumn& category(std::string_view name) const;
  // Moves a column out (its name stays, its data is left empty): no copy of a big column a caller keeps.
  [[nodiscard]] NumericColumn take_numeric(std::string_view name);
  [[nodiscard]] CategoryColumn take_category(std::string_view name);

  // Where a cell starts (1-based line and character column), for messages about its value.
  [[nodiscard]] SourceLocation location(std::size_t row_idx, std::string_view column) const;

  // Ranges read in parallel (1 when the file has quotes or is small).
  [[nodiscard]] std::size_t read_ranges() const noexcept { return ranges_; }

  struct Bytes;  // the file's bytes: a read-only memory map, or text held in memory

 private:
  ColumnTable() = default;
  static ColumnTable read(std::shared_ptr<Bytes> bytes, std::string source,
                          const std::vector<WantedColumn>& wanted, const CsvOptions& options,
                          ProgressSink& progress);
  void resize_columns(std::size_t rows);  // every typed column to `rows` rows (new ones zero, missing)
  // Offset of a data row's first byte, found by scanning from the nearest recorded anchor.
  [[nodiscard]] std::size_t row_offset(std::size_t row_idx) const;

  struct Anchor {
    std::size_t row;
    std::size_t offset;
  };
  std::string source_;
  std::vector<std::string> header_;
  std::size_t rows_ = 0;
  std::size_t ranges_ = 1;
  CsvOptions options_;
  bool quotes_ = true;
  std::vector<NumericColumn> numeric_;
  std::vector<CategoryColumn> category_;
  std::vector<Anchor> anchors_;  // every 4096th row of each range, in row order
  std::shared_ptr<Bytes> bytes_;
};

}  // namespace equalis

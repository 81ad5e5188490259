#include "core/csv_columns.hpp"

#include "core/csv_scanner.hpp"
#include "core/fresh_buffer.hpp"
#include "core/gzip.hpp"
#include "core/mapped_file.hpp"
#include "core/parallel.hpp"
#include "core/utf8.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace equalis {

struct ColumnTable::Bytes {
  std::unique_ptr<MappedFile> file;
  std::string owned;
  [[nodiscard]] std::string_view text() const noexcept {
    return file ? file->text() : std::string_view(owned);
  }
};

namespace {

constexpr std::size_t kAnchorEvery = 4096;         // rows between two remembered row offsets
constexpr std::size_t kMinRangeBytes = 1U << 20U;  // smaller files are read by one thread
constexpr std::size_t kProgressBytes = 4U << 20U;

// The labels of one category column within one range, in order of first appearance, behind a small
// open-addressing table: a lookup is one short hash and usually one comparison.
class LabelCodes {
 public:
  static constexpr std::uint32_t kAbsent = 0xFFFFFFFFU;

  // The code of a label seen before, or kAbsent.
  [[nodiscard]] std::uint32_t find(std::string_view label) const noexcept {
    if (slots_.empty()) return kAbsent;
    const std::uint64_t h = hash(label);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = h & mask;; slot = (slot + 1) & mask) {
      const std::uint32_t code = slots_[slot];
      if (code == kEmpty) return kAbsent;
      if (hashes_[code] == h && same(labels_[code], label)) return code;
    }
  }

  std::uint32_t code_of(std::string_view label) {
    if (slots_.empty()) slots_.assign(64, kEmpty);
    const std::uint64_t h = hash(label);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = h & mask;; slot = (slot + 1) & mask) {
      const std::uint32_t code = slots_[slot];
      if (code == kEmpty) {
        const auto added = static_cast<std::uint32_t>(labels_.size());
        labels_.emplace_back(label);
        hashes_.push_back(h);
        slots_[slot] = added;
        if (labels_.size() * 2 > slots_.size()) grow();
        return added;
      }
      if (hashes_[code] == h && same(labels_[code], label)) return code;
    }
  }
  [[nodiscard]] const std::vector<std::string>& labels() const noexcept { return labels_; }

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFU;
  // Labels are short: an inline loop beats a call to memcmp.
  static bool same(const std::string& known, std::string_view label) noexcept {
    if (known.size() != label.size()) return false;
    for (std::size_t i = 0; i < label.size(); ++i)
      if (known[i] != label[i]) return false;
    return true;
  }
  static std::uint64_t hash(std::string_view text) noexcept {
    std::uint64_t h = 14695981039346656037ULL;  // FNV-1a
    for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return h ^ (h >> 29U);
  }
  void grow() {
    std::vector<std::uint32_t> slots(slots_.size() * 2, kEmpty);
    const std::size_t mask = slots.size() - 1;
    for (std::uint32_t code = 0; code < labels_.size(); ++code) {
      std::size_t slot = hashes_[code] & mask;
      while (slots[slot] != kEmpty) slot = (slot + 1) & mask;
      slots[slot] = code;
    }
    slots_ = std::move(slots);
  }
  std::vector<std::uint32_t> slots_;
  std::vector<std::string> labels_;
  std::vector<std::uint64_t> hashes_;
};

struct ParseFailure {
  std::size_t offset;
  ErrorCode code;
  std::string message;
  std::string fix;
};

// What one byte range of the body produced.
struct RangeOutcome {
  std::size_t first_row = 0;  // where its rows were written (its share of the row bound)
  std::size_t rows = 0;
  std::vector<std::size_t> anchor_offsets;  // offset of local rows 0, kAnchorEvery, 2·kAnchorEvery, …
  std::vector<LabelCodes> labels;           // one per category column
  std::optional<ParseFailure> failure;
};

struct ColumnSlot {
  std::size_t header_idx;
  ColumnKind kind;
  std::size_t output_idx;  // into numeric_ or category_
};

// Carriage returns not before a newline: the scanner ends a record at each one (an old Mac line end), so
// they bound the row count as newlines do. Only a text that needs the full scan holds any.
std::size_t count_bare_returns(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t at = text.find('\r'); at != std::string_view::npos; at = text.find('\r', at + 1)) {
    if (at + 1 >= text.size() || text[at + 1] != '\n') ++count;
  }
  return count;
}

// What one pass over a byte range of the body finds: its lines, and whether it holds a double quote, a
// carriage return or a byte outside ASCII — each rare in big numeric files, and each then looked at
// closely (the full scan, bare returns, UTF-8 validation). One pass instead of four.
struct RangeScan {
  std::size_t lines = 0;
  bool quote = false;
  bool carriage_return = false;
  bool non_ascii = false;
};

// Sixteen bytes at a time where SSE2 is there (every x86-64): a compare and a mask per block and question.
RangeScan scan_range(std::string_view text) {
  RangeScan scan;
  std::size_t at = 0;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i carriage_return = _mm_set1_epi8('\r');
  __m128i seen_quote = _mm_setzero_si128();
  __m128i seen_return = _mm_setzero_si128();
  __m128i seen_high = _mm_setzero_si128();
  for (; at + 16 <= text.size(); at += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
    // Clear one set bit at a time: a block holds 0 or 1 newlines on most files, and the baseline x86-64
    // target has no popcnt instruction (std::popcount would call libgcc).
    for (auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, newline))); mask != 0;
         mask &= mask - 1)
      ++scan.lines;
    seen_quote = _mm_or_si128(seen_quote, _mm_cmpeq_epi8(block, quote));
    seen_return = _mm_or_si128(seen_return, _mm_cmpeq_epi8(block, carriage_return));
    seen_high = _mm_or_si128(seen_high, block);  // the top bit of each byte: non-ASCII
  }
  scan.quote = _mm_movemask_epi8(seen_quote) != 0;
  scan.carriage_return = _mm_movemask_epi8(seen_return) != 0;
  scan.non_ascii = _mm_movemask_epi8(seen_high) != 0;
#endif
  for (; at < text.size(); ++at) {
    const char c = text[at];
    scan.lines += c == '\n' ? 1U : 0U;
    scan.quote = scan.quote || c == '"';
    scan.carriage_return = scan.carriage_return || c == '\r';
    scan.non_ascii = scan.non_ascii || static_cast<unsigned char>(c) >= 0x80U;
  }
  if (!text.empty() && text.back() != '\n') ++scan.lines;
  return scan;
}

}  // namespace

ColumnTable::~ColumnTable() = default;

ColumnTable ColumnTable::read_file(const std::string& path, const std::vector<WantedColumn>& wanted,
                                   const CsvOptions& options, ProgressSink& progress) {
  auto bytes = std::make_shared<Bytes>();
  bytes->file = std::make_unique<MappedFile>(path);
  if (is_gzip(bytes->file->text())) {  // a .csv.gz: inflated into memory, then read the same way
    bytes->owned = gunzip(bytes->file->text(), path);
    bytes->file.reset();
  }
  return read(std::move(bytes), path, wanted, options, progress);
}

ColumnTable ColumnTable::from_columns(std::string source, std::size_t rows,
                                      std::vector<NumericColumn> numeric,
                                      std::vector<CategoryColumn> category) {
  ColumnTable table;
  table.source_ = std::move(source);
  table.rows_ = rows;
  for (const auto& column : numeric) {
    EQ_ASSERT(column.values.size() == rows && column.valid.size() == rows);
    table.header_.push_back(column.name);
  }
  for (const auto& column : category) {
    EQ_ASSERT(column.codes.size() == rows && column.valid.size() == rows);
    table.header_.push_back(column.name);
  }
  table.numeric_ = std::move(numeric);
  table.category_ = std::move(category);
  return table;
}

std::vector<std::string> ColumnTable::read_header(const std::string& path, const CsvOptions& options) {
  // Reading no column parses every row's structure; only the header is needed, so read the first line.
  const MappedFile file(path);
  std::string inflated;
  if (is_gzip(file.text())) inflated = gunzip(file.text(), path);
  const std::string_view text = inflated.empty() ? file.text() : std::string_view(inflated);
  std::size_t end = 0;
  bool quoted = false;
  for (; end < text.size(); ++end) {  // the header ends at the first newline outside quotes
    if (text[end] == '"') quoted = !quoted;
    if (text[end] == '\n' && !quoted) break;
  }
  auto bytes = std::make_shared<Bytes>();
  bytes->owned = std::string(text.substr(0, std::min(end + 1, text.size())));
  return read(std::move(bytes), path, {}, options, null_progress()).header_;
}

ColumnTable ColumnTable::parse(std::string text, std::string source_name,
                               const std::vector<WantedColumn>& wanted, const CsvOptions& options) {
  auto bytes = std::make_shared<Bytes>();
  bytes->owned = std::move(text);
  return read(std::move(bytes), std::move(source_name), wanted, options, null_progress());
}

ColumnTable ColumnTable::read(std::shared_ptr<Bytes> bytes, std::string source,
                              const std::vector<WantedColumn>& wanted, const CsvOptions& options,
                              ProgressSink& progress) {
  ColumnTable table;
  table.source_ = std::move(source);
  table.options_ = options;
  table.bytes_ = std::move(bytes);
  const std::string_view text = table.bytes_->text();
  const auto fail = [&](const ParseFailure& failure) {
    throw Error(failure.code, failure.message, failure.fix,
                location_of_offset(text, failure.offset, table.source_));
  };
  std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  if (start >= text.size())
    fail({start, ErrorCode::Parse, "the file is empty", "give a CSV file with a header row"});

  // The header, checked as CsvTable checks it.
  std::vector<std::string_view> fields;
  {
    const std::size_t header_end = std::min(text.size(), text.find('\n', start));
    if (const auto bad = first_invalid_utf8(text.substr(0, header_end))) {
      fail({*bad, ErrorCode::Parse, invalid_utf8_message(text, *bad), std::string(kInvalidUtf8Fix)});
    }
    CsvScanner scanner(text, options);  // quotes possible: the body's scan below has not run yet
    scanner.seek(start);
    try {
      scanner.next(fields);
    } catch (const CsvSyntaxError& error) {
      fail({error.offset, ErrorCode::Parse, error.message, error.fix});
    }
    for (std::size_t column_idx = 0; column_idx < fields.size(); ++column_idx) {
      const std::string name(fields[column_idx]);
      const std::size_t at = scanner.field_offset(fields, column_idx);
      if (name.empty()) {
        fail({at, ErrorCode::Parse, fmt::format("header column {} has no name", column_idx + 1),
              "give every column a name"});
      }
      if (std::find(table.header_.begin(), table.header_.end(), name) != table.header_.end()) {
        fail({at, ErrorCode::Parse, fmt::format("column name '{}' appears twice in the header", name),
              "rename one of the columns"});
      }
      table.header_.push_back(name);
    }
    start = scanner.position();
  }

  // Each wanted column once per kind.
  std::vector<ColumnSlot> slots;
  for (const WantedColumn& column : wanted) {
    const std::size_t header_idx = table.column_index(column.name);
    const bool seen = std::any_of(slots.begin(), slots.end(), [&](const ColumnSlot& slot) {
      return slot.header_idx == header_idx && slot.kind == column.kind;
    });
    if (seen) continue;
    if (column.kind == ColumnKind::Numeric) {
      slots.push_back({header_idx, column.kind, table.numeric_.size()});
      table.numeric_.push_back({column.name, {}, {}});
    } else {
      slots.push_back({header_idx, column.kind, table.category_.size()});
      table.category_.push_back({column.name, {}, {}, {}});
    }
  }

  // Byte ranges of the body that start at a line start, read in parallel — unless the body holds a
  // quote or a bare carriage return: a newline may then be inside a field, and one range reads it all.
  const std::string_view body = text.substr(start);
  std::size_t range_count = 1;
  if (body.size() >= 2 * kMinRangeBytes) {
    range_count =
        std::min<std::size_t>(static_cast<std::size_t>(worker_count()) * 4, body.size() / kMinRangeBytes);
  }
  std::vector<std::size_t> bounds{start};
  for (std::size_t k = 1; k < range_count; ++k) {
    const std::size_t guess = std::max(bounds.back(), start + body.size() * k / range_count);
    const std::size_t newline = text.find('\n', guess);
    if (newline == std::string_view::npos) break;
    bounds.push_back(newline + 1);
  }
  bounds.push_back(text.size());
  range_count = bounds.size() - 1;

  // Rows each range can hold at most (its line count), so every range writes in place.
  std::vector<RangeScan> scans(range_count);
  parallel_for(range_count, [&](std::size_t range_idx) {
    scans[range_idx] = scan_range(text.substr(bounds[range_idx], bounds[range_idx + 1] - bounds[range_idx]));
  });
  table.quotes_ = std::any_of(scans.begin(), scans.end(), [](const RangeScan& scan) { return scan.quote; });
  for (std::size_t range_idx = 0; range_idx < range_count && !table.quotes_; ++range_idx) {
    const std::string_view range = text.substr(bounds[range_idx], bounds[range_idx + 1] - bounds[range_idx]);
    table.quotes_ = scans[range_idx].carriage_return && count_bare_returns(range) > 0;
  }
  if (table.quotes_) {  // one range: the ranges' scans add up (each but the last ends at a newline)
    RangeScan whole;
    for (const RangeScan& scan : scans) {
      whole.lines += scan.lines;
      whole.non_ascii = whole.non_ascii || scan.non_ascii;
    }
    whole.lines += count_bare_returns(body);
    bounds = {start, text.size()};
    range_count = 1;
    scans = {whole};
  }
  table.ranges_ = range_count;
  std::vector<RangeOutcome> outcomes(range_count);
  for (std::size_t range_idx = 0; range_idx < range_count; ++range_idx)
    outcomes[range_idx].rows = scans[range_idx].lines;
  std::size_t row_bound = 0;
  for (RangeOutcome& outcome : outcomes) {
    outcome.first_row = row_bound;
    row_bound += outcome.rows;
    outcome.rows = 0;
    outcome.labels.resize(table.category_.size());
  }
  table.resize_columns(row_bound);

  ProgressTask task(progress, "read " + table.source_, text.size());
  const std::size_t header_size = table.header_.size();
  parallel_for(range_count, [&](std::size_t range_idx) {
    RangeOutcome& outcome = outcomes[range_idx];
    CsvScanner scanner(text, options, table.quotes_);
    scanner.seek(bounds[range_idx]);
    const std::size_t end = bounds[range_idx + 1];
    const std::size_t first_row = outcome.first_row;
    // Ranges start at line starts, so no UTF-8 sequence straddles two of them.
    const std::string_view range = text.substr(bounds[range_idx], end - bounds[range_idx]);
    if (const auto bad = scans[range_idx].non_ascii ? first_invalid_utf8(range) : std::nullopt) {
      const std::size_t offset = bounds[range_idx] + *bad;
      outcome.failure = ParseFailure{offset, ErrorCode::Parse, invalid_utf8_message(text, offset),
                                     std::string(kInvalidUtf8Fix)};
      return;
    }
    std::vector<std::string_view> cells;
    std::size_t ticked = scanner.position();
    // Counters live in locals: neighbouring outcomes share cache lines, and a write per row to them
    // would make the threads fight over those lines.
    std::size_t local = 0;
    std::vector<std::size_t> anchors;
    std::vector<LabelCodes> labels(table.category_.size());
    const auto finish = [&] {
      outcome.rows = local;
      outcome.anchor_offsets = std::move(anchors);
      outcome.labels = std::move(labels);
    };
    try {
      while (scanner.position() < end) {
        scanner.next(cells);
        if (cells.size() == 1 && cells[0].empty()) continue;  // a blank line
        if (cells.size() != header_size) {
          outcome.failure = ParseFailure{
              scanner.record_start(), ErrorCode::Parse,
              fmt::format("row has {} fields but the header has {}", cells.size(), header_size),
              "make every row have one field per header column (quote fields that contain the delimiter)"};
          return finish();
        }
        if (local % kAnchorEvery == 0) anchors.push_back(scanner.record_start());
        const std::size_t row = first_row + local;
        for (const ColumnSlot& slot : slots) {
          const std::string_view cell = cells[slot.header_idx];
          if (slot.kind == ColumnKind::Numeric) {
            NumericColumn& column = table.numeric_[slot.output_idx];
            double value = 0.0;
            if (parse_plain_decimal(cell, value)) {
              column.values[row] = value;
              column.valid[row] = 1;
            } else if (const auto parsed = parse_number(cell)) {
              column.values[row] = *parsed;
              column.valid[row] = 1;
            } else if (!is_missing_token(cell)) {
              outcome.failure = ParseFailure{
                  scanner.field_offset(cells, slot.header_idx), ErrorCode::Parse,
                  fmt::format("'{}' in column '{}' is not a number", excerpt(cell), column.name),
                  "write a plain decimal number such as 1234.5 (no thousands separators or units), or leave "
                  "the cell empty / NA to mark it missing"};
              return finish();
            }
          } else {
            // Seen labels first: a missing token is never among them.
            LabelCodes& codes = labels[slot.output_idx];
            std::uint32_t code = codes.find(cell);
            if (code == LabelCodes::kAbsent && !is_missing_token(cell)) code = codes.code_of(cell);
            if (code != LabelCodes::kAbsent) {
              CategoryColumn& column = table.category_[slot.output_idx];
              column.codes[row] = code;
              column.valid[row] = 1;
            }
          }
        }
        ++local;
        if (scanner.position() - ticked >= kProgressBytes) {
          if (!task.tick(scanner.position() - ticked)) return finish();
          ticked = scanner.position();
        }
      }
    } catch (const CsvSyntaxError& error) {
      outcome.failure = ParseFailure{error.offset, ErrorCode::Parse, error.message, error.fix};
    }
    finish();
  });
  task.throw_if_stopped();
  for (const RangeOutcome& outcome : outcomes) {
    if (outcome.failure) fail(*outcome.failure);
  }

  // Category codes: labels in order of first appearance in the file, ranges merged in order.
  for (std::size_t column_idx = 0; column_idx < table.category_.size(); ++column_idx) {
    CategoryColumn& column = table.category_[column_idx];
    LabelCodes global;
    std::vector<std::vector<std::uint32_t>> code_maps(range_count);
    for (std::size_t range_idx = 0; range_idx < range_count; ++range_idx) {
      for (const std::string& label : outcomes[range_idx].labels[column_idx].labels())
        code_maps[range_idx].push_back(global.code_of(label));
    }
    column.labels = global.labels();
    parallel_for(range_count, [&](std::size_t range_idx) {
      const RangeOutcome& outcome = outcomes[range_idx];
      const auto& map = code_maps[range_idx];
      for (std::size_t row = outcome.first_row; row < outcome.first_row + outcome.rows; ++row)
        column.codes[row] = column.valid[row] != 0 ? map[column.codes[row]] : 0;
    });
  }

  // Close the gaps blank lines left (rare), then remember where rows start.
  std::size_t rows = 0;
  for (std::size_t range_idx = 0; range_idx < range_count; ++range_idx) {
    const RangeOutcome& outcome = outcomes[range_idx];
    if (outcome.first_row != rows) {
      const auto move_rows = [&](auto& values) {
        std::copy(values.begin() + static_cast<std::ptrdiff_t>(outcome.first_row),
                  values.begin() + static_cast<std::ptrdiff_t>(outcome.first_row + outcome.rows),
                  values.begin() + static_cast<std::ptrdiff_t>(rows));
      };
      for (NumericColumn& column : table.numeric_) {
        move_rows(column.values);
        move_rows(column.valid);
      }
      for (CategoryColumn& column : table.category_) {
        move_rows(column.codes);
        move_rows(column.valid);
      }
    }
    for (std::size_t k = 0; k < outcome.anchor_offsets.size(); ++k)
      table.anchors_.push_back({rows + k * kAnchorEvery, outcome.anchor_offsets[k]});
    rows += outcome.rows;
  }
  table.rows_ = rows;
  table.resize_columns(rows);
  // The pages were read once; the kernel may take them back (location() reads them again if needed).
  if (table.bytes_->file) table.bytes_->file->release();
  return table;
}

void ColumnTable::resize_columns(std::size_t rows) {
  for (NumericColumn& column : numeric_) {
    resize_fresh(column.values, rows);
    resize_fresh(column.valid, rows);
  }
  for (CategoryColumn& column : category_) {
    resize_fresh(column.codes, rows);
    resize_fresh(column.valid, rows);
  }
}

std::size_t ColumnTable::column_index(std::string_view name) const {
  const auto found = std::find(header_.begin(), header_.end(), name);
  if (found != header_.end()) return static_cast<std::size_t>(found - header_.begin());
  const std::string suggestion = nearest_name(name, header_);
  throw Error(ErrorCode::InvalidInput, fmt::format("no column named '{}'", name),
              suggestion.empty() ? "use one of the header's column names"
                                 : fmt::format("did you mean '{}'?", suggestion),
              SourceLocation{source_, bytes_ ? 1U : 0U, 0});  // line 1: the header of a file
}

const NumericColumn& ColumnTable::numeric(std::string_view name) const {
  for (const NumericColumn& column : numeric_)
    if (column.name == name) return column;
  throw Error(ErrorCode::Internal, fmt::format("numeric column '{}' was not read", name),
              "please report this bug with the command that triggered it");
}

const CategoryColumn& ColumnTable::category(std::string_view name) const {
  for (const CategoryColumn& column : category_)
    if (column.name == name) return column;
  throw Error(ErrorCode::Internal, fmt::format("category column '{}' was not read", name),
              "please report this bug with the command that triggered it");
}

NumericColumn ColumnTable::take_numeric(std::string_view name) {
  static_cast<void>(numeric(name));  // a column that was not read is a caller's bug, reported there
  for (NumericColumn& column : numeric_)
    if (column.name == name) return {column.name, std::move(column.values), std::move(column.valid)};
  return {};
}

CategoryColumn ColumnTable::take_category(std::string_view name) {
  static_cast<void>(category(name));
  for (CategoryColumn& column : category_) {
    if (column.name == name)
      return {column.name, std::move(column.codes), std::move(column.labels), std::move(column.valid)};
  }
  return {};
}

std::size_t ColumnTable::row_offset(std::size_t row_idx) const {
  auto anchor = std::upper_bound(anchors_.begin(), anchors_.end(), row_idx,
                                 [](std::size_t row, const Anchor& a) { return row < a.row; });
  if (anchor == anchors_.begin()) return 0;
  --anchor;
  const std::string_view text = bytes_->text();
  CsvScanner scanner(text, options_, quotes_);
  scanner.seek(anchor->offset);
  std::vector<std::string_view> cells;
  std::size_t row = anchor->row;
  while (scanner.next(cells)) {
    if (cells.size() == 1 && cells[0].empty()) continue;
    if (row == row_idx) return scanner.record_start();
    ++row;
  }
  return text.size();
}

SourceLocation ColumnTable::location(std::size_t row_idx, std::string_view column) const {
  if (!bytes_)
    return SourceLocation{fmt::format("{}, row {} (from 0), column '{}'", source_, row_idx, column)};
  const std::string_view text = bytes_->text();
  const std::size_t record = row_offset(row_idx);
  CsvScanner scanner(text, options_, quotes_);
  scanner.seek(record);
  std::vector<std::string_view> cells;
  scanner.next(cells);
  const std::size_t column_idx = column_index(column);
  const std::size_t offset = column_idx < cells.size() ? scanner.field_offset(cells, column_idx) : record;
  return location_of_offset(text, offset, source_);
}

}  // namespace equalis

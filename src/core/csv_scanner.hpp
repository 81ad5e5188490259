#pragma once
// The CSV tokenizer every reader of equalis shares (typed column reads, the audit's chunked and streamed
// decision logs): RFC 4180 records from a byte range in memory, with the dialect of core/csv.hpp —
// delimiter, "" escapes inside quoted fields, embedded newlines, LF or CRLF, spaces around unquoted cells
// trimmed. It allocates nothing per record; a syntax error throws CsvSyntaxError with the byte offset,
// which the caller turns into file:line:column (it alone knows the file).

#include "core/csv.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace equalis {

struct CsvSyntaxError {
  std::size_t offset;  // byte offset in the scanned text where the problem is
  std::string message;
  std::string fix;
};

// What next_partial found.
enum class CsvRecord : std::uint8_t {
  Read,      // a whole record
  End,       // the end of the text
  NeedMore,  // the text ends inside a record and more may follow: extend it and call again
};

class CsvScanner {
 public:
  // `quotes_possible = false` promises that `text` holds no double quote and no carriage return other
  // than before a newline (checked once by the caller with memchr): records are then split at newlines
  // and delimiters without a quote test per byte.
  CsvScanner() = default;
  CsvScanner(std::string_view text, const CsvOptions& options, bool quotes_possible = true) noexcept
      : text_(text), options_(options), quotes_possible_(quotes_possible) {}

  // Reads the next record into `fields` (views into the text, or into the scanner's scratch buffer for
  // quoted fields with escapes: valid until the next call). Returns false at the end of the text.
  // A blank line is a record of one empty field, as in CsvTable.
  bool next(std::vector<std::string_view>& fields);

  // For a buffer that more input may extend (a stream read block by block): when `more_may_follow` and
  // the text ends before the record provably does, returns NeedMore and leaves the position at the
  // record's start. With `more_may_follow = false` it is next().
  CsvRecord next_partial(std::vector<std::string_view>& fields, bool more_may_follow);

  // Points the scanner at a new buffer holding the same input from the same offset on (after the
  // caller appended to or moved its buffer); the position is kept.
  void retarget(std::string_view text) noexcept { text_ = text; }

  // Where field `field_idx` of the record last read starts in the text (its opening quote if quoted), for
  // error positions; `fields` is what next() filled.
  [[nodiscard]] std::size_t field_offset(const std::vector<std::string_view>& fields,
                                         std::size_t field_idx) const noexcept;

  // Offset of the record last returned by next(), and of the next one to be read.
  [[nodiscard]] std::size_t record_start() const noexcept { return record_start_; }
  [[nodiscard]] std::size_t position() const noexcept { return position_; }
  void seek(std::size_t offset) noexcept { position_ = offset; }
  [[nodiscard]] bool at_end() const noexcept { return position_ >= text_.size(); }

 private:
  struct FieldSpan {
    std::size_t start;
    std::size_t size;
    bool in_scratch;
    std::size_t raw;  // where the field starts in the text: its opening quote, or its first character
  };
  bool next_unquoted(std::vector<std::string_view>& fields);
  FieldSpan read_field();
  FieldSpan read_quoted_field(std::size_t opening);

  struct NeedMoreInput {};  // thrown inside a record, caught by next_partial

  std::string_view text_;
  CsvOptions options_;
  bool quotes_possible_ = true;
  bool more_may_follow_ = false;
  bool last_was_fast_ = false;  // the last record came through next_unquoted (no spans recorded)
  std::size_t position_ = 0;
  std::size_t record_start_ = 0;
  std::string scratch_;
  std::vector<FieldSpan> spans_;
};

// True if `text` needs the full RFC 4180 scan: it holds a double quote, or a carriage return that is not
// part of a CRLF line end. Otherwise records are lines and the scanner's fast path applies.
bool csv_needs_full_scan(std::string_view text) noexcept;

// Where a byte offset of `text` (a whole file) sits, as file:line:column (column in UTF-8 characters,
// 1-based, a leading byte-order mark not counted).
SourceLocation location_of_offset(std::string_view text, std::size_t offset, const std::string& source);

}  // namespace equalis

#pragma once
// A streaming RFC 4180 CSV reader: one record at a time from a file or stdin through a fixed-size
// buffer, tokenized by core's CsvScanner, so a 10-million-row decision log is aggregated in constant memory
// (the core CsvTable keeps the whole file plus 16 bytes a cell). Same dialect and errors as core/csv.hpp:
// UTF-8 (a BOM is skipped), quoted fields with "" escapes and embedded newlines, LF or CRLF; errors name
// file:line:column.

#include "core/csv.hpp"
#include "core/csv_scanner.hpp"
#include "core/error.hpp"
#include "core/sha256.hpp"

#include <cstdint>
#include <cstdio>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::audit {

// Waits until `fd` has input (true) or `stop` says to stop (false), checking `stop` every 100 ms: a
// Ctrl-C that lands just before a blocking read would otherwise leave the read waiting for ever on an
// input that stays open (a pipe, like `tail -f`).
bool wait_for_input_or_stop(int fd, const std::function<bool()>& stop);

class CsvStreamReader {
 public:
  // Opens `path` ("-" = standard input) and reads the header row. Throws Error(Io) / Error(Parse).
  // With `compute_sha256` the bytes are hashed as they are read (on a helper thread, overlapping parsing).
  explicit CsvStreamReader(const std::string& path, const CsvOptions& options = {},
                           bool compute_sha256 = false);
  // Reads from an open stream it does not own (for tests and pipes); `source_name` is used in messages.
  // `block_size` is how much is read at a time (tests make it tiny to put block ends everywhere).
  CsvStreamReader(std::FILE* stream, std::string source_name, const CsvOptions& options = {},
                  bool compute_sha256 = false, std::size_t block_size = std::size_t{1} << 20U);
  CsvStreamReader(const CsvStreamReader&) = delete;
  CsvStreamReader& operator=(const CsvStreamReader&) = delete;
  CsvStreamReader(CsvStreamReader&&) = delete;
  CsvStreamReader& operator=(CsvStreamReader&&) = delete;
  ~CsvStreamReader();

  // Called at end of input; return true to try reading again (to follow a growing file), false to stop.
  void set_wait_for_more(std::function<bool()> wait) { wait_for_more_ = std::move(wait); }
  // Called when a signal interrupts a blocked read (EINTR); return true to end the input there (a record
  // the interrupt cut is not read), false to keep reading. Without it an interrupted read is an Io error.
  void set_stop_on_interrupt(std::function<bool()> stop) { stop_on_interrupt_ = std::move(stop); }

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return header_; }
  // Index of a named column; throws Error(InvalidInput) with a "did you mean" hint if absent.
  [[nodiscard]] std::size_t column_index(std::string_view name) const;
  [[nodiscard]] bool has_column(std::string_view name) const noexcept;

  // Reads the next data record (blank lines are skipped). Returns false at the end of the input.
  // Throws Error(Parse) if the record is malformed or has the wrong number of fields.
  bool next();
  // Field of the current record; the view is valid until the next call to next().
  [[nodiscard]] std::string_view field(std::size_t column_idx) const noexcept { return fields_[column_idx]; }
  // Every field of the current record, in header order (valid until the next call to next()).
  [[nodiscard]] std::span<const std::string_view> fields() const noexcept { return fields_; }
  [[nodiscard]] std::size_t records_read() const noexcept { return records_; }
  [[nodiscard]] std::uint64_t bytes_consumed() const noexcept {
    return consumed_before_ + scanner_.position();
  }
  // SHA-256 of every byte read so far (all of the input once next() returned false); empty if not enabled.
  [[nodiscard]] std::string sha256_hex();
  // file:line:column of a field of the current record (column counted in characters, 1-based).
  [[nodiscard]] SourceLocation location(std::size_t column_idx) const;

 private:
  bool fill();  // appends more input to buffer_; false at the end (or when interrupted)
  // One block into `into`: read(2) on the stream's descriptor, which returns what a pipe holds (a live
  // `tail -f` feed) instead of waiting for a whole block; stdio for a stream without one. nullopt when a
  // signal interrupted the read and stop_on_interrupt_ says to stop.
  std::optional<std::size_t> read_block(char* into, std::size_t size);
  [[noreturn]] void fail(std::size_t offset, const std::string& message, const std::string& fix) const;
  void read_header();
  // Reads the next record into fields_ (blank lines included); false at the end of the input.
  bool next_record();
  SourceLocation location_of(std::size_t offset) const;

  std::FILE* stream_ = nullptr;
  bool owns_stream_ = false;
  bool at_eof_ = false;
  bool interrupted_ = false;
  std::string source_;
  CsvOptions options_;
  std::function<bool()> wait_for_more_;
  std::function<bool()> stop_on_interrupt_;
  std::size_t block_size_ = std::size_t{1} << 20U;
  std::string buffer_;
  CsvScanner scanner_;                 // the core tokenizer, over buffer_
  std::uint64_t consumed_before_ = 0;  // bytes dropped from the front of buffer_
  std::size_t lines_before_ = 0;       // newlines in those bytes
  std::size_t columns_before_ = 0;     // characters of the buffer's first line among those bytes
  std::vector<std::string_view> fields_;
  std::vector<std::string> header_;
  std::size_t records_ = 0;
  std::unique_ptr<Sha256> hasher_;
  std::string hash_block_;
  std::future<void> hashing_;
};

}  // namespace equalis::audit

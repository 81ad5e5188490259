#pragma once
// A streaming NDJSON reader (one JSON object per line) with the record interface of CsvStreamReader, so the
// decision-log reader and the monitor take either. The "columns" are the keys the caller asks for; a key
// absent from a line, or null, reads as "" (a missing value); strings as written, numbers as JSON writes
// them, booleans as "true"/"false". Errors name file:line:column (the key's byte position in the line).

#include "core/error.hpp"
#include "core/sha256.hpp"

#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::audit {

class NdjsonStreamReader {
 public:
  // Opens `path` ("-" = standard input). Throws Error(Io).
  NdjsonStreamReader(const std::string& path, std::vector<std::string> keys, bool compute_sha256 = false);
  NdjsonStreamReader(const NdjsonStreamReader&) = delete;
  NdjsonStreamReader& operator=(const NdjsonStreamReader&) = delete;
  NdjsonStreamReader(NdjsonStreamReader&&) = delete;
  NdjsonStreamReader& operator=(NdjsonStreamReader&&) = delete;
  ~NdjsonStreamReader();

  // Called at end of input; return true to try reading again (to follow a growing file), false to stop.
  void set_wait_for_more(std::function<bool()> wait) { wait_for_more_ = std::move(wait); }
  // Called when a signal interrupts a blocked read (EINTR); return true to end the input there (a line the
  // interrupt cut is not read), false to keep reading.
  void set_stop_on_interrupt(std::function<bool()> stop) { stop_on_interrupt_ = std::move(stop); }

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return keys_; }
  // Index of a requested key; Error(Internal) if it was not requested.
  [[nodiscard]] std::size_t column_index(std::string_view name) const;
  // Reads the next object (blank lines are skipped). Returns false at the end of the input. Throws
  // Error(Parse) for a line that is not a JSON object or a requested key holding an object or array.
  bool next();
  [[nodiscard]] std::string_view field(std::size_t idx) const noexcept { return fields_[idx]; }
  [[nodiscard]] std::span<const std::string_view> fields() const noexcept { return fields_; }
  [[nodiscard]] SourceLocation location(std::size_t idx) const;
  // SHA-256 of every byte read (empty if not enabled). Call once, at the end.
  [[nodiscard]] std::string sha256_hex();

 private:
  bool read_line(std::string& line);
  void parse(std::string_view text);

  std::FILE* stream_ = nullptr;
  bool owns_ = false;
  std::string source_;
  std::vector<std::string> keys_;
  std::vector<std::string> values_;
  std::vector<std::string_view> fields_;
  std::vector<std::size_t> positions_;
  char* buffer_ = nullptr;
  std::size_t capacity_ = 0;
  std::string line_;
  std::string pending_;  // a last line read without its newline (the writer may not have finished it)
  std::size_t line_number_ = 0;
  std::function<bool()> wait_for_more_;
  std::function<bool()> stop_on_interrupt_;
  bool interrupted_ = false;
  std::unique_ptr<Sha256> hasher_;
};

}  // namespace equalis::audit

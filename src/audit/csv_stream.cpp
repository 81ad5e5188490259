#include "audit/csv_stream.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace equalis::audit {

namespace {
constexpr std::size_t kBlockSize = 1U << 20U;

std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}
}  // namespace

CsvStreamReader::CsvStreamReader(const std::string& path, const CsvOptions& options, bool compute_sha256)
    : source_(path == "-" ? std::string("<stdin>") : path), options_(options) {
  if (compute_sha256) hasher_ = std::make_unique<Sha256>();
  if (path == "-") {
    stream_ = stdin;
  } else {
    stream_ = std::fopen(path.c_str(), "rb");
    if (stream_ == nullptr) {
      throw Error(ErrorCode::Io, fmt::format("cannot open '{}'", path), "check the path and the permissions");
    }
    owns_stream_ = true;
  }
  read_header();
}

CsvStreamReader::CsvStreamReader(std::FILE* stream, std::string source_name, const CsvOptions& options,
                                 bool compute_sha256)
    : stream_(stream), source_(std::move(source_name)), options_(options) {
  if (compute_sha256) hasher_ = std::make_unique<Sha256>();
  read_header();
}

CsvStreamReader::~CsvStreamReader() {
  if (hashing_.valid()) hashing_.wait();
  if (owns_stream_) std::fclose(stream_);
}

bool CsvStreamReader::fill() {
  // Drop everything before the current record, then append a block.
  if (record_start_ > 0) {
    buffer_.erase(0, record_start_);
    consumed_before_ += record_start_;
    position_ -= record_start_;
    record_start_ = 0;
  }
  while (true) {
    const std::size_t old_size = buffer_.size();
    buffer_.resize(old_size + kBlockSize);
    const std::size_t got = std::fread(buffer_.data() + old_size, 1, kBlockSize, stream_);
    buffer_.resize(old_size + got);
    if (got > 0 && hasher_) {
      // Hash a copy on a helper thread; wait for the previous block first so blocks go in order.
      if (hashing_.valid()) hashing_.get();
      hash_block_.assign(buffer_, old_size, got);
      hashing_ = std::async(std::launch::async, [this] { hasher_->update(hash_block_); });
    }
    if (got > 0) return true;
    if (std::ferror(stream_) != 0) {
      throw Error(ErrorCode::Io, fmt::format("error while reading '{}'", source_), "check the input");
    }
    if (wait_for_more_ && wait_for_more_()) {
      std::clearerr(stream_);
      continue;
    }
    at_eof_ = true;
    return false;
  }
}

SourceLocation CsvStreamReader::location_of(std::size_t offset) const {
  // Count lines from the record start; the column is in characters from the last line start.
  std::size_t line = record_line_;
  std::size_t line_start = record_start_;
  for (std::size_t i = record_start_; i < offset && i < buffer_.size(); ++i) {
    if (buffer_[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  const std::size_t end = std::min(offset, buffer_.size());
  const std::size_t column = utf8_length(std::string_view(buffer_).substr(line_start, end - line_start)) + 1;
  return SourceLocation{source_, line, column};
}

void CsvStreamReader::fail(std::size_t offset, const std::string& message, const std::string& fix) const {
  throw Error(ErrorCode::Parse, message, fix, location_of(offset));
}

// Parses one record starting at position_ into `spans`. Returns false (touching nothing but scratch_)
// when the buffer ends before the record does and more input may follow.
bool CsvStreamReader::parse_record(std::vector<Span>& spans) {
  spans.clear();
  scratch_.clear();
  const std::string& text = buffer_;
  const std::size_t size = text.size();
  const char delimiter = options_.delimiter;
  std::size_t cursor = position_;
  std::size_t newlines = 0;
  while (true) {
    std::size_t start = cursor;
    if (options_.trim_unquoted) {
      while (start < size && (text[start] == ' ' || text[start] == '\t') && text[start] != delimiter) ++start;
    }
    if (start < size && text[start] == '"') {
      const std::size_t scratch_start = scratch_.size();
      std::size_t read = start + 1;
      while (true) {
        if (read >= size) {
          if (!at_eof_) return false;
          fail(start, "a quoted field is never closed", "add the closing double quote");
        }
        const char c = text[read];
        if (c == '"') {
          if (read + 1 >= size && !at_eof_) return false;
          if (read + 1 < size && text[read + 1] == '"') {
            scratch_ += '"';
            read += 2;
            continue;
          }
          ++read;
          break;
        }
        if (c == '\n') ++newlines;
        scratch_ += c;
        ++read;
      }
      while (read < size && (text[read] == ' ' || text[read] == '\t')) ++read;
      if (read >= size && !at_eof_) return false;
      if (read < size && text[read] != delimiter && text[read] != '\n' && text[read] != '\r') {
        fail(read, "unexpected text after a closing quote",
             "double any quote inside a quoted field (\"\") or add the missing delimiter");
      }
      spans.push_back(Span{start, scratch_start, scratch_.size() - scratch_start, true});
      cursor = read;
    } else {
      std::size_t end = start;
      while (end < size) {
        const char c = text[end];
        if (c == delimiter || c == '\n' || c == '\r') break;
        if (c == '"') {
          fail(end, "a quote appears inside an unquoted field",
               "wrap the whole field in double quotes and double the inner quote (\"\")");
        }
        ++end;
      }
      if (end >= size && !at_eof_) return false;
      std::size_t trimmed = end;
      if (options_.trim_unquoted) {
        while (trimmed > start && (text[trimmed - 1] == ' ' || text[trimmed - 1] == '\t')) --trimmed;
      }
      spans.push_back(Span{start, start, trimmed - start, false});
      cursor = end;
    }
    if (cursor >= size) break;  // end of input without a final newline
    if (text[cursor] == delimiter) {
      ++cursor;
      continue;
    }
    // Line end: \r, \r\n or \n. A lone \r at the buffer end may be followed by \n in the next block.
    if (text[cursor] == '\r') {
      if (cursor + 1 >= size && !at_eof_) return false;
      ++cursor;
    }
    if (cursor < size && text[cursor] == '\n') ++cursor;
    break;
  }
  position_ = cursor;
  next_line_ += newlines + 1;
  return true;
}

void CsvStreamReader::read_header() {
  buffer_.reserve(2 * kBlockSize);
  fill();
  if (buffer_.size() >= 3 && buffer_.compare(0, 3, "\xEF\xBB\xBF") == 0) position_ = record_start_ = 3;
  if (position_ >= buffer_.size()) {
    throw Error(ErrorCode::Parse, "the file is empty", "give a CSV file with a header row",
                SourceLocation{source_, 1, 1});
  }
  std::vector<Span> spans;
  record_line_ = next_line_;
  while (!parse_record(spans)) {
    fill();
  }
  for (const Span& span : spans) {
    std::string name =
        span.in_scratch ? scratch_.substr(span.start, span.size) : buffer_.substr(span.start, span.size);
    if (name.empty()) {
      fail(span.raw_start, fmt::format("header column {} has no name", header_.size() + 1),
           "give every column a name");
    }
    if (std::find(header_.begin(), header_.end(), name) != header_.end()) {
      fail(span.raw_start, fmt::format("column name '{}' appears twice in the header", name),
           "rename one of the columns");
    }
    header_.push_back(std::move(name));
  }
  fields_.resize(header_.size());
}

std::size_t CsvStreamReader::column_index(std::string_view name) const {
  const auto it = std::find(header_.begin(), header_.end(), name);
  if (it != header_.end()) return static_cast<std::size_t>(it - header_.begin());
  const std::string suggestion = nearest_name(name, header_);
  throw Error(ErrorCode::InvalidInput, fmt::format("'{}' has no column '{}'", source_, name),
              suggestion.empty() ? fmt::format("the columns are: {}", fmt::join(header_, ", "))
                                 : fmt::format("did you mean '{}'?", suggestion));
}

bool CsvStreamReader::has_column(std::string_view name) const noexcept {
  return std::find(header_.begin(), header_.end(), name) != header_.end();
}

bool CsvStreamReader::next() {
  while (true) {
    if (position_ >= buffer_.size()) {
      if (at_eof_) return false;
      record_start_ = position_;
      if (!fill()) return false;
    }
    record_start_ = position_;
    record_line_ = next_line_;
    while (!parse_record(spans_)) {
      fill();
    }
    if (spans_.size() == 1 && spans_[0].size == 0 && !spans_[0].in_scratch) continue;  // blank line
    if (spans_.size() != header_.size()) {
      throw Error(ErrorCode::Parse,
                  fmt::format("row has {} fields but the header has {}", spans_.size(), header_.size()),
                  "make every row have one field per header column (quote fields that contain the delimiter)",
                  SourceLocation{source_, record_line_, 1});
    }
    for (std::size_t column_idx = 0; column_idx < spans_.size(); ++column_idx) {
      const Span& span = spans_[column_idx];
      fields_[column_idx] = span.in_scratch ? std::string_view(scratch_).substr(span.start, span.size)
                                            : std::string_view(buffer_).substr(span.start, span.size);
    }
    ++records_;
    return true;
  }
}

std::string CsvStreamReader::sha256_hex() {
  if (!hasher_) return {};
  if (hashing_.valid()) hashing_.get();
  std::string hex = hasher_->hex_digest();
  hasher_.reset();
  return hex;
}

SourceLocation CsvStreamReader::location(std::size_t column_idx) const {
  return location_of(spans_.at(column_idx).raw_start);
}

}  // namespace equalis::audit

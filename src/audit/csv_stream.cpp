#include "audit/csv_stream.hpp"

#include "core/input_file.hpp"
#include "core/utf8.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <unistd.h>

namespace equalis::audit {

namespace {

// Characters in UTF-8 text (bytes that do not continue a sequence), for 1-based columns.
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
    require_input_file(path);
    stream_ = std::fopen(path.c_str(), "rb");
    if (stream_ == nullptr) {
      throw Error(ErrorCode::Io, fmt::format("cannot open '{}'", path), "check the path and the permissions");
    }
    owns_stream_ = true;
  }
  read_header();
}

CsvStreamReader::CsvStreamReader(std::FILE* stream, std::string source_name, const CsvOptions& options,
                                 bool compute_sha256, std::size_t block_size)
    : stream_(stream),
      source_(std::move(source_name)),
      options_(options),
      block_size_(std::max<std::size_t>(1, block_size)) {
  if (compute_sha256) hasher_ = std::make_unique<Sha256>();
  read_header();
}

CsvStreamReader::~CsvStreamReader() {
  if (hashing_.valid()) hashing_.wait();
  if (owns_stream_) std::fclose(stream_);
}

bool CsvStreamReader::fill() {
  // Drop everything before the current record (counting its lines), then append a block.
  const std::size_t keep_from = std::min(scanner_.record_start(), scanner_.position());
  if (keep_from > 0) {
    const std::string_view dropped(buffer_.data(), keep_from);
    lines_before_ += static_cast<std::size_t>(std::count(dropped.begin(), dropped.end(), '\n'));
    // A record after a bare CR starts inside a line: keep the count of that line's dropped characters
    // (not a byte-order mark) so that columns stay those of the file.
    const std::size_t newline = dropped.rfind('\n');
    if (newline != std::string_view::npos) {
      columns_before_ = utf8_length(dropped.substr(newline + 1));
    } else {
      const bool bom = consumed_before_ == 0 && dropped.starts_with("\xEF\xBB\xBF");
      columns_before_ += utf8_length(dropped) - (bom ? 1 : 0);
    }
    buffer_.erase(0, keep_from);
    consumed_before_ += keep_from;
    scanner_.retarget(buffer_);
    scanner_.seek(scanner_.position() - keep_from);
  }
  while (true) {
    const std::size_t old_size = buffer_.size();
    buffer_.resize(old_size + block_size_);
    const std::optional<std::size_t> read = read_block(buffer_.data() + old_size, block_size_);
    const std::size_t got = read.value_or(0);
    buffer_.resize(old_size + got);
    if (!read) {
      interrupted_ = true;
      return false;
    }
    scanner_.retarget(buffer_);
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

bool wait_for_input_or_stop(int fd, const std::function<bool()>& stop) {
  while (true) {
    if (stop()) return false;
    pollfd watch{fd, POLLIN, 0};
    const int ready = ::poll(&watch, 1, 100);
    if (ready > 0) return true;  // input, end of input or an error: the read will tell
    if (ready < 0 && errno != EINTR) return true;
  }
}

std::optional<std::size_t> CsvStreamReader::read_block(char* into, std::size_t size) {
  const int fd = ::fileno(stream_);
  if (fd < 0) return std::fread(into, 1, size, stream_);  // e.g. a memory stream
  while (true) {
    if (stop_on_interrupt_ && !wait_for_input_or_stop(fd, stop_on_interrupt_)) return std::nullopt;
    const ssize_t got = ::read(fd, into, size);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR || !stop_on_interrupt_) {
      throw Error(ErrorCode::Io, fmt::format("error while reading '{}': {}", source_, std::strerror(errno)),
                  "check the input");
    }
    if (stop_on_interrupt_()) return std::nullopt;
  }
}

SourceLocation CsvStreamReader::location_of(std::size_t offset) const {
  if (consumed_before_ == 0) return location_of_offset(buffer_, offset, source_);  // the file's start
  const std::string_view before = std::string_view(buffer_).substr(0, std::min(offset, buffer_.size()));
  const std::size_t newline = before.rfind('\n');
  const std::size_t line =
      lines_before_ + 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t column = newline == std::string_view::npos ? columns_before_ + utf8_length(before)
                                                               : utf8_length(before.substr(newline + 1));
  return {source_, line, column + 1};
}

void CsvStreamReader::fail(std::size_t offset, const std::string& message, const std::string& fix) const {
  throw Error(ErrorCode::Parse, message, fix, location_of(offset));
}

bool CsvStreamReader::next_record() {
  while (true) {
    CsvRecord found = CsvRecord::End;
    try {
      found = scanner_.next_partial(fields_, !at_eof_);
    } catch (const CsvSyntaxError& error) {
      fail(error.offset, error.message, error.fix);
    }
    if (found == CsvRecord::Read) return true;
    if (found == CsvRecord::End && at_eof_) return false;
    if (interrupted_) return false;  // the input ends at the interrupt; a record it cut is not read
    fill();                          // at the end of the input, the next pass reads what is left as final
  }
}

void CsvStreamReader::read_header() {
  buffer_.reserve(2 * block_size_);
  scanner_ = CsvScanner(buffer_, options_);
  while (buffer_.size() < 3 && fill()) {
  }
  if (buffer_.size() >= 3 && buffer_.compare(0, 3, "\xEF\xBB\xBF") == 0) scanner_.seek(3);
  while (scanner_.at_end() && fill()) {
  }
  if (scanner_.at_end()) {
    throw Error(ErrorCode::Parse, "the file is empty", "give a CSV file with a header row",
                SourceLocation{source_, 1, 1});
  }
  next_record();
  for (std::size_t column_idx = 0; column_idx < fields_.size(); ++column_idx) {
    std::string name(fields_[column_idx]);
    if (name.empty()) {
      fail(scanner_.field_offset(fields_, column_idx),
           fmt::format("header column {} has no name", column_idx + 1), "give every column a name");
    }
    if (std::find(header_.begin(), header_.end(), name) != header_.end()) {
      fail(scanner_.field_offset(fields_, column_idx),
           fmt::format("column name '{}' appears twice in the header", name), "rename one of the columns");
    }
    header_.push_back(std::move(name));
  }
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
  while (next_record()) {
    const std::string_view raw = std::string_view(buffer_).substr(
        scanner_.record_start(), scanner_.position() - scanner_.record_start());
    if (const auto bad = first_invalid_utf8(raw)) {
      const std::size_t offset = scanner_.record_start() + *bad;
      fail(offset, invalid_utf8_message(buffer_, offset), std::string(kInvalidUtf8Fix));
    }
    if (fields_.size() == 1 && fields_[0].empty()) {
      const std::size_t start = scanner_.field_offset(fields_, 0);
      if (start >= buffer_.size() || buffer_[start] != '"') continue;  // a blank line ("" is a value)
    }
    if (fields_.size() != header_.size()) {
      throw Error(ErrorCode::Parse,
                  fmt::format("row has {} fields but the header has {}", fields_.size(), header_.size()),
                  "make every row have one field per header column (quote fields that contain the delimiter)",
                  SourceLocation{source_, location_of(scanner_.record_start()).line, 1});
    }
    ++records_;
    return true;
  }
  return false;
}

std::string CsvStreamReader::sha256_hex() {
  if (!hasher_) return {};
  if (hashing_.valid()) hashing_.get();
  std::string hex = hasher_->hex_digest();
  hasher_.reset();
  return hex;
}

SourceLocation CsvStreamReader::location(std::size_t column_idx) const {
  return location_of(scanner_.field_offset(fields_, column_idx));
}

}  // namespace equalis::audit

#include "core/csv_scanner.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

namespace equalis {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::size_t utf8_length(std::string_view text) {
  // Every byte that is not a continuation byte (10xxxxxx) starts a code point.
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

}  // namespace

CsvRecord CsvScanner::next_partial(std::vector<std::string_view>& fields, bool more_may_follow) {
  more_may_follow_ = more_may_follow;
  const std::size_t start = position_;
  try {
    const bool read = next(fields);
    more_may_follow_ = false;
    return read ? CsvRecord::Read : CsvRecord::End;
  } catch (const NeedMoreInput&) {
    more_may_follow_ = false;
    position_ = start;
    fields.clear();
    return CsvRecord::NeedMore;
  }
}

bool CsvScanner::next(std::vector<std::string_view>& fields) {
  fields.clear();
  if (at_end()) return false;
  record_start_ = position_;
  last_was_fast_ = !quotes_possible_ && !more_may_follow_;
  if (last_was_fast_) return next_unquoted(fields);
  spans_.clear();
  scratch_.clear();
  while (true) {
    spans_.push_back(read_field());
    if (at_end()) break;
    const char c = text_[position_];
    if (c == options_.delimiter) {
      ++position_;
      continue;
    }
    if (c == '\r') {
      // A CR at the end of the buffer may be the first half of a CRLF.
      if (position_ + 1 >= text_.size() && more_may_follow_) throw NeedMoreInput{};
      ++position_;
    }
    if (position_ < text_.size() && text_[position_] == '\n') ++position_;
    break;
  }
  // Views are made only now: the scratch buffer may have grown while the record was read.
  for (const FieldSpan& span : spans_) {
    fields.emplace_back(span.in_scratch ? std::string_view(scratch_).substr(span.start, span.size)
                                        : text_.substr(span.start, span.size));
  }
  return true;
}

// No quote and no bare carriage return in the text: a record is a line, split at the delimiter. The
// delimiters are found eight bytes at a time (a byte-equality mask without carries between bytes).
bool CsvScanner::next_unquoted(std::vector<std::string_view>& fields) {
  const char* const begin = text_.data();
  const char* const text_end = begin + text_.size();
  const char* line = begin + position_;
  const auto* newline =
      static_cast<const char*>(std::memchr(line, '\n', static_cast<std::size_t>(text_end - line)));
  const char* line_end = newline != nullptr ? newline : text_end;
  position_ = newline != nullptr ? static_cast<std::size_t>(newline + 1 - begin) : text_.size();
  if (line_end > line && line_end[-1] == '\r') --line_end;
  const char delimiter = options_.delimiter;
  const bool trim = options_.trim_unquoted;
  const auto emit = [&](const char* from, const char* to) {
    if (trim) {
      while (from < to && is_blank(*from)) ++from;
      while (to > from && is_blank(to[-1])) --to;
    }
    fields.emplace_back(from, static_cast<std::size_t>(to - from));
  };
  const char* cell = line;
  const char* at = line;
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
    const std::uint64_t pattern = 0x0101010101010101ULL * static_cast<unsigned char>(delimiter);
    while (line_end - at >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, at, sizeof word);
      const std::uint64_t x = word ^ pattern;  // zero bytes where the delimiter is
      std::uint64_t mask = ~(((x & kLow7) + kLow7) | x | kLow7);
      while (mask != 0) {
        const char* delimiter_at = at + (std::countr_zero(mask) >> 3U);
        emit(cell, delimiter_at);
        cell = delimiter_at + 1;
        mask &= mask - 1;
      }
      at += 8;
    }
  }
  for (; at < line_end; ++at) {
    if (*at == delimiter) {
      emit(cell, at);
      cell = at + 1;
    }
  }
  emit(cell, line_end);
  return true;
}

CsvScanner::FieldSpan CsvScanner::read_field() {
  const std::size_t size = text_.size();
  std::size_t start = position_;
  if (options_.trim_unquoted) {
    while (start < size && is_blank(text_[start]) && text_[start] != options_.delimiter) ++start;
  }
  if (quotes_possible_ && start < size && text_[start] == '"') return read_quoted_field(start);
  std::size_t end = start;
  const char delimiter = options_.delimiter;
  if (quotes_possible_) {
    for (; end < size; ++end) {
      const char c = text_[end];
      if (c == delimiter || c == '\n' || c == '\r') break;
      if (c == '"') {
        throw CsvSyntaxError{end, "a quote appears inside an unquoted field",
                             "wrap the whole field in double quotes and double the inner quote (\"\")"};
      }
    }
  } else {
    for (; end < size; ++end) {
      const char c = text_[end];
      if (c == delimiter || c == '\n' || c == '\r') break;
    }
  }
  if (end >= size && more_may_follow_) throw NeedMoreInput{};
  position_ = end;
  if (options_.trim_unquoted) {
    while (end > start && is_blank(text_[end - 1])) --end;
  }
  return {start, end - start, false, start};
}

CsvScanner::FieldSpan CsvScanner::read_quoted_field(std::size_t opening) {
  const std::size_t size = text_.size();
  std::size_t read = opening + 1;
  bool escaped = false;
  std::size_t scratch_start = scratch_.size();
  while (true) {
    const std::size_t quote = text_.find('"', read);
    if (quote == std::string_view::npos) {
      if (more_may_follow_) throw NeedMoreInput{};
      throw CsvSyntaxError{opening, "a quoted field is never closed", "add the closing double quote"};
    }
    if (quote + 1 >= size && more_may_follow_) throw NeedMoreInput{};  // "" may straddle the blocks
    if (quote + 1 < size && text_[quote + 1] == '"') {
      // An escaped quote: the unescaped text goes to the scratch buffer.
      if (!escaped) {
        escaped = true;
        scratch_start = scratch_.size();
        scratch_.append(text_.substr(opening + 1, quote + 1 - (opening + 1)));
      } else {
        scratch_.append(text_.substr(read, quote + 1 - read));
      }
      read = quote + 2;
      continue;
    }
    if (escaped) scratch_.append(text_.substr(read, quote - read));
    FieldSpan span = escaped ? FieldSpan{scratch_start, scratch_.size() - scratch_start, true, opening}
                             : FieldSpan{opening + 1, quote - opening - 1, false, opening};
    read = quote + 1;
    while (read < size && is_blank(text_[read])) ++read;
    if (read >= size && more_may_follow_) throw NeedMoreInput{};
    if (read < size && text_[read] != options_.delimiter && text_[read] != '\n' && text_[read] != '\r') {
      throw CsvSyntaxError{read, "unexpected text after a closing quote",
                           "double any quote inside a quoted field (\"\") or add the missing delimiter"};
    }
    position_ = read;
    return span;
  }
}

std::size_t CsvScanner::field_offset(const std::vector<std::string_view>& fields,
                                     std::size_t field_idx) const noexcept {
  if (!last_was_fast_ && field_idx < spans_.size()) return spans_[field_idx].raw;
  if (field_idx < fields.size()) return static_cast<std::size_t>(fields[field_idx].data() - text_.data());
  return record_start_;
}

bool csv_needs_full_scan(std::string_view text) noexcept {
  if (std::memchr(text.data(), '"', text.size()) != nullptr) return true;
  for (std::size_t at = text.find('\r'); at != std::string_view::npos; at = text.find('\r', at + 1)) {
    if (at + 1 >= text.size() || text[at + 1] != '\n') return true;
  }
  return false;
}

SourceLocation location_of_offset(std::string_view text, std::size_t offset, const std::string& source) {
  const std::size_t clamped = std::min(offset, text.size());
  const std::string_view before = text.substr(0, clamped);
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start = before.rfind('\n');
  std::size_t from = line_start == std::string_view::npos ? 0 : line_start + 1;
  // A byte-order mark is not a character of the first line (readers skip it).
  if (from == 0 && clamped >= 3 && text.starts_with("\xEF\xBB\xBF")) from = 3;
  return {source, line, utf8_length(text.substr(from, clamped - from)) + 1};
}

}  // namespace equalis

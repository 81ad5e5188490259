#include "core/csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

namespace equalis {

namespace {

std::size_t utf8_length(std::string_view text) {
  // Count code points: every byte that is not a continuation byte (10xxxxxx) starts one.
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

}  // namespace

std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string wanted = lowercase(name);
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(wanted, lowercase(candidate));
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  // Only suggest names that are plausibly a typo: at most a third of the letters differ.
  const std::size_t tolerance = std::max<std::size_t>(2, wanted.size() / 3);
  return best_distance <= tolerance ? best : std::string{};
}

// Parses text_ in one pass. Kept as a class so the state machine's helpers share the cursor.
class CsvParser {
 public:
  CsvParser(CsvTable& table, const CsvOptions& options) : table_(table), options_(options) {}

  void run() {
    std::string& text = table_.text_;
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) position_ = 3;
    if (at_end()) fail_at(position_, "the file is empty", "give a CSV file with a header row");
    std::vector<std::string_view> record;
    read_record(record);
    set_header(record);
    while (!at_end()) {
      const std::uint64_t row_offset = position_;
      const std::size_t row_line = line_;
      read_record(record);
      if (record.size() == 1 && record[0].empty()) continue;  // blank line
      if (record.size() != table_.header_.size()) {
        fail_at(row_offset,
                fmt::format("row has {} fields but the header has {}", record.size(), table_.header_.size()),
                "make every row have one field per header column (quote fields that contain the delimiter)",
                row_line);
      }
      table_.row_start_.push_back(row_offset);
      table_.row_line_.push_back(static_cast<std::uint32_t>(row_line));
      for (std::size_t column_idx = 0; column_idx < record.size(); ++column_idx) {
        table_.columns_[column_idx].push_back(record[column_idx]);
      }
    }
  }

 private:
  [[nodiscard]] bool at_end() const { return position_ >= table_.text_.size(); }

  void set_header(const std::vector<std::string_view>& record) {
    for (std::size_t column_idx = 0; column_idx < record.size(); ++column_idx) {
      std::string name(record[column_idx]);
      if (name.empty()) {
        fail_at(static_cast<std::uint64_t>(record[column_idx].data() - table_.text_.data()),
                fmt::format("header column {} has no name", column_idx + 1), "give every column a name", 1);
      }
      if (std::find(table_.header_.begin(), table_.header_.end(), name) != table_.header_.end()) {
        fail_at(static_cast<std::uint64_t>(record[column_idx].data() - table_.text_.data()),
                fmt::format("column name '{}' appears twice in the header", name),
                "rename one of the columns", 1);
      }
      table_.header_.push_back(std::move(name));
    }
    table_.columns_.resize(table_.header_.size());
  }

  // Reads one record starting at position_, leaving position_ after its line end.
  void read_record(std::vector<std::string_view>& record) {
    record.clear();
    while (true) {
      record.push_back(read_field());
      if (at_end()) return;
      const char c = table_.text_[position_];
      if (c == options_.delimiter) {
        ++position_;
        continue;
      }
      consume_line_end();
      return;
    }
  }

  void consume_line_end() {
    std::string& text = table_.text_;
    if (text[position_] == '\r') ++position_;
    if (position_ < text.size() && text[position_] == '\n') ++position_;
    ++line_;
  }

  std::string_view read_field() {
    std::string& text = table_.text_;
    std::size_t start = position_;
    if (options_.trim_unquoted) {
      while (start < text.size() && (text[start] == ' ' || text[start] == '\t') &&
             text[start] != options_.delimiter) {
        ++start;
      }
    }
    if (start < text.size() && text[start] == '"') {
      position_ = start;
      return read_quoted_field();
    }
    std::size_t end = start;
    while (end < text.size() && text[end] != options_.delimiter && text[end] != '\n' && text[end] != '\r') {
      if (text[end] == '"') {
        fail_at(end, "a quote appears inside an unquoted field",
                "wrap the whole field in double quotes and double the inner quote (\"\")");
      }
      ++end;
    }
    position_ = end;
    std::size_t trimmed_end = end;
    if (options_.trim_unquoted) {
      while (trimmed_end > start && (text[trimmed_end - 1] == ' ' || text[trimmed_end - 1] == '\t')) {
        --trimmed_end;
      }
    }
    return {text.data() + start, trimmed_end - start};
  }

  // Unescapes in place: the unescaped text is never longer than the raw text, so it fits where it was.
  std::string_view read_quoted_field() {
    std::string& text = table_.text_;
    const std::size_t opening = position_;
    const std::size_t opening_line = line_;
    std::size_t read = opening + 1;
    std::size_t write = read;
    while (true) {
      if (read >= text.size()) {
        fail_at(opening, "a quoted field is never closed", "add the closing double quote", opening_line);
      }
      const char c = text[read];
      if (c == '"') {
        if (read + 1 < text.size() && text[read + 1] == '"') {
          text[write++] = '"';
          read += 2;
          continue;
        }
        // Blank the bytes the unescaping freed, so line counting in location() stays exact.
        std::fill(text.begin() + static_cast<std::ptrdiff_t>(write),
                  text.begin() + static_cast<std::ptrdiff_t>(read), ' ');
        ++read;  // closing quote
        break;
      }
      if (c == '\n') ++line_;
      text[write++] = c;
      ++read;
    }
    while (read < text.size() && (text[read] == ' ' || text[read] == '\t')) ++read;
    if (read < text.size() && text[read] != options_.delimiter && text[read] != '\n' && text[read] != '\r') {
      fail_at(read, "unexpected text after a closing quote",
              "double any quote inside a quoted field (\"\") or add the missing delimiter");
    }
    position_ = read;
    return {text.data() + opening + 1, write - opening - 1};
  }

  [[noreturn]] void fail_at(std::uint64_t offset, const std::string& message, const std::string& fix,
                            std::size_t line = 0) const {
    const std::string& text = table_.text_;
    const std::size_t clamped = std::min<std::size_t>(offset, text.size());
    const std::size_t line_start = text.rfind('\n', clamped == 0 ? 0 : clamped - 1);
    const std::size_t from = (line_start == std::string::npos || clamped == 0) ? 0 : line_start + 1;
    SourceLocation where{table_.source_, line == 0 ? line_ : line,
                         utf8_length(std::string_view(text).substr(from, clamped - from)) + 1};
    throw Error(ErrorCode::Parse, message, fix, where);
  }

  CsvTable& table_;
  const CsvOptions& options_;
  std::size_t position_ = 0;
  std::size_t line_ = 1;
};

CsvTable CsvTable::read_file(const std::string& path, const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCode::Io, fmt::format("cannot open '{}'", path), "check the path and read permission");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(ErrorCode::Io, fmt::format("cannot read '{}'", path), "check the file");
  return parse(std::move(buffer).str(), path, options);
}

CsvTable CsvTable::parse(std::string text, std::string source_name, const CsvOptions& options) {
  CsvTable table;
  table.source_ = std::move(source_name);
  table.text_ = std::move(text);
  CsvParser(table, options).run();
  return table;
}

bool CsvTable::has_column(std::string_view name) const noexcept {
  return std::find(header_.begin(), header_.end(), name) != header_.end();
}

std::size_t CsvTable::column_index(std::string_view name) const {
  const auto found = std::find(header_.begin(), header_.end(), name);
  if (found != header_.end()) return static_cast<std::size_t>(found - header_.begin());
  const std::string suggestion = nearest_name(name, header_);
  std::string fix = suggestion.empty() ? "use one of the header's column names"
                                       : fmt::format("did you mean '{}'?", suggestion);
  throw Error(ErrorCode::InvalidInput, fmt::format("no column named '{}'", name), fix,
              SourceLocation{source_, 1, 0});
}

SourceLocation CsvTable::location(std::size_t row_idx, std::size_t column_idx) const {
  const std::string_view cell_view = columns_.at(column_idx).at(row_idx);
  auto offset = static_cast<std::size_t>(cell_view.data() - text_.data());
  if (offset > 0 && offset <= text_.size() && text_[offset - 1] == '"') --offset;  // point at the quote
  std::size_t line = row_line_.at(row_idx);
  std::size_t line_start = row_start_.at(row_idx);
  for (std::size_t i = row_start_[row_idx]; i < offset; ++i) {
    if (text_[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {source_, line, utf8_length(std::string_view(text_).substr(line_start, offset - line_start)) + 1};
}

SourceLocation CsvTable::row_location(std::size_t row_idx) const {
  return {source_, row_line_.at(row_idx), 1};
}

}  // namespace equalis

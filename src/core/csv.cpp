#include "core/csv.hpp"

#include "core/csv_scanner.hpp"
#include "core/gzip.hpp"
#include "core/input_file.hpp"
#include "core/utf8.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <zlib.h>

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

// Fills a CsvTable from its text with the shared tokenizer (CsvScanner). Cells stay views into the
// table's own text: a quoted cell with "" escapes is unescaped in place (it is never longer than its raw
// form), and the bytes that frees are blanked so that line counting in location() stays exact.
class CsvParser {
 public:
  CsvParser(CsvTable& table, const CsvOptions& options)
      : table_(table), scanner_(table.text_, options, csv_needs_full_scan(table.text_)) {}

  void run() {
    const std::string& text = table_.text_;
    std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    if (start >= text.size()) fail_at(start, "the file is empty", "give a CSV file with a header row");
    if (const auto bad = first_invalid_utf8(text))
      fail_at(*bad, invalid_utf8_message(text, *bad), std::string(kInvalidUtf8Fix));
    scanner_.seek(start);
    std::vector<std::string_view> record;
    read_record(record);
    set_header(record);
    std::size_t line = 1;
    std::size_t counted_to = start;
    while (!scanner_.at_end()) {
      read_record(record);
      const std::size_t row_offset = scanner_.record_start();
      line +=
          static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted_to),
                                              text.begin() + static_cast<std::ptrdiff_t>(row_offset), '\n'));
      counted_to = row_offset;
      if (record.size() == 1 && record[0].empty()) continue;  // blank line
      if (record.size() != table_.header_.size()) {
        fail_at(row_offset,
                fmt::format("row has {} fields but the header has {}", record.size(), table_.header_.size()),
                "make every row have one field per header column (quote fields that contain the delimiter)");
      }
      table_.row_start_.push_back(row_offset);
      table_.row_line_.push_back(static_cast<std::uint32_t>(line));
      for (std::size_t column_idx = 0; column_idx < record.size(); ++column_idx) {
        table_.columns_[column_idx].push_back(record[column_idx]);
      }
    }
  }

 private:
  void set_header(const std::vector<std::string_view>& record) {
    for (std::size_t column_idx = 0; column_idx < record.size(); ++column_idx) {
      std::string name(record[column_idx]);
      if (name.empty()) {
        fail_at(scanner_.field_offset(record, column_idx),
                fmt::format("header column {} has no name", column_idx + 1), "give every column a name");
      }
      if (std::find(table_.header_.begin(), table_.header_.end(), name) != table_.header_.end()) {
        fail_at(scanner_.field_offset(record, column_idx),
                fmt::format("column name '{}' appears twice in the header", name),
                "rename one of the columns");
      }
      table_.header_.push_back(std::move(name));
    }
    table_.columns_.resize(table_.header_.size());
  }

  // Reads one record; fields the scanner unescaped into its scratch buffer are moved into the text.
  void read_record(std::vector<std::string_view>& record) {
    try {
      scanner_.next(record);
    } catch (const CsvSyntaxError& error) {
      fail_at(error.offset, error.message, error.fix);
    }
    std::string& text = table_.text_;
    for (std::size_t field_idx = 0; field_idx < record.size(); ++field_idx) {
      const std::string_view field = record[field_idx];
      const bool in_text = field.data() >= text.data() && field.data() <= text.data() + text.size();
      if (in_text) continue;
      const std::size_t opening = scanner_.field_offset(record, field_idx);  // the opening quote
      // The raw field runs to its closing quote: find it past the escapes ("" pairs).
      std::size_t end = opening + 1;
      for (;; ++end) {
        if (text[end] == '"') {
          if (end + 1 < text.size() && text[end + 1] == '"') {
            ++end;
            continue;
          }
          break;
        }
      }
      std::copy(field.begin(), field.end(), text.begin() + static_cast<std::ptrdiff_t>(opening + 1));
      std::fill(text.begin() + static_cast<std::ptrdiff_t>(opening + 1 + field.size()),
                text.begin() + static_cast<std::ptrdiff_t>(end), ' ');
      record[field_idx] = std::string_view(text).substr(opening + 1, field.size());
    }
  }

  [[noreturn]] void fail_at(std::size_t offset, const std::string& message, const std::string& fix) const {
    throw Error(ErrorCode::Parse, message, fix, location_of_offset(table_.text_, offset, table_.source_));
  }

  CsvTable& table_;
  CsvScanner scanner_;
};

CsvTable CsvTable::read_file(const std::string& path, const CsvOptions& options) {
  require_input_file(path);
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    throw Error(ErrorCode::Io, fmt::format("cannot open '{}'", path), "check the path and read permission");
  }
  // One allocation of the file's size and one read (a stringstream would copy the file twice).
  const std::streamoff size = in.tellg();
  std::string text(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
  in.seekg(0);
  if (size < 0 || !in.read(text.data(), static_cast<std::streamsize>(text.size()))) {
    throw Error(ErrorCode::Io, fmt::format("cannot read '{}'", path), "check that it is a readable file");
  }
  if (is_gzip(text)) text = gunzip(text, path);  // a .csv.gz is read as the CSV it holds
  return parse(std::move(text), path, options);
}

CsvTable CsvTable::parse(std::string text, std::string source_name, const CsvOptions& options) {
  CsvTable table;
  table.source_ = std::move(source_name);
  table.text_ = std::move(text);
  CsvParser(table, options).run();
  return table;
}

CsvTable::CsvTable(CsvTable&& other) noexcept
    : source_(std::move(other.source_)),
      header_(std::move(other.header_)),
      columns_(std::move(other.columns_)),
      row_start_(std::move(other.row_start_)),
      row_line_(std::move(other.row_line_)) {
  const char* old_text = other.text_.data();
  text_ = std::move(other.text_);
  repoint_cells(old_text);
}

CsvTable& CsvTable::operator=(CsvTable&& other) noexcept {
  if (this == &other) return *this;
  source_ = std::move(other.source_);
  header_ = std::move(other.header_);
  columns_ = std::move(other.columns_);
  row_start_ = std::move(other.row_start_);
  row_line_ = std::move(other.row_line_);
  const char* old_text = other.text_.data();
  text_ = std::move(other.text_);
  repoint_cells(old_text);
  return *this;
}

void CsvTable::repoint_cells(const char* old_text) noexcept {
  if (text_.data() == old_text) return;  // the heap buffer moved as a whole: views still point into it
  for (auto& column : columns_) {
    for (auto& cell : column) cell = std::string_view(text_.data() + (cell.data() - old_text), cell.size());
  }
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

std::vector<std::string> read_csv_header(const std::string& path, const CsvOptions& options) {
  gzFile file = ::gzopen(path.c_str(), "rb");  // reads plain files as they are
  if (file == nullptr) {
    throw Error(ErrorCode::Io, fmt::format("cannot read '{}'", path), "check the path and permissions");
  }
  std::string line;
  std::array<char, 4096> buffer{};
  while (::gzgets(file, buffer.data(), static_cast<int>(buffer.size())) != nullptr) {
    line += buffer.data();
    if (!line.empty() && line.back() == '\n') break;
    if (line.size() > (std::size_t{1} << 24U)) break;  // a header is not 16 MB: let the parser say why
  }
  ::gzclose(file);
  if (line.empty()) return {};
  return CsvTable::parse(std::move(line), path, options).header();
}

}  // namespace equalis

#include "io/csv_writer.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <cmath>

namespace equalis::io {

std::string csv_escape(std::string_view text) {
  // Leading/trailing blanks are quoted too: our reader (like many) trims unquoted cells.
  const bool padded = !text.empty() && (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' ||
                                        text.back() == '\t');
  if (!padded && text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string format_number(double number) {
  if (!std::isfinite(number)) return {};
  return fmt::format("{}", number);
}

CsvWriter::CsvWriter(std::vector<std::string> header) : columns_(header.size()) {
  for (const auto& name : header) field(name);
  end_row();
}

void CsvWriter::separator() {
  if (fields_in_row_ > 0) text_ += ',';
  ++fields_in_row_;
}

CsvWriter& CsvWriter::field(std::string_view text) {
  separator();
  text_ += csv_escape(text);
  return *this;
}

CsvWriter& CsvWriter::field(double number) {
  separator();
  text_ += format_number(number);
  return *this;
}

CsvWriter& CsvWriter::empty_field() {
  separator();
  return *this;
}

void CsvWriter::end_row() {
  if (fields_in_row_ != columns_) {
    throw Error(ErrorCode::Internal,
                fmt::format("CSV row has {} fields, header {}", fields_in_row_, columns_));
  }
  text_ += '\n';
  fields_in_row_ = 0;
}

}  // namespace equalis::io

#pragma once
// Builds RFC 4180 CSV text in memory (the CLI then writes it atomically). Numbers are written with the
// shortest representation that reads back to the same double.

#include <string>
#include <string_view>
#include <vector>

namespace equalis::io {

class CsvWriter {
 public:
  explicit CsvWriter(std::vector<std::string> header);
  CsvWriter& field(std::string_view text);
  CsvWriter& field(double number);
  CsvWriter& empty_field();
  void end_row();  // throws Error(Internal) if the row's field count differs from the header's
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

 private:
  void separator();
  std::size_t columns_;
  std::size_t fields_in_row_ = 0;
  std::string text_;
};

std::string csv_escape(std::string_view text);
std::string format_number(double number);  // shortest round-trip form; "" for NaN (never expected)

}  // namespace equalis::io

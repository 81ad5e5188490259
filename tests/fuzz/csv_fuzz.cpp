// Fuzz target for the CSV reader and the typed-column conversion: any byte string must either parse or
// raise equalis::Error, never crash or read out of bounds. Built as a libFuzzer target with
// -DEQUALIS_FUZZ=ON (clang); otherwise linked with replay_main.cpp, which runs the corpus as a test.

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const equalis::CsvTable table =
        equalis::CsvTable::parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    for (const auto& name : table.header()) {
      try {
        (void)equalis::read_numeric_column(table, name);
      } catch (const equalis::Error&) {
      }
      (void)equalis::read_category_column(table, name);
      for (std::size_t row = 0; row < table.row_count(); ++row) (void)table.location(row, 0);
    }
  } catch (const equalis::Error&) {
  }
  return 0;
}

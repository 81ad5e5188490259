// Fuzz target for the audit's streamed CSV reader (CsvStreamReader over core's CsvScanner, refilled block
// by block). The input is read twice, in one block and in tiny blocks that end everywhere (records,
// quoted fields, CRLFs, UTF-8 characters split across refills); both reads must give the same records,
// or the same error.

#include "fuzz_support.hpp"

#include "audit/csv_stream.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Outcome {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> locations;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

Outcome read_all(std::string_view text, std::size_t block_size) {
  Outcome outcome;
  // fmemopen cannot open an empty buffer; an empty stream is an empty file.
  std::FILE* stream =
      text.empty() ? std::tmpfile() : fmemopen(const_cast<char*>(text.data()), text.size(), "rb");
  if (stream == nullptr) std::abort();
  try {
    equalis::audit::CsvStreamReader reader(stream, "fuzz.csv", {}, true, block_size);
    outcome.header = reader.header();
    while (reader.next()) {
      std::vector<std::string> record;
      for (const std::string_view field : reader.fields()) record.emplace_back(field);
      if (!record.empty()) outcome.locations.push_back(reader.location(record.size() - 1).to_string());
      outcome.records.push_back(std::move(record));
    }
    (void)reader.sha256_hex();
  } catch (const equalis::Error& error) {
    outcome.error = error.what();
  }
  std::fclose(stream);
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = equalis::fuzz::as_text(data, size);
  const Outcome whole = read_all(text, std::size_t{1} << 20U);
  const std::size_t tiny_block = 1 + size % 7;
  if (!(read_all(text, tiny_block) == whole)) std::abort();  // block ends changed what was read
  return 0;
}

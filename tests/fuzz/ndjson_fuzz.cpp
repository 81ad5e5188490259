// Fuzz target for the NDJSON decision-log reader: the line reader on its own (every key kind, positions
// for messages) and the decision-log reads on top of it. Any byte string must be read or refused with
// equalis::Error.

#include "decision_log_reads.hpp"
#include "fuzz_support.hpp"

#include "audit/ndjson_stream.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const equalis::fuzz::TempInput file(equalis::fuzz::as_text(data, size), ".ndjson");
  equalis::fuzz::refusal_is_fine([&] {
    equalis::audit::NdjsonStreamReader reader(file.path(), {"region", "granted", "eligible", "risk", ""},
                                              true);
    while (reader.next()) {
      for (std::size_t key = 0; key < reader.header().size(); ++key) {
        (void)reader.field(key);
        (void)reader.location(key);
      }
    }
    (void)reader.sha256_hex();
  });
  equalis::fuzz::read_decision_logs(file.path(), true);
  return 0;
}

// Fuzz target for the CSV decision-log reader of the audit (streamed and parallel chunked reads, and the
// cell parsers behind them): any byte string must be read or refused with equalis::Error.

#include "decision_log_reads.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const equalis::fuzz::TempInput file(equalis::fuzz::as_text(data, size), ".csv");
  equalis::fuzz::read_decision_logs(file.path(), false);
  return 0;
}

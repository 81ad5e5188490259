// Fuzz target for the OR-Library p-median reader (plan/instance.hpp): any text must give a valid
// instance or be refused with equalis::Error.

#include "fuzz_support.hpp"

#include "plan/instance.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

namespace {

// The reader builds a dense n × n matrix and runs n shortest-path searches: by design its cost grows with
// the header's n, not with the input (kMaxOrlibVertices bounds it; a unit test covers that refusal).
// The target leaves out headers whose n alone would exceed the fuzzer's memory or time limits.
constexpr double kMaxFuzzedVertices = 2000;

bool within_fuzzing_budget(const std::string& text) {
  double n = 0;
  const char* begin = text.data() + std::min(text.find_first_not_of(" \t\r\n\v\f"), text.size());
  const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), n);
  return ec != std::errc() || n <= kMaxFuzzedVertices;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(equalis::fuzz::as_text(data, size));
  if (!within_fuzzing_budget(text)) return 0;
  equalis::fuzz::refusal_is_fine([&] {
    const equalis::plan::OrlibInstance orlib = equalis::plan::parse_orlib(text, "fuzz.txt");
    orlib.instance.validate();
  });
  return 0;
}

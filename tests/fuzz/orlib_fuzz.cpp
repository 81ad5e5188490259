// Fuzz target for the OR-Library p-median reader (plan/instance.hpp): any text must give a valid
// instance or be refused with equalis::Error.

#include "fuzz_support.hpp"
#include "plan/instance.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(equalis::fuzz::as_text(data, size));
  equalis::fuzz::refusal_is_fine([&] {
    const equalis::plan::OrlibInstance orlib = equalis::plan::parse_orlib(text, "fuzz.txt");
    orlib.instance.validate();
  });
  return 0;
}

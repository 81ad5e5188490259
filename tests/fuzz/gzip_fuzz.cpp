// Fuzz target for gzip inputs (core/gzip.hpp): any bytes must inflate or be refused with equalis::Error,
// within the size limit (a decompression bomb stops at it).

#include "fuzz_support.hpp"

#include "core/gzip.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = equalis::fuzz::as_text(data, size);
  equalis::fuzz::refusal_is_fine([&] {
    const std::string text = equalis::gunzip(bytes, "fuzz.gz", std::size_t{1} << 24U);
    if (text.size() > (std::size_t{1} << 24U)) __builtin_trap();
  });
  return 0;
}

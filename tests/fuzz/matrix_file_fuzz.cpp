// Fuzz target for the EQMATRX1 travel-time matrix file (io/matrix_file.hpp): any bytes must decode or be
// refused with equalis::Error; what decodes must hold rows x cols times and encode back to the same bytes
// (but for the reserved field, which the reader ignores).

#include "fuzz_support.hpp"

#include "io/matrix_file.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace {
constexpr std::size_t kReservedOffset = 12;  // after "EQMATRX1" and the version
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = equalis::fuzz::as_text(data, size);
  std::optional<equalis::io::MatrixFile> matrix;
  equalis::fuzz::refusal_is_fine([&] { matrix.emplace(equalis::io::decode_matrix_file(bytes, "fuzz.eqm")); });
  if (!matrix) return 0;
  if (matrix->time_ms.size() != matrix->origin_ids.size() * matrix->destination_ids.size()) std::abort();
  std::string canonical(bytes);
  canonical.replace(kReservedOffset, 4, 4,
                    '\0');  // the reader ignores the reserved field; the writer zeroes it
  if (equalis::io::encode_matrix_file(matrix->origin_ids, matrix->destination_ids, matrix->time_ms) !=
      canonical)
    std::abort();  // decoding accepted bytes that are not what the writer writes
  return 0;
}

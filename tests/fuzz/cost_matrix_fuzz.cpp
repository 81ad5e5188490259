// Fuzz target for the long CSV cost matrix (from, to, cost): the shared reader in io/cost_matrix.hpp and
// the planner's dense matrix built from it, without and with a demand table (id, weight, group; read from
// the same file). Any byte string must be read or refused with equalis::Error.

#include "fuzz_support.hpp"

#include "io/cost_matrix.hpp"
#include "plan/instance.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const equalis::fuzz::TempInput file(equalis::fuzz::as_text(data, size), ".csv");
  equalis::fuzz::refusal_is_fine([&] { (void)equalis::io::read_long_matrix(file.path()); });
  equalis::fuzz::refusal_is_fine([&] {
    const equalis::plan::PlanInstance instance = equalis::plan::read_matrix_csv(file.path(), std::nullopt);
    instance.validate();
  });
  // The same file as the demand table too (a seed may carry id, weight and group beside from, to, cost).
  equalis::plan::MatrixCsvSpec spec;
  spec.group_column = "group";
  spec.drop_missing_group = true;
  equalis::fuzz::refusal_is_fine([&] {
    const equalis::plan::PlanInstance instance =
        equalis::plan::read_matrix_csv(file.path(), file.path(), spec);
    instance.validate();
  });
  return 0;
}

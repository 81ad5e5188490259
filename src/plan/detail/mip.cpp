#include "plan/detail/mip.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <coin/Cbc_C_Interface.h>
#include <memory>
#include <string>

namespace equalis::plan::detail {

MipResult solve_mip(const MipModel& model, double time_limit_seconds, std::optional<double> cutoff) {
  const auto columns = static_cast<int>(model.objective.size());
  const auto rows = static_cast<int>(model.row_lower.size());
  std::unique_ptr<Cbc_Model, decltype(&Cbc_deleteModel)> cbc(Cbc_newModel(), &Cbc_deleteModel);
  if (!cbc) throw Error(ErrorCode::Internal, "CBC could not create a model");
  std::vector<CoinBigIndex> start(model.start.begin(), model.start.end());
  Cbc_loadProblem(cbc.get(), columns, rows, start.data(), model.row_index.data(), model.value.data(),
                  model.column_lower.data(), model.column_upper.data(), model.objective.data(),
                  model.row_lower.data(), model.row_upper.data());
  for (int j = 0; j < columns; ++j) {
    if (model.integer[static_cast<std::size_t>(j)] != 0U) Cbc_setInteger(cbc.get(), j);
  }
  Cbc_setObjSense(cbc.get(), 1.0);
  Cbc_setLogLevel(cbc.get(), 0);
  Cbc_setParameter(cbc.get(), "threads", "1");
  Cbc_setMaximumSeconds(cbc.get(), time_limit_seconds);
  if (cutoff) Cbc_setCutoff(cbc.get(), *cutoff);
  Cbc_solve(cbc.get());
  MipResult result;
  result.proven_optimal = Cbc_isProvenOptimal(cbc.get()) != 0;
  result.proven_infeasible = Cbc_isProvenInfeasible(cbc.get()) != 0;
  const double* solution = Cbc_bestSolution(cbc.get());
  // A pure LP (no integer column) leaves no "best solution"; its optimum is the column solution.
  const bool any_integer =
      std::any_of(model.integer.begin(), model.integer.end(), [](std::uint8_t v) { return v != 0U; });
  if (solution == nullptr && !any_integer && result.proven_optimal) solution = Cbc_getColSolution(cbc.get());
  result.has_solution = solution != nullptr && !result.proven_infeasible;
  if (result.has_solution) {
    result.solution.assign(solution, solution + columns);
    result.objective = Cbc_getObjValue(cbc.get());
  }
  result.bound = Cbc_getBestPossibleObjValue(cbc.get());
  if (result.proven_optimal) result.bound = result.objective;
  return result;
}

}  // namespace equalis::plan::detail

#pragma once
// One request, one call, one result for convergence: read a panel from a CSV (wide or long form) and
// analyse σ- and β-convergence and the distribution dynamics (measure/panel.hpp). report/convergence_json
// renders the result.

#include "core/progress.hpp"
#include "measure/panel.hpp"

#include <cstddef>
#include <string>

namespace equalis::measure {

struct ConvergenceRequest {
  std::string file;
  PanelSpec panel;                      // value columns and times, or the long form's time and id columns
  ConvergenceOptions options;           // β window, density grid; the bandwidth comes from `bandwidth`
  std::string bandwidth = "silverman";  // silverman, scott, or a fixed bandwidth > 0 (relative values)
  char delimiter = ',';
};

struct ConvergenceResult {
  std::size_t rows = 0;  // data rows read
  Panel panel;
  ConvergenceReport report;
};

// Throws Error(InvalidInput/Parse) naming the request field or the file:line:column at fault.
ConvergenceResult run_convergence(const ConvergenceRequest& request,
                                  ProgressSink& progress = null_progress());

}  // namespace equalis::measure

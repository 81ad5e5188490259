#pragma once
// Panels of one indicator over units × periods, read from a CSV in wide form (one column per period) or
// long form (one row per unit and period), and the convergence analysis on them: σ-convergence series,
// absolute and conditional β-convergence, and the distribution dynamics (kernel densities).

#include "core/csv.hpp"
#include "core/groups.hpp"
#include "core/progress.hpp"
#include "core/table.hpp"
#include "measure/convergence.hpp"
#include "measure/density.hpp"

#include <optional>
#include <string>
#include <vector>

namespace equalis::measure {

struct PanelSpec {
  // Wide form: several value columns, one per period, with their times (taken from the trailing number of
  // each column name, e.g. pcgdp1940 → 1940, when `times` is empty).
  std::vector<std::string> value_columns;
  std::vector<double> times;
  // Long form: one value column, a numeric time column and a unit id column.
  std::optional<std::string> time_column;
  std::optional<std::string> id_column;  // unit labels (required in long form)
  std::optional<std::string> weight_column;
  std::optional<std::string> group_column;       // conditional β: one dummy per group but the reference
  std::vector<std::string> covariate_columns;    // conditional β: extra regressors (per unit)
  MissingPolicy missing = MissingPolicy::Error;  // Drop leaves out every unit with a missing cell
};

struct Panel {
  std::vector<std::string> unit_ids;
  std::vector<double> times;                    // ascending
  std::vector<std::vector<double>> values;      // values[period][unit]
  std::vector<std::vector<double>> weights;     // same shape, or empty (unweighted)
  Groups groups;                                // per unit, or empty
  std::vector<std::vector<double>> covariates;  // covariates[k][unit]
  std::vector<std::string> covariate_names;
  std::size_t units_dropped = 0;  // under MissingPolicy::Drop
};

// Reads and validates the panel: values must be > 0 (the analysis works on logs), each unit must appear
// once in every period. Errors name file:line:column and the fix.
Panel read_panel(const CsvTable& table, const PanelSpec& spec);

struct ConvergenceOptions {
  bool beta = true;
  bool density = true;
  DensityOptions density_options;
  std::optional<double> from_time;  // β from this period (default: the first)
  std::optional<double> to_time;    // … to this one (default: the last)
  std::uint32_t reference_group = 0;
};

struct ConvergenceReport {
  SigmaConvergence sigma;
  std::optional<BetaConvergence> beta_absolute;
  std::optional<BetaConvergence> beta_conditional;  // when the panel has groups or covariates
  std::optional<DistributionDynamics> density;
  double from_time = 0.0;
  double to_time = 0.0;
};

ConvergenceReport analyze_convergence(const Panel& panel, const ConvergenceOptions& options,
                                      ProgressSink& progress = null_progress());

}  // namespace equalis::measure

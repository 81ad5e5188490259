#pragma once
// The inequality profile of one indicator: every index, the decompositions by group and their
// resampling inference, from plain data to a plain result struct. This is the facade that
// `equalis measure inequality` and the study runner call.

#include "core/groups.hpp"
#include "core/progress.hpp"
#include "measure/dagum.hpp"
#include "measure/decomposition.hpp"
#include "measure/inequality.hpp"
#include "measure/resampling.hpp"
#include "measure/sample.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace equalis::measure {

// Which index families to compute. Gini is O(n) once sorted; GE and Atkinson cost one transcendental
// call per unit and parameter, which matters inside a bootstrap.
struct IndexSelection {
  bool gini = true;
  bool dispersion = true;       // cv, cv_sample, sd_log (sd_log only when every value is positive)
  bool quantile_ratios = true;  // palma, s80_s20, max_min
  bool decomposition = true;    // GE(α) between/within for every α, when groups are given
  bool dagum = true;            // Dagum (1997) Gini decomposition, when groups are given
  std::vector<double> ge_alphas{0.0, 1.0, 2.0};
  std::vector<double> atkinson_epsilons{0.5, 1.0, 2.0};
};

struct MeasureOptions {
  IndexSelection indices;
  bool gini_small_sample = false;  // also report G·n/(n−1)
  ResamplingOptions inference;
};

// Plain input: values, optional population weights, optional groups and ranking variable.
struct IndicatorData {
  std::vector<double> values;
  std::vector<double> weights;  // empty = every unit weighs 1
  Groups groups;                // empty = no grouping
  std::vector<double> rank_by;  // empty = no concentration index
};

struct ParameterValue {
  double parameter = 0.0;  // α for GE, ε for Atkinson
  double value = 0.0;
};

struct IndexValues {
  bool weighted = false;  // population weights were given (then cv is Williamson's weighted CV)
  std::size_t units = 0;
  double total_weight = 0.0;
  double mean = 0.0;
  std::optional<double> gini;
  std::optional<double> gini_small_sample;
  std::vector<ParameterValue> ge;  // Theil T is α = 1, Theil L (MLD) α = 0, GE(2) = CV²/2
  std::vector<ParameterValue> atkinson;
  std::optional<CoefficientOfVariation> cv;
  std::optional<double> sd_log;  // absent when a value is 0
  std::optional<QuantileRatios> quantile_ratios;
  std::optional<double> concentration_index;
};

struct InequalityProfile {
  IndexValues indices;
  std::vector<GeDecomposition> ge_decompositions;  // one per α, when grouped
  std::optional<DagumDecomposition> dagum;         // when grouped and selected
  std::optional<BootstrapResult> bootstrap;
  std::vector<PermutationResult> permutation_tests;  // one per α, when grouped and requested
};

// Computes everything `options` asks for. Throws Error(InvalidInput) when the data cannot support a
// requested index (e.g. a zero value with Theil L), naming the index and the fix.
InequalityProfile measure_inequality(const IndicatorData& data, const MeasureOptions& options,
                                     ProgressSink& progress = null_progress());

// The selected indices on a prepared sample with the given weights (the sample's own or resampled ones).
IndexValues compute_indices(const Sample& sample, std::span<const double> weights,
                            std::span<const double> rank_by_sorted, const MeasureOptions& options);

}  // namespace equalis::measure

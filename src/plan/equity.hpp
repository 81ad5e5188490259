#pragma once
// Equity-oriented p-median variant: the Kolm–Pollak equally-distributed equivalent (EDE) of the cost
// (Kolm 1976, J. Econ. Theory 12; Logan, Anderson, Williams & Conrow 2021, "Evaluating urban
// accessibility: leveraging open-source data and analytics to overcome existing limitations", EPB 48):
// EDE = (1/κ) ln(Σ w_i e^{κ c_i} / Σ w_i) for a cost (a "bad": the sign of κ is flipped from Kolm's
// income form). Minimising the EDE is a p-median on the transformed costs e^{κ (c − anchor)} (monotone,
// so the same plan minimises both), anchored at the best EDE known and re-anchored after a solve that
// moved it, so that no term overflows and the good plans' terms do not underflow even at aversion 200.
// κ = aversion / mean cost of the plain p-median plan (Logan et al.'s scaling), so `aversion` is
// unit-free; 0 gives the p-median. The status is the EDE's: optimal / gap_closed only when the bound
// mapped back to the EDE proves it within `target_gap`.

#include "core/progress.hpp"
#include "plan/budget_pmedian.hpp"
#include "plan/instance.hpp"
#include "plan/pmedian.hpp"
#include "plan/solution.hpp"

namespace equalis::plan {

// Beyond this the EDE is the largest cost to within a millionth of it (the p-center), and κ c leaves the
// range where e^{κ c} differences are meaningful in double.
inline constexpr double kMaxAversion = 1e6;

struct FairResult {
  PlanSolution plan;               // the fair plan; objective = its Kolm–Pollak EDE (cost units)
  PlanSolution efficient;          // the plain p-median plan
  double kappa = 0.0;              // κ used (1 / cost units)
  double total_cost = 0.0;         // Σ w c of the fair plan
  double efficient_total = 0.0;    // Σ w c of the p-median plan
  double price_of_fairness = 0.0;  // (total_cost − efficient_total) / efficient_total
  double efficient_ede = 0.0;      // EDE of the p-median plan
};

// Kolm–Pollak EDE of the assigned costs of a plan (served clients with demand only).
[[nodiscard]] double kolm_pollak_ede(const PlanInstance& instance, const Evaluation& evaluation,
                                     double kappa);

// Solves the p-median, then the Kolm–Pollak p-median with κ = aversion / (mean cost of that plan).
// Throws Error(InvalidInput) for aversion < 0 or > kMaxAversion.
// `constraints`: an opening-cost budget applies to both plans (CBC within its pair limit, else the
// budgeted swap search); capacities are not supported (status Unsupported).
[[nodiscard]] FairResult solve_kolm_pollak(const PlanInstance& instance, const PMedianOptions& options,
                                           double aversion, const SiteConstraints& constraints = {},
                                           ProgressSink& progress = null_progress());

}  // namespace equalis::plan

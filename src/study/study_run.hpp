#pragma once
// One call runs a whole study: travel costs → access by channel and group → journeys → inequality of the
// indicator panel → convergence → composite → plan (the efficient plan, the Rawlsian plan beside it and
// the price of fairness) → audit of the decision log. Each stage runs when the study gives its inputs and
// calls the module's facade; the result holds every module's own result, for report/study_report.

#include "study/study.hpp"

#include "core/progress.hpp"

#include <optional>
#include <string>
#include <vector>

namespace equalis::study {

// One point of the price-of-fairness curve: a Kolm–Pollak plan (Kolm 1976) at an inequality aversion.
struct FairnessPoint {
  double aversion = 0.0;
  double total_cost = 0.0;
  double price_of_fairness = 0.0;  // (total cost − efficient total) / efficient total
  double worst_group_mean = 0.0;   // the highest group mean cost of the plan
  std::string worst_group;
};

struct PlanOutcome {
  plan::PlanRequest efficient_request;
  plan::PlanResult efficient;
  plan::PlanRequest fair_request;  // Rawlsian: minimise the worst group's mean cost
  plan::PlanResult fair;
  std::vector<FairnessPoint> curve;
};

struct StageTime {
  std::string stage;
  double seconds = 0.0;
  std::string cache;  // travel costs "reused" from the cache or "stored" in it (else empty)
};

struct RunOptions {
  // Folder of cached intermediates (the travel costs above all), kept between runs and keyed by the
  // inputs' hashes and options; empty = no cache.
  std::string cache_directory;
};

struct StudyResult {
  std::optional<access::AccessResult> access;
  std::optional<journeys::JourneyRunResult> journeys;
  std::optional<measure::InequalityResult> inequality;
  std::optional<measure::ConvergenceResult> convergence;
  std::optional<measure::CompositeResult> composite;
  std::optional<PlanOutcome> plan;
  std::optional<audit::AuditMetricsReport> audit;
  std::vector<StageTime> timings;
  std::vector<std::string> warnings;  // every stage's, prefixed with the stage
};

// The stages the study will run, in order (for progress: "stage 2/5: journeys").
std::vector<std::string> stages_of(const Study& study);

// The user's folder of cached intermediates: $XDG_CACHE_HOME/equalis, else ~/.cache/equalis; empty when
// neither is known.
std::string user_cache_directory();

// Throws Error(InvalidInput) when `output` is or holds one of the study's inputs: a run replaces its whole
// output folder. `output_field` names the front end's spelling of the output (a flag, an argument).
void refuse_output_over_inputs(const Study& study, const std::string& output,
                               const std::string& output_field);

// Runs every stage. Throws the first stage's Error (with the stage named in its message) or
// Error(Cancelled) when the sink asks to stop between or within stages.
StudyResult run_study(const Study& study, ProgressSink& progress = null_progress(),
                      const RunOptions& options = {});

}  // namespace equalis::study

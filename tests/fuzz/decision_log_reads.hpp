#pragma once
// The decision-log reads the CSV and NDJSON fuzz targets run on their input: three specs that between
// them reach every cell parser of the log (0/1 decisions and labels, scores and thresholds, counts,
// timestamps and periods, calibration bins with quantile edges, a rule evaluated in the same pass) and,
// for CSV, the parallel chunked reader as well as the streamed one.

#include "fuzz_support.hpp"

#include "audit/decision_log.hpp"
#include "audit/rules.hpp"
#include "core/progress.hpp"

#include <string>

namespace equalis::fuzz {

inline void read_decision_logs(const std::string& path, bool ndjson) {
  using audit::DecisionLogSpec;
  // The columns of tests/golden/data/decisions.{csv,ndjson} and tests/data/audit/compas_aggregated.csv.
  audit::Rule rule = audit::Rule::parse("hukou == \"local\" or (risk > 0.5 and not eligible)");
  DecisionLogSpec by_decision;
  by_decision.group_columns = {"region", "hukou"};
  by_decision.decision_column = "granted";
  by_decision.label_column = "eligible";
  by_decision.time_column = "decided_at";
  by_decision.period = audit::Period::Week;
  by_decision.rule = &rule;
  by_decision.hash_input = true;

  DecisionLogSpec by_score;
  by_score.group_columns = {"region"};
  by_score.score_column = "risk";
  by_score.threshold = 0.5;
  by_score.label_column = "eligible";
  by_score.calibration_bins = 4;
  by_score.missing_outcome = MissingPolicy::Drop;
  by_score.missing_group = audit::MissingGroupPolicy::Error;

  DecisionLogSpec aggregated;
  aggregated.group_columns = {"race"};
  aggregated.decision_column = "decile_ge5";
  aggregated.label_column = "two_year_recid";
  aggregated.count_column = "n";
  aggregated.positive_values = {"1", "yes"};
  aggregated.missing_group = audit::MissingGroupPolicy::Drop;

  for (DecisionLogSpec* spec : {&by_decision, &by_score, &aggregated}) {
    spec->ndjson = ndjson;
    spec->threads = 1;
    refusal_is_fine([&] { (void)audit::read_decision_log(path, *spec, null_progress()); });
    if (!ndjson) {  // the chunked reader, on any size of file
      spec->threads = 2;
      spec->parallel_min_bytes = 0;
      refusal_is_fine([&] { (void)audit::read_decision_log(path, *spec, null_progress()); });
    }
  }
  refusal_is_fine([&] {
    by_score.calibration_edges = audit::score_quantile_edges(path, by_score, by_score.calibration_bins);
    (void)audit::read_decision_log(path, by_score, null_progress());
  });
}

}  // namespace equalis::fuzz

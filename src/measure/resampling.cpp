#include "measure/resampling.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/random.hpp"
#include "measure/statistics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace equalis::measure {

void validate(const ResamplingOptions& options) {
  if (options.bootstrap_replicates > kMaxReplicates) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("`bootstrap` asks for {} replicates, more than {}", options.bootstrap_replicates,
                            kMaxReplicates),
                "999 or 9 999 replicates are the usual choice");
  }
  if (options.permutations > kMaxReplicates) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("`permutations` asks for {}, more than {}", options.permutations, kMaxReplicates),
                "999 or 9 999 permutations are the usual choice");
  }
  if (!(options.confidence_level > 0.0 && options.confidence_level < 1.0)) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("confidence level {} is not between 0 and 1", options.confidence_level),
                "set `confidence` to e.g. 0.95");
  }
}

ResamplingStrata make_strata(const Sample& sample, bool stratified) {
  ResamplingStrata strata;
  if (!stratified || !sample.has_groups()) return strata;
  strata.members.resize(sample.group_count());
  for (std::size_t i = 0; i < sample.size(); ++i) {
    strata.members[sample.groups.codes[i]].push_back(static_cast<std::uint32_t>(i));
  }
  return strata;
}

void draw_bootstrap_counts(std::size_t unit_count, const ResamplingStrata& strata, std::uint64_t seed,
                           std::uint64_t replicate, std::vector<std::uint32_t>& counts) {
  counts.assign(unit_count, 0);
  Rng rng(seed, replicate);
  if (strata.members.empty()) {
    for (std::size_t draw = 0; draw < unit_count; ++draw) ++counts[rng.uniform_index(unit_count)];
    return;
  }
  // Each group draws as many units as it has, so every group stays present.
  for (const auto& group : strata.members) {
    for (std::size_t draw = 0; draw < group.size(); ++draw) ++counts[group[rng.uniform_index(group.size())]];
  }
}

BootstrapResult bootstrap(const Sample& sample, const StatisticsFunction& compute,
                          const ResamplingOptions& options, ProgressSink& progress) {
  if (!(options.confidence_level > 0.0 && options.confidence_level < 1.0)) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("confidence level {} is not between 0 and 1", options.confidence_level),
                "give a level such as 0.95");
  }
  const std::vector<Statistic> observed = compute(sample.weights);
  const std::size_t replicates = options.bootstrap_replicates;
  const std::size_t statistic_count = observed.size();
  // draws[statistic][replicate]; NaN is only an internal "undefined" marker here, filtered below.
  std::vector<std::vector<double>> draws(statistic_count, std::vector<double>(replicates, 0.0));
  std::vector<std::vector<std::uint8_t>> defined(statistic_count, std::vector<std::uint8_t>(replicates, 0));

  const ResamplingStrata strata = make_strata(sample, options.stratified);
  ProgressTask task(progress, "bootstrap", replicates);
  parallel_for(replicates, [&](std::size_t replicate) {
    if (task.stopped()) return;
    thread_local std::vector<std::uint32_t> counts;
    thread_local std::vector<double> weights;
    draw_bootstrap_counts(sample.size(), strata, options.seed, replicate, counts);
    weights.resize(sample.size());
    for (std::size_t i = 0; i < sample.size(); ++i) weights[i] = sample.weights[i] * counts[i];
    std::vector<Statistic> values;
    try {
      values = compute(weights);
    } catch (const Error& error) {
      // A replicate on which an index is undefined (e.g. every drawn value equal) counts as undefined for
      // all.
      if (error.code() != ErrorCode::InvalidInput) throw;
      task.tick();
      return;
    }
    if (values.size() != statistic_count)
      throw Error(ErrorCode::Internal, "bootstrap statistics changed shape");
    for (std::size_t k = 0; k < statistic_count; ++k) {
      if (values[k].value) {
        draws[k][replicate] = *values[k].value;
        defined[k][replicate] = 1;
      }
    }
    task.tick();
  });
  task.throw_if_stopped();

  BootstrapResult result;
  result.replicates = replicates;
  result.confidence_level = options.confidence_level;
  result.stratified = options.stratified;
  result.seed = options.seed;
  const double tail = (1.0 - options.confidence_level) / 2.0;
  for (std::size_t k = 0; k < statistic_count; ++k) {
    if (!observed[k].value) continue;
    NamedInterval interval;
    interval.statistic = observed[k].name;
    interval.estimate = *observed[k].value;
    std::vector<double> valid;
    valid.reserve(replicates);
    for (std::size_t r = 0; r < replicates; ++r) {
      if (defined[k][r] != 0) valid.push_back(draws[k][r]);
    }
    interval.valid_replicates = valid.size();
    if (valid.size() >= 2) {
      std::sort(valid.begin(), valid.end());
      interval.lower = percentile_sorted(valid, tail);
      interval.upper = percentile_sorted(valid, 1.0 - tail);
      double mean = 0.0;
      for (const double v : valid) mean += v;
      mean /= static_cast<double>(valid.size());
      double squares = 0.0;
      for (const double v : valid) squares += (v - mean) * (v - mean);
      interval.standard_error = std::sqrt(squares / static_cast<double>(valid.size() - 1));
    }
    result.intervals.push_back(std::move(interval));
  }
  return result;
}

}  // namespace equalis::measure

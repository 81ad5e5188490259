#include "measure/profile.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/random.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace equalis::measure {

namespace {

std::string parameter_name(const char* family, double parameter) {
  return fmt::format("{}({})", family, parameter);
}

bool all_positive(std::span<const double> values, std::span<const double> weights) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (weights[i] > 0.0 && values[i] <= 0.0) return false;
  }
  return true;
}

std::vector<GeDecomposition> decompose(const Sample& sample, std::span<const double> weights,
                                       const MeasureOptions& options) {
  if (!sample.has_groups() || !options.indices.decomposition) return {};
  return ge_decompositions(sample.values, weights, sample.groups.codes, sample.groups.names,
                           options.indices.ge_alphas);
}

void append_indices(const IndexValues& indices, std::vector<Statistic>& out) {
  if (indices.gini) out.push_back({"gini", indices.gini});
  if (indices.gini_small_sample) out.push_back({"gini_small_sample", indices.gini_small_sample});
  for (const auto& ge : indices.ge) out.push_back({parameter_name("ge", ge.parameter), ge.value});
  for (const auto& a : indices.atkinson) out.push_back({parameter_name("atkinson", a.parameter), a.value});
  if (indices.cv) {
    out.push_back({"cv", indices.cv->population});
    out.push_back({"cv_sample", indices.cv->sample});
  }
  if (indices.sd_log) out.push_back({"sd_log", indices.sd_log});
  if (indices.quantile_ratios) {
    out.push_back({"palma", indices.quantile_ratios->palma});
    out.push_back({"s80_s20", indices.quantile_ratios->s80_s20});
    out.push_back({"max_min", indices.quantile_ratios->max_min});
  }
  if (indices.concentration_index) out.push_back({"concentration_index", indices.concentration_index});
}

void append_decompositions(const std::vector<GeDecomposition>& decompositions, std::vector<Statistic>& out) {
  for (const auto& d : decompositions) {
    const std::string prefix = parameter_name("ge", d.alpha);
    out.push_back({prefix + ".between", d.between});
    out.push_back({prefix + ".within", d.within});
    out.push_back({prefix + ".between_share", d.between_share});
    for (const auto& group : d.groups) {
      // A group absent from a resample has no within-group index: undefined, not zero.
      const bool present = group.units > 0;
      out.push_back({fmt::format("{}.group[{}].index", prefix, group.name),
                     present ? std::optional<double>(group.index) : std::nullopt});
      out.push_back({fmt::format("{}.group[{}].contribution", prefix, group.name),
                     present ? std::optional<double>(group.contribution) : std::nullopt});
    }
  }
}

bool wants_dagum(const Sample& sample, const MeasureOptions& options) {
  return sample.has_groups() && options.indices.dagum;
}

// Pair names use the lower group id first so they stay the same across bootstrap replicates, whichever
// group is richer in a given replicate.
std::string pair_name(const DagumDecomposition& d, const DagumPair& pair) {
  const std::uint32_t first = std::min(pair.group_a, pair.group_b);
  const std::uint32_t second = std::max(pair.group_a, pair.group_b);
  return fmt::format("dagum.pair[{}|{}]", d.groups[first].name, d.groups[second].name);
}

void append_dagum(const DagumDecomposition& d, std::vector<Statistic>& out) {
  out.push_back({"dagum.gini", d.gini});
  out.push_back({"dagum.within", d.within});
  out.push_back({"dagum.net_between", d.net_between});
  out.push_back({"dagum.transvariation", d.transvariation});
  out.push_back({"dagum.within_share", d.within_share});
  out.push_back({"dagum.net_between_share", d.net_between_share});
  out.push_back({"dagum.transvariation_share", d.transvariation_share});
  for (const auto& group : d.groups)
    out.push_back({fmt::format("dagum.group[{}].gini_within", group.name), group.gini_within});
  for (const auto& pair : d.pairs) {
    const std::string name = pair_name(d, pair);
    out.push_back({name + ".gini_between", pair.gini_between});
    out.push_back({name + ".relative_affluence", pair.relative_affluence});
  }
}

// Every index is a finite number by construction on valid input; an infinity or NaN here comes from an
// overflow (an extreme α or ε, or values spanning hundreds of orders of magnitude): never report it.
void require_finite(const std::vector<Statistic>& statistics) {
  for (const auto& statistic : statistics) {
    if (!statistic.value || std::isfinite(*statistic.value)) continue;
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("{} cannot be computed on this indicator: the arithmetic overflows", statistic.name),
        "check for extreme values, choose a smaller inequality-aversion parameter, or drop this index");
  }
}

std::vector<PermutationResult> permutation_tests(const Sample& sample,
                                                 const std::vector<GeDecomposition>& observed,
                                                 const ResamplingOptions& options, ProgressSink& progress) {
  std::vector<PermutationResult> results;
  if (options.permutations == 0 || observed.empty()) return results;
  const std::size_t permutations = options.permutations;
  std::vector<std::vector<std::uint8_t>> exceeds(observed.size(), std::vector<std::uint8_t>(permutations, 0));
  ProgressTask task(progress, "permutation test", permutations);
  parallel_for(permutations, [&](std::size_t permutation) {
    if (task.stopped()) return;
    thread_local std::vector<std::uint32_t> labels;
    labels.assign(sample.groups.codes.begin(), sample.groups.codes.end());
    Rng rng(options.seed, permutation);
    for (std::size_t i = labels.size(); i > 1; --i) std::swap(labels[i - 1], labels[rng.uniform_index(i)]);
    for (std::size_t k = 0; k < observed.size(); ++k) {
      const double between =
          ge_between(sample.values, sample.weights, labels, sample.group_count(), observed[k].alpha);
      const double share = observed[k].total > 0.0 ? between / observed[k].total : 0.0;
      // A relative tolerance keeps exact ties (e.g. relabelling within equal values) counted as ≥.
      exceeds[k][permutation] = share >= observed[k].between_share * (1.0 - 1e-12) ? 1 : 0;
    }
    task.tick();
  });
  task.throw_if_stopped();
  for (std::size_t k = 0; k < observed.size(); ++k) {
    const auto count =
        static_cast<std::size_t>(std::count(exceeds[k].begin(), exceeds[k].end(), std::uint8_t{1}));
    PermutationResult result;
    result.statistic = parameter_name("ge", observed[k].alpha) + ".between_share";
    result.observed = observed[k].between_share;
    result.p_value = static_cast<double>(count + 1) / static_cast<double>(permutations + 1);
    result.permutations = permutations;
    result.seed = options.seed;
    results.push_back(result);
  }
  return results;
}

}  // namespace

IndexValues compute_indices(const Sample& sample, std::span<const double> weights,
                            std::span<const double> rank_by_sorted, const MeasureOptions& options) {
  const IndexSelection& selection = options.indices;
  IndexValues out;
  const Moments m = moments(sample.values, weights);
  out.units = m.units;
  out.total_weight = m.total_weight;
  out.mean = m.mean;
  if (selection.gini) {
    out.gini = gini_sorted(sample.values, weights);
    if (options.gini_small_sample) out.gini_small_sample = *out.gini * gini_correction(m.units);
  }
  for (const double alpha : selection.ge_alphas) {
    out.ge.push_back({alpha, generalized_entropy(sample.values, weights, alpha)});
  }
  for (const double epsilon : selection.atkinson_epsilons) {
    out.atkinson.push_back({epsilon, atkinson(sample.values, weights, epsilon)});
  }
  if (selection.dispersion) {
    out.cv = coefficient_of_variation(sample.values, weights);
    if (all_positive(sample.values, weights)) out.sd_log = sd_of_log(sample.values, weights);
  }
  if (selection.quantile_ratios) out.quantile_ratios = quantile_ratios_sorted(sample.values, weights);
  if (!rank_by_sorted.empty())
    out.concentration_index = concentration_index(sample.values, weights, rank_by_sorted);
  return out;
}

InequalityProfile measure_inequality(const IndicatorData& data, const MeasureOptions& options,
                                     ProgressSink& progress) {
  if (!data.rank_by.empty() && data.rank_by.size() != data.values.size()) {
    throw Error(ErrorCode::Internal, "rank_by and values differ in length");
  }
  validate(options.inference);
  const Sample sample = make_sample(data.values, data.weights, data.groups.codes, data.groups.names);
  std::vector<double> rank_by_sorted;
  if (!data.rank_by.empty()) {
    rank_by_sorted.resize(sample.size());
    for (std::size_t i = 0; i < sample.size(); ++i) rank_by_sorted[i] = data.rank_by[sample.input_index[i]];
  }

  InequalityProfile profile;
  profile.indices = compute_indices(sample, sample.weights, rank_by_sorted, options);
  profile.indices.weighted = !data.weights.empty();
  profile.ge_decompositions = decompose(sample, sample.weights, options);
  if (wants_dagum(sample, options)) profile.dagum = dagum_decomposition(sample, progress);
  std::vector<Statistic> observed;
  append_indices(profile.indices, observed);
  append_decompositions(profile.ge_decompositions, observed);
  if (profile.dagum) append_dagum(*profile.dagum, observed);
  require_finite(observed);

  if (options.inference.bootstrap_replicates > 0) {
    const StatisticsFunction statistics = [&](std::span<const double> weights) {
      std::vector<Statistic> out;
      append_indices(compute_indices(sample, weights, rank_by_sorted, options), out);
      append_decompositions(decompose(sample, weights, options), out);
      if (wants_dagum(sample, options)) {
        append_dagum(
            dagum_decomposition_sorted(sample.values, weights, sample.groups.codes, sample.groups.names),
            out);
      }
      return out;
    };
    profile.bootstrap = bootstrap(sample, statistics, options.inference, progress);
  }
  profile.permutation_tests =
      permutation_tests(sample, profile.ge_decompositions, options.inference, progress);
  return profile;
}

}  // namespace equalis::measure

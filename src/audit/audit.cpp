#include "audit/audit.hpp"

#include "audit/disclosure.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "measure/resampling.hpp"
#include "measure/statistics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace equalis::audit {

namespace {

// A family of groups to compare: the values of one attribute, or the intersection cells.
struct FamilyLayout {
  std::vector<std::size_t> attributes;
  std::vector<std::uint32_t> group_of_cell;  // cell index → group index
  std::vector<std::vector<std::string>> group_values;
};

std::vector<FamilyLayout> make_layouts(const DecisionTable& table, bool intersections) {
  std::vector<FamilyLayout> layouts;
  const std::size_t attribute_count = table.group_columns.size();
  for (std::size_t attribute_idx = 0; attribute_idx < attribute_count; ++attribute_idx) {
    FamilyLayout layout;
    layout.attributes = {attribute_idx};
    // Groups in the order of the attribute's values; only values that occur in some cell.
    std::vector<std::int64_t> group_of_value(table.attributes[attribute_idx].names.size(), -1);
    layout.group_of_cell.resize(table.cell_count());
    for (std::size_t cell_idx = 0; cell_idx < table.cell_count(); ++cell_idx) {
      const std::uint32_t code = table.attributes[attribute_idx].codes[cell_idx];
      if (group_of_value[code] < 0) group_of_value[code] = 0;
    }
    std::int64_t next = 0;
    for (std::size_t code = 0; code < group_of_value.size(); ++code) {
      if (group_of_value[code] < 0) continue;
      group_of_value[code] = next++;
      layout.group_values.push_back({table.attributes[attribute_idx].names[code]});
    }
    for (std::size_t cell_idx = 0; cell_idx < table.cell_count(); ++cell_idx) {
      layout.group_of_cell[cell_idx] =
          static_cast<std::uint32_t>(group_of_value[table.attributes[attribute_idx].codes[cell_idx]]);
    }
    layouts.push_back(std::move(layout));
  }
  if (intersections && attribute_count > 1) {
    FamilyLayout layout;
    layout.attributes.resize(attribute_count);
    std::iota(layout.attributes.begin(), layout.attributes.end(), std::size_t{0});
    layout.group_of_cell.resize(table.cell_count());
    std::iota(layout.group_of_cell.begin(), layout.group_of_cell.end(), std::uint32_t{0});
    for (std::size_t cell_idx = 0; cell_idx < table.cell_count(); ++cell_idx) {
      std::vector<std::string> values;
      for (std::size_t attribute_idx = 0; attribute_idx < attribute_count; ++attribute_idx) {
        values.push_back(
            table.attributes[attribute_idx].names[table.attributes[attribute_idx].codes[cell_idx]]);
      }
      layout.group_values.push_back(std::move(values));
    }
    layouts.push_back(std::move(layout));
  }
  return layouts;
}

std::vector<ConfusionCounts> aggregate(const FamilyLayout& layout,
                                       const std::vector<ConfusionCounts>& cells) {
  std::vector<ConfusionCounts> groups(layout.group_values.size());
  for (std::size_t cell_idx = 0; cell_idx < cells.size(); ++cell_idx) {
    groups[layout.group_of_cell[cell_idx]] += cells[cell_idx];
  }
  return groups;
}

std::string join_values(const std::vector<std::string>& values) {
  return fmt::format("{}", fmt::join(values, " × "));
}

std::optional<double> rate_value(Metric metric, const ConfusionCounts& counts, bool has_label) {
  const Fraction f = metric_fraction(metric, counts, has_label);
  if (f.trials == 0) return std::nullopt;
  return static_cast<double>(f.successes) / static_cast<double>(f.trials);
}

// The share of the group that got the favourable decision (selected, or not selected).
std::optional<double> favourable_rate(const GroupResult& group, Favourable favourable) {
  const auto& selection = group.rates[static_cast<std::size_t>(Metric::SelectionRate)].value;
  if (!selection) return std::nullopt;
  return favourable == Favourable::Selected ? *selection : 1.0 - *selection;
}

// The chosen reference value for one attribute, or nullopt if none was given for it.
std::optional<std::string> chosen_value(const AuditOptions& options, const std::string& attribute,
                                        std::size_t attribute_count) {
  for (const auto& [name, value] : options.reference_values) {
    if (name == attribute || (name.empty() && attribute_count == 1)) return value;
  }
  return std::nullopt;
}

void choose_reference(FamilyResult& family, const FamilyLayout& layout, const DecisionTable& table,
                      const AuditOptions& options) {
  auto most_favoured = [&family, &options]() -> std::optional<std::size_t> {
    std::optional<std::size_t> best;
    double best_rate = -1.0;
    for (std::size_t group_idx = 0; group_idx < family.groups.size(); ++group_idx) {
      const GroupResult& group = family.groups[group_idx];
      const auto rate = favourable_rate(group, options.favourable);
      if (group.suppressed || !rate) continue;
      if (*rate > best_rate) {
        best_rate = *rate;
        best = group_idx;
      }
    }
    return best;
  };
  if (options.reference == ReferenceRule::Overall) {
    family.reference_rule = "overall";
    family.reference_name = "overall";
    family.reference_counts = table.total();
    return;
  }
  if (options.reference == ReferenceRule::Chosen) {
    std::vector<std::string> wanted;
    for (const std::size_t attribute_idx : layout.attributes) {
      const std::string& attribute = table.group_columns[attribute_idx];
      auto value = chosen_value(options, attribute, table.group_columns.size());
      if (!value) {
        throw Error(ErrorCode::InvalidInput, fmt::format("no reference value was given for '{}'", attribute),
                    fmt::format("add `reference` {}=VALUE", attribute));
      }
      wanted.push_back(*value);
    }
    const auto it = std::find_if(family.groups.begin(), family.groups.end(),
                                 [&](const GroupResult& group) { return group.values == wanted; });
    const bool is_intersection = layout.attributes.size() > 1;
    if (it == family.groups.end() || it->suppressed) {
      if (!is_intersection) {
        std::vector<std::string> names;
        for (const auto& group : family.groups) names.push_back(group.name);
        const std::string hint = nearest_name(wanted[0], names);
        throw Error(
            ErrorCode::InvalidInput,
            it == family.groups.end()
                ? fmt::format("reference group '{}' does not occur in '{}'", wanted[0], family.name)
                : fmt::format("reference group '{}' of '{}' has fewer than {} applicants (suppressed)",
                              wanted[0], family.name, options.min_cell_size),
            hint.empty() || it != family.groups.end()
                ? fmt::format("choose one of: {}", fmt::join(names, ", "))
                : fmt::format("did you mean '{}'?", hint));
      }
      // The intersection of the chosen values may be empty or small: fall back, and say so.
      family.reference_rule = "most_favoured (chosen intersection absent or suppressed)";
      family.reference_idx = most_favoured();
    } else {
      family.reference_rule = "chosen";
      family.reference_idx = static_cast<std::size_t>(it - family.groups.begin());
    }
  } else {
    family.reference_rule = "most_favoured";
    family.reference_idx = most_favoured();
  }
  if (family.reference_idx) {
    GroupResult& reference = family.groups[*family.reference_idx];
    reference.is_reference = true;
    family.reference_name = reference.name;
    family.reference_counts = reference.counts;
  } else {
    family.reference_name = "(none: every group is suppressed)";
  }
}

void compare_to_reference(GroupResult& group, const FamilyResult& family, bool has_label,
                          const AuditOptions& options) {
  if (group.suppressed) return;
  const ConfusionCounts& reference = family.reference_counts;
  if (family.reference_name.starts_with("(none")) return;
  for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
    const Metric metric = kDisparityMetrics[slot];
    const Fraction g = metric_fraction(metric, group.counts, has_label);
    const Fraction r = metric_fraction(metric, reference, has_label);
    MetricDisparity& d = group.disparities[slot];
    if (g.trials == 0 || r.trials == 0) continue;
    const double group_rate = static_cast<double>(g.successes) / static_cast<double>(g.trials);
    const double reference_rate = static_cast<double>(r.successes) / static_cast<double>(r.trials);
    d.difference = group_rate - reference_rate;
    if (reference_rate > 0.0) d.ratio = group_rate / reference_rate;
    if (group.is_reference) continue;  // no test of a group against itself
    d.difference_interval =
        newcombe_difference_interval(g.successes, g.trials, r.successes, r.trials, options.alpha);
    d.z_test = two_proportion_z_test(g.successes, g.trials, r.successes, r.trials);
    d.fisher = fisher_exact_test(g.successes, g.trials - g.successes, r.successes, r.trials - r.successes);
    // Fisher decides when a cell's expected count is below 5 (Cochran 1954), the z test otherwise.
    const double total = static_cast<double>(g.trials + r.trials);
    const double successes = static_cast<double>(g.successes + r.successes);
    const double smallest_margin = std::min(successes, total - successes);
    const double expected_min = smallest_margin * static_cast<double>(std::min(g.trials, r.trials)) / total;
    const double p_value = expected_min < 5.0 ? d.fisher->p_value : d.z_test->p_value;
    d.significant = p_value < options.alpha;
  }
  const auto& tpr = group.disparities[1].difference;
  const auto& fpr = group.disparities[2].difference;
  if (tpr && fpr) group.equalized_odds_gap = std::max(std::fabs(*tpr), std::fabs(*fpr));
  group.minimum_detectable_gap = minimum_detectable_gap(reference.selected(), reference.n(), group.counts.n(),
                                                        options.alpha, options.power);
}

void summarize_spread(FamilyResult& family, Favourable favourable) {
  for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
    const auto metric_idx = static_cast<std::size_t>(kDisparityMetrics[slot]);
    std::optional<std::size_t> low_idx;
    std::optional<std::size_t> high_idx;
    for (std::size_t group_idx = 0; group_idx < family.groups.size(); ++group_idx) {
      const GroupResult& group = family.groups[group_idx];
      const auto& value = group.rates[metric_idx].value;
      if (group.suppressed || !value) continue;
      if (!low_idx || *value < *family.groups[*low_idx].rates[metric_idx].value) low_idx = group_idx;
      if (!high_idx || *value > *family.groups[*high_idx].rates[metric_idx].value) high_idx = group_idx;
    }
    SpreadSummary& spread = family.spread[slot];
    if (!low_idx || *low_idx == *high_idx) continue;  // fewer than two groups with a defined value
    const double low = *family.groups[*low_idx].rates[metric_idx].value;
    const double high = *family.groups[*high_idx].rates[metric_idx].value;
    spread.max_minus_min = high - low;
    if (high > 0.0) spread.min_over_max = low / high;
    spread.lowest_group = family.groups[*low_idx].name;
    spread.highest_group = family.groups[*high_idx].name;
  }
  // Four-fifths rule: each group's favourable rate over the highest group's (EEOC Uniform Guidelines 1978).
  double highest = -1.0;
  for (const auto& group : family.groups) {
    const auto rate = favourable_rate(group, favourable);
    if (!group.suppressed && rate) highest = std::max(highest, *rate);
  }
  for (auto& group : family.groups) {
    if (!group.suppressed && group.equalized_odds_gap) {
      family.worst_equalized_odds_gap =
          std::max(family.worst_equalized_odds_gap.value_or(0.0), *group.equalized_odds_gap);
    }
  }
  if (!(highest > 0.0)) return;
  for (auto& group : family.groups) {
    const auto rate = favourable_rate(group, favourable);
    if (group.suppressed || !rate) continue;
    group.selection_ratio_to_highest = *rate / highest;
  }
}

void flag_four_fifths(FamilyResult& family, double threshold) {
  for (auto& group : family.groups) {
    if (group.selection_ratio_to_highest && *group.selection_ratio_to_highest < threshold) {
      group.four_fifths_flag = true;
      ++family.four_fifths_flags;
    }
  }
}

// ---- bootstrap --------------------------------------------------------------------------------------

// Where each bootstrapped statistic sits in a replicate's row.
struct StatisticSlots {
  std::size_t family_idx;
  std::vector<std::int64_t>
      group_offset;           // per group: first of 2·kDisparityCount slots, −1 = not bootstrapped
  std::size_t spread_offset;  // kDisparityCount slots
};

std::uint64_t draw_inversion(Rng& rng, std::uint64_t n, double p) {
  // Sequential search from 0 (Devroye 1986, X.4): P(k+1)/P(k) = (n−k)/(k+1) · p/q.
  const double q = 1.0 - p;
  const double ratio = p / q;
  double probability = std::exp(static_cast<double>(n) * std::log1p(-p));
  double u = rng.uniform01();
  std::uint64_t k = 0;
  while (u > probability && k < n) {
    u -= probability;
    probability *= ratio * static_cast<double>(n - k) / static_cast<double>(k + 1);
    ++k;
    if (probability <= 0.0) break;  // rounding left u unexhausted in the far tail
  }
  return k;
}

}  // namespace

void validate(const AuditOptions& options) {
  if (options.bootstrap_replicates > measure::kMaxReplicates) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("`bootstrap` asks for {} replicates, more than {}", options.bootstrap_replicates,
                            measure::kMaxReplicates),
                "999 or 9 999 replicates are the usual choice");
  }
  if (!(options.alpha > 0.0 && options.alpha < 1.0)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("alpha {} is not in (0, 1)", options.alpha),
                "give a significance level such as 0.05");
  }
  if (!(options.power > 0.0 && options.power < 1.0)) {
    throw Error(ErrorCode::InvalidInput, fmt::format("power {} is not in (0, 1)", options.power),
                "give a power such as 0.8");
  }
  if (!(options.four_fifths_threshold > 0.0 && options.four_fifths_threshold <= 1.0)) {
    throw Error(ErrorCode::InvalidInput, "the four-fifths threshold must be in (0, 1]", "use 0.8");
  }
  if (options.reference == ReferenceRule::Chosen && options.reference_values.empty()) {
    throw Error(ErrorCode::InvalidInput, "a chosen reference needs a group value",
                "set `reference` to VALUE (one attribute) or to ATTRIBUTE=VALUE for each attribute");
  }
}

std::uint64_t draw_binomial(Rng& rng, std::uint64_t n, double p) {
  if (n == 0 || p <= 0.0) return 0;
  if (p >= 1.0) return n;
  if (p > 0.5) return n - draw_binomial(rng, n, 1.0 - p);
  const double nd = static_cast<double>(n);
  if (nd * p < 10.0) return draw_inversion(rng, n, p);
  // Hörmann (1993), "The generation of binomial random variates", J. Stat. Comput. Simul. 46: BTRS.
  const double q = 1.0 - p;
  const double spq = std::sqrt(nd * p * q);
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = nd * p + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double lpq = std::log(p / q);
  const auto m = static_cast<std::uint64_t>(std::floor((nd + 1.0) * p));
  const double h = log_factorial(m) + log_factorial(n - m);
  while (true) {
    const double u = rng.uniform01() - 0.5;
    double v = rng.uniform01();
    const double us = 0.5 - std::fabs(u);
    const double k_real = std::floor((2.0 * a / us + b) * u + c);
    if (k_real < 0.0 || k_real > nd) continue;
    const auto k = static_cast<std::uint64_t>(k_real);
    if (us >= 0.07 && v <= v_r) return k;
    v = std::log(v * alpha / (a / (us * us) + b));
    if (v <= h - log_factorial(k) - log_factorial(n - k) + (k_real - static_cast<double>(m)) * lpq) return k;
  }
}

namespace {

// One replicate's cell counts: a multinomial over all 4·cells counts with the observed shares (draws
// by conditional binomials), or per cell a multinomial over its 4 counts.
void resample_cells(const std::vector<ConfusionCounts>& cells, BootstrapScheme scheme, Rng& rng,
                    std::vector<ConfusionCounts>& out) {
  out.assign(cells.size(), ConfusionCounts{});
  auto draw_four = [&](const ConfusionCounts& source, std::uint64_t& remaining_n, double& remaining_mass,
                       ConfusionCounts& target) {
    const std::array<std::uint64_t, 4> weights{source.tp, source.fp, source.fn, source.tn};
    std::array<std::uint64_t*, 4> slots{&target.tp, &target.fp, &target.fn, &target.tn};
    for (std::size_t i = 0; i < 4; ++i) {
      if (weights[i] == 0 || remaining_n == 0) {
        remaining_mass -= static_cast<double>(weights[i]);
        continue;
      }
      const double p = remaining_mass > 0.0 ? static_cast<double>(weights[i]) / remaining_mass : 1.0;
      const std::uint64_t drawn = draw_binomial(rng, remaining_n, std::min(1.0, p));
      *slots[i] = drawn;
      remaining_n -= drawn;
      remaining_mass -= static_cast<double>(weights[i]);
    }
  };
  if (scheme == BootstrapScheme::Stratified) {
    for (std::size_t cell_idx = 0; cell_idx < cells.size(); ++cell_idx) {
      std::uint64_t remaining = cells[cell_idx].n();
      auto mass = static_cast<double>(remaining);
      draw_four(cells[cell_idx], remaining, mass, out[cell_idx]);
    }
    return;
  }
  std::uint64_t remaining = 0;
  for (const auto& cell : cells) remaining += cell.n();
  auto mass = static_cast<double>(remaining);
  for (std::size_t cell_idx = 0; cell_idx < cells.size(); ++cell_idx) {
    draw_four(cells[cell_idx], remaining, mass, out[cell_idx]);
  }
}

void run_bootstrap(AuditResult& result, const DecisionTable& table, const std::vector<FamilyLayout>& layouts,
                   const AuditOptions& options, ProgressSink& progress) {
  const std::size_t replicates = options.bootstrap_replicates;
  std::vector<StatisticSlots> slots;
  std::size_t width = 0;
  for (std::size_t family_idx = 0; family_idx < result.families.size(); ++family_idx) {
    const FamilyResult& family = result.families[family_idx];
    StatisticSlots s{family_idx, std::vector<std::int64_t>(family.groups.size(), -1), 0};
    for (std::size_t group_idx = 0; group_idx < family.groups.size(); ++group_idx) {
      if (family.groups[group_idx].suppressed || family.groups[group_idx].is_reference) continue;
      s.group_offset[group_idx] = static_cast<std::int64_t>(width);
      width += 2 * kDisparityCount;
    }
    s.spread_offset = width;
    width += kDisparityCount;
    slots.push_back(std::move(s));
  }
  // Row-major: a replicate writes only its own row, so threads never share a cache line for long.
  std::vector<float> values(replicates * width, std::numeric_limits<float>::quiet_NaN());
  const bool has_label = table.has_label;
  ProgressTask task(progress, "bootstrap", replicates);
  parallel_for(replicates, [&](std::size_t replicate_idx) {
    if (task.stopped()) return;
    Rng rng(options.seed, replicate_idx);
    std::vector<ConfusionCounts> cells;
    resample_cells(table.cells, options.bootstrap_scheme, rng, cells);
    float* row = values.data() + replicate_idx * width;
    ConfusionCounts total;
    for (const auto& cell : cells) total += cell;
    for (std::size_t family_idx = 0; family_idx < result.families.size(); ++family_idx) {
      const FamilyResult& family = result.families[family_idx];
      const std::vector<ConfusionCounts> groups = aggregate(layouts[family_idx], cells);
      const ConfusionCounts reference = family.reference_idx ? groups[*family.reference_idx] : total;
      const bool no_reference = options.reference != ReferenceRule::Overall && !family.reference_idx;
      for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
        const Metric metric = kDisparityMetrics[slot];
        const auto reference_rate = no_reference ? std::nullopt : rate_value(metric, reference, has_label);
        double low = std::numeric_limits<double>::infinity();
        double high = -low;
        std::size_t defined = 0;
        for (std::size_t group_idx = 0; group_idx < groups.size(); ++group_idx) {
          if (family.groups[group_idx].suppressed) continue;
          const auto rate = rate_value(metric, groups[group_idx], has_label);
          if (rate) {
            low = std::min(low, *rate);
            high = std::max(high, *rate);
            ++defined;
          }
          const std::int64_t offset = slots[family_idx].group_offset[group_idx];
          if (offset < 0 || !rate || !reference_rate) continue;
          row[static_cast<std::size_t>(offset) + 2 * slot] = static_cast<float>(*rate - *reference_rate);
          if (*reference_rate > 0.0) {
            row[static_cast<std::size_t>(offset) + 2 * slot + 1] =
                static_cast<float>(*rate / *reference_rate);
          }
        }
        if (defined >= 2) row[slots[family_idx].spread_offset + slot] = static_cast<float>(high - low);
      }
    }
    task.tick();
  });
  task.throw_if_stopped();

  // Percentile intervals of the defined values; the undefined replicates are counted, not zeroed.
  auto interval_of = [&](std::size_t column, std::uint64_t& undefined) -> std::optional<Interval> {
    std::vector<double> defined;
    defined.reserve(replicates);
    for (std::size_t replicate_idx = 0; replicate_idx < replicates; ++replicate_idx) {
      const float value = values[replicate_idx * width + column];
      if (std::isnan(value)) {
        ++undefined;
      } else {
        defined.push_back(static_cast<double>(value));
      }
    }
    if (defined.size() < 2) return std::nullopt;
    std::sort(defined.begin(), defined.end());
    return Interval{measure::percentile_sorted(defined, options.alpha / 2.0),
                    measure::percentile_sorted(defined, 1.0 - options.alpha / 2.0)};
  };
  std::vector<std::pair<std::size_t, std::size_t>> jobs;  // (family, group) pairs to summarise
  for (const auto& s : slots) {
    for (std::size_t group_idx = 0; group_idx < s.group_offset.size(); ++group_idx) {
      if (s.group_offset[group_idx] >= 0) jobs.emplace_back(s.family_idx, group_idx);
    }
  }
  parallel_for(jobs.size(), [&](std::size_t job_idx) {
    const auto [family_idx, group_idx] = jobs[job_idx];
    const auto offset = static_cast<std::size_t>(slots[family_idx].group_offset[group_idx]);
    GroupResult& group = result.families[family_idx].groups[group_idx];
    for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
      MetricDisparity& d = group.disparities[slot];
      std::uint64_t ratio_undefined = 0;
      d.bootstrap_difference = interval_of(offset + 2 * slot, d.bootstrap_undefined);
      d.bootstrap_ratio = interval_of(offset + 2 * slot + 1, ratio_undefined);
    }
  });
  for (const auto& s : slots) {
    FamilyResult& family = result.families[s.family_idx];
    for (std::size_t slot = 0; slot < kDisparityCount; ++slot) {
      family.spread[slot].bootstrap_max_minus_min =
          interval_of(s.spread_offset + slot, family.spread[slot].bootstrap_undefined);
    }
  }
  result.bootstrap_replicates = replicates;
}

bool listed(const std::vector<std::pair<std::string, std::string>>& names, const std::string& family,
            const std::string& group) {
  return std::find(names.begin(), names.end(), std::pair(family, group)) != names.end();
}

// Which groups of each family are hidden: primary (n < min cell) and complementary, so that no hidden group
// follows from the overall total, a family's other groups or the intersection's single-attribute margins.
std::vector<std::vector<char>> suppression_mask(const DecisionTable& table,
                                                const std::vector<FamilyLayout>& layouts,
                                                const std::vector<std::vector<ConfusionCounts>>& counts,
                                                const AuditOptions& options) {
  DisclosureTable disclosure;
  const std::size_t overall = disclosure.add_cell(table.total().n(), false, true);
  std::vector<std::vector<std::size_t>> cell_of(layouts.size());
  for (std::size_t family_idx = 0; family_idx < layouts.size(); ++family_idx) {
    std::vector<std::string> attributes;
    for (const std::size_t attribute_idx : layouts[family_idx].attributes)
      attributes.push_back(table.group_columns[attribute_idx]);
    const std::string family_name = join_values(attributes);
    for (std::size_t group_idx = 0; group_idx < counts[family_idx].size(); ++group_idx) {
      const std::uint64_t n = counts[family_idx][group_idx].n();
      const bool hidden =
          n < options.min_cell_size || listed(options.also_suppress, family_name,
                                              join_values(layouts[family_idx].group_values[group_idx]));
      cell_of[family_idx].push_back(disclosure.add_cell(n, hidden));
    }
    if (layouts[family_idx].attributes.size() == 1) {
      disclosure.add_relation(overall, cell_of[family_idx]);
      continue;
    }
    // The intersection: the cells of each attribute's value add up to that value's group.
    for (std::size_t attribute_idx = 0; attribute_idx < family_idx; ++attribute_idx) {
      std::vector<std::vector<std::size_t>> parts(counts[attribute_idx].size());
      for (std::size_t cell_idx = 0; cell_idx < counts[family_idx].size(); ++cell_idx) {
        parts[layouts[attribute_idx].group_of_cell[cell_idx]].push_back(cell_of[family_idx][cell_idx]);
      }
      for (std::size_t group_idx = 0; group_idx < parts.size(); ++group_idx) {
        disclosure.add_relation(cell_of[attribute_idx][group_idx], std::move(parts[group_idx]));
      }
    }
  }
  protect(disclosure);
  std::vector<std::vector<char>> mask(layouts.size());
  for (std::size_t family_idx = 0; family_idx < layouts.size(); ++family_idx) {
    for (const std::size_t cell : cell_of[family_idx]) mask[family_idx].push_back(disclosure.hidden[cell]);
  }
  return mask;
}

}  // namespace

AuditResult audit_decisions(const DecisionTable& table, const AuditOptions& options, ProgressSink& progress) {
  validate(options);
  if (table.cells.empty() || table.total().n() == 0) {
    throw Error(ErrorCode::InvalidInput, "the decision table has no applicants",
                "check the input file (and `count`, if the table is aggregated)");
  }
  AuditResult result;
  result.options = options;
  result.has_label = table.has_label;
  result.overall.name = "overall";
  result.overall.counts = table.total();
  result.overall.rates = estimate_rates(result.overall.counts, table.has_label, options.alpha);

  const std::vector<FamilyLayout> layouts = make_layouts(table, options.intersections);
  std::vector<std::vector<ConfusionCounts>> family_counts;
  for (const auto& layout : layouts) family_counts.push_back(aggregate(layout, table.cells));
  const std::vector<std::vector<char>> hidden = suppression_mask(table, layouts, family_counts, options);
  for (std::size_t family_idx = 0; family_idx < layouts.size(); ++family_idx) {
    const FamilyLayout& layout = layouts[family_idx];
    FamilyResult family;
    for (const std::size_t attribute_idx : layout.attributes) {
      family.attributes.push_back(table.group_columns[attribute_idx]);
    }
    family.name = join_values(family.attributes);
    const std::vector<ConfusionCounts>& counts = family_counts[family_idx];
    for (std::size_t group_idx = 0; group_idx < counts.size(); ++group_idx) {
      GroupResult group;
      group.values = layout.group_values[group_idx];
      group.name = join_values(group.values);
      group.counts = counts[group_idx];
      group.suppressed = hidden[family_idx][group_idx] != 0;
      if (group.suppressed) {
        ++family.suppressed_groups;
        family.suppressed_applicants += group.counts.n();
      } else {
        group.rates = estimate_rates(group.counts, table.has_label, options.alpha);
      }
      family.groups.push_back(std::move(group));
    }
    choose_reference(family, layout, table, options);
    for (auto& group : family.groups) compare_to_reference(group, family, table.has_label, options);
    summarize_spread(family, options.favourable);
    flag_four_fifths(family, options.four_fifths_threshold);
    result.families.push_back(std::move(family));
  }
  if (options.bootstrap_replicates > 0) run_bootstrap(result, table, layouts, options, progress);
  return result;
}

}  // namespace equalis::audit

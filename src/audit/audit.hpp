#pragma once
// The one-command fairness audit of a decision table: per-group and per-intersection rates with Wilson
// intervals, disparities against a reference (differences with Newcombe intervals, ratios, z and Fisher
// tests, a seeded bootstrap resampling cell counts), the four-fifths rule, minimum detectable gaps and
// small-cell suppression.

#include "audit/decision_log.hpp"
#include "audit/metrics.hpp"
#include "audit/proportion.hpp"
#include "core/progress.hpp"
#include "core/random.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace equalis::audit {

// The metrics compared between groups, in this order in every disparity array.
inline constexpr std::array<Metric, 5> kDisparityMetrics{Metric::SelectionRate, Metric::Tpr, Metric::Fpr,
                                                         Metric::Fnr, Metric::Ppv};
inline constexpr std::size_t kDisparityCount = kDisparityMetrics.size();

enum class ReferenceRule : std::uint8_t {
  MostFavoured,  // the group with the highest selection rate (among groups not suppressed)
  Overall,       // the whole table
  Chosen,        // a named group (AuditOptions::reference_values)
};

enum class BootstrapScheme : std::uint8_t {
  Multinomial,  // all TP/FP/FN/TN counts of all cells drawn jointly: group sizes vary, a group may vanish
  Stratified,   // each intersection cell keeps its size; its four counts are drawn within it
};

// Which decision is favourable to the applicant: being selected (a grant, a hire: the default) or not
// being selected (a fraud flag, a high risk score). The most-favoured reference and the four-fifths rule
// compare the favourable rate: the selection rate, or 1 − the selection rate.
enum class Favourable : std::uint8_t { Selected, NotSelected };

struct AuditOptions {
  ReferenceRule reference = ReferenceRule::MostFavoured;
  // For ReferenceRule::Chosen: attribute name → value. With one attribute the attribute may be empty.
  std::vector<std::pair<std::string, std::string>> reference_values;
  double alpha = 0.05;               // intervals are 1 − alpha, tests two-sided at alpha
  double power = 0.8;                // for the minimum detectable gap
  std::uint64_t min_cell_size = 10;  // groups with fewer applicants are suppressed in every output
  // Groups to suppress besides those (family name, group name): complements chosen by a protection that
  // spans more than this table (the periods of a log, see audit_by_period).
  std::vector<std::pair<std::string, std::string>> also_suppress;
  double four_fifths_threshold = 0.8;
  Favourable favourable = Favourable::Selected;
  bool intersections = true;             // report the cross product when there are 2+ attributes
  std::size_t bootstrap_replicates = 0;  // 0 = no bootstrap
  std::uint64_t seed = 20240601;
  BootstrapScheme bootstrap_scheme = BootstrapScheme::Multinomial;
};

// Throws Error(InvalidInput) naming the option that is out of range (alpha, power, bootstrap, …).
void validate(const AuditOptions& options);

struct MetricDisparity {
  std::optional<double> difference;              // group − reference; nullopt if either rate is undefined
  std::optional<double> ratio;                   // group / reference; nullopt also when the reference is 0
  std::optional<Interval> difference_interval;   // Newcombe (1998) method 10
  std::optional<TestResult> z_test;              // two-proportion z test of the metric's own counts
  std::optional<TestResult> fisher;              // Fisher's exact test of the same 2×2 table
  bool significant = false;                      // z test (or Fisher when an expected count < 5) p < alpha
  std::optional<Interval> bootstrap_difference;  // percentile interval
  std::optional<Interval> bootstrap_ratio;
  std::uint64_t bootstrap_undefined = 0;  // replicates where the difference was undefined
};

struct GroupResult {
  std::string name;                 // "value" or "value1 × value2 × …"
  std::vector<std::string> values;  // one per attribute of the family
  ConfusionCounts counts;
  // n < min_cell_size (primary), or hidden so that no suppressed group can be derived from the published
  // totals (complementary, see audit/disclosure.hpp): nothing but this flag is reported.
  bool suppressed = false;
  bool is_reference = false;
  std::array<RateEstimate, kMetricCount> rates{};
  std::array<MetricDisparity, kDisparityCount> disparities{};
  std::optional<double> equalized_odds_gap;  // max(|TPR gap|, |FPR gap|) (Hardt et al. 2016)
  // Four-fifths rule ratio (EEOC 1978, 29 CFR 1607.4(D)): the group's favourable rate over the highest
  // group's (the selection rate, or 1 − it with Favourable::NotSelected).
  std::optional<double> selection_ratio_to_highest;
  bool four_fifths_flag = false;                 // ratio < four_fifths_threshold
  std::optional<double> minimum_detectable_gap;  // of the selection rate vs the reference
};

struct SpreadSummary {
  std::optional<double> max_minus_min;  // between groups not suppressed with a defined value
  std::optional<double> min_over_max;
  std::string highest_group;
  std::string lowest_group;
  std::optional<Interval> bootstrap_max_minus_min;
  std::uint64_t bootstrap_undefined = 0;
};

struct FamilyResult {
  std::string name;  // "region" or "region × occupation × hukou"
  std::vector<std::string> attributes;
  std::vector<GroupResult> groups;
  std::string reference_rule;  // most_favoured | overall | chosen
  std::string reference_name;  // the reference group's name or "overall"
  std::optional<std::size_t> reference_idx;
  ConfusionCounts reference_counts;
  std::array<SpreadSummary, kDisparityCount> spread{};
  std::optional<double> worst_equalized_odds_gap;
  std::size_t four_fifths_flags = 0;
  std::size_t suppressed_groups = 0;
  std::uint64_t suppressed_applicants = 0;  // total over the suppressed groups (not published for a lone one)
};

struct AuditResult {
  AuditOptions options;
  bool has_label = false;
  GroupResult overall;
  std::vector<FamilyResult> families;  // one per attribute, then the intersection
  std::size_t bootstrap_replicates = 0;
};

// Throws Error(InvalidInput) for a chosen reference group that does not exist (with a hint), for
// options out of range, or for an empty table.
AuditResult audit_decisions(const DecisionTable& table, const AuditOptions& options,
                            ProgressSink& progress = null_progress());

// One draw of Binomial(n, p): inversion for n·min(p,1−p) < 10, else Hörmann's (1993) BTRS transformed
// rejection. Exposed for tests.
std::uint64_t draw_binomial(Rng& rng, std::uint64_t n, double p);

}  // namespace equalis::audit

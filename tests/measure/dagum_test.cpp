#include "measure/dagum.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "core/table.hpp"
#include "measure/inequality.hpp"
#include "measure/sample.hpp"

#include <gtest/gtest.h>
#include <omp.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::measure {
namespace {

// ---------------------------------------------------------------------------------------------------------
// Helpers

struct GroupedData {
  std::vector<double> values;  // in any order
  std::vector<double> weights;
  std::vector<std::uint32_t> groups;
  std::vector<std::string> names;
};

DagumDecomposition decompose(const GroupedData& data) {
  return dagum_decomposition(make_sample(data.values, data.weights, data.groups, data.names));
}

void expect_error(ErrorCode code, const std::function<void()>& call) {
  try {
    call();
    ADD_FAILURE() << "expected an equalis::Error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
  }
}

bool close(double a, double b, double tolerance) {
  return std::abs(a - b) <= tolerance * (1.0 + std::max(std::abs(a), std::abs(b)));
}

bool close(const std::optional<double>& a, const std::optional<double>& b, double tolerance) {
  if (a.has_value() != b.has_value()) return false;
  return !a.has_value() || close(*a, *b, tolerance);
}

// First difference between two decompositions in every term that does not depend on the scale of the
// values or the number of units (so not means or unit counts); empty when they agree.
std::string first_difference(const DagumDecomposition& x, const DagumDecomposition& y, double tolerance) {
  const auto differs = [&](const auto& a, const auto& b) { return !close(a, b, tolerance); };
  if (differs(x.gini, y.gini)) return "gini";
  if (differs(x.within, y.within)) return "within";
  if (differs(x.net_between, y.net_between)) return "net_between";
  if (differs(x.transvariation, y.transvariation)) return "transvariation";
  if (differs(x.gross_between, y.gross_between)) return "gross_between";
  if (differs(x.within_share, y.within_share)) return "within_share";
  if (differs(x.net_between_share, y.net_between_share)) return "net_between_share";
  if (differs(x.transvariation_share, y.transvariation_share)) return "transvariation_share";
  if (x.groups.size() != y.groups.size() || x.pairs.size() != y.pairs.size()) return "sizes";
  for (std::size_t g = 0; g < x.groups.size(); ++g) {
    const DagumGroup& a = x.groups[g];
    const DagumGroup& b = y.groups[g];
    const std::string at = " of group " + std::to_string(g);
    if (a.name != b.name) return "name" + at;
    if ((a.units == 0) != (b.units == 0)) return "presence" + at;
    if (differs(a.population_share, b.population_share)) return "population_share" + at;
    if (differs(a.income_share, b.income_share)) return "income_share" + at;
    if (differs(a.gini_within, b.gini_within)) return "gini_within" + at;
    if (differs(a.within_contribution, b.within_contribution)) return "within_contribution" + at;
  }
  for (std::size_t k = 0; k < x.pairs.size(); ++k) {
    const DagumPair& a = x.pairs[k];
    const DagumPair& b = y.pairs[k];
    const std::string at = " of pair " + std::to_string(k);
    // Groups whose means tie may come out in either order, with D = 0 either way.
    if (a.group_a != b.group_a && !(a.relative_affluence.value_or(0.0) <= tolerance &&
                                    b.relative_affluence.value_or(0.0) <= tolerance)) {
      return "richer group" + at;
    }
    if (differs(a.gini_between, b.gini_between)) return "gini_between" + at;
    if (differs(a.relative_affluence, b.relative_affluence)) return "relative_affluence" + at;
    if (differs(a.gross_between_contribution, b.gross_between_contribution)) return "gross" + at;
    if (differs(a.net_between_contribution, b.net_between_contribution)) return "net" + at;
    if (differs(a.transvariation_contribution, b.transvariation_contribution)) return "transvariation" + at;
  }
  return {};
}

// Dagum's terms straight from the definitions, O(n²), in long double: the reference the fast kernel is
// checked against. Pairs are indexed like DagumDecomposition::pairs.
struct Reference {
  double gini = 0.0;
  double within = 0.0;
  double net_between = 0.0;
  double transvariation = 0.0;
  std::vector<std::optional<double>> gini_within;
  std::vector<std::optional<double>> gini_between;
  std::vector<std::optional<double>> relative_affluence;
};

Reference brute_force(const GroupedData& data) {
  using Real = long double;
  const std::size_t k = data.names.size();
  const std::size_t n = data.values.size();
  std::vector<Real> weight(k, 0), sum(k, 0);
  Real total_weight = 0, total_sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (data.weights[i] <= 0) continue;
    weight[data.groups[i]] += data.weights[i];
    sum[data.groups[i]] += Real{data.weights[i]} * data.values[i];
    total_weight += data.weights[i];
    total_sum += Real{data.weights[i]} * data.values[i];
  }
  const Real mean = total_sum / total_weight;
  // absolute[j][h] = Σ_{a∈j,b∈h} w_a w_b |y_a − y_b|; above[j][h] = Σ w_a w_b max(y_a − y_b, 0).
  std::vector<std::vector<Real>> absolute(k, std::vector<Real>(k, 0)), above(k, std::vector<Real>(k, 0));
  Real all_absolute = 0;
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = 0; b < n; ++b) {
      const Real ww = Real{data.weights[a]} * data.weights[b];
      const Real difference = Real{data.values[a]} - data.values[b];
      absolute[data.groups[a]][data.groups[b]] += ww * std::abs(difference);
      above[data.groups[a]][data.groups[b]] += ww * std::max(difference, Real{0});
      all_absolute += ww * std::abs(difference);
    }
  }
  Reference ref;
  ref.gini = static_cast<double>(all_absolute / (2 * total_weight * total_weight * mean));
  std::vector<Real> p(k, 0), s(k, 0), mu(k, 0);
  ref.gini_within.resize(k);
  for (std::size_t j = 0; j < k; ++j) {
    if (weight[j] <= 0) continue;
    p[j] = weight[j] / total_weight;
    mu[j] = sum[j] / weight[j];
    s[j] = p[j] * mu[j] / mean;
    if (mu[j] <= 0) continue;
    const Real g = absolute[j][j] / (2 * mu[j] * weight[j] * weight[j]);
    ref.gini_within[j] = static_cast<double>(g);
    ref.within += static_cast<double>(g * p[j] * s[j]);
  }
  for (std::size_t j = 0; j < k; ++j) {
    for (std::size_t h = j + 1; h < k; ++h) {
      std::optional<double> gini_between, affluence;
      if (weight[j] > 0 && weight[h] > 0 && mu[j] + mu[h] > 0) {
        const Real g = absolute[j][h] / (weight[j] * weight[h] * (mu[j] + mu[h]));
        gini_between = static_cast<double>(g);
        const std::size_t rich = mu[j] >= mu[h] ? j : h;
        const std::size_t poor = rich == j ? h : j;
        const Real d = above[rich][poor] / (weight[j] * weight[h]);
        const Real q = above[poor][rich] / (weight[j] * weight[h]);
        if (d + q > 0) {
          const Real dd = (d - q) / (d + q);
          affluence = static_cast<double>(dd);
          const Real gross = g * (p[j] * s[h] + p[h] * s[j]);
          ref.net_between += static_cast<double>(gross * dd);
          ref.transvariation += static_cast<double>(gross * (1 - dd));
        }
      }
      ref.gini_between.push_back(gini_between);
      ref.relative_affluence.push_back(affluence);
    }
  }
  return ref;
}

std::string difference_from_reference(const DagumDecomposition& result, const Reference& ref,
                                      double tolerance) {
  if (!close(result.gini, ref.gini, tolerance)) return "gini";
  if (!close(result.within, ref.within, tolerance)) return "within";
  if (!close(result.net_between, ref.net_between, tolerance)) return "net_between";
  if (!close(result.transvariation, ref.transvariation, tolerance)) return "transvariation";
  for (std::size_t g = 0; g < result.groups.size(); ++g) {
    if (!close(result.groups[g].gini_within, ref.gini_within[g], tolerance)) {
      return "gini_within of group " + std::to_string(g);
    }
  }
  for (std::size_t k = 0; k < result.pairs.size(); ++k) {
    if (!close(result.pairs[k].gini_between, ref.gini_between[k], tolerance)) {
      return "gini_between of pair " + std::to_string(k);
    }
    if (!close(result.pairs[k].relative_affluence, ref.relative_affluence[k], tolerance)) {
      return "relative_affluence of pair " + std::to_string(k);
    }
  }
  return {};
}

// Random grouped data with ties (few distinct values), zero weights, possibly empty groups.
GroupedData random_grouped_data(bool integer_weights = false) {
  GroupedData data;
  const auto group_count = *rc::gen::inRange<std::uint32_t>(1, 7);
  const auto n = *rc::gen::inRange<std::size_t>(1, 40);
  const int distinct = *rc::gen::element(3, 40, 100000);
  for (std::size_t i = 0; i < n; ++i) {
    data.values.push_back(*rc::gen::inRange(0, distinct) / 7.0);  // inexact in binary on purpose
    data.weights.push_back(integer_weights ? *rc::gen::element(0.0, 1.0, 2.0, 3.0)
                                           : *rc::gen::element(0.0, 0.5, 1.0, 2.0, 3.25));
    data.groups.push_back(*rc::gen::inRange<std::uint32_t>(0, group_count));
  }
  for (std::uint32_t g = 0; g < group_count; ++g) data.names.push_back("g" + std::to_string(g));
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += data.weights[i] * data.values[i];
  RC_PRE(total > 0.0);  // the decomposition is only defined for a positive mean
  return data;
}

// Seeded lognormal data for the larger deterministic checks.
GroupedData lognormal_grouped_data(std::size_t units, std::uint32_t group_count, std::uint64_t seed) {
  Rng rng(seed);
  GroupedData data;
  for (std::size_t i = 0; i < units; ++i) {
    const auto group = static_cast<std::uint32_t>(rng.uniform_index(group_count));
    // Box–Muller; group-specific location so the groups differ in mean.
    const double u1 = 1.0 - rng.uniform01();
    const double u2 = rng.uniform01();
    const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.141592653589793 * u2);
    data.values.push_back(std::exp(8.0 + 0.05 * group + 0.6 * normal));
    data.weights.push_back(0.5 + rng.uniform01() * 3.0);
    data.groups.push_back(group);
  }
  for (std::uint32_t g = 0; g < group_count; ++g) data.names.push_back("g" + std::to_string(g));
  return data;
}

// ---------------------------------------------------------------------------------------------------------
// Hand-worked example: A = {1, 2}, B = {3, 5}, C = {2, 4, 9}, unweighted.
// n = 7, total 26, μ = 26/7; Σ_a Σ_b |y_a − y_b| = 128, so G = 128 / (2·49·26/7) = 32/91.
// Groups: p = (2/7, 2/7, 3/7), μ_j = (3/2, 4, 5), s_j = p_j μ_j / μ = (3/26, 4/13, 15/26).
// Within: G_AA = 2/(2·(3/2)·4) = 1/6; G_BB = 4/(2·4·4) = 1/8; G_CC = 2·(2+7+5)/(2·5·9) = 14/45;
//   contributions p s G = 1/182, 1/91, 1/13; Gw = 17/182.
// B vs A: |3−1|+|3−2|+|5−1|+|5−2| = 10, G_BA = 10/(4·(4+3/2)) = 5/11; d = 10/4, p = 0, D = 1;
//   weight p_B s_A + p_A s_B = 6/182 + 16/182 = 11/91, gross = 5/91.
// C vs A: 1+0+3+2+8+7 = 21, G_CA = 21/(6·13/2) = 7/13; d = 21/6, p = 0 (the tie 2,2 counts 0), D = 1;
//   weight p_C s_A + p_A s_C = 9/182 + 30/182 = 3/14, gross = 21/182 = 3/26.
// C vs B: y_C − y_B ∈ {−1,−3,1,−1,6,4}: d = 11/6, p = 5/6, D = (6/6)/(16/6) = 3/8; G_CB = 16/(6·9) = 8/27;
//   weight p_C s_B + p_B s_C = 12/91 + 15/91 = 27/91, gross = 8/91, net = 3/91, transvariation = 5/91.
// Gnb = 5/91 + 3/26 + 3/91 = 37/182; Gt = 5/91; Gw + Gnb + Gt = 64/182 = 32/91 = G.
// (Checked against exact fractions with a brute-force python script.)
TEST(Dagum, HandExample) {
  const GroupedData data{{1, 2, 3, 5, 2, 4, 9}, {}, {0, 0, 1, 1, 2, 2, 2}, {"A", "B", "C"}};
  const DagumDecomposition r = decompose(data);
  constexpr double kTol = 1e-15;
  EXPECT_NEAR(r.gini, 32.0 / 91, kTol);
  EXPECT_NEAR(r.within, 17.0 / 182, kTol);
  EXPECT_NEAR(r.net_between, 37.0 / 182, kTol);
  EXPECT_NEAR(r.transvariation, 5.0 / 91, kTol);
  EXPECT_NEAR(r.gross_between, 47.0 / 182, kTol);
  EXPECT_NEAR(r.within_share.value(), 17.0 / 64, kTol);
  EXPECT_NEAR(r.net_between_share.value(), 37.0 / 64, kTol);
  EXPECT_NEAR(r.transvariation_share.value(), 5.0 / 32, kTol);

  ASSERT_EQ(r.groups.size(), 3U);
  const double p[] = {2.0 / 7, 2.0 / 7, 3.0 / 7};
  const double s[] = {3.0 / 26, 4.0 / 13, 15.0 / 26};
  const double mu[] = {1.5, 4.0, 5.0};
  const double g_within[] = {1.0 / 6, 1.0 / 8, 14.0 / 45};
  const double contribution[] = {1.0 / 182, 1.0 / 91, 1.0 / 13};
  const std::size_t units[] = {2, 2, 3};
  for (std::size_t g = 0; g < 3; ++g) {
    SCOPED_TRACE(g);
    EXPECT_EQ(r.groups[g].name, data.names[g]);
    EXPECT_EQ(r.groups[g].units, units[g]);
    EXPECT_NEAR(r.groups[g].population_share, p[g], kTol);
    EXPECT_NEAR(r.groups[g].income_share, s[g], kTol);
    EXPECT_NEAR(r.groups[g].mean, mu[g], kTol);
    EXPECT_NEAR(r.groups[g].gini_within.value(), g_within[g], kTol);
    EXPECT_NEAR(r.groups[g].within_contribution, contribution[g], kTol);
  }

  ASSERT_EQ(r.pairs.size(), 3U);
  struct Expected {
    std::uint32_t richer, poorer;
    double gini_between, affluence, gross, net, transvariation;
  };
  const Expected expected[] = {
      {1, 0, 5.0 / 11, 1.0, 5.0 / 91, 5.0 / 91, 0.0},           // pair (A, B)
      {2, 0, 7.0 / 13, 1.0, 3.0 / 26, 3.0 / 26, 0.0},           // pair (A, C)
      {2, 1, 8.0 / 27, 3.0 / 8, 8.0 / 91, 3.0 / 91, 5.0 / 91},  // pair (B, C)
  };
  for (std::size_t k = 0; k < 3; ++k) {
    SCOPED_TRACE(k);
    const DagumPair& pair = r.pairs[k];
    EXPECT_EQ(pair.group_a, expected[k].richer);
    EXPECT_EQ(pair.group_b, expected[k].poorer);
    EXPECT_NEAR(pair.gini_between.value(), expected[k].gini_between, kTol);
    EXPECT_NEAR(pair.relative_affluence.value(), expected[k].affluence, kTol);
    EXPECT_NEAR(pair.gross_between_contribution, expected[k].gross, kTol);
    EXPECT_NEAR(pair.net_between_contribution, expected[k].net, kTol);
    EXPECT_NEAR(pair.transvariation_contribution, expected[k].transvariation, kTol);
  }
  // Groups that do not overlap get D = 1 exactly, not 1 − ε.
  EXPECT_EQ(r.pairs[0].relative_affluence, 1.0);
  EXPECT_EQ(r.pairs[1].transvariation_contribution, 0.0);
}

// Two all-zero groups next to a positive one: W = 4, μ = 1, p = (1/2, 1/4, 1/4), s = (0, 0, 1).
// G = Σ|y_a − y_b| / (2 W² μ) = 24/32 = 3/4. G_AA is 0/0 (nullopt); G_CC = 0 (constant).
// A vs B: both means 0, so G_AB and D_AB are undefined. C vs A: Σ|.| = 8, G_CA = 8/(2·1·4) = 1, D = 1,
// weight p_A s_C = 1/2. C vs B: G_CB = 4/(1·1·4) = 1, D = 1, weight 1/4. Gnb = 3/4 = G, Gw = Gt = 0.
TEST(Dagum, AllZeroGroupsAreUndefinedNotNaN) {
  const GroupedData data{{0, 0, 0, 4}, {}, {0, 0, 1, 2}, {"A", "B", "C"}};
  const DagumDecomposition r = decompose(data);
  EXPECT_DOUBLE_EQ(r.gini, 0.75);
  EXPECT_FALSE(r.groups[0].gini_within.has_value());
  EXPECT_FALSE(r.groups[1].gini_within.has_value());
  EXPECT_EQ(r.groups[2].gini_within, 0.0);
  EXPECT_EQ(r.groups[0].within_contribution, 0.0);
  EXPECT_FALSE(r.pairs[0].gini_between.has_value());
  EXPECT_FALSE(r.pairs[0].relative_affluence.has_value());
  EXPECT_EQ(r.pairs[0].net_between_contribution, 0.0);
  EXPECT_EQ(r.pairs[1].group_a, 2U);
  EXPECT_DOUBLE_EQ(r.pairs[1].gini_between.value(), 1.0);
  EXPECT_EQ(r.pairs[1].relative_affluence, 1.0);
  EXPECT_DOUBLE_EQ(r.pairs[1].net_between_contribution, 0.5);
  EXPECT_DOUBLE_EQ(r.pairs[2].net_between_contribution, 0.25);
  EXPECT_DOUBLE_EQ(r.within, 0.0);
  EXPECT_DOUBLE_EQ(r.net_between, 0.75);
  EXPECT_DOUBLE_EQ(r.transvariation, 0.0);
}

// Both groups the same constant: d + p = 0, so D is undefined (nullopt), G_jh = 0, and with every value
// equal G = 0 so the shares are undefined too. Weights 0.1 make the running sums inexact on purpose.
TEST(Dagum, SameConstantGroupsHaveNoAffluence) {
  const GroupedData data{{0.3, 0.3, 0.3, 0.3}, {0.1, 0.7, 0.1, 0.3}, {0, 1, 1, 0}, {"A", "B"}};
  const DagumDecomposition r = decompose(data);
  EXPECT_EQ(r.gini, 0.0);
  EXPECT_FALSE(r.within_share.has_value());
  EXPECT_FALSE(r.net_between_share.has_value());
  EXPECT_FALSE(r.transvariation_share.has_value());
  EXPECT_EQ(r.groups[0].gini_within, 0.0);
  EXPECT_EQ(r.groups[1].gini_within, 0.0);
  EXPECT_EQ(r.pairs[0].gini_between, 0.0);
  EXPECT_FALSE(r.pairs[0].relative_affluence.has_value());
  EXPECT_EQ(r.pairs[0].net_between_contribution, 0.0);
  EXPECT_EQ(r.pairs[0].transvariation_contribution, 0.0);
  EXPECT_EQ(r.within + r.net_between + r.transvariation, 0.0);
}

TEST(Dagum, SingleGroupIsAllWithin) {
  const GroupedData data{{5, 1, 7, 2, 2}, {1, 2, 0.5, 1, 3}, {0, 0, 0, 0, 0}, {"all"}};
  const DagumDecomposition r = decompose(data);
  EXPECT_DOUBLE_EQ(r.within, r.gini);
  EXPECT_DOUBLE_EQ(r.groups[0].gini_within.value(), r.gini);
  EXPECT_EQ(r.net_between, 0.0);
  EXPECT_EQ(r.transvariation, 0.0);
  EXPECT_TRUE(r.pairs.empty());
  EXPECT_DOUBLE_EQ(r.within_share.value(), 1.0);
}

// A group whose units all have weight 0 (as in a bootstrap resample) is absent: units = 0, nothing
// defined, left out of every sum, and the other terms are those of the data without it.
TEST(Dagum, AbsentGroupIsLeftOut) {
  const GroupedData with_absent{{1, 2, 3, 5, 2, 4, 9, 100},
                                {1, 1, 1, 1, 1, 1, 1, 0},
                                {0, 0, 2, 2, 3, 3, 3, 1},
                                {"A", "absent", "B", "C"}};
  const DagumDecomposition r = decompose(with_absent);
  EXPECT_EQ(r.groups[1].units, 0U);
  EXPECT_EQ(r.groups[1].population_share, 0.0);
  EXPECT_FALSE(r.groups[1].gini_within.has_value());
  for (const std::uint32_t other : {0U, 2U, 3U}) {
    const DagumPair& pair = r.pairs[dagum_pair_index(1, other, 4)];
    EXPECT_FALSE(pair.gini_between.has_value());
    EXPECT_FALSE(pair.relative_affluence.has_value());
    EXPECT_EQ(pair.gross_between_contribution, 0.0);
  }
  EXPECT_NEAR(r.gini, 32.0 / 91, 1e-15);
  EXPECT_NEAR(r.within, 17.0 / 182, 1e-15);
  EXPECT_NEAR(r.net_between, 37.0 / 182, 1e-15);
  EXPECT_NEAR(r.transvariation, 5.0 / 91, 1e-15);
  EXPECT_NEAR(r.pairs[dagum_pair_index(2, 3, 4)].relative_affluence.value(), 3.0 / 8, 1e-15);
}

TEST(Dagum, PairIndexMatchesPairOrder) {
  const GroupedData data{{1, 2, 3, 4, 5}, {}, {0, 1, 2, 3, 4}, {"a", "b", "c", "d", "e"}};
  const DagumDecomposition r = decompose(data);
  ASSERT_EQ(r.pairs.size(), 10U);
  for (std::size_t k = 0; k < r.pairs.size(); ++k) {
    EXPECT_EQ(dagum_pair_index(r.pairs[k].group_a, r.pairs[k].group_b, 5), k);
    EXPECT_EQ(dagum_pair_index(r.pairs[k].group_b, r.pairs[k].group_a, 5), k);
  }
  EXPECT_EQ(dagum_pair_index(0, 1, 5), 0U);
  EXPECT_EQ(dagum_pair_index(3, 4, 5), 9U);
  expect_error(ErrorCode::InvalidInput, [] { (void)dagum_pair_index(2, 2, 5); });
  expect_error(ErrorCode::InvalidInput, [] { (void)dagum_pair_index(0, 5, 5); });
}

TEST(Dagum, BadInput) {
  const std::vector<double> y{1, 2, 3};
  const std::vector<double> w{1, 1, 1};
  const std::vector<std::uint32_t> g{0, 1, 0};
  const std::vector<std::string> names{"a", "b"};
  // No groups at all: no names, no ids, or a Sample without groups.
  expect_error(ErrorCode::InvalidInput, [&] { dagum_decomposition_sorted(y, w, g, {}); });
  expect_error(ErrorCode::InvalidInput, [&] { dagum_decomposition_sorted(y, w, {}, names); });
  expect_error(ErrorCode::InvalidInput, [&] { dagum_decomposition(make_sample(y, w)); });
  // Negative value in a unit that counts.
  expect_error(ErrorCode::InvalidInput, [&] {
    dagum_decomposition_sorted(std::vector<double>{-1, 2, 3}, w, g, names);
  });
  // Zero mean, zero total weight, no units.
  expect_error(ErrorCode::InvalidInput, [&] {
    dagum_decomposition_sorted(std::vector<double>{0, 0, 0}, w, g, names);
  });
  expect_error(ErrorCode::InvalidInput, [&] {
    dagum_decomposition_sorted(y, std::vector<double>{0, 0, 0}, g, names);
  });
  expect_error(ErrorCode::InvalidInput, [&] { dagum_decomposition_sorted({}, {}, {}, names); });
  // Negative or non-finite weight, non-finite value.
  expect_error(ErrorCode::InvalidInput, [&] {
    dagum_decomposition_sorted(y, std::vector<double>{1, -1, 1}, g, names);
  });
  expect_error(ErrorCode::InvalidInput, [&] {
    dagum_decomposition_sorted(y, std::vector<double>{1, NAN, 1}, g, names);
  });
  expect_error(ErrorCode::InvalidInput, [&] {
    dagum_decomposition_sorted(std::vector<double>{1, 2, INFINITY}, w, g, names);
  });
  // Group id out of range; values not ascending.
  expect_error(ErrorCode::InvalidInput, [&] {
    dagum_decomposition_sorted(y, w, std::vector<std::uint32_t>{0, 2, 0}, names);
  });
  expect_error(ErrorCode::InvalidInput, [&] {
    dagum_decomposition_sorted(std::vector<double>{1, 3, 2}, w, g, names);
  });
  // Lengths that differ are a caller bug.
  expect_error(ErrorCode::Internal, [&] {
    dagum_decomposition_sorted(y, std::vector<double>{1, 1}, g, names);
  });
  // Too many groups for the k² pair table.
  const std::vector<std::string> many(5000, "x");
  expect_error(ErrorCode::Unsupported, [&] { dagum_decomposition_sorted(y, w, g, many); });
}

class StoppingSink : public ProgressSink {
 public:
  void begin(std::string_view /*task*/, std::uint64_t total_steps) override { total = total_steps; }
  void update(std::uint64_t steps_done) override { last = steps_done; }
  [[nodiscard]] bool stop_requested() const override { return stop; }
  bool stop = false;
  std::uint64_t total = 0;
  std::uint64_t last = 0;
};

TEST(Dagum, ReportsProgressAndStopsWhenAsked) {
  const GroupedData data = lognormal_grouped_data(200000, 3, 11);
  const Sample sample = make_sample(data.values, data.weights, data.groups, data.names);
  StoppingSink sink;
  const DagumDecomposition r = dagum_decomposition(sample, sink);
  EXPECT_GT(sink.total, 0U);
  EXPECT_EQ(sink.last, sink.total);
  EXPECT_NEAR(r.within + r.net_between + r.transvariation, r.gini, 1e-12);
  sink.stop = true;
  expect_error(ErrorCode::Cancelled, [&] { dagum_decomposition(sample, sink); });
  EXPECT_LT(sink.last, sink.total);  // left the sweep early
}

// A negative value in a unit of weight 0 is absent, as in gini_sorted.
TEST(Dagum, ZeroWeightNegativeValueIsAbsent) {
  const GroupedData data{
      {-5, 1, 2, 3, 5, 2, 4, 9}, {0, 1, 1, 1, 1, 1, 1, 1}, {1, 0, 0, 1, 1, 2, 2, 2}, {"A", "B", "C"}};
  const DagumDecomposition r = decompose(data);
  EXPECT_NEAR(r.gini, 32.0 / 91, 1e-15);
  EXPECT_NEAR(r.transvariation, 5.0 / 91, 1e-15);
  EXPECT_EQ(r.groups[1].units, 2U);
}

// ---------------------------------------------------------------------------------------------------------
// Properties on random weighted grouped data (ties, zero weights and empty groups included).

RC_GTEST_PROP(DagumProperty, TermsAddUpToGini, ()) {
  const GroupedData data = random_grouped_data();
  const DagumDecomposition r = decompose(data);
  const Sample sample = make_sample(data.values, data.weights, data.groups, data.names);
  // Bit-equal except where every value is equal and gini_sorted leaves rounding dust for the exact 0.
  RC_ASSERT(std::abs(r.gini - gini_sorted(sample.values, sample.weights)) <= 1e-15);
  RC_ASSERT(close(r.within + r.net_between + r.transvariation, r.gini, 1e-13));
  RC_ASSERT(close(r.net_between + r.transvariation, r.gross_between, 1e-15));
  double within = 0.0;
  for (const DagumGroup& group : r.groups) within += group.within_contribution;
  RC_ASSERT(close(within, r.within, 1e-15));
  for (const DagumPair& pair : r.pairs) {
    if (r.groups[pair.group_a].units == 0 || r.groups[pair.group_b].units == 0) {
      RC_ASSERT(!pair.gini_between.has_value());
      RC_ASSERT(!pair.relative_affluence.has_value());
      continue;
    }
    RC_ASSERT(r.groups[pair.group_a].mean >= r.groups[pair.group_b].mean);
    if (pair.relative_affluence) {
      RC_ASSERT(*pair.relative_affluence >= 0.0);
      RC_ASSERT(*pair.relative_affluence <= 1.0);
    }
    RC_ASSERT(pair.net_between_contribution >= 0.0);
    RC_ASSERT(pair.transvariation_contribution >= 0.0);
  }
}

RC_GTEST_PROP(DagumProperty, MatchesBruteForce, ()) {
  const GroupedData data = random_grouped_data();
  const std::string difference = difference_from_reference(decompose(data), brute_force(data), 1e-12);
  RC_ASSERT(difference == "");
}

RC_GTEST_PROP(DagumProperty, ScaleInvariant, ()) {
  const GroupedData data = random_grouped_data();
  const double factor = *rc::gen::element(1e-3, 3.0, 1e6);
  GroupedData scaled = data;
  for (double& y : scaled.values) y *= factor;
  const DagumDecomposition base = decompose(data);
  const DagumDecomposition result = decompose(scaled);
  RC_ASSERT(first_difference(base, result, 1e-12) == "");
  for (std::size_t g = 0; g < base.groups.size(); ++g) {
    RC_ASSERT(close(result.groups[g].mean, factor * base.groups[g].mean, 1e-13));
  }
}

RC_GTEST_PROP(DagumProperty, PopulationReplicationChangesNothing, ()) {
  const GroupedData data = random_grouped_data();
  const DagumDecomposition base = decompose(data);
  GroupedData doubled_weights = data;
  for (double& w : doubled_weights.weights) w *= 2.0;
  GroupedData listed_twice = data;
  listed_twice.values.insert(listed_twice.values.end(), data.values.begin(), data.values.end());
  listed_twice.weights.insert(listed_twice.weights.end(), data.weights.begin(), data.weights.end());
  listed_twice.groups.insert(listed_twice.groups.end(), data.groups.begin(), data.groups.end());
  const DagumDecomposition by_weight = decompose(doubled_weights);
  const DagumDecomposition by_listing = decompose(listed_twice);
  RC_ASSERT(first_difference(base, by_weight, 1e-12) == "");
  RC_ASSERT(first_difference(base, by_listing, 1e-12) == "");
  for (std::size_t g = 0; g < base.groups.size(); ++g) {
    RC_ASSERT(by_weight.groups[g].units == base.groups[g].units);
    RC_ASSERT(by_listing.groups[g].units == 2 * base.groups[g].units);
    RC_ASSERT(close(by_listing.groups[g].mean, base.groups[g].mean, 1e-13));
  }
}

RC_GTEST_PROP(DagumProperty, WeightTwoEqualsUnitListedTwice, ()) {
  const GroupedData data = random_grouped_data(true);
  GroupedData expanded;
  expanded.names = data.names;
  for (std::size_t i = 0; i < data.values.size(); ++i) {
    for (int copy = 0; copy < static_cast<int>(data.weights[i]); ++copy) {
      expanded.values.push_back(data.values[i]);
      expanded.weights.push_back(1.0);
      expanded.groups.push_back(data.groups[i]);
    }
  }
  const DagumDecomposition weighted = decompose(data);
  const DagumDecomposition listed = decompose(expanded);
  RC_ASSERT(first_difference(weighted, listed, 1e-12) == "");
  for (std::size_t g = 0; g < weighted.groups.size(); ++g) {
    RC_ASSERT(close(weighted.groups[g].mean, listed.groups[g].mean, 1e-13));
  }
}

RC_GTEST_PROP(DagumProperty, ZeroWeightUnitsAreIgnored, ()) {
  const GroupedData data = random_grouped_data();
  GroupedData padded = data;
  const auto extra = *rc::gen::inRange<std::size_t>(1, 10);
  for (std::size_t i = 0; i < extra; ++i) {
    padded.values.push_back(*rc::gen::inRange(-50, 500) / 3.0);  // even negative: the unit is absent
    padded.weights.push_back(0.0);
    padded.groups.push_back(
        *rc::gen::inRange<std::uint32_t>(0, static_cast<std::uint32_t>(data.names.size())));
  }
  const DagumDecomposition base = decompose(data);
  const DagumDecomposition result = decompose(padded);
  RC_ASSERT(first_difference(base, result, 1e-12) == "");
  for (std::size_t g = 0; g < base.groups.size(); ++g) {
    RC_ASSERT(result.groups[g].units == base.groups[g].units);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Larger data

TEST(Dagum, MatchesBruteForceOnLognormalData) {
  const GroupedData data = lognormal_grouped_data(3000, 12, 42);
  const DagumDecomposition r = decompose(data);
  EXPECT_EQ(difference_from_reference(r, brute_force(data), 1e-12), "");
  EXPECT_NEAR(r.within + r.net_between + r.transvariation, r.gini, 1e-13);
}

// Enough work for the parallel path; each cell of the cross-sum matrix is summed by one task in unit
// order, so any thread count gives the same bits.
TEST(Dagum, IndependentOfThreadCount) {
  const GroupedData data = lognormal_grouped_data(200000, 23, 7);
  const Sample sample = make_sample(data.values, data.weights, data.groups, data.names);
  const int saved = omp_get_max_threads();
  std::vector<DagumDecomposition> results;
  std::vector<std::uint64_t> progress_steps;  // one step per task and chunk of units
  for (const int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    StoppingSink sink;
    results.push_back(dagum_decomposition(sample, sink));
    progress_steps.push_back(sink.total);
  }
  omp_set_num_threads(saved);
  const DagumDecomposition& one = results[0];
  EXPECT_NEAR(one.within + one.net_between + one.transvariation, one.gini, 1e-12);
  for (std::size_t t = 1; t < results.size(); ++t) {
    EXPECT_GT(progress_steps[t], progress_steps[0]) << "the sweep did not run in parallel";
    const DagumDecomposition& other = results[t];
    EXPECT_EQ(first_difference(one, other, 0.0), "");
    EXPECT_EQ(other.within, one.within);
    EXPECT_EQ(other.net_between, one.net_between);
    EXPECT_EQ(other.transvariation, one.transvariation);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Real data: per-capita GDP 2000 of the 32 Mexican states. Expected values computed with exact rational
// arithmetic from the CSV by a python script (the brute-force definitions); hanson98 has 5 regions and
// hanson03 has 6.

struct MexicoCase {
  const char* group_column;
  double within, net_between, transvariation;
};

class DagumMexico : public testing::TestWithParam<MexicoCase> {};

TEST_P(DagumMexico, MatchesExactValuesAndBruteForce) {
  const MexicoCase expected = GetParam();
  const CsvTable table = CsvTable::read_file(EQUALIS_TEST_DATA_DIR "/mexico/mexico.csv");
  const NumericColumn gdp = read_numeric_column(table, "pcgdp2000");
  const CategoryColumn region = read_category_column(table, expected.group_column);
  ASSERT_EQ(gdp.missing_count(), 0U);
  ASSERT_EQ(region.missing_count(), 0U);
  const GroupedData data{gdp.values, std::vector<double>(gdp.size(), 1.0), region.codes, region.labels};
  const DagumDecomposition r = decompose(data);
  constexpr double kTol = 1e-14;
  EXPECT_NEAR(r.gini, 0.25811308248827908, kTol);
  EXPECT_NEAR(r.within, expected.within, kTol);
  EXPECT_NEAR(r.net_between, expected.net_between, kTol);
  EXPECT_NEAR(r.transvariation, expected.transvariation, kTol);
  EXPECT_NEAR(r.within + r.net_between + r.transvariation, r.gini, kTol);
  EXPECT_EQ(difference_from_reference(r, brute_force(data), 1e-13), "");
}

INSTANTIATE_TEST_SUITE_P(
    Regions, DagumMexico,
    testing::Values(MexicoCase{"hanson98", 0.039017727415706777, 0.13371129851260466, 0.085384056559967642},
                    MexicoCase{"hanson03", 0.030434591303305822, 0.17722379083596709, 0.050454700349006155}));

}  // namespace
}  // namespace equalis::measure

#pragma once
// Helpers shared by the plan tests: OR-Library paths and published optima, brute-force p-median.

#include "core/progress.hpp"
#include "plan/instance.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace equalis::plan::test {

// Clients and sites on a line at 0, 1, 5, 6, 20 (unit demand); cost = distance.
inline PlanInstance line_instance() {
  const std::vector<double> x{0, 1, 5, 6, 20};
  CostMatrix cost(5, 5);
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = 0; j < 5; ++j) cost.at(i, j) = static_cast<float>(std::abs(x[i] - x[j]));
  }
  return make_instance(std::move(cost));
}

// A sink whose user "presses Ctrl-C" after `allowed` polls of stop_requested(); it counts the polls made
// after that. The solver's loops poll between units of work, so few polls after the stop mean it left
// promptly, and a sweep over `allowed` lands the stop in every phase of a solve.
class StopAfterPolls final : public ProgressSink {
 public:
  explicit StopAfterPolls(std::uint64_t allowed) : allowed_(allowed) {}
  [[nodiscard]] bool stop_requested() const override { return polls_.fetch_add(1) >= allowed_; }
  [[nodiscard]] std::uint64_t polls() const { return polls_.load(); }
  [[nodiscard]] std::uint64_t polls_after_stop() const {
    const std::uint64_t n = polls_.load();
    return n > allowed_ ? n - allowed_ : 0;
  }

 private:
  std::uint64_t allowed_;
  mutable std::atomic<std::uint64_t> polls_{0};
};

inline std::string orlib_path(int k) {
  return fmt::format("{}/orlib-pmed/pmed{}.txt", EQUALIS_TEST_DATA_DIR, k);
}

// pmedopt.txt or pcenter_opt.txt: "pmedK value" lines after a header line (pmedopt only).
inline std::map<int, double> read_optima(const std::string& file) {
  std::ifstream in(fmt::format("{}/orlib-pmed/{}", EQUALIS_TEST_DATA_DIR, file));
  std::map<int, double> result;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name;
    double value = 0.0;
    if (!(fields >> name >> value)) continue;  // the header line
    if (name.rfind("pmed", 0) == 0 && name.size() > 4) result[std::stoi(name.substr(4))] = value;
  }
  return result;
}

// Calls fn(open) for every plan of p new sites (any p-subset of the candidates that are not existing
// sites, with the existing ones added) whose opening cost fits `budget` (when given).
template <typename Fn>
void for_each_plan(const PlanInstance& instance, std::size_t p, std::optional<double> budget, Fn&& fn) {
  const std::size_t m = instance.candidate_count();
  for (std::uint32_t mask = 0; mask < (1U << m); ++mask) {
    if (static_cast<std::size_t>(__builtin_popcount(mask)) != p) continue;
    bool overlaps = false;
    double spend = 0.0;
    std::vector<std::uint32_t> open(instance.fixed_open.begin(), instance.fixed_open.end());
    for (std::uint32_t j = 0; j < m; ++j) {
      if ((mask >> j & 1U) == 0U) continue;
      for (const std::uint32_t f : instance.fixed_open) overlaps = overlaps || f == j;
      open.push_back(j);
      if (!instance.site_cost.empty()) spend += instance.site_cost[j];
    }
    if (overlaps || (budget && spend > *budget)) continue;
    fn(open);
  }
}

// Minimum of Σ demand × nearest cost over all p-subsets of the free candidates (plus the fixed ones).
inline double brute_force_pmedian(const PlanInstance& instance, std::size_t p) {
  double best = std::numeric_limits<double>::infinity();
  for_each_plan(instance, p, std::nullopt, [&](const std::vector<std::uint32_t>& open) {
    double total = 0.0;
    for (std::size_t i = 0; i < instance.client_count(); ++i) {
      float nearest = kUnreachable;
      for (const std::uint32_t j : open) nearest = std::min(nearest, instance.cost.at(i, j));
      total += instance.demand[i] * nearest;
    }
    best = std::min(best, total);
  });
  return best;
}

}  // namespace equalis::plan::test

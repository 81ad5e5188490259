#include "audit/representation.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>

namespace equalis::audit {

RepresentationResult compare_representation(const std::vector<std::pair<std::string, std::uint64_t>>& counts,
                                            const std::vector<std::pair<std::string, double>>& reference,
                                            const RepresentationOptions& options) {
  std::map<std::string, std::uint64_t> data;
  RepresentationResult result;
  for (const auto& [group, count] : counts) {
    data[group] += count;
    result.total += count;
  }
  if (result.total == 0) {
    throw Error(ErrorCode::InvalidInput, "the data set has no records",
                "check the data file and its count column");
  }
  double reference_total = 0.0;
  std::map<std::string, double> population;
  for (const auto& [group, value] : reference) {
    if (!std::isfinite(value) || value < 0.0) {
      throw Error(ErrorCode::InvalidInput, fmt::format("reference value {} of '{}' is not ≥ 0", value, group),
                  "give population counts or shares, all non-negative");
    }
    if (!population.emplace(group, value).second) {
      throw Error(ErrorCode::InvalidInput, fmt::format("group '{}' appears twice in the reference", group),
                  "give one row per group");
    }
    reference_total += value;
  }
  if (!(reference_total > 0.0)) {
    throw Error(ErrorCode::InvalidInput, "the reference shares sum to 0", "give population counts or shares");
  }
  auto make_row = [&](const std::string& group, std::uint64_t count, std::optional<double> share) {
    RepresentationRow row;
    row.group = group;
    row.count = count;
    row.population_share = share;
    row.suppressed = count > 0 && count < options.min_cell_size;
    if (row.suppressed) {
      ++result.suppressed;
    } else {
      row.data_share = static_cast<double>(count) / static_cast<double>(result.total);
      row.data_interval = wilson_interval(count, result.total, options.alpha);
    }
    if (share && *share > 0.0) {
      // A suppressed group still gets its flag (the flag reveals only that the group is small).
      const double data_share = static_cast<double>(count) / static_cast<double>(result.total);
      if (!row.suppressed) row.coverage_ratio = data_share / *share;
      row.under_covered = data_share < options.coverage_threshold * *share;
      const auto interval = wilson_interval(count, result.total, options.alpha);
      row.significantly_under = interval->high < *share;
      if (row.under_covered) ++result.under_covered;
      if (row.significantly_under) ++result.significantly_under;
    }
    if (row.suppressed) row.count = 0;
    result.rows.push_back(std::move(row));
  };
  for (const auto& [group, value] : reference) {
    const auto it = data.find(group);
    make_row(group, it == data.end() ? 0 : it->second, value / reference_total);
  }
  for (const auto& [group, count] : data) {
    if (population.count(group) != 0) continue;
    result.not_in_reference.push_back(group);
    make_row(group, count, std::nullopt);
  }
  return result;
}

}  // namespace equalis::audit

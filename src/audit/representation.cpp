#include "audit/representation.hpp"

#include "audit/disclosure.hpp"
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
  struct Pending {
    std::string group;
    std::uint64_t count;
    std::optional<double> share;
  };
  std::vector<Pending> pending;
  for (const auto& [group, value] : reference) {
    const auto it = data.find(group);
    pending.push_back({group, it == data.end() ? 0 : it->second, value / reference_total});
  }
  for (const auto& [group, count] : data) {
    if (population.count(group) != 0) continue;
    result.not_in_reference.push_back(group);
    pending.push_back({group, count, std::nullopt});
  }
  // Primary suppression (0 < count < min cell) and complements: the groups add up to the published total,
  // so a lone suppressed count would follow by subtraction (audit/disclosure.hpp).
  DisclosureTable disclosure;
  const std::size_t total_cell = disclosure.add_cell(result.total, false, true);
  std::vector<std::size_t> parts;
  for (const auto& row : pending) {
    parts.push_back(disclosure.add_cell(row.count, row.count > 0 && row.count < options.min_cell_size));
  }
  disclosure.add_relation(total_cell, parts);
  protect(disclosure);
  auto make_row = [&](const std::string& group, std::uint64_t count, std::optional<double> share,
                      bool suppressed) {
    RepresentationRow row;
    row.group = group;
    row.count = count;
    row.population_share = share;
    row.suppressed = suppressed;
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
  for (std::size_t row_idx = 0; row_idx < pending.size(); ++row_idx) {
    make_row(pending[row_idx].group, pending[row_idx].count, pending[row_idx].share,
             disclosure.hidden[parts[row_idx]] != 0);
  }
  return result;
}

}  // namespace equalis::audit

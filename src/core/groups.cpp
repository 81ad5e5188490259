#include "core/groups.hpp"

#include "core/error.hpp"

#include <cstdint>
#include <utility>

namespace equalis {

Groups one_group(std::size_t units, std::string name) {
  Groups groups;
  groups.codes.assign(units, 0);
  groups.names.push_back(std::move(name));
  return groups;
}

Groups dense_groups(std::vector<std::uint32_t> codes, const std::vector<std::string>& labels) {
  constexpr std::uint32_t kUnseen = UINT32_MAX;
  std::vector<std::uint32_t> dense(labels.size(), kUnseen);
  Groups groups;
  for (std::uint32_t& code : codes) {
    EQ_ASSERT(code < labels.size());
    if (dense[code] == kUnseen) {
      dense[code] = static_cast<std::uint32_t>(groups.names.size());
      groups.names.push_back(labels[code]);
    }
    code = dense[code];
  }
  groups.codes = std::move(codes);
  return groups;
}

std::vector<double> group_totals(const Groups& groups, std::span<const double> weights) {
  if (!weights.empty() && weights.size() != groups.size()) {
    throw Error(ErrorCode::Internal, "weights and groups differ in length");
  }
  std::vector<double> totals(groups.count(), 0.0);
  for (std::size_t unit = 0; unit < groups.size(); ++unit)
    totals[groups.codes[unit]] += weights.empty() ? 1.0 : weights[unit];
  return totals;
}

}  // namespace equalis

#pragma once
// Data representativeness: a data set's group shares (applicants, a registry, training data) against
// reference population shares (a census table). A group is under-covered when its share in the data falls
// below `coverage_threshold` × its population share; "significant" when the whole Wilson (1927) interval of
// its data share lies below the population share.

#include "audit/proportion.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace equalis::audit {

struct RepresentationOptions {
  double alpha = 0.05;
  double coverage_threshold = 0.8;
  std::uint64_t min_cell_size = 10;  // groups with fewer records in the data show no count or share
};

struct RepresentationRow {
  std::string group;
  bool suppressed = false;
  std::uint64_t count = 0;
  std::optional<double> data_share;
  std::optional<Interval> data_interval;   // Wilson
  std::optional<double> population_share;  // nullopt: group absent from the reference
  std::optional<double> coverage_ratio;    // data share / population share
  bool under_covered = false;
  bool significantly_under = false;
};

struct RepresentationResult {
  std::uint64_t total = 0;
  std::vector<RepresentationRow> rows;  // reference groups first (in reference order), then the others
  std::size_t under_covered = 0;
  std::size_t significantly_under = 0;
  std::size_t suppressed = 0;
  std::vector<std::string> not_in_reference;  // data groups the reference does not list
};

// `counts`: records per group in the data. `reference`: population size or share per group (normalised
// to sum to 1). Throws Error(InvalidInput) on a negative or non-finite reference value, a reference that
// sums to 0, a group listed twice, or empty data.
RepresentationResult compare_representation(const std::vector<std::pair<std::string, std::uint64_t>>& counts,
                                            const std::vector<std::pair<std::string, double>>& reference,
                                            const RepresentationOptions& options = {});

}  // namespace equalis::audit

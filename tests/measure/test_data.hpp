#pragma once
// Shared helpers for the measure tests: random positive samples for property tests and the mexico data.

#include "core/csv.hpp"
#include "core/table.hpp"

#include <rapidcheck.h>

#include <cstdint>
#include <string>
#include <vector>

namespace equalis::measure::testing {

struct GroupedData {
  std::vector<double> values;
  std::vector<double> weights;
  std::vector<std::uint32_t> groups;
  std::vector<std::string> names;
};

// 2..60 units with values in [1, 1000], weights in [1, 50] and up to 5 groups (every group non-empty).
inline rc::Gen<GroupedData> grouped_data() {
  return rc::gen::exec([] {
    const auto n = *rc::gen::inRange<std::size_t>(2, 60);
    const auto group_count = *rc::gen::inRange<std::uint32_t>(1, 6);
    GroupedData data;
    for (std::size_t i = 0; i < n; ++i) {
      data.values.push_back(*rc::gen::inRange(1, 100000) / 100.0);
      data.weights.push_back(*rc::gen::inRange(1, 51));
      data.groups.push_back(
          static_cast<std::uint32_t>(i < group_count ? i : *rc::gen::inRange<std::uint32_t>(0, group_count)));
    }
    for (std::uint32_t g = 0; g < group_count; ++g) data.names.push_back("g" + std::to_string(g));
    // Groups beyond the unit count would be empty: keep only used names.
    if (group_count > n) data.names.resize(n);
    return data;
  });
}

struct MexicoColumn {
  std::vector<double> values;
  std::vector<std::uint32_t> groups;
  std::vector<std::string> group_names;
};

inline MexicoColumn mexico(const std::string& value_column, const std::string& group_column) {
  const CsvTable table = CsvTable::read_file(std::string(EQUALIS_TEST_DATA_DIR) + "/mexico/mexico.csv");
  const NumericColumn values = read_numeric_column(table, value_column);
  const CategoryColumn groups = read_category_column(table, group_column);
  return {values.values, groups.codes, groups.labels};
}

}  // namespace equalis::measure::testing

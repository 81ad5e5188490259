#include "core/field_names.hpp"

#include <unordered_map>

namespace equalis {

std::string option_of_field(std::string_view field) {
  static const std::unordered_map<std::string_view, std::string_view> kOptions{
      // request field → option, where the option is not the field itself
      {"atkinson_epsilons", "atkinson_epsilon"},
      {"from_time", "from"},
      {"gap_threshold", "gap"},
      {"ge_alphas", "ge_alpha"},
      {"id_column", "id"},
      {"indicators", "indicator"},
      {"measures", "measure"},
      {"offices", "office"},
      {"poverty_lines", "poverty_line"},
      {"target_gap", "gap"},
      {"time_column", "by"},
      {"times", "time"},
      {"to_time", "to"},
      {"value_columns", "value"},
      {"weight_column", "weight_col"},
      {"weighting", "weights"},
      {"window_count", "window"},
  };
  if (const auto found = kOptions.find(field); found != kOptions.end()) return std::string(found->second);
  return std::string(field);
}

}  // namespace equalis

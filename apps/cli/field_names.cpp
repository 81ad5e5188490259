// The command line's spelling of request fields: library messages name fields in backticks
// (`time_limit`), the CLI shows the flag (--time-limit). Most flags are the field with dashes; the table
// lists the ones that are not.

#include "commands.hpp"

#include "core/error.hpp"

#include <string>
#include <unordered_map>

namespace equalis::cli {

std::string flag_of_field(std::string_view field) {
  static const std::unordered_map<std::string_view, std::string_view> kFlags{
      // request field → flag, where the flag is not "--" + the field with dashes
      {"atkinson_epsilons", "--atkinson-epsilon"},
      {"from_time", "--from"},
      {"gap_threshold", "--gap"},
      {"ge_alphas", "--ge-alpha"},
      {"id_column", "--id"},
      {"indicators", "--indicator"},
      {"measures", "--measure"},
      {"offices", "--office"},
      {"poverty_lines", "--poverty-line"},
      {"target_gap", "--gap"},
      {"time_column", "--by"},
      {"times", "--time"},
      {"to_time", "--to"},
      {"value_columns", "--value"},
      {"weight_column", "--weight-col"},
      {"weighting", "--weights"},
      {"window_count", "--window"},
  };
  if (const auto found = kFlags.find(field); found != kFlags.end()) return std::string(found->second);
  std::string flag = "--" + std::string(field);
  for (char& c : flag)
    if (c == '_') c = '-';
  return flag;
}

std::string respell_for_cli(std::string_view message) {
  return respell_fields(message, flag_of_field);
}

}  // namespace equalis::cli

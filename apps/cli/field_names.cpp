// The command line's spelling of request fields: library messages name fields in backticks
// (`time_limit`), the CLI shows the flag (--time-limit): the option's name (core/field_names.hpp) with
// dashes.

#include "core/field_names.hpp"

#include "commands.hpp"

#include "core/error.hpp"

#include <string>

namespace equalis::cli {

std::string flag_of_field(std::string_view field) {
  std::string flag = "--" + option_of_field(field);
  for (char& c : flag)
    if (c == '_') c = '-';
  return flag;
}

std::string respell_for_cli(std::string_view message) {
  return respell_fields(message, flag_of_field);
}

}  // namespace equalis::cli

#pragma once
// The name a front end shows for a request field. Library messages name fields in backticks
// (`ge_alphas`, `value_columns`); the command line and the Python package name the same things by their
// options (--ge-alpha, ge_alpha=). Most options are the field itself; the table lists the others.

#include <string>
#include <string_view>

namespace equalis {

// The option's name in snake_case ("ge_alpha" for `ge_alphas`, "value" for `value_columns`).
std::string option_of_field(std::string_view field);

}  // namespace equalis

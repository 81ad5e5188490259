#pragma once
// Choosing a column of a CSV header: the one the user named, or the first of the usual names present.

#include <initializer_list>
#include <string>
#include <vector>

namespace equalis::io {

// `given` when not empty (the table reader then names the nearest header column if it is absent), else
// the first of `usual` in the header. Throws Error(InvalidInput) naming `path`, the `role` and the names
// looked for when none is present.
[[nodiscard]] std::string choose_column(const std::string& path, const std::vector<std::string>& header,
                                        const std::string& given, std::initializer_list<const char*> usual,
                                        const char* role);

}  // namespace equalis::io

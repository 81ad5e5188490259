#pragma once
// One check for every input path, before a reader opens it: a missing path, a directory or an unreadable
// file gets the same clear Io error (exit 4 on the command line) whichever module reads it.

#include <string>
#include <string_view>

namespace equalis {

// Throws Error(Io) naming `path` (and `role`, e.g. "graph file", when given) unless it is a regular file
// that can be opened for reading. "-" (standard input) is not a path and is not checked.
void require_input_file(const std::string& path, std::string_view role = {});

}  // namespace equalis

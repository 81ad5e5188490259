#pragma once
// One check for every input path, before a reader opens it: a missing path, a directory or an unreadable
// file gets the same clear Io error (exit 4 on the command line) whichever module reads it.

#include <span>
#include <string>
#include <string_view>

namespace equalis {

// Throws Error(Io) naming `path` (and `role`, e.g. "graph file", when given) unless it is a regular file
// that can be opened for reading. "-" (standard input) is not a path and is not checked.
void require_input_file(const std::string& path, std::string_view role = {});

// Refuses to write `output` over one of `inputs` (the same file under another name too): Error(InvalidInput)
// naming both, before any work. Every library writer of a file a request names calls it with the
// request's own inputs; a front end that writes the rendered result calls it with the inputs it was given.
// "" and "-" (standard output) are not files and pass.
void refuse_output_over_inputs(const std::string& output, std::span<const std::string> inputs);

}  // namespace equalis

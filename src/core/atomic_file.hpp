#pragma once
// Output files are never left half-written: content goes to a temporary file in the same directory,
// is flushed to disk, then renamed over the target in one step.

#include <string>
#include <string_view>

namespace equalis {

// Throws Error(Io) naming the path if the file cannot be written; the target is untouched then.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace equalis

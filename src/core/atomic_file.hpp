#pragma once
// Output files are never left half-written: content goes to a temporary file in the same directory,
// is flushed to disk, then renamed over the target in one step.

#include <string>
#include <string_view>
#include <vector>

namespace equalis {

// Throws Error(Io) naming the path if the file cannot be written; the target is untouched then.
void write_file_atomically(const std::string& path, std::string_view content);

struct FileContent {
  std::string path;
  std::string content;
};

// Several outputs of one command, committed together: every file is written to a temporary beside its
// target first, and only when all of them are on disk are they renamed into place. A failure while
// writing leaves every target untouched.
void write_files_together(const std::vector<FileContent>& files);

}  // namespace equalis

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

// A whole output folder replaced in one step: `files` (paths relative to the folder, subfolders allowed)
// are written into a new folder beside `directory`, which then takes its place (an atomic exchange where
// the file system allows it). A failed run leaves the previous folder intact. A folder that exists and is
// not empty is replaced only if it holds `marker` (a file equalis wrote there before): a user's folder of
// other files is refused with Error(Io), never replaced.
void write_folder_atomically(const std::string& directory, const std::vector<FileContent>& files,
                             const std::string& marker);

}  // namespace equalis

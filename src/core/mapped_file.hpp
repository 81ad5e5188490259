#pragma once
// A whole file mapped read-only into memory: big inputs are scanned in place, in parallel ranges,
// without a copy. Pages can be handed back to the kernel once read (release) and are read again from the
// file if touched later.

#include <cstddef>
#include <string>
#include <string_view>

namespace equalis {

class MappedFile {
 public:
  // Throws Error(Io) if the file cannot be opened or is not a regular file. An empty file maps to "".
  explicit MappedFile(const std::string& path);
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&&) = delete;
  MappedFile& operator=(MappedFile&&) = delete;
  ~MappedFile();

  [[nodiscard]] std::string_view text() const noexcept { return {data_, size_}; }
  // Lets the kernel drop the pages read so far (they stay readable: the file backs them).
  void release() const noexcept;

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace equalis

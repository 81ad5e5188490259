#include "core/mapped_file.hpp"

#include "core/error.hpp"
#include "core/input_file.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace equalis {

MappedFile::MappedFile(const std::string& path) {
  require_input_file(path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ErrorCode::Io, fmt::format("cannot open '{}'", path), "check the path and read permission");
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    throw Error(ErrorCode::Io, fmt::format("'{}' is not a regular file", path), "give the path of a file");
  }
  size_ = static_cast<std::size_t>(info.st_size);
  if (size_ > 0) {
    void* data = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      ::close(fd);
      throw Error(ErrorCode::Io, fmt::format("cannot read '{}'", path), "check the file");
    }
    data_ = static_cast<const char*>(data);
    ::madvise(data, size_, MADV_SEQUENTIAL);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

void MappedFile::release() const noexcept {
  if (data_ != nullptr) ::madvise(const_cast<char*>(data_), size_, MADV_DONTNEED);
}

}  // namespace equalis

#pragma once
// Shared libosmium plumbing for the network module (internal): open an extract and translate libosmium's
// exceptions into equalis::Error naming the file and the fix.

#include "core/error.hpp"
#include "core/progress.hpp"

#include <cstdint>
#include <filesystem>
#include <osmium/io/any_input.hpp>
#include <osmium/osm/entity_bits.hpp>
#include <string>
#include <system_error>

namespace equalis::network::detail {

// Checks that `path` exists and has a format libosmium reads; throws Error(Io|Unsupported) otherwise.
osmium::io::File open_osm_file(const std::string& path);

// Rethrows the active exception (from inside a catch block) as an equalis::Error about `path`.
[[noreturn]] void rethrow_as_osm_error(const std::string& path);

// Reads the file buffer by buffer, calling handle(buffer) and ticking progress by bytes read.
template <typename Handle>
void read_osm(const std::string& path, osmium::osm_entity_bits::type entities, ProgressSink& progress,
              const char* task_name, Handle&& handle) {
  const osmium::io::File file = open_osm_file(path);
  std::error_code size_error;
  const auto file_size = std::filesystem::file_size(path, size_error);
  ProgressTask task(progress, task_name, size_error ? 0 : static_cast<std::uint64_t>(file_size));
  try {
    osmium::io::Reader reader(file, entities);
    std::uint64_t reported = 0;
    while (osmium::memory::Buffer buffer = reader.read()) {
      handle(buffer);
      const std::uint64_t offset = reader.offset();
      if (offset > reported) {
        if (!task.tick(offset - reported)) break;
        reported = offset;
      }
    }
    reader.close();
  } catch (const Error&) {
    throw;
  } catch (...) {
    rethrow_as_osm_error(path);
  }
  task.throw_if_stopped();
}

}  // namespace equalis::network::detail

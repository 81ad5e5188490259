#include "network/osm_read.hpp"

#include <fmt/format.h>

#include <exception>
#include <stdexcept>

namespace equalis::network::detail {

osmium::io::File open_osm_file(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw Error(ErrorCode::Io, fmt::format("cannot open OSM file '{}': no such file", path),
                "check the path; extracts can be downloaded from download.geofabrik.de");
  }
  osmium::io::File file(path);
  if (file.format() == osmium::io::file_format::unknown) {
    throw Error(ErrorCode::Unsupported, fmt::format("'{}' does not have the extension of an OSM file", path),
                "give an .osm.pbf or .osm (XML, optionally .gz/.bz2) file");
  }
  return file;
}

void rethrow_as_osm_error(const std::string& path) {
  std::string what = "unknown error";
  try {
    throw;
  } catch (const std::exception& error) {
    what = error.what();
  } catch (...) {
  }
  throw Error(ErrorCode::Parse, fmt::format("cannot read '{}' as OpenStreetMap data: {}", path, what),
              "the file is truncated, corrupt or not OSM; download the extract again (.osm.pbf or .osm XML)");
}

}  // namespace equalis::network::detail

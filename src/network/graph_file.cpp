#include "network/graph_file.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <fstream>
#include <limits>
#include <span>
#include <zlib.h>

namespace equalis::network {

static_assert(std::endian::native == std::endian::little, "the graph file is written little-endian");

namespace {

constexpr std::array<char, 8> kMagic{'E', 'Q', 'G', 'R', 'A', 'P', 'H', '\x1a'};

struct Header {
  std::array<char, 8> magic{};
  std::uint32_t version = 0;
  std::uint32_t header_bytes = 0;
  std::uint64_t node_count = 0;
  std::uint64_t arc_count = 0;
  std::uint64_t up_count = 0;
  std::uint64_t down_count = 0;
  std::array<char, 12> profile{};
  std::uint32_t crc32 = 0;  // of everything after the header
};
static_assert(sizeof(Header) == 64);

std::uint64_t payload_bytes(const Header& h) {
  const std::uint64_t n = h.node_count;
  return 4 * (n + 1) + 8 * h.arc_count + 8 * n * 2 + 8 * n + 4 * n + 4 * (n + 1) + 8 * h.up_count +
         4 * (n + 1) + 8 * h.down_count;
}

template <typename T>
void append(std::string& out, const std::vector<T>& values) {
  if (values.empty()) return;
  out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

std::uint32_t crc_of(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::size_t chunk = std::min<std::size_t>(bytes.size() - done, std::numeric_limits<uInt>::max());
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + done), static_cast<uInt>(chunk));
    done += chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  std::vector<T> take(std::uint64_t count) {
    std::vector<T> values(count);
    if (count == 0) return values;
    std::memcpy(values.data(), bytes_.data() + offset_, count * sizeof(T));
    offset_ += count * sizeof(T);
    return values;
  }

 private:
  std::string_view bytes_;
  std::size_t offset_ = 0;
};

[[noreturn]] void corrupt(const std::string& path, const std::string& what) {
  throw Error(ErrorCode::Parse, fmt::format("graph file '{}' is corrupt: {}", path, what),
              "rebuild it from the OSM extract (network build) into " + path);
}

void check_csr(const std::string& path, const char* name, const std::vector<std::uint32_t>& first_out,
               const std::vector<std::uint32_t>& head, std::size_t node_count) {
  if (first_out.front() != 0 || first_out.back() != head.size())
    corrupt(path, fmt::format("{} offsets", name));
  for (std::size_t i = 1; i < first_out.size(); ++i) {
    if (first_out[i] < first_out[i - 1]) corrupt(path, fmt::format("{} offsets decrease", name));
  }
  for (const std::uint32_t target : head) {
    if (target >= node_count) corrupt(path, fmt::format("{} arc to node {} of {}", name, target, node_count));
  }
}

}  // namespace

void save_network(const std::string& path, const RoutingNetwork& network) {
  const Graph& g = network.graph;
  const ContractionHierarchy& ch = network.ch;
  if (ch.node_count() != g.node_count() || ch.rank.size() != g.node_count() ||
      g.lon.size() != g.node_count() || g.lat.size() != g.node_count() || g.osm_id.size() != g.node_count()) {
    throw Error(ErrorCode::Internal, "graph and hierarchy sizes disagree", "report this bug");
  }
  Header header;
  header.magic = kMagic;
  header.version = kGraphFileVersion;
  header.header_bytes = sizeof(Header);
  header.node_count = g.node_count();
  header.arc_count = g.arc_count();
  header.up_count = ch.up_head.size();
  header.down_count = ch.down_head.size();
  std::memcpy(header.profile.data(), g.profile.data(), std::min(g.profile.size(), header.profile.size() - 1));
  std::string bytes(sizeof(Header), '\0');
  bytes.reserve(sizeof(Header) + payload_bytes(header));
  append(bytes, g.first_out);
  append(bytes, g.head);
  append(bytes, g.travel_time);
  append(bytes, g.lon);
  append(bytes, g.lat);
  append(bytes, g.osm_id);
  append(bytes, ch.rank);
  append(bytes, ch.up_first_out);
  append(bytes, ch.up_head);
  append(bytes, ch.up_time);
  append(bytes, ch.down_first_out);
  append(bytes, ch.down_head);
  append(bytes, ch.down_time);
  header.crc32 = crc_of(std::string_view(bytes).substr(sizeof(Header)));
  std::memcpy(bytes.data(), &header, sizeof(Header));
  write_file_atomically(path, bytes);
}

RoutingNetwork load_network(const std::string& path) {
  require_input_file(path, "graph file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCode::Io, fmt::format("cannot open graph file '{}'", path),
                "check the path, or build the graph with `equalis network build`");
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(in.tellg());
  in.seekg(0, std::ios::beg);
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    throw Error(ErrorCode::Io, fmt::format("cannot read graph file '{}'", path),
                "check the file permissions");
  }
  Header header;
  if (size < sizeof(Header) || std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    throw Error(ErrorCode::Parse, fmt::format("'{}' is not an equalis graph file", path),
                "give the .eqg file written by `equalis network build`");
  }
  std::memcpy(&header, bytes.data(), sizeof(Header));
  if (header.version != kGraphFileVersion) {
    throw Error(ErrorCode::Unsupported,
                fmt::format("graph file '{}' has format version {}; this equalis reads version {}", path,
                            header.version, kGraphFileVersion),
                "rebuild the graph from the OSM extract with this version: `equalis network build`");
  }
  if (header.header_bytes != sizeof(Header) || header.node_count >= kInvalidNode ||
      header.arc_count >= kInvalidNode || header.up_count >= kInvalidNode ||
      header.down_count >= kInvalidNode || header.node_count == 0) {
    corrupt(path, "impossible sizes in the header");
  }
  if (size != sizeof(Header) + payload_bytes(header)) {
    corrupt(path,
            fmt::format("{} bytes, expected {} (truncated?)", size, sizeof(Header) + payload_bytes(header)));
  }
  if (crc_of(std::string_view(bytes).substr(sizeof(Header))) != header.crc32) {
    corrupt(path, "checksum mismatch");
  }
  RoutingNetwork net;
  const std::uint64_t n = header.node_count;
  Cursor cursor(std::string_view(bytes).substr(sizeof(Header)));
  Graph& g = net.graph;
  g.profile = std::string(header.profile.data(), strnlen(header.profile.data(), header.profile.size()));
  g.first_out = cursor.take<std::uint32_t>(n + 1);
  g.head = cursor.take<NodeId>(header.arc_count);
  g.travel_time = cursor.take<TravelTimeMs>(header.arc_count);
  g.lon = cursor.take<double>(n);
  g.lat = cursor.take<double>(n);
  g.osm_id = cursor.take<std::int64_t>(n);
  ContractionHierarchy& ch = net.ch;
  ch.rank = cursor.take<std::uint32_t>(n);
  ch.up_first_out = cursor.take<std::uint32_t>(n + 1);
  ch.up_head = cursor.take<std::uint32_t>(header.up_count);
  ch.up_time = cursor.take<TravelTimeMs>(header.up_count);
  ch.down_first_out = cursor.take<std::uint32_t>(n + 1);
  ch.down_head = cursor.take<std::uint32_t>(header.down_count);
  ch.down_time = cursor.take<TravelTimeMs>(header.down_count);
  // The checksum guards against damage; these checks make a crafted file unable to index out of bounds.
  check_csr(path, "graph", g.first_out, g.head, n);
  check_csr(path, "upward", ch.up_first_out, ch.up_head, n);
  check_csr(path, "downward", ch.down_first_out, ch.down_head, n);
  for (const std::uint32_t r : ch.rank) {
    if (r >= n) corrupt(path, "rank out of range");
  }
  return net;
}

}  // namespace equalis::network

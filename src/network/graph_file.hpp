#pragma once
// The .eqg file: a routable graph and its contraction hierarchy in one versioned binary file.
// Layout (little-endian): a 64-byte header {magic "EQGRAPH1"… see docs/network.md, format version,
// header size, node/arc/upward/downward arc counts, profile name, CRC-32 of the payload}, then the
// arrays one after another. Written atomically (temporary file + rename); read back with one read.

#include "network/contraction.hpp"
#include "network/graph.hpp"

#include <cstdint>
#include <string>

namespace equalis::network {

inline constexpr std::uint32_t kGraphFileVersion = 1;

struct RoutingNetwork {
  Graph graph;
  ContractionHierarchy ch;
};

// Throws Error(Io) if the file cannot be written (the target is then untouched).
void save_network(const std::string& path, const RoutingNetwork& network);

// Throws Error(Io) if the file cannot be read, Error(Parse) if it is not an equalis graph, is truncated
// or fails its checksum, Error(Unsupported) if it was written by another format version.
RoutingNetwork load_network(const std::string& path);

}  // namespace equalis::network

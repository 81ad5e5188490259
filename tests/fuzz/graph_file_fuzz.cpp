// Fuzz target for the .eqg graph file (network/graph_file.hpp). The target first rewrites the header's
// CRC-32 to match the payload, so that mutations reach the structural checks behind the checksum (the
// checksum test itself is a unit test). A file that loads must then be safe to route on: one Dijkstra
// search and one hierarchy query run on it. Anything else than a load or an equalis::Error is a bug.

#include "fuzz_support.hpp"

#include "network/graph_file.hpp"
#include "network/matrix.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <zlib.h>

namespace {

constexpr std::size_t kHeaderBytes = 64;
constexpr std::size_t kCrcOffset = 60;  // the header's last field

void match_checksum(std::string& bytes) {
  if (bytes.size() < kHeaderBytes) return;
  const auto* payload = reinterpret_cast<const Bytef*>(bytes.data() + kHeaderBytes);
  const auto crc = static_cast<std::uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), payload, static_cast<uInt>(bytes.size() - kHeaderBytes)));
  std::memcpy(bytes.data() + kCrcOffset, &crc, sizeof crc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(equalis::fuzz::as_text(data, size));
  match_checksum(bytes);
  const equalis::fuzz::TempInput file(bytes, ".eqg");
  std::optional<equalis::network::RoutingNetwork> network;
  equalis::fuzz::refusal_is_fine([&] { network.emplace(equalis::network::load_network(file.path())); });
  if (!network) return 0;
  const auto last = static_cast<equalis::network::NodeId>(network->graph.node_count() - 1);
  (void)equalis::network::dijkstra_one_to_all(network->graph, 0);
  const std::array<equalis::network::NodeId, 2> nodes{0, last};
  equalis::fuzz::refusal_is_fine([&] { (void)equalis::network::ch_matrix(network->ch, nodes, nodes); });
  return 0;
}

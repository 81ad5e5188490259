#pragma once
// The vocabulary modules share for costs between places: one unreachable value, the unit a cost is in,
// and the long CSV matrix (one row per origin–destination pair, e.g. from `equalis network matrix` or an
// external router). Network writes matrices, plan and access read them; none depends on another for it.

#include "core/progress.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::io {

// A pair that cannot be travelled (absent from a long matrix, beyond a search limit, off the network).
inline constexpr float kUnreachable = std::numeric_limits<float>::infinity();

// What a cost measures; every report states it beside the numbers.
enum class CostUnit : std::uint8_t {
  Seconds,  // travel times from the network module
  Minutes,
  Metres,
  Given,  // as the input file gives them (the file's own unit)
};
[[nodiscard]] std::string_view cost_unit_name(CostUnit unit) noexcept;

// Columns of a long matrix; an empty name picks the first present of the usual names.
struct LongMatrixSpec {
  std::string from_column;  // empty = from_id, from, from_idx, origin
  std::string to_column;    // empty = to_id, to, to_idx, destination
  std::string cost_column;  // empty = cost, travel_time_s, travel_time, time, distance
};

// Pairs as read: ids in order of first appearance, one entry per row (a repeated pair stays repeated:
// the reader of a dense matrix keeps the cheapest).
struct LongMatrix {
  std::string source;
  std::vector<std::string> origin_ids;
  std::vector<std::string> destination_ids;
  std::vector<std::uint32_t> origin;       // per entry, index into origin_ids
  std::vector<std::uint32_t> destination;  // per entry, index into destination_ids
  std::vector<float> cost;                 // per entry, finite and ≥ 0
  [[nodiscard]] std::size_t size() const noexcept { return cost.size(); }
};

// Reads a long CSV matrix with the typed column reader (parallel, no copy of the cells). Throws
// Error(Parse) at a cost that is not a finite number ≥ 0, Error(InvalidInput) for a missing id or
// column, each with file:line:column.
[[nodiscard]] LongMatrix read_long_matrix(const std::string& path, const LongMatrixSpec& spec = {},
                                          ProgressSink& progress = null_progress());

}  // namespace equalis::io

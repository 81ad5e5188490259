#pragma once
// Durations as people write them, for every front end (command line, study file): "600" (seconds),
// "90s", "10min", "1.5h", "1h30min".

#include <optional>
#include <string_view>

namespace equalis {

// Seconds; std::nullopt when the text is not a duration (an unknown unit, a bare number after a unit, an
// empty or non-finite number).
std::optional<double> parse_duration_seconds(std::string_view text);

}  // namespace equalis

#pragma once
// Wall-clock seconds since a start point: the time limits of the solvers and the `seconds` of reports.

#include <chrono>

namespace equalis {

using SteadyClock = std::chrono::steady_clock;

inline double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

}  // namespace equalis

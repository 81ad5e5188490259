#pragma once
// The library's version, as CMake's project() states it; every report's envelope carries it.

#include <string_view>

namespace equalis {

std::string_view version() noexcept;

}  // namespace equalis

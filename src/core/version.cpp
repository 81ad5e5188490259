#include "core/version.hpp"

namespace equalis {

std::string_view version() noexcept {
  return EQUALIS_VERSION;
}

}  // namespace equalis

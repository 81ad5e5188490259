#include "core/parallel.hpp"

#include <omp.h>

namespace equalis {

int worker_count() noexcept {
  return omp_get_max_threads();
}

}  // namespace equalis

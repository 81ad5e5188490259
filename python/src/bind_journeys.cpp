#include "binding.hpp"

namespace equalis::python {

void bind_journeys(py::module_& /*module*/) {}

}  // namespace equalis::python

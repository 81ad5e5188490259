#include "binding.hpp"

namespace equalis::python {

void bind_plan(py::module_& /*module*/) {}

}  // namespace equalis::python

#include "binding.hpp"

namespace equalis::python {

void bind_access(py::module_& /*module*/) {}

}  // namespace equalis::python

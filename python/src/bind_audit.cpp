#include "binding.hpp"

namespace equalis::python {

void bind_audit(py::module_& /*module*/) {}

}  // namespace equalis::python

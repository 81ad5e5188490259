#include "binding.hpp"

namespace equalis::python {

void bind_network(py::module_& /*module*/) {}

}  // namespace equalis::python

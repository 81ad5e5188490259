// The extension module `equalis._equalis`: each family's functions (bind_*.cpp) and the translation of
// equalis::Error into the exception classes of equalis/errors.py, keeping the message, the fix and the
// place in the input.

#include "binding.hpp"

#include "core/duration.hpp"
#include "core/error.hpp"
#include "core/field_names.hpp"

#include <fmt/format.h>

namespace equalis::python {
namespace {

const char* exception_class(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidInput:
      return "InputError";
    case ErrorCode::Parse:
      return "ParseError";
    case ErrorCode::Io:
      return "FileError";
    case ErrorCode::Infeasible:
      return "InfeasibleError";
    case ErrorCode::Unsupported:
      return "UnsupportedError";
    case ErrorCode::Cancelled:
      return "Cancelled";
    case ErrorCode::Internal:
      return "InternalError";
  }
  return "Error";
}

// Library messages name request fields in backticks; Python shows its keyword argument there.
// The command line's option, except that a list is named in the plural (ge_alphas=[0, 1] for repeated
// --ge-alpha) and `from` is a reserved word.
std::string python_spelling(std::string_view field) {
  const std::string option = option_of_field(field);
  if (field == "from_time" || field == "to_time" || option + "s" == field) return fmt::format("`{}`", field);
  return fmt::format("`{}`", option);
}

void raise_as_python(const Error& original) {
  const Error error(original.code(), respell_fields(original.message(), python_spelling),
                    respell_fields(original.fix(), python_spelling), original.where());
  const py::module_ errors = py::module_::import("equalis.errors");
  const py::object type = errors.attr(exception_class(error.code()));
  py::object file = py::none();
  py::object line = py::none();
  py::object column = py::none();
  if (const auto& where = error.where()) {
    file = py::str(where->file);
    if (where->line != 0) line = py::int_(where->line);
    if (where->column != 0) column = py::int_(where->column);
  }
  const py::object instance =
      type(error.what(), py::arg("message") = error.message(), py::arg("fix") = error.fix(),
           py::arg("code") = std::string(error_code_info(error.code()).name), py::arg("file") = file,
           py::arg("line") = line, py::arg("column") = column);
  PyErr_SetObject(type.ptr(), instance.ptr());
}

}  // namespace
}  // namespace equalis::python

PYBIND11_MODULE(_equalis, module) {
  namespace py = pybind11;
  using namespace equalis::python;
  module.doc() = "equalis engines (use the `equalis` package, not this module directly)";
  module.attr("__version__") = EQUALIS_VERSION;
  py::register_exception_translator([](std::exception_ptr failure) {
    try {
      if (failure) std::rethrow_exception(failure);
    } catch (const equalis::Error& error) {
      raise_as_python(error);
    }
  });
  // Durations as the CLI and the study file read them ("600", "90s", "10min", "1h30min"): None if not one.
  module.def(
      "parse_duration", [](const std::string& text) { return equalis::parse_duration_seconds(text); },
      py::arg("text"));
  bind_measure(module);
  bind_audit(module);
  bind_plan(module);
  bind_network(module);
  bind_access(module);
  bind_journeys(module);
  bind_study(module);
}

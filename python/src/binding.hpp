#pragma once
// What every family's binding shares: reading a request's fields from a Python dict (unknown names are
// refused with the nearest known one), a ProgressSink that calls a Python callable and turns Ctrl-C into
// a cooperative stop, and running an engine with the GIL released. Each family renders its result with
// src/report (the CLI's own JSON, CSV and text), so Python gets the numbers the CLI prints.

#include "core/error.hpp"
#include "core/progress.hpp"
#include "report/document.hpp"

#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace equalis::python {

namespace py = pybind11;

// A request's fields as given by the Python layer (keyword arguments, None = "not given").
class Fields {
 public:
  Fields(const py::dict& fields, std::string function);

  // Sets `out` from the field when it is given and not None; a value of the wrong type is an
  // Error(InvalidInput) naming the field.
  template <class T>
  void get(const char* name, T& out) {
    convert(name, take(name), out);
  }
  // The field as given (None when absent), for a field that takes several types.
  py::object raw(const char* name) { return take(name); }
  template <class T>
  void convert(const char* name, const py::object& value, T& out) {
    if (value.is_none()) return;
    try {
      out = value.cast<T>();
    } catch (const py::cast_error&) {
      throw_wrong_type(name, value, expected<T>());
    }
  }
  // A string field mapped onto an enum through its spellings.
  template <class Enum>
  void choice(const char* name, Enum& out, const std::vector<std::pair<std::string, Enum>>& spellings) {
    std::string text;
    get(name, text);
    if (text.empty()) return;
    for (const auto& [spelling, value] : spellings) {
      if (spelling == text) {
        out = value;
        return;
      }
    }
    throw_unknown_choice(name, text, spellings_of(spellings));
  }
  // A one-character field (a CSV delimiter).
  void character(const char* name, char& out);
  // Throws Error(InvalidInput) for a field no get() asked for (a misspelt option).
  void finish() const;

 private:
  py::object take(const char* name);
  [[noreturn]] static void throw_wrong_type(const char* name, const py::object& value, const char* expected);
  // What a field of type T takes, in a user's words.
  template <class T>
  static const char* expected() {
    if constexpr (std::is_same_v<T, bool>)
      return "True or False";
    else if constexpr (std::is_unsigned_v<T>)
      return "a whole number ≥ 0";
    else if constexpr (std::is_integral_v<T>)
      return "a whole number";
    else if constexpr (std::is_floating_point_v<T>)
      return "a number";
    else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::optional<std::string>>)
      return "a string";
    else if constexpr (std::is_same_v<T, std::vector<std::string>>)
      return "a list of strings";
    else if constexpr (std::is_same_v<T, std::vector<double>>)
      return "a list of numbers";
    else if constexpr (std::is_same_v<T, std::optional<double>>)
      return "a number";
    else
      return "another type";
  }
  [[noreturn]] static void throw_unknown_choice(const char* name, const std::string& text,
                                                const std::vector<std::string>& known);
  template <class Enum>
  static std::vector<std::string> spellings_of(const std::vector<std::pair<std::string, Enum>>& spellings) {
    std::vector<std::string> names;
    names.reserve(spellings.size());
    for (const auto& entry : spellings) names.push_back(entry.first);
    return names;
  }

  py::dict fields_;
  std::string function_;
  std::vector<std::string> known_;
};

// Progress for Python: `callback(event, task, done, total)` with event "begin", "update" or "end", and
// log messages kept for the result. Ctrl-C (a pending SIGINT) and an exception raised by the callback
// ask the engine to stop; the Python exception is raised again once the engine has returned.
class PythonProgress final : public ProgressSink {
 public:
  explicit PythonProgress(py::object callback);
  PythonProgress(const PythonProgress&) = delete;
  PythonProgress& operator=(const PythonProgress&) = delete;
  PythonProgress(PythonProgress&&) = delete;
  PythonProgress& operator=(PythonProgress&&) = delete;
  ~PythonProgress() override;

  void begin(std::string_view task, std::uint64_t total_steps) override;
  void update(std::uint64_t steps_done) override;
  void end() override;
  void log(LogLevel level, std::string_view message) override;
  [[nodiscard]] bool stop_requested() const override;

  // Raises the Python exception that stopped the work, if any (call with the GIL held).
  void raise_pending();
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> take_log();

 private:
  void call(const char* event, const std::function<void()>& record);
  void check_signals() const;  // with the GIL held

  py::object callback_;
  std::string task_;
  std::uint64_t total_ = 0;
  std::uint64_t done_ = 0;
  mutable std::mutex log_mutex_;
  std::vector<std::pair<std::string, std::string>> log_;  // (level, message)
  mutable std::optional<py::error_already_set> pending_;
};

// An engine's result rendered for Python: the CLI's JSON document, named CSV tables and the text form.
struct Rendered {
  std::string json;
  std::vector<std::pair<std::string, std::string>> tables;  // (name, CSV)
  std::string text;
};

// The forms the family has: JSON, text, and the CSV form as table `table` (a network matrix is CSV only,
// a build JSON only).
Rendered render_all(const report::Renderers& renderers, const char* table = "result");

// Runs `work` with the GIL released and returns {"json", "tables", "text", "log"}; an equalis::Error
// reaches Python as the matching equalis exception (see module.cpp), a stop as the KeyboardInterrupt or
// callback exception that caused it.
py::dict run_engine(const py::object& progress, const std::function<Rendered(ProgressSink&)>& work);

// Registers `name(fields, progress=None)` on the module: `make_request(fields)` reads the request (with the
// GIL held), then `work(request, sink)` runs the engine and renders its result (through run_engine).
template <class MakeRequest, class Work>
void def_engine(py::module_& module, const char* name, MakeRequest make_request, Work work) {
  module.def(
      name,
      [make_request, work](const py::dict& fields, const py::object& progress) {
        const auto request = make_request(fields);
        return run_engine(progress, [&](ProgressSink& sink) { return work(request, sink); });
      },
      py::arg("fields"), py::arg("progress") = py::none());
}

// Registration of each family's functions on the extension module.
void bind_measure(py::module_& module);
void bind_audit(py::module_& module);
void bind_plan(py::module_& module);
void bind_network(py::module_& module);
void bind_access(py::module_& module);
void bind_journeys(py::module_& module);
void bind_study(py::module_& module);

}  // namespace equalis::python

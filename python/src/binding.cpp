#include "binding.hpp"

#include "core/csv.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace equalis::python {

Fields::Fields(const py::dict& fields, std::string function)
    : fields_(fields), function_(std::move(function)) {}

py::object Fields::take(const char* name) {
  known_.emplace_back(name);
  if (!fields_.contains(name)) return py::none();
  return fields_[name];
}

void Fields::character(const char* name, char& out) {
  std::string text;
  get(name, text);
  if (text.empty()) return;
  if (text.size() != 1) {
    throw Error(ErrorCode::InvalidInput, fmt::format("`{}` must be one character, not '{}'", name, text),
                "give a single character such as ',' or ';'");
  }
  out = text[0];
}

void Fields::finish() const {
  for (const auto& item : fields_) {
    const auto name = py::str(item.first).cast<std::string>();
    if (std::find(known_.begin(), known_.end(), name) != known_.end()) continue;
    const std::string nearest = nearest_name(name, known_);
    throw Error(ErrorCode::InvalidInput, fmt::format("{}() got an unknown option `{}`", function_, name),
                nearest.empty() ? fmt::format("the options are {}", fmt::join(known_, ", "))
                                : fmt::format("did you mean `{}`?", nearest));
  }
}

void Fields::throw_wrong_type(const char* name, const py::object& value, const char* expected) {
  // A negative int fails only the cast to a count (p, bootstrap, min_cell): say so.
  if (py::isinstance<py::int_>(value) && !py::isinstance<py::bool_>(value) && value < py::int_(0)) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("`{}` cannot be negative ({})", name, py::str(value).cast<std::string>()),
                fmt::format("give {}", expected));
  }
  const auto shown = py::repr(value).cast<std::string>();
  throw Error(ErrorCode::InvalidInput, fmt::format("`{}` cannot be {}", name, excerpt(shown)),
              fmt::format("give {}", expected));
}

void Fields::throw_unknown_choice(const char* name, const std::string& text,
                                  const std::vector<std::string>& known) {
  const std::string nearest = nearest_name(text, known);
  throw Error(ErrorCode::InvalidInput, fmt::format("`{}` cannot be '{}'", name, text),
              nearest.empty()
                  ? fmt::format("choose among {}", fmt::join(known, ", "))
                  : fmt::format("did you mean '{}'? (choose among {})", nearest, fmt::join(known, ", ")));
}

PythonProgress::PythonProgress(py::object callback) : callback_(std::move(callback)) {}

PythonProgress::~PythonProgress() {
  // The callback and a pending exception are Python objects: release them with the GIL held.
  py::gil_scoped_acquire gil;
  pending_.reset();
  callback_ = py::object();
}

// Every member is touched with the GIL held: engines report from several threads at once.
void PythonProgress::call(const char* event, const std::function<void()>& record) {
  py::gil_scoped_acquire gil;
  record();
  if (pending_) return;
  if (!callback_.is_none()) {
    try {
      callback_(event, task_, done_, total_);
    } catch (py::error_already_set& e) {
      pending_.emplace(std::move(e));
      return;
    }
  }
  check_signals();
}

void PythonProgress::begin(std::string_view task, std::uint64_t total_steps) {
  call("begin", [&] {
    task_ = std::string(task);
    total_ = total_steps;
    done_ = 0;
  });
}

void PythonProgress::update(std::uint64_t steps_done) {
  call("update", [&] { done_ = std::max(done_, steps_done); });
}

void PythonProgress::end() {
  call("end", [&] { done_ = total_; });
}

void PythonProgress::log(LogLevel level, std::string_view message) {
  const char* name = level == LogLevel::Warning ? "warning" : level == LogLevel::Info ? "info" : "debug";
  const std::lock_guard lock(log_mutex_);
  log_.emplace_back(name, std::string(message));
}

void PythonProgress::check_signals() const {
  if (pending_) return;
  if (PyErr_CheckSignals() != 0) pending_.emplace();  // fetches the KeyboardInterrupt just raised
}

bool PythonProgress::stop_requested() const {
  py::gil_scoped_acquire gil;
  check_signals();
  return pending_.has_value();
}

void PythonProgress::raise_pending() {
  if (!pending_) return;
  py::error_already_set error = std::move(*pending_);
  pending_.reset();
  error.restore();
  throw py::error_already_set();
}

std::vector<std::pair<std::string, std::string>> PythonProgress::take_log() {
  const std::lock_guard lock(log_mutex_);
  return std::exchange(log_, {});
}

Rendered render_all(const report::Renderers& renderers, const char* table) {
  Rendered rendered;
  if (renderers.json) rendered.json = report::render(report::Format::Json, renderers);
  if (renderers.text) rendered.text = report::render(report::Format::Text, renderers);
  if (renderers.csv) rendered.tables.emplace_back(table, report::render(report::Format::Csv, renderers));
  return rendered;
}

py::dict run_engine(const py::object& progress, const std::function<Rendered(ProgressSink&)>& work) {
  PythonProgress sink(progress);
  Rendered rendered;
  std::exception_ptr failure;
  {
    py::gil_scoped_release release;
    try {
      rendered = work(sink);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  sink.raise_pending();  // Ctrl-C or the callback's exception wins over the Cancelled it caused
  if (failure) std::rethrow_exception(failure);
  py::dict result;
  result["json"] = py::bytes(rendered.json);
  py::list tables;
  for (auto& [name, csv] : rendered.tables) tables.append(py::make_tuple(name, py::bytes(csv)));
  result["tables"] = tables;
  result["text"] = rendered.text;
  py::list log;
  for (auto& [level, message] : sink.take_log()) log.append(py::make_tuple(level, message));
  result["log"] = log;
  return result;
}

}  // namespace equalis::python

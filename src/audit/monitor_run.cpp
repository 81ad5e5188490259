#include "audit/monitor_run.hpp"

#include "audit/csv_stream.hpp"
#include "audit/decision_log.hpp"
#include "audit/ndjson_stream.hpp"
#include "core/atomic_file.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"
#include "core/table.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

namespace equalis::audit {

namespace {

void check(const MonitorRequest& request) {
  if (request.decision.empty() == request.score.empty() || (!request.score.empty() && !request.threshold)) {
    throw Error(ErrorCode::InvalidInput, "give exactly one of `decision` and `score` (with `threshold`)",
                "e.g. `decision` granted, or `score` risk with `threshold` 0.5");
  }
  if (request.threshold && !std::isfinite(*request.threshold)) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("the threshold {} is not a finite number", *request.threshold),
                "set `threshold` to the score at which applicants are selected, e.g. 0.5");
  }
  if (request.options.window_seconds > 0.0 && request.time.empty()) {
    throw Error(ErrorCode::InvalidInput, "a time window needs event times",
                "set `time`: the column of event times in seconds");
  }
}

// A fresh monitor, or the one the state file holds.
Monitor open_monitor(const MonitorRequest& request) {
  if (request.state.empty() || !std::filesystem::exists(request.state)) return Monitor(request.options);
  require_input_file(request.state, "state file");
  std::ifstream in(request.state);
  nlohmann::json state;
  try {
    state = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw Error(ErrorCode::Parse, fmt::format("state file '{}' is not JSON: {}", request.state, error.what()),
                "delete it to start over");
  }
  return Monitor::restore(state, request.options);
}

void save_state(const MonitorRequest& request, const Monitor& monitor) {
  if (!request.state.empty()) write_file_atomically(request.state, monitor.save_state().dump() + "\n");
}

// The decisions of one run, from a CSV or an NDJSON reader (the same loop over both).
class Run {
 public:
  Run(const MonitorRequest& request, Monitor& monitor, ProgressSink& progress)
      : request_(request), monitor_(monitor), progress_(progress), skip_(monitor.events_seen()) {}

  template <typename Reader>
  void read(Reader& reader) {
    // Ctrl-C while the reader waits on a pipe: end the input there, so the state is saved and the summary
    // given (the records before the interrupt all count).
    reader.set_stop_on_interrupt([this] { return progress_.stop_requested(); });
    if (request_.follow) {
      reader.set_wait_for_more([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return !progress_.stop_requested();
      });
    }
    std::vector<std::size_t> group_idx;
    for (const auto& name : request_.group) group_idx.push_back(reader.column_index(name));
    const std::size_t outcome_idx = reader.column_index(outcome_column());
    const bool timed = !request_.time.empty();
    const std::size_t time_idx = timed ? reader.column_index(request_.time) : 0;
    const BinaryMapper mapper(request_.positive, request_.negative);
    std::string group;
    while (reader.next()) {
      if (++row_ <= skip_) continue;
      group.clear();
      for (std::size_t k = 0; k < group_idx.size(); ++k) {
        std::string_view cell = reader.field(group_idx[k]);
        if (is_missing_token(cell)) cell = kMissingGroupLabel;
        if (k > 0) group += " × ";
        group += cell;
      }
      const bool selected = is_selected(reader, outcome_idx, mapper);
      const double time = timed ? event_time(reader, time_idx) : 0.0;
      if (auto alert = monitor_.add(group, selected, time)) {
        ++alerts_;
        if (request_.on_alert) request_.on_alert(*alert);
      }
      if (request_.save_every > 0 && monitor_.events_seen() % request_.save_every == 0)
        save_state(request_, monitor_);
      if ((row_ & 0xFFU) == 0 && progress_.stop_requested()) break;
    }
  }

  [[nodiscard]] const std::string& outcome_column() const {
    return request_.decision.empty() ? request_.score : request_.decision;
  }

  [[nodiscard]] MonitorSummary summary() const {
    return {.events = monitor_.events_seen(),
            .new_events = row_ > skip_ ? row_ - skip_ : 0,
            .window = monitor_.window_size(),
            .alerts = alerts_,
            .interrupted = progress_.stop_requested()};
  }

 private:
  template <typename Reader>
  bool is_selected(const Reader& reader, std::size_t outcome_idx, const BinaryMapper& mapper) const {
    const std::string_view outcome = reader.field(outcome_idx);
    if (request_.decision.empty()) {
      const auto score = parse_number(outcome);
      if (!score) {
        throw Error(
            ErrorCode::Parse,
            fmt::format("score '{}' in '{}' is not a number", excerpt(outcome), reader.header()[outcome_idx]),
            "write a decimal number", reader.location(outcome_idx));
      }
      return *score >= *request_.threshold;
    }
    const int value = mapper.map(outcome);
    if (value < 0) {
      throw Error(ErrorCode::Parse,
                  fmt::format("decision '{}' in '{}' is not 0/1", outcome, reader.header()[outcome_idx]),
                  fmt::format("use {}", mapper.describe()), reader.location(outcome_idx));
    }
    return value == 1;
  }

  template <typename Reader>
  static double event_time(const Reader& reader, std::size_t time_idx) {
    const auto value = parse_number(reader.field(time_idx));
    if (!value) {
      throw Error(ErrorCode::Parse,
                  fmt::format("time '{}' in '{}' is not a number", excerpt(reader.field(time_idx)),
                              reader.header()[time_idx]),
                  "give times in seconds (e.g. Unix time)", reader.location(time_idx));
    }
    return *value;
  }

  const MonitorRequest& request_;
  Monitor& monitor_;
  ProgressSink& progress_;
  std::uint64_t skip_;
  std::uint64_t row_ = 0;
  std::uint64_t alerts_ = 0;
};

}  // namespace

MonitorSummary run_monitor(const MonitorRequest& request, ProgressSink& progress) {
  check(request);
  Monitor monitor = open_monitor(request);
  Run run(request, monitor, progress);
  if (reads_ndjson(request.input_format, request.file)) {
    std::vector<std::string> keys = request.group;
    keys.push_back(run.outcome_column());
    if (!request.time.empty()) keys.push_back(request.time);
    NdjsonStreamReader reader(request.file, keys);
    run.read(reader);
  } else {
    CsvOptions csv_options;
    csv_options.delimiter = request.delimiter;
    CsvStreamReader reader(request.file, csv_options);
    run.read(reader);
  }
  save_state(request, monitor);
  return run.summary();
}

}  // namespace equalis::audit

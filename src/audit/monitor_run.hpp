#pragma once
// The monitor as one call: stream a decision log (a file, standard input, or a file that keeps growing)
// through a Monitor, restoring and saving its state, and hand every alert to the caller as it happens.
// Nothing here prints; the JSON lines are in src/report/audit_report.hpp.

#include "audit/monitor.hpp"
#include "audit/requests.hpp"
#include "core/progress.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace equalis::audit {

struct MonitorRequest {
  std::string file;                // decision log ("-" = standard input), append-only
  std::vector<std::string> group;  // sensitive attribute columns (several: their intersection)
  std::string decision;            // 0/1 decision column, or …
  std::string score;               // … a score column, selected when score ≥ `threshold`
  std::optional<double> threshold;
  std::vector<std::string> positive;  // values meaning 1 in the decision
  std::vector<std::string> negative;  // values meaning 0
  std::string time;                   // event time column in seconds (needed by `window_seconds`)
  MonitorOptions options;             // window, gap threshold, alpha, smallest group
  std::string state;                  // state file: restored at start, saved atomically (empty = none)
  std::uint64_t save_every = 100000;  // save the state every N decisions (0 = only at the end)
  bool follow = false;                // keep reading as the file grows, until the sink asks to stop
  char delimiter = ',';
  InputFormat input_format = InputFormat::Auto;
  // Called for each alert or clearance when it happens (the monitor's stream of events).
  std::function<void(const MonitorAlert&)> on_alert;
};

struct MonitorSummary {
  std::uint64_t events = 0;      // decisions the monitor has seen, including a restored state's
  std::uint64_t new_events = 0;  // decisions read in this run
  std::size_t window = 0;        // decisions in the window at the end
  std::uint64_t alerts = 0;      // alerts and clearances raised in this run
  bool interrupted = false;      // the run ended on a stop request (Ctrl-C), with the state saved
};

// Reads until the end of the input (with `follow`: until progress.stop_requested()), then saves the
// state. A stop request (also one that comes while the input blocks, as on a pipe) ends the run with the
// state saved and a summary that says `interrupted`. A restored monitor
// skips the decisions its state already holds (the log is append-only).
MonitorSummary run_monitor(const MonitorRequest& request, ProgressSink& progress);

}  // namespace equalis::audit

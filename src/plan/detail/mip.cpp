#include "plan/detail/mip.hpp"

#include "core/error.hpp"

// The C interface's Cbc_Model is an opaque handle unless CBC_EXTERN_C is defined; with it, the handle's
// CbcModel (and its CLP solver) take event handlers, the only way to stop a running CBC from outside.
#include <coin/CbcEventHandler.hpp>
#include <coin/CbcModel.hpp>
#include <coin/CbcSolver.hpp>
#include <coin/ClpEventHandler.hpp>
#include <coin/OsiClpSolverInterface.hpp>
#define CBC_EXTERN_C
#include <coin/Cbc_C_Interface.h>
#undef CBC_EXTERN_C

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <thread>

namespace equalis::plan::detail {

namespace {

// CBC's solver entry point (CbcMain1) installs its own SIGINT handler, which only cuts the search short:
// the caller's Ctrl-C would be swallowed and a truncated plan reported as an ordinary one. While CBC runs,
// a watcher puts the caller's handler back every few milliseconds (CBC restores it too when it returns);
// a Ctrl-C that CBC still caught in between shows as "stopped on event" and is passed on by re-raising it.
class SigintKeeper {
 public:
  SigintKeeper() {
    sigaction(SIGINT, nullptr, &saved_);
    watcher_ = std::thread([this] {
      while (!done_.load(std::memory_order_relaxed)) {
        restore();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  SigintKeeper(const SigintKeeper&) = delete;
  SigintKeeper& operator=(const SigintKeeper&) = delete;
  SigintKeeper(SigintKeeper&&) = delete;
  SigintKeeper& operator=(SigintKeeper&&) = delete;
  ~SigintKeeper() {
    done_.store(true, std::memory_order_relaxed);
    watcher_.join();
    restore();
  }
  void restore() const { sigaction(SIGINT, &saved_, nullptr); }

 private:
  struct sigaction saved_ {};
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

// Branch-and-bound events (nodes, solutions, tree status): stop once the user asked to.
class StopOnRequest final : public CbcEventHandler {
 public:
  explicit StopOnRequest(const ProgressSink& sink) : sink_(sink) {}
  StopOnRequest(const StopOnRequest&) = default;
  StopOnRequest& operator=(const StopOnRequest&) = delete;
  StopOnRequest(StopOnRequest&&) = delete;
  StopOnRequest& operator=(StopOnRequest&&) = delete;
  ~StopOnRequest() override = default;
  CbcAction event(CbcEvent /*event*/) override { return sink_.stop_requested() ? stop : noAction; }
  [[nodiscard]] CbcEventHandler* clone() const override { return new StopOnRequest(*this); }

 private:
  const ProgressSink& sink_;
};

// Simplex iterations (a root LP can take seconds): a non-negative return value ends the solve.
class StopLpOnRequest final : public ClpEventHandler {
 public:
  explicit StopLpOnRequest(const ProgressSink& sink) : sink_(sink) {}
  StopLpOnRequest(const StopLpOnRequest&) = default;
  StopLpOnRequest& operator=(const StopLpOnRequest&) = delete;
  StopLpOnRequest(StopLpOnRequest&&) = delete;
  StopLpOnRequest& operator=(StopLpOnRequest&&) = delete;
  ~StopLpOnRequest() override = default;
  int event(Event event) override {
    if (event != endOfIteration) return -1;
    return sink_.stop_requested() ? 5 : -1;
  }
  [[nodiscard]] ClpEventHandler* clone() const override { return new StopLpOnRequest(*this); }

 private:
  const ProgressSink& sink_;
};

void throw_if_stopped(const ProgressSink* stop) {
  if (stop != nullptr && stop->stop_requested()) {
    throw Error(ErrorCode::Cancelled, "the MIP solve was interrupted", "run it again to completion");
  }
}

}  // namespace

MipResult solve_mip(const MipModel& model, double time_limit_seconds, std::optional<double> cutoff,
                    const ProgressSink* stop) {
  throw_if_stopped(stop);
  const auto columns = static_cast<int>(model.objective.size());
  const auto rows = static_cast<int>(model.row_lower.size());
  std::unique_ptr<Cbc_Model, decltype(&Cbc_deleteModel)> cbc(Cbc_newModel(), &Cbc_deleteModel);
  if (!cbc) throw Error(ErrorCode::Internal, "CBC could not create a model");
  std::vector<CoinBigIndex> start(model.start.begin(), model.start.end());
  Cbc_loadProblem(cbc.get(), columns, rows, start.data(), model.row_index.data(), model.value.data(),
                  model.column_lower.data(), model.column_upper.data(), model.objective.data(),
                  model.row_lower.data(), model.row_upper.data());
  for (int j = 0; j < columns; ++j) {
    if (model.integer[static_cast<std::size_t>(j)] != 0U) Cbc_setInteger(cbc.get(), j);
  }
  Cbc_setObjSense(cbc.get(), 1.0);
  Cbc_setLogLevel(cbc.get(), 0);
  Cbc_setParameter(cbc.get(), "threads", "1");
  Cbc_setMaximumSeconds(cbc.get(), time_limit_seconds);
  if (cutoff) Cbc_setCutoff(cbc.get(), *cutoff);
  if (stop != nullptr) {
    // Both are copied by the models that take them.
    const StopOnRequest on_node(*stop);
    cbc->model_->passInEventHandler(&on_node);
    const StopLpOnRequest on_iteration(*stop);
    if (auto* clp = dynamic_cast<OsiClpSolverInterface*>(cbc->model_->solver())) {
      clp->getModelPtr()->passInEventHandler(&on_iteration);
    }
  }
  {
    const SigintKeeper keeper;
    Cbc_solve(cbc.get());
  }
  constexpr int kStoppedOnEvent = 5;  // Cbc_secondaryStatus
  if (Cbc_secondaryStatus(cbc.get()) == kStoppedOnEvent && (stop == nullptr || !stop->stop_requested())) {
    std::raise(SIGINT);  // CBC caught the user's Ctrl-C: the caller's handler hears it now
  }
  throw_if_stopped(stop);
  MipResult result;
  result.proven_optimal = Cbc_isProvenOptimal(cbc.get()) != 0;
  result.proven_infeasible = Cbc_isProvenInfeasible(cbc.get()) != 0;
  const double* solution = Cbc_bestSolution(cbc.get());
  // A pure LP (no integer column) leaves no "best solution"; its optimum is the column solution.
  const bool any_integer =
      std::any_of(model.integer.begin(), model.integer.end(), [](std::uint8_t v) { return v != 0U; });
  if (solution == nullptr && !any_integer && result.proven_optimal) solution = Cbc_getColSolution(cbc.get());
  result.has_solution = solution != nullptr && !result.proven_infeasible;
  if (result.has_solution) {
    result.solution.assign(solution, solution + columns);
    result.objective = Cbc_getObjValue(cbc.get());
  }
  result.bound = Cbc_getBestPossibleObjValue(cbc.get());
  if (result.proven_optimal) result.bound = result.objective;
  return result;
}

}  // namespace equalis::plan::detail

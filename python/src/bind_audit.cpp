// equalis.audit: metrics, rules, representation, mitigate and the monitor, each an audit request filled
// from the Python layer's fields (spelt as `equalis audit …` spells its flags, with underscores) and
// rendered by the CLI's own report code.

#include "binding.hpp"

#include "audit/monitor_run.hpp"
#include "audit/requests.hpp"
#include "report/audit_report.hpp"

#include <nlohmann/json.hpp>

namespace equalis::python {
namespace {

const std::vector<std::pair<std::string, audit::InputFormat>> kInputFormats{
    {"auto", audit::InputFormat::Auto},
    {"csv", audit::InputFormat::Csv},
    {"ndjson", audit::InputFormat::Ndjson}};

// The decision-log fields shared by metrics and mitigate, with the CLI's defaults and words.
void read_decision_log(Fields& in, audit::DecisionLogInput& log) {
  in.get("file", log.file);
  in.get("group", log.group);
  in.get("decision", log.decision);
  in.get("score", log.score);
  in.get("threshold", log.threshold);
  in.get("label", log.label);
  in.get("count", log.count);
  in.get("positive", log.positive);
  in.get("negative", log.negative);
  in.get("label_positive", log.label_positive);
  in.choice("missing_group", log.missing_group,
            std::vector<std::pair<std::string, audit::MissingGroupPolicy>>{
                {"own", audit::MissingGroupPolicy::OwnGroup},
                {"drop", audit::MissingGroupPolicy::Drop},
                {"error", audit::MissingGroupPolicy::Error}});
  in.choice("missing", log.missing,
            std::vector<std::pair<std::string, MissingPolicy>>{{"error", MissingPolicy::Error},
                                                               {"drop", MissingPolicy::Drop}});
  in.character("delimiter", log.delimiter);
  in.choice("input_format", log.input_format, kInputFormats);
}

audit::AuditMetricsRequest metrics_request(const py::dict& fields) {
  audit::AuditMetricsRequest request;
  Fields in(fields, "audit.metrics");
  read_decision_log(in, request.log);
  in.get("reference", request.reference);
  in.get("alpha", request.alpha);
  in.get("power", request.power);
  in.get("min_cell", request.min_cell);
  in.get("four_fifths", request.four_fifths);
  in.choice("favourable", request.favourable,
            std::vector<std::pair<std::string, audit::Favourable>>{
                {"selected", audit::Favourable::Selected}, {"not-selected", audit::Favourable::NotSelected}});
  in.get("bootstrap", request.bootstrap);
  in.get("seed", request.seed);
  in.get("stratified", request.stratified);
  in.get("intersections", request.intersections);
  in.get("rule", request.rule);
  in.get("bins", request.bins);
  in.choice("binning", request.binning,
            std::vector<std::pair<std::string, audit::Binning>>{{"equal-width", audit::Binning::EqualWidth},
                                                                {"quantile", audit::Binning::Quantile}});
  in.get("time", request.time);
  in.choice("period", request.period,
            std::vector<std::pair<std::string, audit::Period>>{{"day", audit::Period::Day},
                                                               {"week", audit::Period::Week},
                                                               {"month", audit::Period::Month},
                                                               {"quarter", audit::Period::Quarter},
                                                               {"year", audit::Period::Year}});
  in.get("mitigation", request.mitigation);
  in.get("target_tpr", request.target_tpr);
  in.finish();
  return request;
}

audit::RulesRequest rules_request(const py::dict& fields) {
  audit::RulesRequest request;
  Fields in(fields, "audit.rules");
  in.get("file", request.file);
  in.get("rule", request.rule);
  in.get("group", request.group);
  in.get("count", request.count);
  in.get("min_cell", request.min_cell);
  in.get("alpha", request.alpha);
  in.character("delimiter", request.delimiter);
  in.finish();
  return request;
}

audit::RepresentationRequest representation_request(const py::dict& fields) {
  audit::RepresentationRequest request;
  Fields in(fields, "audit.representation");
  in.get("file", request.file);
  in.get("group", request.group);
  in.get("count", request.count);
  in.get("reference", request.reference);
  in.get("reference_group", request.reference_group);
  in.get("reference_value", request.reference_value);
  in.get("coverage", request.coverage);
  in.get("min_cell", request.min_cell);
  in.get("alpha", request.alpha);
  in.character("delimiter", request.delimiter);
  in.finish();
  return request;
}

audit::MitigateRequest mitigate_request(const py::dict& fields) {
  audit::MitigateRequest request;
  Fields in(fields, "audit.mitigate");
  read_decision_log(in, request.log);
  in.get("target_tpr", request.target_tpr);
  in.get("min_cell", request.min_cell);
  in.finish();
  return request;
}

audit::MonitorRequest monitor_request(const py::dict& fields) {
  audit::MonitorRequest request;
  Fields in(fields, "audit.monitor");
  in.get("file", request.file);
  in.get("group", request.group);
  in.get("decision", request.decision);
  in.get("score", request.score);
  in.get("threshold", request.threshold);
  in.get("positive", request.positive);
  in.get("negative", request.negative);
  in.get("time", request.time);
  in.get("window_count", request.options.window_count);
  in.get("window_seconds", request.options.window_seconds);
  in.get("gap_threshold", request.options.gap_threshold);
  in.get("alpha", request.options.alpha);
  in.get("min_group", request.options.min_group_size);
  in.get("min_cell", request.options.min_cell_size);
  in.get("state", request.state);
  in.get("save_every", request.save_every);
  in.get("follow", request.follow);
  in.choice("input_format", request.input_format, kInputFormats);
  in.character("delimiter", request.delimiter);
  in.finish();
  return request;
}

// The monitor's stream as one document: {"events": [the CLI's alert lines], "summary": its last line};
// the text form is the CLI's NDJSON output itself.
Rendered run_monitor_and_render(audit::MonitorRequest request, ProgressSink& progress) {
  nlohmann::ordered_json events = nlohmann::ordered_json::array();
  request.on_alert = [&events](const audit::MonitorAlert& alert) {
    events.push_back(report::to_json(alert));
  };
  const audit::MonitorSummary summary = audit::run_monitor(request, progress);
  Rendered rendered;
  for (const auto& event : events) rendered.text += event.dump() + "\n";
  nlohmann::ordered_json summary_json = report::to_json(summary);
  rendered.text += summary_json.dump() + "\n";
  nlohmann::ordered_json document;
  document["events"] = std::move(events);
  document["summary"] = std::move(summary_json);
  rendered.json = document.dump(2) + "\n";
  return rendered;
}

}  // namespace

void bind_audit(py::module_& module) {
  def_engine(module, "audit_metrics", metrics_request, [](const auto& request, ProgressSink& sink) {
    const auto report = audit::run_metrics(request, sink);
    return render_all(report::metrics_renderers(request, report), "metrics");
  });
  def_engine(module, "audit_rules", rules_request, [](const auto& request, ProgressSink& sink) {
    const auto report = audit::run_rules(request, sink);
    return render_all(report::rules_renderers(request, report), "rule_audit");
  });
  def_engine(module, "audit_representation", representation_request,
             [](const auto& request, ProgressSink& sink) {
               const auto report = audit::run_representation(request, sink);
               return render_all(report::representation_renderers(request, report), "representation");
             });
  def_engine(module, "audit_mitigate", mitigate_request, [](const auto& request, ProgressSink& sink) {
    const auto report = audit::run_mitigate(request, sink);
    return render_all(report::mitigate_renderers(request, report), "mitigation");
  });
  def_engine(module, "audit_monitor", monitor_request, run_monitor_and_render);
}

}  // namespace equalis::python

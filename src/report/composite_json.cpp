#include "report/composite_json.hpp"

#include "io/csv_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace equalis::report {

using json = nlohmann::ordered_json;

const char* direction_name(measure::Direction direction) noexcept {
  return direction == measure::Direction::Cost ? "cost" : "benefit";
}

json to_json(const CompositeReport& report) {
  json out;
  out["n"] = report.ids.size();
  out["rows_dropped"] = report.rows_dropped;
  out["method"] = report.method;
  out["normalization"] = report.normalization;
  out["weighting"] = report.weighting;
  json weights = json::array();
  for (std::size_t indicator = 0; indicator < report.indicators.size(); ++indicator) {
    json entry = {{"indicator", report.indicators[indicator]},
                  {"direction", direction_name(report.directions[indicator])},
                  {"weight", report.weights[indicator]}};
    if (!report.weights_given.empty()) entry["given"] = report.weights_given[indicator];
    if (report.topsis) {
      entry["ideal"] = report.topsis->ideal[indicator];
      entry["anti_ideal"] = report.topsis->anti_ideal[indicator];
    }
    weights.push_back(std::move(entry));
  }
  out["weights"] = weights;
  out["tie_tolerance"] = report.tie_tolerance;
  json units = json::array();
  for (std::size_t unit = 0; unit < report.ids.size(); ++unit) {
    json entry = {{"id", report.ids[unit]}, {"score", report.scores[unit]}, {"rank", report.ranks[unit]}};
    if (report.topsis) {
      entry["d_plus"] = report.topsis->distance_to_ideal[unit];
      entry["d_minus"] = report.topsis->distance_to_anti_ideal[unit];
    }
    if (!report.normalized.empty()) {
      json values = json::array();
      for (const auto& column : report.normalized) values.push_back(column[unit]);
      entry["normalized"] = values;
    }
    units.push_back(std::move(entry));
  }
  out["units"] = units;
  return out;
}

namespace {

// The run, the same on every row: its size, how the score was made and the options that are not already
// a figure of the result (the method, normalisation and weighting are; explicit weights are `given:`).
const std::vector<std::string> kRunColumns{
    "n",         "rows_dropped",  "input_rows", "method",          "normalization",
    "weighting", "tie_tolerance", "id_column",  "show_normalized", "missing"};

std::string count_text(std::size_t value) {
  return std::to_string(value);
}

}  // namespace

std::string to_csv(const measure::CompositeRequest& request, const CompositeReport& report) {
  std::vector<std::string> header{"id", "score", "rank"};
  if (report.topsis) {
    header.emplace_back("d_plus");
    header.emplace_back("d_minus");
  }
  if (!report.normalized.empty()) {
    for (const auto& name : report.indicators) header.push_back("normalized:" + name);
  }
  header.insert(header.end(), kRunColumns.begin(), kRunColumns.end());
  // Per indicator, named in the header: its direction and weight used (explicit weights as given, TOPSIS
  // ideal and anti-ideal points).
  for (const auto& name : report.indicators) {
    header.push_back("direction:" + name);
    header.push_back("weight:" + name);
    if (!report.weights_given.empty()) header.push_back("given:" + name);
    if (report.topsis) {
      header.push_back("ideal:" + name);
      header.push_back("anti_ideal:" + name);
    }
  }
  io::CsvWriter csv(std::move(header));
  for (std::size_t unit = 0; unit < report.ids.size(); ++unit) {
    csv.field(report.ids[unit]).field(report.scores[unit]).field(count_text(report.ranks[unit]));
    if (report.topsis) {
      csv.field(report.topsis->distance_to_ideal[unit]).field(report.topsis->distance_to_anti_ideal[unit]);
    }
    for (const auto& column : report.normalized) csv.field(column[unit]);
    csv.field(count_text(report.ids.size()))
        .field(count_text(report.rows_dropped))
        .field(count_text(report.rows))
        .field(report.method)
        .field(report.normalization)
        .field(report.weighting)
        .field(report.tie_tolerance)
        .field(request.id)
        .field(request.show_normalized ? "1" : "0")
        .field(request.missing);
    for (std::size_t indicator = 0; indicator < report.indicators.size(); ++indicator) {
      csv.field(direction_name(report.directions[indicator])).field(report.weights[indicator]);
      if (!report.weights_given.empty()) csv.field(report.weights_given[indicator]);
      if (report.topsis)
        csv.field(report.topsis->ideal[indicator]).field(report.topsis->anti_ideal[indicator]);
    }
    csv.end_row();
  }
  return csv.text();
}

std::string to_text(const CompositeReport& report, std::size_t top) {
  const std::size_t n = report.ids.size();
  std::string out =
      fmt::format("Composite of {} indicators over {} units: {}, {} weights{}\n", report.indicators.size(), n,
                  report.method == "topsis"
                      ? std::string("TOPSIS closeness (vector-normalised indicators)")
                      : fmt::format("weighted sum of {} indicators",
                                    report.normalization == "none" ? "un-normalised"
                                                                   : report.normalization + "-normalised"),
                  report.weighting,
                  report.rows_dropped > 0 ? fmt::format(" ({} rows dropped)", report.rows_dropped) : "");
  out += "  weight   direction  indicator\n";
  for (std::size_t indicator = 0; indicator < report.indicators.size(); ++indicator) {
    out += fmt::format("  {:.4f}   {:<9}  {}\n", report.weights[indicator],
                       direction_name(report.directions[indicator]), report.indicators[indicator]);
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return report.ranks[a] < report.ranks[b]; });
  const auto lines = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k) {
      const std::size_t unit = order[k];
      out += fmt::format("  {:>5}  {:.4f}  {}\n", report.ranks[unit], report.scores[unit], report.ids[unit]);
    }
  };
  if (n <= 2 * top) {
    out += "   rank  score   unit\n";
    lines(0, n);
    return out;
  }
  out += fmt::format("Top {}:\n   rank  score   unit\n", top);
  lines(0, top);
  out += fmt::format("Bottom {}:\n", top);
  lines(n - top, n);
  return out;
}

json to_json(const measure::CompositeRequest& request, const measure::CompositeResult& result) {
  json indicators = json::array();
  for (const auto& indicator : request.indicators) {
    indicators.push_back({{"column", indicator.column}, {"direction", direction_name(indicator.direction)}});
  }
  json out = envelope("measure composite", request.file, result.rows);
  out["options"] = {
      {"indicators", indicators},
      {"id", request.id.empty() ? json(nullptr) : json(request.id)},
      {"method", request.method},
      {"normalize", request.method == "topsis" ? json(nullptr) : json(request.normalize.value_or("minmax"))},
      {"weights", result.weighting == "explicit" ? json(result.weights_given) : json(request.weighting)},
      {"tie_tolerance", request.tie_tolerance},
      {"show_normalized", request.show_normalized},
      {"missing", request.missing}};
  out["result"] = to_json(result);
  return out;
}

Renderers renderers(const measure::CompositeRequest& request, const measure::CompositeResult& result,
                    std::size_t top) {
  return {.json = [&request, &result] { return to_json(request, result); },
          .csv = [&request, &result] { return to_csv(request, result); },
          .text = [&result, top] { return to_text(result, top); }};
}

}  // namespace equalis::report

// equalis.measure: inequality, convergence, spatial autocorrelation and composite indices, each a
// measure::*Request filled from the Python layer's fields and rendered by the CLI's own report code.

#include "binding.hpp"

#include "core/csv_columns.hpp"
#include "measure/composite_run.hpp"
#include "measure/convergence_run.hpp"
#include "measure/inequality_run.hpp"
#include "measure/spatial_run.hpp"
#include "report/composite_json.hpp"
#include "report/convergence_json.hpp"
#include "report/measure_json.hpp"
#include "report/spatial_json.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <pybind11/numpy.h>
#include <tuple>

namespace equalis::python {
namespace {

const std::vector<std::pair<std::string, MissingPolicy>> kMissing{{"error", MissingPolicy::Error},
                                                                  {"drop", MissingPolicy::Drop}};

measure::InequalityRequest inequality_request(const py::dict& fields) {
  measure::InequalityRequest request;
  Fields in(fields, "measure.inequality");
  in.get("file", request.file);
  auto& columns = request.columns;
  in.get("value", columns.value_columns);
  in.get("weight", columns.weight_column);
  in.get("group", columns.group_column);
  in.get("by", columns.by_column);
  in.get("rank_by", columns.rank_by_column);
  in.choice("missing", columns.missing, kMissing);
  in.get("allow_singleton_groups", columns.allow_singleton_groups);
  in.get("indices", request.indices);
  auto& options = request.options;
  in.get("ge_alphas", options.indices.ge_alphas);
  in.get("atkinson_epsilons", options.indices.atkinson_epsilons);
  in.get("gini_small_sample", options.gini_small_sample);
  in.get("bootstrap", options.inference.bootstrap_replicates);
  in.get("confidence", options.inference.confidence_level);
  in.get("stratified", options.inference.stratified);
  in.get("permutations", options.inference.permutations);
  in.get("seed", options.inference.seed);
  in.character("delimiter", request.delimiter);
  in.finish();
  return request;
}

measure::ConvergenceRequest convergence_request(const py::dict& fields) {
  measure::ConvergenceRequest request;
  Fields in(fields, "measure.convergence");
  in.get("file", request.file);
  auto& panel = request.panel;
  in.get("value", panel.value_columns);
  in.get("times", panel.times);
  in.get("by", panel.time_column);
  in.get("id", panel.id_column);
  in.get("weight", panel.weight_column);
  in.get("group", panel.group_column);
  in.get("covariates", panel.covariate_columns);
  in.choice("missing", panel.missing, kMissing);
  auto& options = request.options;
  in.get("density", options.density);
  in.get("from_time", options.from_time);
  in.get("to_time", options.to_time);
  in.get("grid", options.density_options.grid_points);
  in.get("bandwidth", request.bandwidth);
  in.character("delimiter", request.delimiter);
  in.finish();
  return request;
}

measure::SpatialRequest spatial_request(const py::dict& fields) {
  measure::SpatialRequest request;
  Fields in(fields, "measure.spatial");
  in.get("file", request.file);
  in.get("value", request.value);
  in.get("id", request.id);
  in.choice("source", request.source,
            std::vector<std::pair<std::string, measure::WeightsSource>>{
                {"edges", measure::WeightsSource::Edges},
                {"polygons", measure::WeightsSource::Polygons},
                {"knn", measure::WeightsSource::Knn},
                {"distance_band", measure::WeightsSource::DistanceBand}});
  in.get("edges", request.edges);
  in.get("edge_from", request.edge_from);
  in.get("edge_to", request.edge_to);
  in.get("edge_weight", request.edge_weight);
  in.get("edge_index", request.edge_index);
  in.get("undirected", request.undirected);
  in.get("polygons", request.polygons);
  in.get("layer", request.layer);
  in.get("polygon_id", request.polygon_id);
  in.get("contiguity", request.contiguity);
  in.get("knn", request.knn);
  in.get("distance_band", request.distance_band);
  in.get("x", request.x);
  in.get("y", request.y);
  in.get("geographic", request.geographic);
  in.get("transform", request.transform);
  in.get("permutations", request.permutations);
  in.get("seed", request.seed);
  in.get("local", request.local);
  in.get("alpha", request.alpha);
  in.get("lisa_variance", request.lisa_variance);
  in.get("missing", request.missing);
  in.character("delimiter", request.delimiter);
  in.finish();
  return request;
}

measure::CompositeRequest composite_request(const py::dict& fields) {
  measure::CompositeRequest request;
  Fields in(fields, "measure.composite");
  in.get("file", request.file);
  // "COL" or "COL:+" (more is better), "COL:-" (less is better), as on the command line.
  std::vector<std::string> specs;
  in.get("indicators", specs);
  for (auto& spec : specs) {
    auto direction = measure::Direction::Benefit;
    if (spec.size() > 2 && (spec.ends_with(":+") || spec.ends_with(":-"))) {
      if (spec.back() == '-') direction = measure::Direction::Cost;
      spec.resize(spec.size() - 2);
    }
    request.indicators.push_back({std::move(spec), direction});
  }
  in.get("id", request.id);
  in.get("normalize", request.normalize);
  // equal, entropy, critic, or one weight per indicator (as --weights).
  if (const py::object weights = in.raw("weights"); py::isinstance<py::str>(weights)) {
    request.weighting = weights.cast<std::string>();
  } else if (!weights.is_none()) {
    request.weighting = "explicit";
    in.convert("weights", weights, request.weights);
  }
  in.get("method", request.method);
  in.get("tie_tolerance", request.tie_tolerance);
  in.get("show_normalized", request.show_normalized);
  in.get("missing", request.missing);
  in.character("delimiter", request.delimiter);
  in.finish();
  return request;
}

// A data frame's columns as the Python layer hands them over: numeric ones as contiguous float64 arrays
// (NaN = missing), categories as int64 codes (-1 = missing) with their labels.
struct FrameColumns {
  std::string source;
  std::size_t rows = 0;
  std::vector<std::pair<std::string, py::array_t<double, py::array::c_style>>> numeric;
  std::vector<
      std::tuple<std::string, py::array_t<std::int64_t, py::array::c_style>, std::vector<std::string>>>
      category;
};

NumericColumn numeric_column(const std::string& name, const double* values, std::size_t rows,
                             const std::string& source) {
  NumericColumn column{name, std::vector<double>(rows), std::vector<std::uint8_t>(rows)};
  for (std::size_t i = 0; i < rows; ++i) {
    const double value = values[i];
    if (std::isinf(value)) {
      throw Error(ErrorCode::InvalidInput, fmt::format("an infinite value in column '{}'", name),
                  "replace it by a finite number, or by NaN to mark it missing",
                  SourceLocation{fmt::format("{}, row {} (from 0)", source, i)});
    }
    const bool valid = !std::isnan(value);
    column.values[i] = valid ? value : 0.0;
    column.valid[i] = valid ? 1 : 0;
  }
  return column;
}

CategoryColumn category_column(const std::string& name, const std::int64_t* codes, std::size_t rows,
                               std::vector<std::string> labels) {
  CategoryColumn column{name, std::vector<std::uint32_t>(rows), std::move(labels),
                        std::vector<std::uint8_t>(rows)};
  for (std::size_t i = 0; i < rows; ++i) {
    const bool valid = codes[i] >= 0 && static_cast<std::size_t>(codes[i]) < column.labels.size();
    column.codes[i] = valid ? static_cast<std::uint32_t>(codes[i]) : 0U;
    column.valid[i] = valid ? 1 : 0;
  }
  return column;
}

// Typed columns from the arrays (one pass each; the arrays are only read, the GIL need not be held).
ColumnTable table_of(const FrameColumns& frame) {
  std::vector<NumericColumn> numeric;
  for (const auto& [name, array] : frame.numeric) {
    if (static_cast<std::size_t>(array.size()) != frame.rows)
      throw Error(ErrorCode::InvalidInput, fmt::format("column '{}' is not as long as the table", name));
    numeric.push_back(numeric_column(name, array.data(), frame.rows, frame.source));
  }
  std::vector<CategoryColumn> category;
  for (const auto& [name, codes, labels] : frame.category) {
    if (static_cast<std::size_t>(codes.size()) != frame.rows)
      throw Error(ErrorCode::InvalidInput, fmt::format("column '{}' is not as long as the table", name));
    category.push_back(category_column(name, codes.data(), frame.rows, labels));
  }
  return ColumnTable::from_columns(frame.source, frame.rows, std::move(numeric), std::move(category));
}

FrameColumns frame_columns(const py::dict& frame) {
  FrameColumns columns;
  columns.source = frame["source"].cast<std::string>();
  columns.rows = frame["rows"].cast<std::size_t>();
  for (const auto& item : frame["numeric"].cast<py::list>()) {
    const auto entry = item.cast<py::tuple>();
    columns.numeric.emplace_back(entry[0].cast<std::string>(),
                                 entry[1].cast<py::array_t<double, py::array::c_style>>());
  }
  for (const auto& item : frame["category"].cast<py::list>()) {
    const auto entry = item.cast<py::tuple>();
    columns.category.emplace_back(entry[0].cast<std::string>(),
                                  entry[1].cast<py::array_t<std::int64_t, py::array::c_style>>(),
                                  entry[2].cast<std::vector<std::string>>());
  }
  return columns;
}

}  // namespace

void bind_measure(py::module_& module) {
  // `frame`: a data frame's columns in memory (see FrameColumns), read instead of `file`.
  module.def(
      "measure_inequality",
      [](const py::dict& fields, const py::object& progress, const py::object& frame) {
        auto request = inequality_request(fields);
        std::optional<FrameColumns> columns;
        if (!frame.is_none()) {
          columns = frame_columns(frame.cast<py::dict>());
          request.file = columns->source;
        }
        return run_engine(progress, [&](ProgressSink& sink) {
          const auto result = columns ? measure::run_inequality(request, table_of(*columns), sink)
                                      : measure::run_inequality(request, sink);
          return render_all(report::renderers(request, result), "indices");
        });
      },
      py::arg("fields"), py::arg("progress") = py::none(), py::arg("frame") = py::none());
  def_engine(module, "measure_convergence", convergence_request, [](const auto& request, ProgressSink& sink) {
    const auto result = measure::run_convergence(request, sink);
    return render_all(report::renderers(request, result));
  });
  def_engine(module, "measure_spatial", spatial_request, [](const auto& request, ProgressSink& sink) {
    const auto result = measure::run_spatial(request, sink);
    return render_all(report::renderers(request, result), "units");
  });
  def_engine(module, "measure_composite", composite_request, [](const auto& request, ProgressSink& sink) {
    const auto result = measure::run_composite(request, sink);
    return render_all(report::renderers(request, result), "units");
  });
}

}  // namespace equalis::python

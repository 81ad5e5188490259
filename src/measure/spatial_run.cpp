#include "measure/spatial_run.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"
#include "core/unique_ids.hpp"
#include "io/vector_file.hpp"
#include "measure/resampling.hpp"

#include <fmt/format.h>

#include <functional>
#include <initializer_list>
#include <limits>
#include <set>
#include <string_view>
#include <unordered_map>

namespace equalis::measure {

namespace {

// Forwards to the caller's sink but says each log message once: Moran and LISA, and every value column, share
// one W and would otherwise repeat the same island warning.
class OnceLogSink final : public ProgressSink {
 public:
  explicit OnceLogSink(ProgressSink& target) : target_(target) {}
  void begin(std::string_view task, std::uint64_t total_steps) override { target_.begin(task, total_steps); }
  void update(std::uint64_t steps_done) override { target_.update(steps_done); }
  void end() override { target_.end(); }
  void log(LogLevel level, std::string_view message) override {
    if (said_.emplace(message).second) target_.log(level, message);
  }
  [[nodiscard]] bool stop_requested() const override { return target_.stop_requested(); }

 private:
  ProgressSink& target_;
  std::set<std::string, std::less<>> said_;
};

// The weights over the data rows they cover (`rows[k]` is the table row of unit k).
struct BaseWeights {
  SpatialWeights weights;
  std::vector<std::size_t> rows;
};

// Every data row's id, checked non-empty and unique (the weights and the output are keyed by it).
std::vector<std::string> read_ids(const CsvTable& table, const std::string& id_column) {
  const std::size_t column = table.column_index(id_column);
  std::vector<std::string> ids;
  ids.reserve(table.row_count());
  require_unique_ids(
      table, column, fmt::format("column '{}': id", id_column),
      "unit ids must be unique: pick an id column without repeats (or aggregate the rows first)");
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const std::string_view id = table.cell(row, column);
    if (id.empty()) {
      throw Error(ErrorCode::InvalidInput, fmt::format("empty id in column '{}'", id_column),
                  "give every unit an id: spatial weights are matched to units by id",
                  table.location(row, column));
    }
    ids.emplace_back(id);
  }
  return ids;
}

std::vector<std::size_t> all_rows(std::size_t count) {
  std::vector<std::size_t> rows(count);
  for (std::size_t row = 0; row < count; ++row) rows[row] = row;
  return rows;
}

BaseWeights edge_weights(const SpatialRequest& request, const std::vector<std::string>& ids,
                         WeightsSummary& summary) {
  CsvOptions csv_options;
  csv_options.delimiter = request.delimiter;
  const CsvTable edges = CsvTable::read_file(request.edges, csv_options);
  if (edges.column_count() < 2 && (request.edge_from.empty() || request.edge_to.empty())) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("edge list {} has {} column(s); it needs a from and a to column", request.edges,
                            edges.column_count()),
                "write one link a row: from,to[,weight]");
  }
  const std::string from = request.edge_from.empty() ? edges.header()[0] : request.edge_from;
  const std::string to = request.edge_to.empty() ? edges.header()[1] : request.edge_to;
  EdgeListOptions options;
  options.endpoints = request.edge_index ? EdgeEndpoints::ZeroBasedIndices : EdgeEndpoints::Ids;
  options.direction = request.undirected ? EdgeDirection::Undirected : EdgeDirection::Directed;
  const std::optional<std::string_view> weight =
      request.edge_weight.empty() ? std::nullopt : std::optional<std::string_view>(request.edge_weight);
  summary.edge_from = from;
  summary.edge_to = to;
  BaseWeights base;
  base.weights = weights_from_edge_list(edges, from, to, weight, ids, options);
  base.rows = all_rows(ids.size());
  return base;
}

BaseWeights polygon_weights(const SpatialRequest& request, const CsvTable& table,
                            const std::vector<std::string>& ids, WeightsSummary& summary,
                            ProgressSink& progress) {
  const io::VectorLayer layer = io::read_features(request.polygons, request.layer);
  io::require_polygons(layer);
  std::vector<std::vector<geo::Polygon>> units;
  std::size_t unmatched = 0;
  if (request.polygon_id.empty()) {
    if (layer.size() != table.row_count()) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("{} has {} polygons but {} has {} data rows", request.polygons, layer.size(),
                      request.file, table.row_count()),
          "set `polygon_id` to the polygon field that matches the data ids, or give one polygon per data "
          "row in the same order");
    }
    units = layer.polygons();
  } else {
    const std::vector<std::string> polygon_ids = layer.column(request.polygon_id);
    std::unordered_map<std::string_view, std::size_t> feature_of;
    for (std::size_t feature = 0; feature < polygon_ids.size(); ++feature) {
      if (polygon_ids[feature].empty()) continue;  // a null id matches no data row
      const auto [it, inserted] = feature_of.emplace(polygon_ids[feature], feature);
      if (!inserted) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("{}: polygon id '{}' in field '{}' appears twice (features {} and {})",
                                request.polygons, polygon_ids[feature], request.polygon_id,
                                layer.features[it->second].fid, layer.features[feature].fid),
                    "polygon ids must be unique: pick another `polygon_id` field or dissolve the polygons");
      }
    }
    const std::size_t id_column = table.column_index(request.id);
    units.reserve(ids.size());
    for (std::size_t row = 0; row < ids.size(); ++row) {
      const auto found = feature_of.find(ids[row]);
      if (found == feature_of.end()) {
        const std::string nearest = nearest_name(ids[row], polygon_ids);
        throw Error(
            ErrorCode::InvalidInput,
            fmt::format("no polygon in {} has {} = '{}'", request.polygons, request.polygon_id, ids[row]),
            nearest.empty() ? fmt::format("every data row needs a polygon whose '{}' equals its '{}'",
                                          request.polygon_id, request.id)
                            : fmt::format("did you mean '{}'? ids must match exactly", nearest),
            table.location(row, id_column));
      }
      units.push_back(layer.features[found->second].polygons);
    }
    unmatched = layer.size() - ids.size();
    if (unmatched > 0) {
      progress.log(LogLevel::Info, fmt::format("{} of {} polygons in {} match no data row and are left out",
                                               unmatched, layer.size(), request.polygons));
    }
  }
  summary.layer = layer.layer_name;
  summary.features = layer.size();
  summary.features_unmatched = unmatched;
  BaseWeights base;
  base.weights = contiguity_from_polygons(
      units, request.contiguity == "rook" ? Contiguity::Rook : Contiguity::Queen, ids);
  base.rows = all_rows(ids.size());
  return base;
}

BaseWeights point_weights(const SpatialRequest& request, const CsvTable& table,
                          const std::vector<std::string>& ids, bool knn) {
  const NumericColumn x = read_numeric_column(table, request.x);
  const NumericColumn y = read_numeric_column(table, request.y);
  BaseWeights base;
  std::vector<double> xs;
  std::vector<double> ys;
  std::vector<std::string> kept_ids;
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    for (const NumericColumn* column : {&x, &y}) {
      if (column->valid[row] == 0 && request.missing == "error") {
        throw Error(ErrorCode::InvalidInput, fmt::format("missing coordinate in column '{}'", column->name),
                    "fill the cell in, or choose `missing` drop to leave the unit out of the weights and "
                    "of every value column",
                    table.location(row, table.column_index(column->name)));
      }
    }
    if (x.valid[row] == 0 || y.valid[row] == 0) continue;
    base.rows.push_back(row);
    xs.push_back(x.values[row]);
    ys.push_back(y.values[row]);
    kept_ids.push_back(ids[row]);
  }
  base.weights =
      knn ? knn_weights(xs, ys, request.knn, request.geographic, std::move(kept_ids))
          : distance_band_weights(xs, ys, request.distance_band, request.geographic, std::move(kept_ids));
  return base;
}

// W restricted to the units with keep[unit] != 0: their rows, minus every link to a dropped unit.
SpatialWeights subset_weights(const SpatialWeights& weights, const std::vector<std::uint8_t>& keep) {
  constexpr auto kDropped = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> new_index(weights.n, kDropped);
  SpatialWeights out;
  for (std::size_t unit = 0; unit < weights.n; ++unit) {
    if (keep[unit] == 0) continue;
    new_index[unit] = static_cast<std::uint32_t>(out.n++);
    out.ids.push_back(weights.ids[unit]);
  }
  out.offsets.reserve(out.n + 1);
  out.offsets.push_back(0);
  for (std::size_t unit = 0; unit < weights.n; ++unit) {
    if (keep[unit] == 0) continue;
    for (std::size_t link = weights.offsets[unit]; link < weights.offsets[unit + 1]; ++link) {
      const std::uint32_t neighbor = new_index[weights.neighbors[link]];
      if (neighbor == kDropped) continue;
      out.neighbors.push_back(neighbor);  // the order of kept units is preserved, so rows stay sorted
      out.weights.push_back(weights.weights[link]);
    }
    out.offsets.push_back(out.neighbors.size());
  }
  return out;
}

SpatialColumnResult analyse_column(const SpatialRequest& request, const CsvTable& table,
                                   const BaseWeights& base, const std::string& column_name,
                                   ProgressSink& progress) {
  const NumericColumn column = read_numeric_column(table, column_name);
  SpatialColumnResult result;
  result.variable = column_name;
  std::vector<std::uint8_t> keep(base.rows.size(), 1);
  for (std::size_t unit = 0; unit < base.rows.size(); ++unit) {
    const std::size_t row = base.rows[unit];
    if (column.valid[row] != 0) {
      result.values.push_back(column.values[row]);
      continue;
    }
    if (request.missing == "error") {
      throw Error(ErrorCode::InvalidInput, fmt::format("missing value in column '{}'", column_name),
                  "fill the cell in, or choose `missing` drop to leave the unit out (of the weights too; "
                  "the links lost are reported)",
                  table.location(row, table.column_index(column_name)));
    }
    keep[unit] = 0;
  }
  const SpatialWeights subset = subset_weights(base.weights, keep);
  result.rows_dropped = table.row_count() - subset.n;
  result.links_lost = base.weights.link_count() - subset.link_count();
  if (subset.n < 3) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("'{}' has {} unit(s) with a value{}; Moran's I needs at least 3", column_name, subset.n,
                    result.rows_dropped > 0 ? fmt::format(" ({} rows dropped)", result.rows_dropped) : ""),
        "use more units, or fill the missing cells");
  }
  if (result.rows_dropped > 0) {
    progress.log(
        LogLevel::Info,
        fmt::format("'{}': {} rows dropped for missing cells; {} of {} links touched them and were removed "
                    "from the weights",
                    column_name, result.rows_dropped, result.links_lost, base.weights.link_count()));
  }
  result.transform = request.transform;
  if (request.transform == "row") {
    result.weights = transform_weights(subset, WeightsTransform::RowStandardized);
  } else if (request.transform == "binary") {
    result.weights = transform_weights(subset, WeightsTransform::Binary);
  } else {
    result.weights = subset;
  }
  MoranOptions global_options;
  global_options.permutations = request.permutations;
  global_options.seed = request.seed;
  try {
    result.global = moran(result.values, result.weights, global_options, progress);
    if (request.local) {
      LocalMoranOptions local_options;
      local_options.permutations = request.permutations;
      local_options.seed = request.seed;
      local_options.alpha = request.alpha;
      local_options.variance = request.lisa_variance == "n-1" ? LisaVariance::NMinus1 : LisaVariance::N;
      result.local = local_moran(result.values, result.weights, local_options, progress);
    }
  } catch (const Error& e) {
    if (e.code() != ErrorCode::InvalidInput || e.where()) throw;
    throw Error(e.code(), fmt::format("'{}': {}", column_name, e.message()), e.fix(),
                SourceLocation{request.file});
  }
  return result;
}

// The request's own consistency: what the command line's option checks would catch, for other callers.
void check_request(const SpatialRequest& request) {
  if (request.permutations > kMaxReplicates) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("`permutations` asks for {}, more than {}", request.permutations, kMaxReplicates),
                "999 or 9 999 permutations are the usual choice");
  }
  if (request.value.empty()) {
    throw Error(ErrorCode::InvalidInput, "no `value` column given",
                "name at least one value column in `value`");
  }
  const bool points = request.source == WeightsSource::Knn || request.source == WeightsSource::DistanceBand;
  if (points && (request.x.empty() || request.y.empty())) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} needs point coordinates",
                            request.source == WeightsSource::Knn ? "`knn`" : "`distance_band`"),
                "name the coordinate columns of the data file in `x` and `y` (longitude and latitude with "
                "`geographic`)");
  }
  if (request.id.empty()) {
    throw Error(ErrorCode::InvalidInput, "no `id` column given",
                "name the unit id column in `id`: it labels the units and matches them to the weights");
  }
  const auto one_of = [](const std::string& value, std::initializer_list<const char*> allowed,
                         const char* field) {
    for (const char* name : allowed) {
      if (value == name) return;
    }
    throw Error(ErrorCode::InvalidInput,
                fmt::format("`{}` '{}' is not one of the accepted values", field, value),
                fmt::format("set `{}` to one of: {}", field, fmt::join(allowed, ", ")));
  };
  one_of(request.transform, {"row", "binary", "none"}, "transform");
  one_of(request.contiguity, {"queen", "rook"}, "contiguity");
  one_of(request.lisa_variance, {"n", "n-1"}, "lisa_variance");
  one_of(request.missing, {"error", "drop"}, "missing");
}

}  // namespace

SpatialResult run_spatial(const SpatialRequest& request, ProgressSink& progress) {
  check_request(request);
  CsvOptions csv_options;
  csv_options.delimiter = request.delimiter;
  const CsvTable table = CsvTable::read_file(request.file, csv_options);
  for (const auto& column : request.value) static_cast<void>(table.column_index(column));
  const std::vector<std::string> ids = read_ids(table, request.id);
  OnceLogSink once(progress);

  SpatialResult result;
  result.rows = table.row_count();
  BaseWeights base;
  switch (request.source) {
    case WeightsSource::Edges:
      base = edge_weights(request, ids, result.weights);
      break;
    case WeightsSource::Polygons:
      base = polygon_weights(request, table, ids, result.weights, once);
      break;
    case WeightsSource::Knn:
    case WeightsSource::DistanceBand:
      base = point_weights(request, table, ids, request.source == WeightsSource::Knn);
      break;
  }
  for (const auto& column : request.value)
    result.columns.push_back(analyse_column(request, table, base, column, once));
  return result;
}

}  // namespace equalis::measure

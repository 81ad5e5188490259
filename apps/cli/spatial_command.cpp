// `equalis measure spatial`: spatial autocorrelation (global Moran's I, LISA) of indicator columns.

#include "commands.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"
#include "io/vector_file.hpp"
#include "measure/moran.hpp"
#include "measure/spatial_weights.hpp"
#include "report/spatial_json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <limits>
#include <memory>
#include <set>
#include <string_view>
#include <unordered_map>

namespace equalis::cli {

namespace {

struct SpatialArgs {
  std::string file;
  std::vector<std::string> value_columns;
  std::string id_column;
  // --edges
  std::string edges, edge_from, edge_to, edge_weight;
  bool edge_index = false;
  bool undirected = false;
  // --polygons
  std::string polygons, layer, polygon_id, contiguity = "queen";
  // --knn / --distance-band
  std::size_t knn = 0;
  double distance_band = 0.0;
  std::string x_column, y_column;
  bool geographic = false;

  std::string transform = "row";
  std::size_t permutations = 999;
  std::uint64_t seed = 12345;
  bool local = false;
  double alpha = 0.05;
  std::string lisa_variance = "n";
  std::string missing = "error";
  char delimiter = ',';
};

// Forwards to the terminal but says each log message once: Moran and LISA, and every value column, share
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
  measure::SpatialWeights weights;
  std::vector<std::size_t> rows;
  nlohmann::ordered_json description;  // options.weights in the JSON
};

nlohmann::ordered_json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

// Exactly one weight source, and no option of another source.
void check_weight_source(const SpatialArgs& args, const CLI::App& cmd) {
  const auto given = [&cmd](const char* option) { return cmd.count(option) > 0; };
  std::vector<std::string> sources;
  for (const char* source : {"--edges", "--polygons", "--knn", "--distance-band"}) {
    if (given(source)) sources.emplace_back(source);
  }
  if (sources.empty()) {
    throw Error(ErrorCode::InvalidInput, "no spatial weights given",
                "pass one of --edges FILE.csv, --polygons FILE (contiguity), --knn K --x COL --y COL or "
                "--distance-band D --x COL --y COL");
  }
  if (sources.size() > 1) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} and {} both give spatial weights", sources[0], sources[1]),
                "pass exactly one weight source");
  }
  const std::string& source = sources[0];
  const auto belongs = [&](std::initializer_list<const char*> options,
                           std::initializer_list<const char*> owners) {
    for (const char* option : options) {
      if (!given(option)) continue;
      bool owned = false;
      for (const char* owner : owners) owned = owned || source == owner;
      if (!owned) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("{} does not apply to weights from {}", option, source),
                    fmt::format("drop {}: it belongs to {}", option, *owners.begin()));
      }
    }
  };
  belongs({"--edge-from", "--edge-to", "--edge-weight", "--edge-index", "--undirected"}, {"--edges"});
  belongs({"--layer", "--polygon-id", "--contiguity"}, {"--polygons"});
  belongs({"--x", "--y", "--geographic"}, {"--knn", "--distance-band"});
  if ((source == "--knn" || source == "--distance-band") &&
      (args.x_column.empty() || args.y_column.empty())) {
    throw Error(
        ErrorCode::InvalidInput, fmt::format("{} needs point coordinates", source),
        "name the coordinate columns of the data file with --x COL --y COL (longitude and latitude with "
        "--geographic)");
  }
}

// Every data row's id, checked non-empty and unique (the weights and the output are keyed by it).
std::vector<std::string> read_ids(const CsvTable& table, const std::string& id_column) {
  const std::size_t column = table.column_index(id_column);
  std::vector<std::string> ids;
  ids.reserve(table.row_count());
  std::unordered_map<std::string_view, std::size_t> first_row;
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const std::string_view id = table.cell(row, column);
    if (id.empty()) {
      throw Error(ErrorCode::InvalidInput, fmt::format("empty id in column '{}'", id_column),
                  "give every unit an id: spatial weights are matched to units by id",
                  table.location(row, column));
    }
    const auto [it, inserted] = first_row.emplace(id, row);
    if (!inserted) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("id '{}' in column '{}' is also on line {}", id, id_column,
                              table.row_location(it->second).line),
                  "unit ids must be unique: pick an id column without repeats (or aggregate the rows first)",
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

BaseWeights edge_weights(const SpatialArgs& args, const std::vector<std::string>& ids) {
  CsvOptions csv_options;
  csv_options.delimiter = args.delimiter;
  const CsvTable edges = CsvTable::read_file(args.edges, csv_options);
  if (edges.column_count() < 2 && (args.edge_from.empty() || args.edge_to.empty())) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("edge list {} has {} column(s); it needs a from and a to column", args.edges,
                            edges.column_count()),
                "write one link a row: from,to[,weight]");
  }
  const std::string from = args.edge_from.empty() ? edges.header()[0] : args.edge_from;
  const std::string to = args.edge_to.empty() ? edges.header()[1] : args.edge_to;
  measure::EdgeListOptions options;
  options.endpoints =
      args.edge_index ? measure::EdgeEndpoints::ZeroBasedIndices : measure::EdgeEndpoints::Ids;
  options.direction = args.undirected ? measure::EdgeDirection::Undirected : measure::EdgeDirection::Directed;
  const std::optional<std::string_view> weight =
      args.edge_weight.empty() ? std::nullopt : std::optional<std::string_view>(args.edge_weight);
  BaseWeights base;
  base.weights = measure::weights_from_edge_list(edges, from, to, weight, ids, options);
  base.rows = all_rows(ids.size());
  base.description = {{"source", "edges"},
                      {"file", args.edges},
                      {"from", from},
                      {"to", to},
                      {"weight", text_or_null(args.edge_weight)},
                      {"endpoints", args.edge_index ? "indices" : "ids"},
                      {"undirected", args.undirected}};
  return base;
}

BaseWeights polygon_weights(const SpatialArgs& args, const CsvTable& table,
                            const std::vector<std::string>& ids, ProgressSink& progress) {
  const io::VectorLayer layer = io::read_features(args.polygons, args.layer);
  io::require_polygons(layer);
  std::vector<std::vector<io::Polygon>> units;
  std::size_t unmatched = 0;
  if (args.polygon_id.empty()) {
    if (layer.size() != table.row_count()) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("{} has {} polygons but {} has {} data rows", args.polygons, layer.size(), args.file,
                      table.row_count()),
          "pass --polygon-id FIELD to match polygons to data rows by id, or give one polygon per data "
          "row in the same order");
    }
    units = layer.polygons();
  } else {
    const std::vector<std::string> polygon_ids = layer.column(args.polygon_id);
    std::unordered_map<std::string_view, std::size_t> feature_of;
    for (std::size_t feature = 0; feature < polygon_ids.size(); ++feature) {
      if (polygon_ids[feature].empty()) continue;  // a null id matches no data row
      const auto [it, inserted] = feature_of.emplace(polygon_ids[feature], feature);
      if (!inserted) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("{}: polygon id '{}' in field '{}' appears twice (features {} and {})",
                                args.polygons, polygon_ids[feature], args.polygon_id,
                                layer.features[it->second].fid, layer.features[feature].fid),
                    "polygon ids must be unique: pick another --polygon-id field or dissolve the polygons");
      }
    }
    const std::size_t id_column = table.column_index(args.id_column);
    units.reserve(ids.size());
    for (std::size_t row = 0; row < ids.size(); ++row) {
      const auto found = feature_of.find(ids[row]);
      if (found == feature_of.end()) {
        const std::string nearest = nearest_name(ids[row], polygon_ids);
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("no polygon in {} has {} = '{}'", args.polygons, args.polygon_id, ids[row]),
                    nearest.empty() ? fmt::format("every data row needs a polygon whose '{}' equals its '{}'",
                                                  args.polygon_id, args.id_column)
                                    : fmt::format("did you mean '{}'? ids must match exactly", nearest),
                    table.location(row, id_column));
      }
      units.push_back(layer.features[found->second].polygons);
    }
    unmatched = layer.size() - ids.size();
    if (unmatched > 0) {
      progress.log(LogLevel::Info, fmt::format("{} of {} polygons in {} match no data row and are left out",
                                               unmatched, layer.size(), args.polygons));
    }
  }
  BaseWeights base;
  base.weights = measure::contiguity_from_polygons(
      units, args.contiguity == "rook" ? measure::Contiguity::Rook : measure::Contiguity::Queen, ids);
  base.rows = all_rows(ids.size());
  base.description = {{"source", "polygons"},           {"file", args.polygons},
                      {"layer", layer.layer_name},      {"polygon_id", text_or_null(args.polygon_id)},
                      {"contiguity", args.contiguity},  {"features", layer.size()},
                      {"features_unmatched", unmatched}};
  return base;
}

BaseWeights point_weights(const SpatialArgs& args, const CsvTable& table, const std::vector<std::string>& ids,
                          bool knn) {
  const NumericColumn x = read_numeric_column(table, args.x_column);
  const NumericColumn y = read_numeric_column(table, args.y_column);
  BaseWeights base;
  std::vector<double> xs;
  std::vector<double> ys;
  std::vector<std::string> kept_ids;
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    for (const NumericColumn* column : {&x, &y}) {
      if (column->valid[row] == 0 && args.missing == "error") {
        throw Error(ErrorCode::InvalidInput, fmt::format("missing coordinate in column '{}'", column->name),
                    "fill the cell in, or pass --missing drop to leave the unit out of the weights and of "
                    "every value column",
                    table.location(row, table.column_index(column->name)));
      }
    }
    if (x.valid[row] == 0 || y.valid[row] == 0) continue;
    base.rows.push_back(row);
    xs.push_back(x.values[row]);
    ys.push_back(y.values[row]);
    kept_ids.push_back(ids[row]);
  }
  if (knn) {
    base.weights = measure::knn_weights(xs, ys, args.knn, args.geographic, std::move(kept_ids));
    base.description = {{"source", "knn"}, {"k", args.knn}};
  } else {
    base.weights =
        measure::distance_band_weights(xs, ys, args.distance_band, args.geographic, std::move(kept_ids));
    base.description = {{"source", "distance_band"}, {"threshold", args.distance_band}};
  }
  base.description["x"] = args.x_column;
  base.description["y"] = args.y_column;
  base.description["geographic"] = args.geographic;
  if (!knn) base.description["threshold_units"] = args.geographic ? "metres" : "coordinate units";
  return base;
}

// W restricted to the units with keep[unit] != 0: their rows, minus every link to a dropped unit.
measure::SpatialWeights subset_weights(const measure::SpatialWeights& weights,
                                       const std::vector<std::uint8_t>& keep) {
  constexpr auto kDropped = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> new_index(weights.n, kDropped);
  measure::SpatialWeights out;
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

report::SpatialReport analyse_column(const SpatialArgs& args, const CsvTable& table, const BaseWeights& base,
                                     const std::string& column_name, ProgressSink& progress) {
  const NumericColumn column = read_numeric_column(table, column_name);
  report::SpatialReport report;
  report.variable = column_name;
  std::vector<std::uint8_t> keep(base.rows.size(), 1);
  for (std::size_t unit = 0; unit < base.rows.size(); ++unit) {
    const std::size_t row = base.rows[unit];
    if (column.valid[row] != 0) {
      report.values.push_back(column.values[row]);
      continue;
    }
    if (args.missing == "error") {
      throw Error(ErrorCode::InvalidInput, fmt::format("missing value in column '{}'", column_name),
                  "fill the cell in, or pass --missing drop to leave the unit out (of the weights too; the "
                  "links lost are reported)",
                  table.location(row, table.column_index(column_name)));
    }
    keep[unit] = 0;
  }
  const measure::SpatialWeights subset = subset_weights(base.weights, keep);
  report.rows_dropped = table.row_count() - subset.n;
  report.links_lost = base.weights.link_count() - subset.link_count();
  if (subset.n < 3) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("'{}' has {} unit(s) with a value{}; Moran's I needs at least 3", column_name, subset.n,
                    report.rows_dropped > 0 ? fmt::format(" ({} rows dropped)", report.rows_dropped) : ""),
        "use more units, or fill the missing cells");
  }
  if (report.rows_dropped > 0) {
    progress.log(
        LogLevel::Info,
        fmt::format("'{}': {} rows dropped for missing cells; {} of {} links touched them and were removed "
                    "from the weights",
                    column_name, report.rows_dropped, report.links_lost, base.weights.link_count()));
  }
  report.transform = args.transform;
  if (args.transform == "row") {
    report.weights = measure::transform_weights(subset, measure::WeightsTransform::RowStandardized);
  } else if (args.transform == "binary") {
    report.weights = measure::transform_weights(subset, measure::WeightsTransform::Binary);
  } else {
    report.weights = subset;
  }
  measure::MoranOptions global_options;
  global_options.permutations = args.permutations;
  global_options.seed = args.seed;
  report.global = measure::moran(report.values, report.weights, global_options, progress);
  if (args.local) {
    measure::LocalMoranOptions local_options;
    local_options.permutations = args.permutations;
    local_options.seed = args.seed;
    local_options.alpha = args.alpha;
    local_options.variance =
        args.lisa_variance == "n-1" ? measure::LisaVariance::NMinus1 : measure::LisaVariance::N;
    report.local = measure::local_moran(report.values, report.weights, local_options, progress);
  }
  return report;
}

void run_spatial(SpatialArgs& args, const CLI::App& cmd, Context& context) {
  check_weight_source(args, cmd);
  if (args.id_column.empty()) {
    throw Error(ErrorCode::InvalidInput, "no --id column given",
                "name the unit id column with --id COL: it labels the units and matches them to the weights");
  }
  CsvOptions csv_options;
  csv_options.delimiter = args.delimiter;
  const CsvTable table = CsvTable::read_file(args.file, csv_options);
  for (const auto& column : args.value_columns) static_cast<void>(table.column_index(column));
  const std::vector<std::string> ids = read_ids(table, args.id_column);
  OnceLogSink progress(context.progress);

  BaseWeights base;
  if (cmd.count("--edges") > 0) {
    base = edge_weights(args, ids);
  } else if (cmd.count("--polygons") > 0) {
    base = polygon_weights(args, table, ids, progress);
  } else {
    base = point_weights(args, table, ids, cmd.count("--knn") > 0);
  }

  std::vector<report::SpatialReport> reports;
  for (const auto& column : args.value_columns)
    reports.push_back(analyse_column(args, table, base, column, progress));

  emit_result(context.output, {.json =
                                   [&] {
                                     nlohmann::ordered_json out =
                                         envelope("measure spatial", args.file, table.row_count());
                                     out["options"] = {{"value", args.value_columns},
                                                       {"id", args.id_column},
                                                       {"weights", base.description},
                                                       {"transform", args.transform},
                                                       {"permutations", args.permutations},
                                                       {"seed", args.seed},
                                                       {"local", args.local},
                                                       {"alpha", args.alpha},
                                                       {"lisa_variance", args.lisa_variance},
                                                       {"missing", args.missing}};
                                     out["results"] = nlohmann::ordered_json::array();
                                     for (const auto& r : reports)
                                       out["results"].push_back(report::to_json(r));
                                     return out;
                                   },
                               .csv = [&] { return report::to_csv(reports); },
                               .text = [&] { return report::to_text(reports); }});
}

}  // namespace

void add_spatial_command(CLI::App& measure, Context& context) {
  auto args = std::make_shared<SpatialArgs>();
  CLI::App* cmd = measure.add_subcommand(
      "spatial",
      "Spatial autocorrelation: global Moran's I (normality, randomisation and permutation inference) "
      "and, with --local, LISA clusters");
  cmd->footer(
      "Weights: exactly one of --edges, --polygons, --knn, --distance-band.\n"
      "Missing cells: with --missing drop a unit without a value (or, for --knn/--distance-band, without "
      "coordinates) is removed from the data AND from the weights: its row and every link to it are deleted "
      "before the transform, so the units it neighboured have fewer neighbours (kNN units may have fewer "
      "than K; kNN is not recomputed) and may become islands. The number of links lost is reported per value "
      "column.");
  cmd->add_option("file", args->file, "CSV file, one row per unit")->required()->check(CLI::ExistingFile);
  cmd->add_option("-v,--value", args->value_columns, "Value column; repeat for several (one result each)")
      ->required();
  cmd->add_option("--id", args->id_column, "Unit id column (required; unique, non-empty)");
  cmd->add_option(
         "--edges", args->edges,
         "Weights from an edge-list CSV, one link per row (from,to[,weight]); the links are directed, "
         "so list both directions of a symmetric relation (or pass --undirected)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--edge-from", args->edge_from,
                  "Edge-list column of the link's origin (default: first column)");
  cmd->add_option("--edge-to", args->edge_to, "Edge-list column of the link's destination (default: second)");
  cmd->add_option("--edge-weight", args->edge_weight,
                  "Edge-list column of link weights ≥ 0 (default: every link weighs 1)");
  cmd->add_flag("--edge-index", args->edge_index,
                "Edge endpoints are 0-based row positions in the data file instead of ids");
  cmd->add_flag(
      "--undirected", args->undirected,
      "Each edge-list row links both ways (the reverse of every link is added; a row listed in both "
      "directions is then a duplicate)");
  cmd->add_option("--polygons", args->polygons,
                  "Contiguity weights from a polygon file GDAL reads (.shp, .geojson, .gpkg, …)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--layer", args->layer, "Layer of the polygon file (needed when it has several)");
  cmd->add_option("--polygon-id", args->polygon_id,
                  "Polygon attribute matched to --id (default: polygons pair with data rows in file order)");
  cmd->add_option("--contiguity", args->contiguity,
                  "queen (a shared vertex makes neighbours, default) or rook (a shared edge)")
      ->check(CLI::IsMember({"queen", "rook"}));
  cmd->add_option("--knn", args->knn,
                  "Weights linking each unit to its K nearest neighbours (needs --x, --y)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--distance-band", args->distance_band,
                  "Weights linking units within this distance (coordinate units; metres with --geographic)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--x", args->x_column, "Column of x coordinates (longitude with --geographic)");
  cmd->add_option("--y", args->y_column, "Column of y coordinates (latitude with --geographic)");
  cmd->add_flag("--geographic", args->geographic,
                "Coordinates are longitude/latitude in degrees: great-circle distances on a sphere");
  cmd->add_option("--transform", args->transform,
                  "row (row-standardised, default), binary (every link 1) or none (weights as given)")
      ->check(CLI::IsMember({"row", "binary", "none"}));
  cmd->add_option("--permutations", args->permutations,
                  "Permutations of the global test and of each LISA (0 = analytic inference only)")
      ->check(CLI::NonNegativeNumber)
      ->default_val(999);
  cmd->add_option("--seed", args->seed, "Seed of the permutations (results are reproducible)")
      ->default_val(12345);
  cmd->add_flag("--local", args->local, "Also compute local Moran's I (LISA) for every unit");
  cmd->add_option("--alpha", args->alpha, "Significance level of the LISA clusters")->default_val(0.05);
  cmd->add_option("--lisa-variance", args->lisa_variance,
                  "Variance scaling local I: n (Anselin 1995, spdep; default) or n-1 (as PySAL esda)")
      ->check(CLI::IsMember({"n", "n-1"}));
  cmd->add_option("--missing", args->missing,
                  "Missing cells: error (default) or drop the unit from the data and the weights (see below)")
      ->check(CLI::IsMember({"error", "drop"}));
  cmd->add_option("--delimiter", args->delimiter, "CSV field delimiter (data file and edge list)")
      ->default_val(',');
  add_output_options(*cmd, context);
  cmd->callback([args, cmd, &context] { run_spatial(*args, *cmd, context); });
}

}  // namespace equalis::cli

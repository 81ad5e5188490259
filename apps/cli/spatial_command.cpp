// `equalis measure spatial`: spatial autocorrelation (global Moran's I, LISA) of indicator columns.
// Flags -> measure::SpatialRequest -> measure::run_spatial -> report/spatial_json.

#include "commands.hpp"

#include "core/error.hpp"
#include "measure/spatial_run.hpp"
#include "report/spatial_json.hpp"

#include <fmt/format.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace equalis::cli {

namespace {

// Exactly one weight source, and no option of another source: a check on the flags as typed.
measure::WeightsSource weight_source(const CLI::App& cmd) {
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
  if (source == "--edges") return measure::WeightsSource::Edges;
  if (source == "--polygons") return measure::WeightsSource::Polygons;
  return source == "--knn" ? measure::WeightsSource::Knn : measure::WeightsSource::DistanceBand;
}

void run_spatial(measure::SpatialRequest& request, const CLI::App& cmd, Context& context) {
  request.source = weight_source(cmd);
  const measure::SpatialResult result = measure::run_spatial(request, context.progress);
  emit_result(context.output, report::renderers(request, result));
}

}  // namespace

void add_spatial_command(CLI::App& measure, Context& context) {
  auto args = std::make_shared<measure::SpatialRequest>();
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
  cmd->add_option("file", args->file, "CSV file, one row per unit")->required()->check(input_file());
  cmd->add_option("-v,--value", args->value, "Value column; repeat for several (one result each)")
      ->required();
  cmd->add_option("--id", args->id, "Unit id column (required; unique, non-empty)");
  cmd->add_option(
         "--edges", args->edges,
         "Weights from an edge-list CSV, one link per row (from,to[,weight]); the links are directed, "
         "so list both directions of a symmetric relation (or pass --undirected)")
      ->check(input_file());
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
      ->check(input_file());
  cmd->add_option("--layer", args->layer, "Layer of the polygon file (needed when it has several)");
  cmd->add_option("--polygon-id", args->polygon_id,
                  "Polygon attribute matched to --id (default: polygons pair with data rows in file order)");
  cmd->add_option("--contiguity", args->contiguity,
                  "queen (a shared vertex makes neighbours, default) or rook (a shared edge)")
      ->check(CLI::IsMember({"queen", "rook"}));
  cmd->add_option("--knn", args->knn,
                  "Weights linking each unit to its K nearest neighbours (needs --x, --y)")
      ->check(positive());
  cmd->add_option("--distance-band", args->distance_band,
                  "Weights linking units within this distance (coordinate units; metres with --geographic)")
      ->check(non_negative());
  cmd->add_option("--x", args->x, "Column of x coordinates (longitude with --geographic)");
  cmd->add_option("--y", args->y, "Column of y coordinates (latitude with --geographic)");
  cmd->add_flag("--geographic", args->geographic,
                "Coordinates are longitude/latitude in degrees: great-circle distances on a sphere");
  cmd->add_option("--transform", args->transform,
                  "row (row-standardised, default), binary (every link 1) or none (weights as given)")
      ->check(CLI::IsMember({"row", "binary", "none"}));
  cmd->add_option("--permutations", args->permutations,
                  "Permutations of the global test and of each LISA (0 = analytic inference only)")
      ->check(non_negative())
      ->default_val(999);
  cmd->add_option("--seed", args->seed, "Seed of the permutations (results are reproducible)")
      ->check(non_negative())
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

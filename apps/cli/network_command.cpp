// `equalis network …`: OSM extract -> graph file (build), travel-time matrices (matrix), isochrones
// (isochrone) and points of interest (pois). Flags -> request (network/run.hpp) -> result, rendered by
// report/network_report.

#include "commands.hpp"
#include "registry.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "network/run.hpp"
#include "report/network_report.hpp"

#include <memory>
#include <string>

namespace equalis::cli {

namespace {

void run_build(const network::BuildRequest& request, Context& context) {
  refuse_input_as_output(request.output);
  const network::BuildResult result = network::run_build(request, context.progress);
  emit_result(OutputOptions{}, report::renderers(request, result));  // -o is the graph: JSON to stdout
}

// --format and -o of `network matrix` are its own: csv (to stdout or a file) or binary (to a file).
struct MatrixOutput {
  std::string format = "csv";
  std::string path;
};

void run_matrix(const network::MatrixRunRequest& request, const MatrixOutput& output, Context& context) {
  if (output.format == "binary" && (output.path.empty() || output.path == "-")) {
    throw Error(ErrorCode::InvalidInput, "a binary matrix needs an output file",
                "add -o FILE (or use --format csv for stdout)");
  }
  refuse_input_as_output(output.path);
  const network::MatrixRunResult result = network::run_matrix(request, context.progress);
  const OutputOptions target{.format = OutputFormat::Csv, .path = output.path};
  if (output.format == "binary") {
    emit(target, report::matrix_binary(result));
    return;
  }
  emit_result(target, report::renderers(request, result));
}

void run_isochrone(const network::IsochroneRequest& request, const std::string& geojson, Context& context) {
  refuse_input_as_output(geojson);
  const network::IsochroneResult result = network::run_isochrone(request, context.progress);
  if (geojson.empty()) {
    emit_result(context.output, report::renderers(request, result));
    return;
  }
  // Two outputs: both rendered before either is written, and committed together when both are files.
  std::string outline = report::isochrone_geojson(request, result).dump(2) + "\n";
  std::string summary = render_result(context.output.format, report::renderers(request, result));
  if (context.output.path.empty() || context.output.path == "-") {
    write_file_atomically(geojson, outline);
    emit(context.output, summary);
    return;
  }
  refuse_input_as_output(context.output.path);
  write_files_together({{geojson, std::move(outline)}, {context.output.path, std::move(summary)}});
}

void run_pois(const network::PoisRequest& request, const std::string& output, Context& context) {
  refuse_input_as_output(output);
  const network::PoisResult result = network::run_pois(request, context.progress);
  emit_result({.format = OutputFormat::Csv, .path = output}, report::renderers(request, result));
}

void add_build(CLI::App& parent, Context& context) {
  auto args = std::make_shared<network::BuildRequest>();
  CLI::App* cmd = parent.add_subcommand("build", "Build a routable graph file (.eqg) from an OSM extract");
  cmd->add_option("--osm", args->osm, "OpenStreetMap extract: .osm.pbf or .osm (XML)")
      ->required()
      ->check(input_file());
  cmd->add_option("--profile", args->profile, "Travel mode: car (default), walk or bike")
      ->check(CLI::IsMember({"car", "walk", "bike"}));
  cmd->add_option("--speeds", args->speeds, "CSV highway,speed_kmh overriding the profile's speed table")
      ->check(input_file());
  cmd->add_option("-o,--output", args->output, "Graph file to write (atomically)")->required();
  cmd->callback([args, &context] { run_build(*args, context); });
}

void add_matrix(CLI::App& parent, Context& context) {
  auto args = std::make_shared<network::MatrixRunRequest>();
  auto output = std::make_shared<MatrixOutput>();
  CLI::App* cmd =
      parent.add_subcommand("matrix", "Origin x destination travel times (seconds) on a graph file");
  cmd->add_option("--graph", args->graph, "Graph file from `equalis network build`")
      ->required()
      ->check(input_file());
  cmd->add_option("--origins", args->origins, "CSV with columns id, lon, lat")
      ->required()
      ->check(input_file());
  cmd->add_option("--destinations", args->destinations, "CSV with columns id, lon, lat")
      ->required()
      ->check(input_file());
  cmd->add_option("--max-time", args->max_time,
                  "Catchment limit (seconds, or 10min, 1h30min): longer trips count as unreachable")
      ->transform(duration());
  cmd->add_option("--max-snap", args->max_snap, "Largest distance (m) from a point to the graph")
      ->default_val(network::kDefaultMaxSnapM)
      ->check(non_negative());
  cmd->add_option("--snap", args->snap,
                  "node (nearest graph node, the default) or segment (nearest point of the nearest road, "
                  "with the part of its travel time to each end)")
      ->check(CLI::IsMember({"node", "segment"}));
  cmd->add_flag("--keep-unreachable", args->keep_unreachable,
                "Write unreachable pairs with an empty travel_time_s (default: omit them)");
  cmd->add_option("--format", output->format, "csv (long: from_id,to_id,travel_time_s, seconds) or binary")
      ->check(CLI::IsMember({"csv", "binary"}));
  cmd->add_option("-o,--output", output->path, "Output file (atomically); default stdout");
  cmd->callback([args, output, &context] { run_matrix(*args, *output, context); });
}

void add_isochrone(CLI::App& parent, Context& context) {
  auto args = std::make_shared<network::IsochroneRequest>();
  auto geojson = std::make_shared<std::string>();
  CLI::App* cmd =
      parent.add_subcommand("isochrone", "Nodes reachable from a point within a time, and an outline");
  cmd->add_option("--graph", args->graph, "Graph file from `equalis network build`")
      ->required()
      ->check(input_file());
  cmd->add_option("--lon", args->lon, "Longitude of the origin (WGS84 degrees)")->required();
  cmd->add_option("--lat", args->lat, "Latitude of the origin (WGS84 degrees)")->required();
  cmd->add_option("--max-time", args->max_time, "Travel-time budget (seconds, or 10min, 1h30min)")
      ->required()
      ->transform(duration());
  cmd->add_option("--max-snap", args->max_snap, "Largest distance (m) from the point to its graph node")
      ->default_val(network::kDefaultMaxSnapM)
      ->check(non_negative());
  cmd->add_option(
         "--outline", args->outline,
         "network (default): reachable roads buffered by --buffer; hull: convex hull of the reachable nodes")
      ->check(CLI::IsMember({"network", "hull"}));
  cmd->add_option("--buffer", args->buffer,
                  "Buffer distance (m) around the reachable roads (--outline network)")
      ->default_val(network::kDefaultIsochroneBufferM)
      ->check(positive());
  cmd->add_option("--geojson", *geojson, "Also write the outline as a GeoJSON file");
  add_output_options(*cmd, context);
  cmd->callback([args, geojson, &context] { run_isochrone(*args, *geojson, context); });
}

void add_pois(CLI::App& parent, Context& context) {
  auto args = std::make_shared<network::PoisRequest>();
  auto output = std::make_shared<std::string>();
  CLI::App* cmd = parent.add_subcommand("pois", "Extract points of interest (schools, hospitals, …) to CSV");
  cmd->add_option("--osm", args->osm, "OpenStreetMap extract: .osm.pbf or .osm (XML)")
      ->required()
      ->check(input_file());
  cmd->add_option("--tags", args->tags, "key=value list, e.g. amenity=hospital,clinic,school (value * = any)")
      ->required();
  cmd->add_option("-o,--output", *output, "CSV file (atomically); default stdout");
  cmd->callback([args, output, &context] { run_pois(*args, *output, context); });
}

}  // namespace

void add_network_command(CLI::App& app, Context& context) {
  CLI::App* net = app.add_subcommand("network", "Road networks from OpenStreetMap and travel-time matrices");
  net->require_subcommand(1);
  add_build(*net, context);
  add_matrix(*net, context);
  add_isochrone(*net, context);
  add_pois(*net, context);
}

namespace {
const CommandRegistration kRegistration{20, add_network_command};
}  // namespace

}  // namespace equalis::cli

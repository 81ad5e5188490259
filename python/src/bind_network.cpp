// equalis.network: build a graph file from an OSM extract, travel-time matrices, isochrones and points of
// interest, each a network request (network/run.hpp) filled from the Python layer's fields (spelt as
// `equalis network …` spells its flags, with underscores) and rendered by the CLI's own report code.

#include "binding.hpp"

#include "network/run.hpp"
#include "report/network_report.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace equalis::python {
namespace {

// As the CLI: writing the graph over one of the build's inputs would destroy it.
void refuse_input_as_output(const std::string& output, const std::vector<std::string>& inputs) {
  for (const auto& input : inputs) {
    std::error_code error;
    if (!input.empty() && std::filesystem::equivalent(output, input, error)) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("the output file '{}' is also an input ('{}'): writing it would destroy the input",
                      output, input),
          "write the graph to another file");
    }
  }
}

network::BuildRequest build_request(const py::dict& fields) {
  network::BuildRequest request;
  Fields in(fields, "network.build");
  in.get("osm", request.osm);
  in.choice(
      "profile", request.profile,
      std::vector<std::pair<std::string, std::string>>{{"car", "car"}, {"walk", "walk"}, {"bike", "bike"}});
  in.get("speeds", request.speeds);
  in.get("output", request.output);
  in.finish();
  if (request.output.empty()) {
    throw Error(ErrorCode::InvalidInput, "`output` is missing",
                "name the graph file to write, e.g. city.eqg");
  }
  refuse_input_as_output(request.output, {request.osm, request.speeds});
  return request;
}

network::MatrixRunRequest matrix_request(const py::dict& fields) {
  network::MatrixRunRequest request;
  Fields in(fields, "network.matrix");
  in.get("graph", request.graph);
  in.get("origins", request.origins);
  in.get("destinations", request.destinations);
  in.get("max_time", request.max_time);
  in.get("max_snap", request.max_snap);
  in.choice("snap", request.snap,
            std::vector<std::pair<std::string, std::string>>{{"node", "node"}, {"segment", "segment"}});
  in.get("keep_unreachable", request.keep_unreachable);
  in.finish();
  return request;
}

network::IsochroneRequest isochrone_request(const py::dict& fields) {
  network::IsochroneRequest request;
  Fields in(fields, "network.isochrone");
  in.get("graph", request.graph);
  in.get("lon", request.lon);
  in.get("lat", request.lat);
  in.get("max_time", request.max_time);
  in.get("max_snap", request.max_snap);
  in.choice("outline", request.outline,
            std::vector<std::pair<std::string, std::string>>{{"network", "network"}, {"hull", "hull"}});
  in.get("buffer", request.buffer);
  in.finish();
  return request;
}

network::PoisRequest pois_request(const py::dict& fields) {
  network::PoisRequest request;
  Fields in(fields, "network.pois");
  in.get("osm", request.osm);
  in.get("tags", request.tags);
  in.finish();
  return request;
}

}  // namespace

void bind_network(py::module_& module) {
  def_engine(module, "network_build", build_request, [](const auto& request, ProgressSink& sink) {
    const auto result = network::run_build(request, sink);
    return render_all(report::renderers(request, result), "build");
  });
  def_engine(module, "network_matrix", matrix_request, [](const auto& request, ProgressSink& sink) {
    const auto result = network::run_matrix(request, sink);
    return render_all(report::renderers(request, result), "matrix");
  });
  def_engine(module, "network_isochrone", isochrone_request, [](const auto& request, ProgressSink& sink) {
    const auto result = network::run_isochrone(request, sink);
    Rendered rendered = render_all(report::renderers(request, result), "nodes");
    // The outline, as `--geojson` writes it (not a table: the Python layer reads it as GeoJSON).
    rendered.tables.emplace_back("outline.geojson",
                                 report::isochrone_geojson(request, result).dump(2) + "\n");
    return rendered;
  });
  def_engine(module, "network_pois", pois_request, [](const auto& request, ProgressSink& sink) {
    const auto result = network::run_pois(request, sink);
    return render_all(report::renderers(request, result), "pois");
  });
}

}  // namespace equalis::python

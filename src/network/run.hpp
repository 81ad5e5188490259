#pragma once
// One request, one call, one result for each network job: build a graph file from an OSM extract, a
// travel-time matrix between two place files, an isochrone around a point, and points of interest. Any
// front end (CLI, study runner, bindings) fills a request and renders the result (report/network_report).
// Progress and log messages go to the sink; nothing is printed.

#include "core/progress.hpp"
#include "network/graph.hpp"
#include "network/graph_file.hpp"
#include "network/isochrone.hpp"
#include "network/matrix.hpp"
#include "network/osm_graph.hpp"
#include "network/pois.hpp"
#include "network/snap.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace equalis::network {

// ----- build: OSM extract -> graph file (.eqg)

struct BuildRequest {
  std::string osm;              // .osm.pbf or .osm (XML)
  std::string profile = "car";  // car, walk or bike
  std::string speeds;           // optional CSV highway,speed_kmh overriding the profile's speeds
  std::string output;           // graph file to write (atomically)
};

struct BuildResult {
  OsmBuildReport report;
  std::size_t upward_arcs = 0;  // of the contraction hierarchy
  std::size_t downward_arcs = 0;
  double seconds = 0.0;  // wall time, the graph file written
};

// Builds the network and writes it to `output`; logs a one-line summary to the sink.
BuildResult run_build(const BuildRequest& request, ProgressSink& progress = null_progress());

// ----- matrix: origins x destinations travel times on a graph file

struct MatrixRunRequest {
  std::string graph;               // graph file from run_build
  std::string origins;             // CSV id, lon, lat
  std::string destinations;        // CSV id, lon, lat
  std::optional<double> max_time;  // seconds; longer trips count as unreachable
  double max_snap = kDefaultMaxSnapM;
  std::string snap = "node";      // node or segment (see MatrixRequest::snap)
  bool keep_unreachable = false;  // the long form lists unreachable pairs too (only said in the log here)
};

struct MatrixRunResult {
  std::vector<Place> origins;
  std::vector<Place> destinations;
  TravelTimeMatrix matrix;      // origins x destinations, milliseconds
  std::string profile;          // of the graph
  std::size_t unreachable = 0;  // pairs without a path within max_time
  double seconds = 0.0;
};

MatrixRunResult run_matrix(const MatrixRunRequest& request, ProgressSink& progress = null_progress());

// ----- isochrone: what is reachable from a point within a time

struct IsochroneRequest {
  std::string graph;
  double lon = 0.0;
  double lat = 0.0;
  double max_time = 0.0;  // seconds
  double max_snap = kDefaultMaxSnapM;
  std::string outline = "network";  // network (buffered reachable roads) or hull
  double buffer = kDefaultIsochroneBufferM;
};

struct IsochroneResult {
  Graph graph;        // the graph searched: labels the reachable nodes (OSM ids, coordinates)
  SnapResult origin;  // the point snapped to its node
  Isochrone isochrone;
};

// Throws Error(InvalidInput) if the point is further than max_snap from the graph.
IsochroneResult run_isochrone(const IsochroneRequest& request, ProgressSink& progress = null_progress());

// ----- pois: points of interest of an OSM extract

struct PoisRequest {
  std::string osm;
  std::string tags;  // key=value list, e.g. amenity=hospital,clinic,school (see parse_poi_filters)
};

struct PoisResult {
  std::vector<Poi> pois;
};

PoisResult run_pois(const PoisRequest& request, ProgressSink& progress = null_progress());

}  // namespace equalis::network

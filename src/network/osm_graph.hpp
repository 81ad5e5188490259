#pragma once
// OpenStreetMap extract (.osm.pbf or .osm XML, read with libosmium) -> routable graph of one profile.
// Every node of a routable way becomes a graph node, one arc per consecutive node pair and direction,
// length by haversine (R = 6 371 009 m), travel time = length / speed rounded to the millisecond.

#include "core/progress.hpp"
#include "network/graph.hpp"
#include "network/profile.hpp"

#include <cstddef>
#include <string>

namespace equalis::network {

struct OsmBuildReport {
  std::size_t ways_read = 0;               // ways in the file
  std::size_t ways_routable = 0;           // ways the profile keeps
  std::size_t segments_missing_nodes = 0;  // way segments skipped: a node is not in the extract
  ComponentReport components;              // before/after keeping the largest strongly connected component
};

struct OsmGraph {
  Graph graph;
  OsmBuildReport report;
};

// Reads `path` and builds the graph of `profile`, restricted to its largest strongly connected component.
// Throws Error(Io) if the file cannot be opened, Error(Parse) if it is not a complete OSM file (truncated
// or corrupt PBF, broken XML, unknown format), Error(InvalidInput) if no way of the profile is in it.
OsmGraph build_graph_from_osm(const std::string& path, const Profile& profile,
                              ProgressSink& progress = null_progress());

}  // namespace equalis::network

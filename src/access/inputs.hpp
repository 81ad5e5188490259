#pragma once
// The inputs of an access study as plain data: zones with their population by group, facilities with
// their capacity, and the travel costs between them as sparse rows (one per zone, the pairs within
// reach sorted by cost). Readers check every cell and name file:line:column and the fix.

#include "core/progress.hpp"
#include "io/cost_matrix.hpp"
#include "io/vector_file.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::access {

// ----- zones

struct ZoneSpec {
  // CSV, one row per zone; or a vector file GDAL reads (GeoJSON, GeoPackage, Shapefile, FlatGeobuf…, see
  // is_vector_file), one feature per zone: the columns are its attributes, the place its geometry.
  std::string file;
  std::string layer;  // vector file: the layer to read ("" = the only one)
  // Optional CSV zone,lon,lat,population: several population-weighted origins per zone (census blocks,
  // a population grid's cells). A zone's cost to a facility is then the population-weighted mean of its
  // points' costs (costs from places only: a graph or straight lines); zones without points keep theirs.
  std::string points;
  std::string id_column;          // empty = id, zone, zone_id, idx (the first present)
  std::string population_column;  // empty = population, pop, total_population
  // Population of each group as columns of the zone file (wide form), e.g. pop_60plus, pop_rural. Groups
  // may overlap (older people and rural people); each must fit within the zone's population.
  std::vector<std::string> group_columns;
  // Or (and) a long table zone,group,population (columns zone/zone_id/id, group, population/people):
  // one row per zone and group; zones not listed have none of the group.
  std::string groups_file;
  std::string income_column;    // optional: ranks zones for the concentration index and the Palma ratio
  std::string coverage_column;  // optional: share of the zone with network coverage, in [0, 1] (channels)
  bool coordinates = false;  // read lon/lat (lon, longitude, lng, x / lat, latitude, y): costs from a graph
  char delimiter = ',';
};

struct Zones {
  std::string source;
  std::vector<std::string> ids;
  std::vector<double> population;
  std::vector<std::string> group_names;           // the group columns, in the order given
  std::vector<std::vector<double>> group_people;  // [group][zone]
  std::vector<double> income;                     // per zone when an income column is given
  std::vector<std::uint8_t> income_valid;         // 0 where the income cell is missing
  std::string income_column;
  std::vector<double> coverage;  // per zone when a coverage column is given
  std::vector<double> lon;       // WGS84 degrees, when coordinates were asked for (always for a vector file)
  std::vector<double> lat;
  // A vector file's zones: their polygons (WGS84; empty for point zones), and how each place was found.
  std::vector<std::vector<geo::Polygon>> polygons;
  // What the places are, for the outputs, e.g. "898 polygon centroids (area-weighted) of hexagons.geojson"
  // with the points on the surface and any reprojection; "" for a CSV.
  std::string locations;
  // Per zone, how its place was found, when not given as lon/lat (vector zones, zones placed by polygons).
  std::vector<std::uint8_t> place;  // a ZonePlace
  [[nodiscard]] std::size_t size() const noexcept { return ids.size(); }
};

enum class ZonePlace : std::uint8_t { Centroid, PointOnSurface, Point };
// "centroid", "point_on_surface", "point": the outputs' per-zone `place`.
[[nodiscard]] const char* zone_place_name(std::uint8_t place) noexcept;

// True for the extensions read as vector files (geojson, json, gpkg, shp, fgb, gml, kml, sqlite), any case.
[[nodiscard]] bool is_vector_file(const std::string& path);

// Throws Error(Parse/InvalidInput) for a missing column, a duplicate id, a missing or negative
// population, a group larger than its zone's population, a negative income. A vector file gets the same
// checks, each naming its feature (and fid); its geometries are reprojected to WGS84 when the layer has
// another CRS, and a zone without a polygon or point geometry is an error.
Zones read_zones(const ZoneSpec& spec, ProgressSink& progress = null_progress());

// Population-weighted origins within zones (ZoneSpec::points): per point its zone (index), lon/lat and
// weight, the weights of each zone summing to 1 (equal weights where a zone's points have no people).
struct ZonePoints {
  std::string source;
  std::vector<std::uint32_t> zone;
  std::vector<double> lon;
  std::vector<double> lat;
  std::vector<double> weight;
  std::size_t zones_with_points = 0;
  [[nodiscard]] std::size_t size() const noexcept { return zone.size(); }
};

// Reads `spec.points` (columns zone/zone_id/id, lon/longitude/lng/x, lat/latitude/y,
// population/pop/people) against the zones; a zone without points gets its own lon/lat as its one point.
// Throws Error(InvalidInput) naming file:line:column for an unknown zone, a coordinate out of range, a
// missing or negative population, or a zone with neither points nor lon/lat.
ZonePoints read_zone_points(const ZoneSpec& spec, const Zones& zones);

// Zone costs from point costs: origin k of `by_point` is point k; a zone's cost to a destination is the
// weighted mean over its points, kept only when every point of the zone has a cost to it (a point that
// cannot reach the facility makes the mean unknown: the pair is left out, i.e. unreachable).
io::LongMatrix average_over_points(const io::LongMatrix& by_point, const ZonePoints& points,
                                   const std::vector<std::string>& zone_ids);

// ----- facilities

struct FacilitySpec {
  std::string file;                // CSV, one row per facility (or per zone holding opportunities)
  std::string id_column;           // empty = id, facility, facility_id, idx
  std::string capacity_column;     // empty = capacity; e.g. doctors, seats, windows, jobs, schools
  bool capacity_optional = false;  // channel sites (terminals): without a capacity column each counts 1
  bool coordinates = false;        // read lon/lat, as for zones
  char delimiter = ',';
};

// The capacity column of sites read without one (terminals, assisted sites): each counts 1.
inline constexpr std::string_view kCountedSites = "sites";

struct Facilities {
  std::string source;
  std::string capacity_column;
  std::vector<std::string> ids;
  std::vector<double> capacity;  // > 0: rows with capacity 0 are dropped and counted
  std::size_t dropped_without_capacity = 0;
  std::vector<std::string> ids_without_capacity;  // the dropped rows' ids: a matrix may list them
  // Ids the matrix may list as another channel's sites (terminals, assisted): no mismatch either.
  std::vector<std::string> other_sites;
  std::vector<double> lon;  // per facility kept, when coordinates were asked for
  std::vector<double> lat;
  [[nodiscard]] std::size_t size() const noexcept { return ids.size(); }
};

// Throws Error(Parse/InvalidInput) for a missing column, a duplicate id, a missing, negative or
// non-finite capacity, or a file in which no facility has capacity.
Facilities read_facilities(const FacilitySpec& spec, ProgressSink& progress = null_progress());

// ----- costs

// Pairs by zone: row z holds facility[offsets[z] .. offsets[z + 1]) with their costs, cheapest first.
struct CostRows {
  std::string source;  // what the costs are: "matrix FILE"
  io::CostUnit unit = io::CostUnit::Given;
  std::vector<std::size_t> offsets;  // zones + 1
  std::vector<std::uint32_t> facility;
  std::vector<float> cost;
  // Per zone, the cost of its nearest facility over every pair read, those beyond the measures' reach
  // included (+inf: none): the access standard is judged on it.
  std::vector<float> nearest;
  [[nodiscard]] std::size_t zone_count() const noexcept { return offsets.empty() ? 0 : offsets.size() - 1; }
  [[nodiscard]] std::size_t pair_count() const noexcept { return cost.size(); }
};

// What joining a matrix to the zones and facilities left out, reported (never silent).
struct MatrixJoin {
  std::size_t pairs_read = 0;
  std::size_t pairs_kept = 0;
  std::size_t pairs_beyond_reach = 0;             // dropped: costlier than any measure looks
  std::size_t repeated_pairs = 0;                 // the cheapest kept
  std::size_t origins_not_zones = 0;              // distinct matrix origins that are no zone
  std::size_t destinations_not_facilities = 0;    // distinct destinations that are no facility at all
  std::size_t destinations_without_capacity = 0;  // distinct destinations that are facilities of capacity 0
  std::vector<std::string> origin_examples;       // up to 3 of them, for the message
  std::vector<std::string> destination_examples;
};

struct CostSpec {
  std::string matrix;  // long CSV: origin (zone) id, destination (facility) id, cost
  io::LongMatrixSpec columns;
  io::CostUnit unit = io::CostUnit::Given;
  // Or travel times on a road graph (`equalis network build`), computed in process (unit: seconds);
  // zones and facilities then need lon/lat.
  std::string graph;
  double max_snap_m = 1000.0;  // largest distance from a place to the graph
  // segment: a place joins the graph at the nearest point of the nearest road, with the part of its travel
  // time to each end (rural zones beside long roads); node: at the nearest graph node.
  std::string snap = "segment";
  // Places further than this from the graph are counted (and said in a warning): their travel times leave
  // out the way to the road.
  double snap_threshold_m = 200.0;
  // Or great-circle distances at a speed, e.g. "4.5km/h" or "1.25m/s" (unit: seconds): a fallback where
  // no network or matrix is at hand; zones and facilities need lon/lat.
  std::string straight_line;
  double detour = 1.0;  // straight-line distance times this (≥ 1): routes are longer than the crow flies
};

// What the costs are, for every output: "matrix FILE", "graph FILE (travel times)", or "straight line
// (great circle) at 4.5 km/h, detour ×1.3".
[[nodiscard]] std::string cost_source_of(const CostSpec& spec);

// Reads the matrix and keeps the pairs between known zones and facilities that cost at most
// `max_cost`. Throws Error(InvalidInput) when no matrix origin is a zone or no destination a facility
// (the ids do not match: wrong column or file).
CostRows read_cost_rows(const CostSpec& spec, const Zones& zones, const Facilities& facilities,
                        double max_cost, MatrixJoin& join, ProgressSink& progress = null_progress());

// The same from a matrix already read: one read serves several sets of destinations (the offices, the
// self-service terminals, the assisted sites of a multi-channel study). `what` names the set in messages.
CostRows join_cost_rows(const io::LongMatrix& matrix, const CostSpec& spec, const Zones& zones,
                        const Facilities& facilities, double max_cost, MatrixJoin& join);

// Index of each destination id among the facilities (UINT32_MAX: none); ids that are neither a facility
// with capacity, one without, nor another channel's site are counted and sampled in `join`. Throws
// Error(InvalidInput) when no destination is a facility with capacity (`source` names the matrix).
std::vector<std::uint32_t> facility_index(const std::vector<std::string>& destination_ids,
                                          const std::string& source, const Facilities& facilities,
                                          MatrixJoin& join);

// The double a float cost stands for: its shortest decimal form read back (float 5.8 → 5.8, not
// 5.800000190734863), so that reported costs are the ones the matrix gave. +inf stays +inf.
[[nodiscard]] double decimal_of(float cost) noexcept;

// Builds rows from pairs in memory (zone index, facility index, cost): tests, and costs computed in
// process (the network module's matrix, straight-line distances). Repeated pairs keep the cheapest.
CostRows make_cost_rows(std::size_t zones, std::vector<std::uint32_t> zone,
                        std::vector<std::uint32_t> facility, std::vector<float> cost, io::CostUnit unit,
                        std::string source, std::size_t* repeated = nullptr);

}  // namespace equalis::access

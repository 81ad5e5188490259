#pragma once
// One request, one call, one result for access: zones (population by group), facilities (capacity)
// and travel costs in; per zone and group, every requested measure, the people beyond the access
// standard, and equity summaries from the measure engine out. report/access_report renders it.

#include "access/channels.hpp"
#include "access/decay.hpp"
#include "access/inputs.hpp"
#include "access/measures.hpp"
#include "access/scenario.hpp"
#include "core/progress.hpp"
#include "io/vector_file.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace equalis::access {

enum class MeasureKind : std::uint8_t {
  Cumulative,
  CumulativeInterval,
  CostToClosest,
  Gravity,
  Catchment,  // with a CatchmentMethod
  SpatialAvailability,
  Coverage,  // capacity-limited coverage (WHO AccessMod): the share of each zone's people covered
  Raam,      // rational agent access model (Saxon & Snow 2020): a cost, lower is better
};

struct MeasureSpec {
  MeasureKind kind = MeasureKind::Cumulative;
  CatchmentMethod method = CatchmentMethod::TwoStep;
  double cutoff = 0.0;  // cumulative; interval: from
  double to = 0.0;      // interval
  double step = 1.0;    // interval (Ipea's default increment: 1 cost unit)
  IntervalSummary summary = IntervalSummary::Median;
  double n = 1.0;                      // cost to closest
  std::optional<DecayFunction> decay;  // gravity, catchment, spatial availability
  double alpha = 1.0;                  // spatial availability
  CatchmentOptions catchment;          // 3SFCA: max_cost, selection over all pairs (PySAL)
  CoverageOrder order = CoverageOrder::CapacityDescending;  // coverage (cutoff = its time limit)
  std::string order_column;  // coverage ordered by a column of the facilities file
  RaamParameters raam;
  std::string text;  // as written, for messages
};

// Reads a measure as a user writes it, e.g. "cumulative=30min", "interval=10min..60min/5min:mean",
// "closest=3", "gravity=exponential:0.05", "2sfca=gaussian:30min", "bfca", "3sfca", "m2sfca",
// "spatial-availability=linear:60min", "coverage=60min,order=population" (or order=column:NAME[-asc]),
// "raam=30min,rho=0.5",
// "3sfca=exponential:0.05,max_cost=30min,selection=all". A decay left out is taken from `default_decay`
// (empty: an error). Costs with a unit are converted into `unit`. Throws Error(InvalidInput) naming
// `measures`.
MeasureSpec parse_measure(std::string_view text, io::CostUnit unit, std::string_view default_decay);

// What a zone that reaches nothing within a measure's reach gets: 0 (R `accessibility`) or no value
// (PySAL `access` gives NaN; equalis reports null in JSON and an empty CSV cell, never a NaN).
enum class NoAccess : std::uint8_t { Zero, Missing };

// The concentration index by income: the textbook form 2 Σ s_i (a_i − μ)(R_i − ½) / μ, or the form the
// issue attributes to Ipea, 2 Σ s_i a_i (R_i − R̄) / μ with R̄ the unweighted mean of the fractional
// ranks (docs/access.md shows both and when they differ).
enum class ConcentrationForm : std::uint8_t { Textbook, UnweightedRankMean };

// The coverage order as parse_measure reads it: "capacity", "population-asc", "column:priority"…
std::string coverage_order_name(const MeasureSpec& spec);

struct AccessRequest {
  ZoneSpec zones;
  FacilitySpec facilities;
  CostSpec costs;
  std::vector<std::string> measures{"2sfca"};  // as parse_measure reads them
  std::string decay;                           // default decay of gravity and the catchment measures
  double alpha = 1.0;                          // spatial availability's demand exponent
  NoAccess no_access = NoAccess::Zero;
  ConcentrationForm concentration = ConcentrationForm::Textbook;
  // The access standard: a person whose nearest facility costs more is counted as beyond it (e.g. "30min").
  std::string standard;
  // Poverty lines of access, "KEY=VALUE" per measure key (e.g. "cumulative_30=10"): FGT per group.
  std::vector<std::string> poverty_lines;
  // Access through every channel (needs the standard, and the digital profiles for online, terminal and
  // phone): the facilities above are the offices of the in-person channel.
  std::optional<ChannelOffer> channels;
  std::string digital_profiles;             // CSV, see read_digital_profiles
  std::optional<DigitalProfiles> profiles;  // or in memory (bindings, the journeys module)
  // What-if scenarios, each compared with the baseline (scenario.hpp); read from a TOML file or given.
  std::string scenarios_file;
  std::vector<Scenario> scenarios;
  // Zone polygons (GeoJSON, GeoPackage, Shapefile… in WGS84 lon/lat), matched to the zones by
  // `polygon_id`: the GeoJSON output maps them, and with a graph their centroids are routed from when
  // the zone file has no lon/lat.
  std::string zone_polygons;
  std::string polygon_id = "id";
  // A folder where travel costs read from a matrix or routed on a graph are kept between runs
  // (cost_cache.hpp); empty = none. A study run again with the same inputs then skips the matrix read or
  // the routing.
  std::string cost_cache;
};

// How a group fares on one measure.
struct GroupSummary {
  std::string group;  // "all" for the whole population
  double people = 0.0;
  double mean = 0.0;  // people-weighted, over the people with a finite value
  double min = 0.0;   // over zones where the group has people
  double max = 0.0;
  double people_without = 0.0;  // access 0 (nothing reached), or no facility at all for cost-to-closest
  // Foster, Greer & Thorbecke (1984) poverty of access below a line z (Ipea's fgt_poverty), when the
  // measure has a line: FGT0 the share below, FGT1 the mean gap (z − a)/z, FGT2 its mean square.
  std::optional<std::array<double, 3>> fgt;
};

// Equity of one measure over the whole population (zones weighted by population).
struct EquitySummary {
  std::size_t units = 0;          // zones with people and a finite value
  double gini = 0.0;              // Gini (1912), population weighted
  double theil_t = 0.0;           // GE(1) (Theil 1967)
  std::optional<double> between;  // Theil T between the groups, when they partition every zone
  std::optional<double> within;
  std::optional<double> concentration_index;      // ranked by income (Wagstaff, van Doorslaer & Paci 1991)
  std::optional<double> concentration_erreygers;  // 4 μ C / (max − min) (Erreygers 2009)
  std::optional<double>
      palma_income;  // mean of the richest 10 % over the poorest 40 % (by income), Ipea's palma_ratio
  std::string note;  // why a figure is absent
};

struct MeasureResult {
  std::string key;    // column name, e.g. "2sfca", "cumulative_30", "closest_1"
  std::string label;  // e.g. "2SFCA, decay gaussian:30"
  std::string unit;   // of the values: "capacity", "capacity per person", or the cost unit
  MeasureSpec spec;
  std::vector<double> values;  // per zone; +inf = unreachable (cost to closest)
  std::vector<GroupSummary> groups;
  std::optional<double> poverty_line;  // FGT line, in the measure's unit
  EquitySummary equity;
  std::size_t facilities_without_demand = 0;  // catchment: capacity nobody reaches
  std::optional<double> capacity_check;    // catchment: Σ_i P_i A_i / reached capacity (1 for 2SFCA, 3SFCA)
  std::size_t zones_without_access = 0;    // with `no_access` missing: zones reported without a value
  std::optional<CoverageResult> coverage;  // coverage: per facility and zone (values = share covered)
  std::vector<double> order_values;  // coverage by a column: each facility's value (NaN: not in the file)
  std::optional<RaamDetail> raam;
};

// People beyond the access standard (nearest facility costlier than it, or none in the matrix).
struct Exclusion {
  double standard = 0.0;             // in the cost unit
  std::vector<std::uint8_t> beyond;  // per zone: 1 if its nearest facility costs more than the standard
  std::vector<double> by_zone;       // people beyond it, per zone
  std::vector<GroupSummary> groups;  // people = the group's, people_without = those beyond
};

// How one group fares in a scenario against the baseline.
struct GroupChange {
  std::string group;
  double people = 0.0;
  std::optional<double> excluded_before;  // people with no usable channel (channel model)
  std::optional<double> excluded_after;
  std::optional<double> beyond_before;  // people beyond the standard
  std::optional<double> beyond_after;
  std::vector<double> mean_before;  // per measure, people-weighted
  std::vector<double> mean_after;
  bool loses = false;  // more excluded, more beyond the standard, or a worse mean on some measure
};

struct ScenarioResult {
  Scenario scenario;
  std::vector<GroupChange> groups;
  // Per measure: Theil T between the groups (when they partition the zones), before and after.
  std::vector<std::optional<double>> between_before;
  std::vector<std::optional<double>> between_after;
  std::size_t zones_losing = 0;  // zones whose nearest office or effective access got worse
  double people_losing = 0.0;    // their people
  std::vector<std::string> warnings;
};

// How far places lay from the road graph they were snapped to (costs from a graph). Travel times start
// and end on the road: the way from a place to it is not in them, so a zone far from the graph has its
// access overstated by about that distance.
struct SnapSummary {
  std::size_t count = 0;
  double median_m = 0.0;  // the middle distance (the mean of the two middle ones for an even count)
  double max_m = 0.0;
  std::size_t beyond = 0;  // further than the threshold
};

struct Snapping {
  std::string mode;          // "segment" (nearest point of the nearest road) or "node"
  double threshold_m = 0.0;  // CostSpec::snap_threshold_m
  // Per zone, metres from its place to the graph; with zone points, their population-weighted mean.
  std::vector<double> zone_m;
  std::string zone_places;  // what `zones` summarises: "zones", or "zone points" (each point once)
  SnapSummary zones;
  SnapSummary sites;  // every destination routed to: offices, channel sites, scenario sites
};

// The summary of distances in metres against a threshold.
[[nodiscard]] SnapSummary summarise_snapping(std::vector<double> metres, double threshold_m);

struct AccessResult {
  Zones zones;
  Facilities facilities;
  std::string cost_source;
  io::CostUnit cost_unit = io::CostUnit::Given;
  MatrixJoin join;
  std::vector<double> nearest;  // per zone, cost to the nearest facility; +inf = none
  std::vector<MeasureResult> measures;
  std::optional<Exclusion> exclusion;
  bool groups_partition = false;  // the groups add up to every zone's population
  std::optional<ChannelResult> channels;
  std::vector<ScenarioResult> scenarios;                 // what-if comparisons, in the order given
  std::vector<std::vector<geo::Polygon>> zone_polygons;  // per zone (empty: none given), WGS84
  std::optional<Snapping> snapping;                      // costs from a graph: how far places were moved
  std::string cost_cache_use;  // with a cost cache: "reused" or "stored" (else empty)
  std::vector<std::string> warnings;
};

AccessResult run_access(const AccessRequest& request, ProgressSink& progress = null_progress());

}  // namespace equalis::access

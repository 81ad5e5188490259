#include "access/access_run.hpp"

#include "access/cost_cache.hpp"
#include "access/graph_costs.hpp"
#include "access/straight_line.hpp"
#include "core/csv_columns.hpp"
#include "core/error.hpp"
#include "core/table.hpp"
#include "io/column_choice.hpp"
#include "measure/decomposition.hpp"
#include "measure/inequality.hpp"
#include "network/graph_file.hpp"
#include "network/network.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace equalis::access {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

[[noreturn]] void bad_measure(std::string_view text, std::string message) {
  throw Error(
      ErrorCode::InvalidInput, fmt::format("`measures`: '{}': {}", excerpt(text), message),
      "write a measure as NAME or NAME=PARAMETER: cumulative=30min, interval=10min..60min, closest=1, "
      "gravity=exponential:0.05, 2sfca, bfca, 3sfca, m2sfca, spatial-availability, coverage=60min, "
      "raam=30min "
      "(docs/access.md)");
}

// A measure's argument split into its main part and its named options "MAIN,key=value,…": a token
// whose key is a word is an option (one of `known`), anything else belongs to the main part (a stepped
// or logistic decay keeps its own commas: "stepped:10=0.6,20=0.2", "logistic:30,8").
struct Argument {
  std::string main;
  std::vector<std::pair<std::string, std::string>> options;
};

bool is_word(std::string_view key) {
  return !key.empty() &&
         std::all_of(key.begin(), key.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

Argument split_options(std::string_view text, std::string_view argument,
                       std::initializer_list<std::string_view> known) {
  Argument out;
  std::vector<std::string_view> main;
  std::size_t start = 0;
  while (start <= argument.size() && !argument.empty()) {
    const std::size_t comma = std::min(argument.find(',', start), argument.size());
    const std::string_view token = argument.substr(start, comma - start);
    start = comma + 1;
    const auto equals = token.find('=');
    const std::string_view key = token.substr(0, equals);
    if (equals == std::string_view::npos || !is_word(key)) {
      main.push_back(token);
      continue;
    }
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string names;
      for (const auto name : known) names += fmt::format("{}{}", names.empty() ? "" : ", ", name);
      bad_measure(text, fmt::format("unknown option '{}' (options here: {})", excerpt(key), names));
    }
    for (const auto& option : out.options) {
      if (option.first == key) bad_measure(text, fmt::format("option '{}' is given twice", key));
    }
    out.options.emplace_back(std::string(key), std::string(token.substr(equals + 1)));
  }
  out.main = fmt::format("{}", fmt::join(main, ","));
  return out;
}

double option_number(std::string_view text, std::string_view key, std::string_view value, double low,
                     double high, std::string_view what) {
  const auto number = parse_number(value);
  if (!number || !(*number >= low) || !(*number <= high))
    bad_measure(text, fmt::format("{} must be {} (got '{}')", key, what, excerpt(value)));
  return *number;
}

CoverageOrder coverage_order_of(std::string_view text, std::string_view value, MeasureSpec& spec) {
  if (value.starts_with("column:")) {
    std::string_view column = value.substr(7);
    const bool ascending = column.ends_with("-asc");
    if (ascending) column.remove_suffix(4);
    if (column.empty())
      bad_measure(text, "order=column:NAME needs the facilities file's column, e.g. column:priority");
    spec.order_column = std::string(column);
    return ascending ? CoverageOrder::ColumnAscending : CoverageOrder::ColumnDescending;
  }
  if (value == "capacity") return CoverageOrder::CapacityDescending;
  if (value == "capacity-asc") return CoverageOrder::CapacityAscending;
  if (value == "population") return CoverageOrder::PopulationDescending;
  if (value == "population-asc") return CoverageOrder::PopulationAscending;
  if (value == "file") return CoverageOrder::File;
  bad_measure(text,
              fmt::format("order '{}' is none of capacity, capacity-asc, population, population-asc, file",
                          excerpt(value)));
}

void parse_coverage(std::string_view text, std::string_view argument, io::CostUnit unit, MeasureSpec& spec) {
  const Argument parts = split_options(text, argument, {"order"});
  if (parts.main.empty()) bad_measure(text, "needs a time limit, e.g. coverage=60min");
  spec.kind = MeasureKind::Coverage;
  spec.cutoff = parse_cost(parts.main, unit, "measures");
  for (const auto& option : parts.options) spec.order = coverage_order_of(text, option.second, spec);
}

void parse_raam(std::string_view text, std::string_view argument, io::CostUnit unit, MeasureSpec& spec) {
  const Argument parts =
      split_options(text, argument, {"tau", "rho", "max_cycles", "initial_step", "min_step", "half_life"});
  spec.kind = MeasureKind::Raam;
  std::string tau = parts.main;
  for (const auto& [key, value] : parts.options) {
    if (key == "tau") {
      if (!tau.empty()) bad_measure(text, "τ is given twice (raam=TAU or tau=TAU)");
      tau = value;
    } else if (key == "rho") {
      spec.raam.rho = option_number(text, key, value, 1e-300, 1e300, "a number > 0");
    } else if (key == "max_cycles") {
      const double cycles = option_number(text, key, value, 1.0, 1e6, "a whole number from 1 to 1 000 000");
      if (cycles != std::floor(cycles)) bad_measure(text, "max_cycles must be a whole number");
      spec.raam.max_cycles = static_cast<int>(cycles);
    } else if (key == "initial_step") {
      spec.raam.initial_step =
          option_number(text, key, value, 1e-12, 1.0, "a share of a zone's people in (0, 1]");
    } else if (key == "min_step") {
      spec.raam.min_step =
          option_number(text, key, value, 1e-12, 1.0, "a share of a zone's people in (0, 1]");
    } else {
      spec.raam.half_life = option_number(text, key, value, 1e-12, 1e300, "a number of cycles > 0");
    }
  }
  if (tau.empty()) {
    if (unit != io::CostUnit::Seconds && unit != io::CostUnit::Minutes)
      bad_measure(text,
                  "needs τ, the travel cost worth one unit of congestion, e.g. raam=60 (PySAL's default is "
                  "60 minutes)");
    tau = "60min";
  }
  spec.raam.tau = parse_cost(tau, unit, "measures");
  if (!(spec.raam.tau > 0.0)) bad_measure(text, "τ must be > 0");
}

DecayFunction decay_of(std::string_view text, std::string_view argument, std::string_view default_decay,
                       io::CostUnit unit) {
  if (!argument.empty()) return parse_decay(argument, unit, "measures");
  if (default_decay.empty()) bad_measure(text, "needs a decay function (give one here or as `decay`)");
  return parse_decay(default_decay, unit, "decay");
}

std::string trimmed_number(double value) {
  return fmt::format("{}", value);
}

}  // namespace

MeasureSpec parse_measure(std::string_view text, io::CostUnit unit, std::string_view default_decay) {
  MeasureSpec spec;
  spec.text = std::string(text);
  const auto equals = text.find('=');
  const std::string_view name = text.substr(0, equals);
  const std::string_view argument = equals == std::string_view::npos ? "" : text.substr(equals + 1);
  if (name == "cumulative") {
    if (argument.empty()) bad_measure(text, "needs a cutoff, e.g. cumulative=30min");
    spec.kind = MeasureKind::Cumulative;
    spec.cutoff = parse_cost(argument, unit, "measures");
  } else if (name == "interval") {
    spec.kind = MeasureKind::CumulativeInterval;
    std::string_view rest = argument;
    if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
      const auto summary = rest.substr(colon + 1);
      if (summary != "mean" && summary != "median") bad_measure(text, "the summary is mean or median");
      spec.summary = summary == "mean" ? IntervalSummary::Mean : IntervalSummary::Median;
      rest = rest.substr(0, colon);
    }
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
      spec.step = parse_cost(rest.substr(slash + 1), unit, "measures");
      rest = rest.substr(0, slash);
    }
    const auto dots = rest.find("..");
    if (dots == std::string_view::npos) bad_measure(text, "needs an interval, e.g. interval=10min..60min");
    spec.cutoff = parse_cost(rest.substr(0, dots), unit, "measures");
    spec.to = parse_cost(rest.substr(dots + 2), unit, "measures");
    if (!(spec.to > spec.cutoff)) bad_measure(text, "the interval's end must be above its start");
    if (!(spec.step > 0.0)) bad_measure(text, "the step must be > 0");
    if ((spec.to - spec.cutoff) / spec.step > 10000.0)
      bad_measure(text, "more than 10 000 cutoffs: take a larger step");
  } else if (name == "closest") {
    spec.kind = MeasureKind::CostToClosest;
    if (!argument.empty()) {
      const auto n = parse_number(argument);
      if (!n || *n <= 0.0) bad_measure(text, "n (the opportunities to reach) must be a number > 0");
      spec.n = *n;
    }
  } else if (name == "gravity") {
    spec.kind = MeasureKind::Gravity;
    spec.decay = decay_of(text, argument, default_decay, unit);
  } else if (name == "2sfca" || name == "bfca" || name == "3sfca" || name == "m2sfca") {
    spec.kind = MeasureKind::Catchment;
    spec.method = name == "2sfca"   ? CatchmentMethod::TwoStep
                  : name == "bfca"  ? CatchmentMethod::Balanced
                  : name == "3sfca" ? CatchmentMethod::ThreeStep
                                    : CatchmentMethod::Modified;
    const Argument parts = name == "3sfca" ? split_options(text, argument, {"max_cost", "selection"})
                                           : split_options(text, argument, {"max_cost"});
    for (const auto& [key, value] : parts.options) {
      if (key == "max_cost") {
        spec.catchment.max_cost = parse_cost(value, unit, "measures");
      } else if (value == "all" || value == "catchment") {
        spec.catchment.selection_over_all_pairs = value == "all";
      } else {
        bad_measure(text,
                    "selection is catchment (Wan et al., the default) or all (PySAL: every destination)");
      }
    }
    spec.decay = decay_of(text, parts.main, default_decay, unit);
  } else if (name == "coverage") {
    parse_coverage(text, argument, unit, spec);
  } else if (name == "raam") {
    parse_raam(text, argument, unit, spec);
  } else if (name == "spatial-availability") {
    spec.kind = MeasureKind::SpatialAvailability;
    spec.decay = decay_of(text, argument, default_decay, unit);
  } else {
    bad_measure(text, "unknown measure");
  }
  return spec;
}

SnapSummary summarise_snapping(std::vector<double> metres, double threshold_m) {
  SnapSummary summary;
  summary.count = metres.size();
  if (metres.empty()) return summary;
  std::sort(metres.begin(), metres.end());
  const std::size_t middle = metres.size() / 2;
  summary.median_m = metres.size() % 2 == 1 ? metres[middle] : (metres[middle - 1] + metres[middle]) / 2.0;
  summary.max_m = metres.back();
  summary.beyond =
      static_cast<std::size_t>(metres.end() - std::upper_bound(metres.begin(), metres.end(), threshold_m));
  return summary;
}

std::string coverage_order_name(const MeasureSpec& spec) {
  switch (spec.order) {
    case CoverageOrder::CapacityDescending:
      return "capacity";
    case CoverageOrder::CapacityAscending:
      return "capacity-asc";
    case CoverageOrder::PopulationDescending:
      return "population";
    case CoverageOrder::PopulationAscending:
      return "population-asc";
    case CoverageOrder::File:
      return "file";
    case CoverageOrder::ColumnDescending:
      return "column:" + spec.order_column;
    case CoverageOrder::ColumnAscending:
      return "column:" + spec.order_column + "-asc";
  }
  return {};
}

namespace {

// The cost beyond which no requested measure looks: pairs costlier than it need not be kept.
double reach_of(const std::vector<MeasureSpec>& specs) {
  double reach = 0.0;
  for (const auto& spec : specs) {
    switch (spec.kind) {
      case MeasureKind::Cumulative:
        reach = std::max(reach, spec.cutoff);
        break;
      case MeasureKind::CumulativeInterval:
        reach = std::max(reach, spec.to);
        break;
      case MeasureKind::CostToClosest:
        return kInfinity;
      case MeasureKind::Raam:  // PySAL's RAAM weighs every pair of the matrix
        return kInfinity;
      case MeasureKind::Coverage:
        reach = std::max(reach, spec.cutoff);
        break;
      case MeasureKind::Catchment:
        if (spec.catchment.selection_over_all_pairs) return kInfinity;
        reach = std::max(reach, std::min(spec.decay->reach(), spec.catchment.max_cost));
        break;
      case MeasureKind::Gravity:
      case MeasureKind::SpatialAvailability:
        reach = std::max(reach, spec.decay->reach());
        break;
    }
  }
  return reach;
}

std::string catchment_name(CatchmentMethod method) {
  switch (method) {
    case CatchmentMethod::TwoStep:
      return "2sfca";
    case CatchmentMethod::Balanced:
      return "bfca";
    case CatchmentMethod::ThreeStep:
      return "3sfca";
    case CatchmentMethod::Modified:
      return "m2sfca";
  }
  return {};
}

struct Naming {
  std::string key;
  std::string label;
  std::string unit;
};

Naming name_of(const MeasureSpec& spec, const std::string& capacity, const std::string& cost_unit) {
  switch (spec.kind) {
    case MeasureKind::Cumulative:
      return {fmt::format("cumulative_{}", trimmed_number(spec.cutoff)),
              fmt::format("{} within {} {}", capacity, trimmed_number(spec.cutoff), cost_unit), capacity};
    case MeasureKind::CumulativeInterval:
      return {
          fmt::format("interval_{}_{}", trimmed_number(spec.cutoff), trimmed_number(spec.to)),
          fmt::format("{} {} of cutoffs {}..{} by {} {}", capacity,
                      spec.summary == IntervalSummary::Mean ? "mean" : "median", trimmed_number(spec.cutoff),
                      trimmed_number(spec.to), trimmed_number(spec.step), cost_unit),
          capacity};
    case MeasureKind::CostToClosest:
      return {fmt::format("closest_{}", trimmed_number(spec.n)),
              fmt::format("cost to reach {} {}", trimmed_number(spec.n), capacity), cost_unit};
    case MeasureKind::Gravity:
      return {"gravity", fmt::format("gravity, decay {}", spec.decay->describe()), capacity};
    case MeasureKind::Catchment: {
      std::string label = fmt::format("{}, decay {}", catchment_name(spec.method), spec.decay->describe());
      if (std::isfinite(spec.catchment.max_cost))
        label += fmt::format(", max cost {} {}", trimmed_number(spec.catchment.max_cost), cost_unit);
      if (spec.catchment.selection_over_all_pairs) label += ", selection over every destination (PySAL)";
      return {catchment_name(spec.method), label, fmt::format("{} per person", capacity)};
    }
    case MeasureKind::Coverage:
      return {fmt::format("coverage_{}", trimmed_number(spec.cutoff)),
              fmt::format("share of people covered within {} {}, facilities by {}",
                          trimmed_number(spec.cutoff), cost_unit, coverage_order_name(spec)),
              "share covered"};
    case MeasureKind::Raam:
      return {"raam",
              fmt::format("RAAM cost (travel / τ + congestion / ρ), τ {} {}", trimmed_number(spec.raam.tau),
                          cost_unit),
              "RAAM cost"};
    case MeasureKind::SpatialAvailability:
      return {"spatial_availability",
              fmt::format("spatial availability, decay {}, α {}", spec.decay->describe(), spec.alpha),
              capacity};
  }
  return {};
}

// Keys must be unique columns: a second "2sfca" with another decay becomes "2sfca_2".
void make_keys_unique(std::vector<MeasureResult>& measures) {
  std::vector<std::string> base;  // the keys before any suffix
  for (const auto& measure : measures) base.push_back(measure.key);
  for (std::size_t m = 0; m < measures.size(); ++m) {
    std::size_t same = 1;
    for (std::size_t earlier = 0; earlier < m; ++earlier) {
      if (measures[earlier].spec.text == measures[m].spec.text) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("`measures`: '{}' is asked for twice", measures[m].spec.text),
                    "ask for each measure once");
      }
      if (base[earlier] == base[m]) ++same;
    }
    if (same > 1) measures[m].key += fmt::format("_{}", same);
  }
}

// Each facility's value in the coverage order column, read from the facilities file (AccessMod orders by
// any field of the facility table). Every facility of the file needs a number; sites a scenario adds
// are not in the file and come last (NaN).
std::vector<double> order_column_values(const MeasureSpec& spec, const Facilities& facilities,
                                        const FacilitySpec& file) {
  CsvOptions options;
  options.delimiter = file.delimiter;
  const auto header = ColumnTable::read_header(facilities.source, options);
  if (std::find(header.begin(), header.end(), spec.order_column) == header.end()) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("`measures`: '{}': {} has no column '{}'", excerpt(spec.text), facilities.source,
                            excerpt(spec.order_column)),
                fmt::format("name one of its columns: {}", fmt::join(header, ", ")));
  }
  const std::string id = io::choose_column(facilities.source, header, file.id_column,
                                           {"id", "facility", "facility_id", "idx"}, "facility id");
  const ColumnTable table = ColumnTable::read_file(
      facilities.source, {{id, ColumnKind::Category}, {spec.order_column, ColumnKind::Numeric}}, options);
  const CategoryColumn& ids = table.category(id);
  const NumericColumn& values = table.numeric(spec.order_column);
  std::unordered_map<std::string_view, std::size_t> row_of;
  for (std::size_t row = 0; row < ids.size(); ++row) {
    if (ids.valid[row] != 0) row_of.emplace(ids.labels[ids.codes[row]], row);
  }
  std::vector<double> out(facilities.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t j = 0; j < facilities.size(); ++j) {
    const auto found = row_of.find(facilities.ids[j]);
    if (found == row_of.end()) continue;
    if (values.valid[found->second] == 0) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("facility '{}' has no value in '{}', the coverage order",
                              excerpt(facilities.ids[j]), excerpt(spec.order_column)),
                  "give every facility a number in the order column (e.g. its priority rank)",
                  table.location(found->second, spec.order_column));
    }
    out[j] = values.values[found->second];
  }
  return out;
}

std::vector<double> compute(const MeasureSpec& spec, const CostRows& rows, const Zones& zones,
                            const Facilities& facilities, MeasureResult& result) {
  switch (spec.kind) {
    case MeasureKind::Cumulative:
      return cumulative(rows, facilities.capacity, spec.cutoff);
    case MeasureKind::CumulativeInterval:
      return cumulative_interval(rows, facilities.capacity, spec.cutoff, spec.to, spec.step, spec.summary);
    case MeasureKind::CostToClosest: {
      auto costs = cost_to_closest(rows, facilities.capacity, spec.n);
      for (double& cost : costs) cost = decimal_of(static_cast<float>(cost));
      return costs;
    }
    case MeasureKind::Gravity:
      return gravity(rows, facilities.capacity, *spec.decay);
    case MeasureKind::Catchment: {
      CatchmentDetail detail;
      auto values = floating_catchment(spec.method, rows, zones.population, facilities.capacity, *spec.decay,
                                       &detail, spec.catchment);
      result.facilities_without_demand = detail.facilities_without_demand;
      double reached = 0.0;
      for (std::size_t j = 0; j < detail.demand.size(); ++j) {
        if (detail.demand[j] > 0.0) reached += facilities.capacity[j];
      }
      double served = 0.0;
      for (std::size_t i = 0; i < values.size(); ++i) served += zones.population[i] * values[i];
      if (reached > 0.0) result.capacity_check = served / reached;
      return values;
    }
    case MeasureKind::SpatialAvailability:
      return spatial_availability(rows, zones.population, facilities.capacity, *spec.decay, spec.alpha);
    case MeasureKind::Coverage: {
      CoverageResult coverage = capacity_coverage(rows, zones.population, facilities.capacity, spec.cutoff,
                                                  spec.order, result.order_values);
      std::vector<double> share(zones.size(), 0.0);
      for (std::size_t z = 0; z < share.size(); ++z) {
        if (zones.population[z] > 0.0) share[z] = coverage.covered_by_zone[z] / zones.population[z];
      }
      result.coverage = std::move(coverage);
      return share;
    }
    case MeasureKind::Raam: {
      RaamDetail detail;
      auto values = raam(rows, zones.population, facilities.capacity, spec.raam, &detail);
      result.raam = std::move(detail);
      return values;
    }
  }
  return {};
}

// Lower is better for these (a cost), higher for every other measure.
bool is_cost(MeasureKind kind) {
  return kind == MeasureKind::CostToClosest || kind == MeasureKind::Raam;
}

// Whether zone z reaches anything within the measure's reach: with `no_access` missing, a zone that
// does not gets no value (PySAL's NaN, reported as null) instead of 0.
bool reaches_something(const MeasureSpec& spec, const CostRows& rows, std::size_t z) {
  const std::size_t begin = rows.offsets[z];
  const std::size_t end = rows.offsets[z + 1];
  if (begin == end) return false;
  switch (spec.kind) {
    case MeasureKind::Cumulative:
      return rows.cost[begin] <= static_cast<float>(spec.cutoff);
    case MeasureKind::CumulativeInterval:
      return rows.cost[begin] <= static_cast<float>(spec.to);
    case MeasureKind::Gravity:
    case MeasureKind::Catchment:
    case MeasureKind::SpatialAvailability: {
      const double reach = std::min(spec.decay->reach(), spec.catchment.max_cost);
      for (std::size_t pair = begin; pair < end; ++pair) {
        if (rows.cost[pair] > static_cast<float>(reach)) break;
        if (spec.decay->weight(rows.cost[pair]) > 0.0) return true;
      }
      return false;
    }
    case MeasureKind::CostToClosest:
    case MeasureKind::Coverage:
    case MeasureKind::Raam:
      return true;  // their own conventions: +inf (a cost) or a share covered of 0
  }
  return true;
}

// Per group (and "all"), people-weighted over the zones where the value is finite.
std::vector<GroupSummary> summarise_groups(const Zones& zones, const std::vector<double>& values,
                                           const std::vector<std::uint8_t>& without) {
  std::vector<GroupSummary> out;
  const auto summarise = [&](const std::string& name, const std::vector<double>& people) {
    GroupSummary summary;
    summary.group = name;
    double weighted = 0.0;
    double finite_people = 0.0;
    bool seen = false;
    for (std::size_t z = 0; z < people.size(); ++z) {
      if (people[z] <= 0.0) continue;
      summary.people += people[z];
      if (without[z] != 0) summary.people_without += people[z];
      if (!std::isfinite(values[z])) continue;
      weighted += people[z] * values[z];
      finite_people += people[z];
      summary.min = seen ? std::min(summary.min, values[z]) : values[z];
      summary.max = seen ? std::max(summary.max, values[z]) : values[z];
      seen = true;
    }
    summary.mean = finite_people > 0.0 ? weighted / finite_people : 0.0;
    out.push_back(summary);
  };
  summarise("all", zones.population);
  for (std::size_t g = 0; g < zones.group_names.size(); ++g)
    summarise(zones.group_names[g], zones.group_people[g]);
  return out;
}

bool groups_partition(const Zones& zones) {
  if (zones.group_names.size() < 2) return false;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    double sum = 0.0;
    for (const auto& group : zones.group_people) sum += group[z];
    if (std::abs(sum - zones.population[z]) > 1e-6 * std::max(1.0, zones.population[z])) return false;
  }
  return true;
}

// Mean of `values` over the richest 10 % of people divided by that over the poorest 40 %, zones ranked
// by income and the zone on a boundary split by its people (Ipea's palma_ratio ranks by income).
std::optional<double> palma_by_income(const std::vector<double>& values, const std::vector<double>& people,
                                      const std::vector<double>& income) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return income[a] < income[b]; });
  const double total = std::accumulate(people.begin(), people.end(), 0.0);
  double below = 0.0;
  double poor_sum = 0.0;
  double poor_people = 0.0;
  double rich_sum = 0.0;
  double rich_people = 0.0;
  for (const std::size_t z : order) {
    const double start = below;
    const double end = below + people[z];
    below = end;
    const double poor = std::max(0.0, std::min(end, 0.4 * total) - start);
    const double rich = std::max(0.0, end - std::max(start, 0.9 * total));
    poor_sum += poor * values[z];
    poor_people += poor;
    rich_sum += rich * values[z];
    rich_people += rich;
  }
  if (poor_people <= 0.0 || rich_people <= 0.0 || poor_sum <= 0.0) return std::nullopt;
  return (rich_sum / rich_people) / (poor_sum / poor_people);
}

// 2 Σ s_i a_i (R_i − R̄) / μ: population shares s_i, fractional ranks R_i by income (ties share their
// mid-rank, as measure::concentration_index), R̄ their unweighted mean. With R̄ = ½ (the shares' mean
// rank) it is the textbook index (Wagstaff, van Doorslaer & Paci 1991); otherwise it adds 2 (½ − R̄).
double concentration_unweighted_rank_mean(const std::vector<double>& values,
                                          const std::vector<double>& people,
                                          const std::vector<double>& income) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return income[a] < income[b]; });
  const double total = std::accumulate(people.begin(), people.end(), 0.0);
  std::vector<double> rank(values.size());
  double below = 0.0;
  for (std::size_t k = 0; k < order.size();) {
    std::size_t end = k;
    double block = 0.0;
    while (end < order.size() && income[order[end]] == income[order[k]]) block += people[order[end++]];
    for (std::size_t t = k; t < end; ++t) rank[order[t]] = (below + block / 2.0) / total;
    below += block;
    k = end;
  }
  const double mean_rank = std::accumulate(rank.begin(), rank.end(), 0.0) / static_cast<double>(rank.size());
  const double mean = std::inner_product(values.begin(), values.end(), people.begin(), 0.0) / total;
  double sum = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i)
    sum += people[i] / total * values[i] * (rank[i] - mean_rank);
  return 2.0 * sum / mean;
}

EquitySummary equity_of(const Zones& zones, const std::vector<double>& values, bool partition,
                        ConcentrationForm form) {
  EquitySummary equity;
  std::vector<double> v;
  std::vector<double> w;
  std::vector<double> income;
  std::vector<std::uint32_t> group;
  bool income_complete = !zones.income.empty();
  for (std::size_t z = 0; z < zones.size(); ++z) {
    if (zones.population[z] <= 0.0 || !std::isfinite(values[z])) continue;
    if (partition) {
      for (std::size_t g = 0; g < zones.group_names.size(); ++g) {
        if (zones.group_people[g][z] <= 0.0) continue;
        v.push_back(values[z]);
        w.push_back(zones.group_people[g][z]);
        group.push_back(static_cast<std::uint32_t>(g));
      }
    } else {
      v.push_back(values[z]);
      w.push_back(zones.population[z]);
    }
    if (!zones.income.empty()) {
      if (zones.income_valid[z] == 0) income_complete = false;
      income.push_back(zones.income[z]);
    }
    ++equity.units;
  }
  const double mean_total = std::inner_product(v.begin(), v.end(), w.begin(), 0.0);
  if (equity.units < 2 || mean_total <= 0.0) {
    equity.note = "fewer than two zones with people and a value above 0: no inequality to measure";
    return equity;
  }
  equity.gini = measure::gini(v, w);
  equity.theil_t = measure::generalized_entropy(v, w, 1.0);
  if (partition) {
    const auto split = measure::ge_decomposition(v, w, group, zones.group_names, 1.0);
    equity.between = split.between;
    equity.within = split.within;
  } else if (!zones.group_names.empty()) {
    equity.note = "the groups overlap or do not add up to each zone's population: no between/within split";
  }
  if (!zones.income.empty()) {
    if (!income_complete) {
      equity.note += (equity.note.empty() ? "" : "; ");
      equity.note += fmt::format("'{}' has missing values: no income ranking", zones.income_column);
    } else {
      // Income ranks zones: one value per zone, weighted by its whole population.
      std::vector<double> zone_values;
      std::vector<double> zone_people;
      for (std::size_t z = 0; z < zones.size(); ++z) {
        if (zones.population[z] <= 0.0 || !std::isfinite(values[z])) continue;
        zone_values.push_back(values[z]);
        zone_people.push_back(zones.population[z]);
      }
      equity.concentration_index = form == ConcentrationForm::Textbook
                                       ? measure::concentration_index(zone_values, zone_people, income)
                                       : concentration_unweighted_rank_mean(zone_values, zone_people, income);
      const auto [low, high] = std::minmax_element(zone_values.begin(), zone_values.end());
      const double mean =
          std::inner_product(zone_values.begin(), zone_values.end(), zone_people.begin(), 0.0) /
          std::accumulate(zone_people.begin(), zone_people.end(), 0.0);
      if (*high > *low)
        equity.concentration_erreygers = 4.0 * mean * *equity.concentration_index / (*high - *low);
      equity.palma_income = palma_by_income(zone_values, zone_people, income);
    }
  }
  return equity;
}

// FGT(α) = Σ people · max(0, (z − a)/z)^α / Σ people, α = 0, 1, 2 (Foster, Greer & Thorbecke 1984),
// over the people with a value; α = 0 counts those strictly below the line.
std::array<double, 3> fgt(const std::vector<double>& values, const std::vector<double>& people, double line) {
  std::array<double, 3> sums{};
  double total = 0.0;
  for (std::size_t z = 0; z < values.size(); ++z) {
    if (people[z] <= 0.0 || !std::isfinite(values[z])) continue;
    total += people[z];
    if (values[z] >= line) continue;
    const double gap = (line - values[z]) / line;
    sums[0] += people[z];
    sums[1] += people[z] * gap;
    sums[2] += people[z] * gap * gap;
  }
  if (total > 0.0) {
    for (double& sum : sums) sum /= total;
  }
  return sums;
}

void apply_poverty_lines(const std::vector<std::string>& lines, AccessResult& result) {
  for (const auto& text : lines) {
    const auto equals = text.find('=');
    const std::string key = text.substr(0, equals);
    double line = 0.0;  // a line ≤ 0 (or none) is refused below
    if (equals != std::string::npos)
      line = parse_number(std::string_view(text).substr(equals + 1)).value_or(0.0);
    auto measure = std::find_if(result.measures.begin(), result.measures.end(),
                                [&](const MeasureResult& m) { return m.key == key; });
    if (measure == result.measures.end() || !(line > 0.0)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("`poverty_lines`: '{}' is not KEY=VALUE for a measure", excerpt(text)),
                  fmt::format("name a measure by its key (e.g. {}) and give a line > 0 in its unit",
                              result.measures.front().key));
    }
    if (is_cost(measure->spec.kind)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("`poverty_lines`: '{}' is a cost, not an access level", key),
                  "use the access standard for costs; poverty lines are for opportunity measures");
    }
    measure->poverty_line = line;
    measure->groups[0].fgt = fgt(measure->values, result.zones.population, line);
    for (std::size_t g = 0; g < result.zones.group_names.size(); ++g) {
      measure->groups[g + 1].fgt = fgt(measure->values, result.zones.group_people[g], line);
    }
  }
}

// Everything read from files, once; a scenario is a modified copy.
struct Loaded {
  Zones zones;
  Facilities offices;
  Facilities terminals;  // empty: no terminal channel
  Facilities assisted;   // empty: no assisted channel
  Facilities outreach;   // empty: no outreach channel
  double outreach_reach = 0.0;
  DigitalProfiles profiles;
  JointAbilities joint;
  std::optional<ChannelOffer> offer;
};

Facilities read_sites(const AccessRequest& request, const std::string& file) {
  if (file.empty()) return {};
  FacilitySpec spec = request.facilities;
  spec.file = file;
  spec.capacity_column.clear();
  spec.capacity_optional = true;
  return read_facilities(spec);
}

DigitalProfiles profiles_of(const AccessRequest& request) {
  const ChannelOffer& offer = *request.channels;
  if (request.profiles) return *request.profiles;
  if (!request.digital_profiles.empty()) return read_digital_profiles(request.digital_profiles);
  if (offer.online || offer.phone || !offer.terminals.empty()) {
    throw Error(
        ErrorCode::InvalidInput, "online, phone and terminal channels need `digital_profiles`",
        "give the coverage, device and skill shares per group (examples/access/digital_profiles_cn.csv "
        "has published CNNIC figures)");
  }
  DigitalProfiles profiles;
  GroupDigital everyone;  // only the in-person and assisted channels: no digital figure is used
  everyone.group = "all";
  profiles.groups.push_back(everyone);
  return profiles;
}

// Polygons per zone, by id; every coordinate must be WGS84 degrees (GeoJSON's only datum).
std::vector<std::vector<geo::Polygon>> polygons_of(const AccessRequest& request, const Zones& zones,
                                                   std::vector<std::string>& warnings) {
  const io::VectorLayer layer = io::read_features_lonlat(request.zone_polygons);
  if (!layer.reprojected_from.empty()) {
    warnings.push_back(fmt::format("the zone polygons of {} were reprojected from {} to WGS84 lon/lat",
                                   request.zone_polygons, layer.reprojected_from));
  }
  const std::vector<std::string> ids = layer.column(request.polygon_id);
  std::unordered_map<std::string_view, std::size_t> zone_of;
  for (std::size_t z = 0; z < zones.size(); ++z) zone_of.emplace(zones.ids[z], z);
  std::vector<std::vector<geo::Polygon>> polygons(zones.size());
  std::size_t unmatched = 0;
  for (std::size_t f = 0; f < layer.size(); ++f) {
    for (const auto& polygon : layer.features[f].polygons) {
      for (const auto& ring : polygon.rings) {
        for (const auto& point : ring) {
          if (!(std::abs(point.x) <= 180.0 && std::abs(point.y) <= 90.0)) {
            throw Error(
                ErrorCode::InvalidInput,
                fmt::format("{}: feature {} has the coordinate ({}, {}), not WGS84 degrees",
                            request.zone_polygons, f + 1, point.x, point.y),
                "reproject the polygons to lon/lat (e.g. ogr2ogr -t_srs EPSG:4326 out.geojson in.gpkg)");
          }
        }
      }
    }
    const auto found = zone_of.find(ids[f]);
    if (found == zone_of.end()) {
      ++unmatched;
      continue;
    }
    polygons[found->second] = layer.features[f].polygons;
  }
  if (unmatched > 0) {
    warnings.push_back(fmt::format("{} polygon(s) of {} match no zone id", unmatched, request.zone_polygons));
  }
  return polygons;
}

Loaded load(const AccessRequest& request, const std::optional<double>& standard, ProgressSink& progress) {
  Loaded in;
  in.zones = read_zones(request.zones, progress);
  in.offices = read_facilities(request.facilities, progress);
  if (request.channels) {
    if (!standard) {
      throw Error(ErrorCode::InvalidInput, "the channel model needs `standard`",
                  "say how far a site may be and still count as reachable, e.g. 30min");
    }
    in.offer = request.channels;
    in.terminals = read_sites(request, request.channels->terminals);
    in.assisted = read_sites(request, request.channels->assisted);
    in.outreach = read_sites(request, request.channels->outreach);
    in.outreach_reach =
        request.channels->outreach_reach.empty()
            ? *standard
            : parse_cost(request.channels->outreach_reach, request.costs.unit, "outreach_reach");
    in.profiles = profiles_of(request);
    if (!request.channels->joint_abilities.empty())
      in.joint = read_joint_abilities(request.channels->joint_abilities);
  }
  return in;
}

constexpr const char* kLonNames[] = {"lon", "longitude", "lng", "x"};

// One cost source; a graph and straight lines give seconds and need the places' coordinates.
AccessRequest resolve_cost_source(AccessRequest request) {
  const bool graph = !request.costs.graph.empty();
  const bool straight = !request.costs.straight_line.empty();
  const int sources =
      static_cast<int>(graph) + static_cast<int>(straight) + static_cast<int>(!request.costs.matrix.empty());
  if (sources != 1) {
    throw Error(ErrorCode::InvalidInput,
                sources == 0 ? "give the costs as `matrix`, `graph` or `straight_line`"
                             : "give the costs as `matrix`, `graph` or `straight_line`, only one of them",
                "a long CSV matrix of zone → facility costs, a graph file from `equalis network build`, or "
                "straight-line distances at a speed (e.g. 4.5km/h)");
  }
  if (straight) (void)describe_straight_line(request.costs);  // checks the speed and the detour
  if (graph && !(request.costs.snap_threshold_m >= 0.0 && std::isfinite(request.costs.snap_threshold_m))) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("`snap_threshold` {} is not a distance ≥ 0 in metres", request.costs.snap_threshold_m),
        "say from how many metres off the road a place is counted as far from it, e.g. 200");
  }
  if (graph || straight) {
    if (request.costs.unit != io::CostUnit::Given && request.costs.unit != io::CostUnit::Seconds) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("`cost_unit` {}: {} gives travel times in seconds",
                              io::cost_unit_name(request.costs.unit), graph ? "a graph" : "a straight line"),
                  "leave the cost unit out (or say seconds); cutoffs may still be written as 30min");
    }
    request.costs.unit = io::CostUnit::Seconds;
    request.zones.coordinates = true;
    request.facilities.coordinates = true;
  }
  return request;
}

void add_places(const Facilities& sites, std::vector<network::Place>& places) {
  for (std::size_t j = 0; j < sites.size(); ++j) places.push_back({sites.ids[j], sites.lon[j], sites.lat[j]});
}

// The costs of a study: a long matrix read from a file, or travel times computed on a graph.
struct Costs {
  io::LongMatrix matrix;
  std::optional<GraphCosts> graph;
  std::optional<Snapping> snapping;  // costs from a graph
  [[nodiscard]] const std::vector<std::string>& destination_ids() const {
    return graph ? graph->destination_ids : matrix.destination_ids;
  }
};

CostRows cost_rows(const Costs& costs, const CostSpec& spec, const Zones& zones, const Facilities& sites,
                   double max_cost, MatrixJoin& join) {
  return costs.graph ? graph_cost_rows(*costs.graph, spec, zones, sites, max_cost, join)
                     : join_cost_rows(costs.matrix, spec, zones, sites, max_cost, join);
}

// Travel times on the graph from every zone to every office, channel site and scenario site, as sparse
// rows (zones are the rows; destinations are joined to each set of sites by id). The search stops beyond
// every measure's reach.
GraphCosts graph_costs(const AccessRequest& request, const Loaded& in, const std::vector<MeasureSpec>& specs,
                       const std::optional<double>& standard, Snapping& snapping, ProgressSink& progress) {
  std::vector<network::Place> origins(in.zones.size());
  for (std::size_t z = 0; z < in.zones.size(); ++z)
    origins[z] = {in.zones.ids[z], in.zones.lon[z], in.zones.lat[z]};
  std::vector<network::Place> destinations;
  add_places(in.offices, destinations);
  add_places(in.terminals, destinations);
  add_places(in.assisted, destinations);
  add_places(in.outreach, destinations);
  for (const auto& scenario : request.scenarios) {
    for (const auto* list : {&scenario.open_facilities, &scenario.add_terminals, &scenario.add_assisted,
                             &scenario.add_outreach}) {
      for (const auto& site : *list) {
        if (!site.lon || !site.lat) {
          throw Error(ErrorCode::InvalidInput,
                      fmt::format("scenario '{}': the new site '{}' has no lon/lat", scenario.name, site.id),
                      "costs come from a graph: give each new site as { id = \"…\", lon = …, lat = … }");
        }
        destinations.push_back({site.id, *site.lon, *site.lat});
      }
    }
  }
  double reach = reach_of(specs);  // the nearest office is judged over every pair: a standard keeps more
  if (standard) reach = std::max(reach, *standard);
  if (in.outreach.size() > 0) reach = std::max(reach, in.outreach_reach);
  const network::RoutingNetwork net = network::load_network(request.costs.graph);
  network::MatrixRequest options;
  if (std::isfinite(reach)) options.max_time_s = reach;
  options.max_snap_m = request.costs.max_snap_m;
  options.snap = network::snap_mode_by_name(request.costs.snap);
  GraphCosts costs;
  network::PlacesRows routed = network::travel_time_rows(net, origins, destinations, options, progress);
  progress.log(LogLevel::Info, network::describe_snapping(routed.origins, "zones"));
  progress.log(LogLevel::Info, network::describe_snapping(routed.destinations, "sites"));
  snapping.mode = network::snap_mode_name(options.snap);
  snapping.threshold_m = request.costs.snap_threshold_m;
  snapping.zone_m = routed.origins.distance_m;
  snapping.zone_places = "zones";
  snapping.zones = summarise_snapping(routed.origins.distance_m, snapping.threshold_m);
  snapping.sites = summarise_snapping(routed.destinations.distance_m, snapping.threshold_m);
  costs.times = std::move(routed.rows);
  for (const auto& place : destinations) costs.destination_ids.push_back(place.id);
  return costs;
}

// Costs from the matrix file or the graph, through the cost cache when the request names one.
void read_or_route(const AccessRequest& request, const Loaded& in, const std::vector<MeasureSpec>& specs,
                   const std::optional<double>& standard, Costs& costs, std::string& cache_use,
                   ProgressSink& progress) {
  const bool routed = !request.costs.graph.empty();
  const std::string key = request.cost_cache.empty() ? std::string() : cost_cache_key(request);
  if (!key.empty()) {
    if (routed) {
      Snapping snapping;
      if (auto cached = load_cached_graph_costs(request.cost_cache, key, snapping)) {
        costs.graph = std::move(*cached);
        costs.snapping = std::move(snapping);
      }
    } else if (auto cached = load_cached_matrix(request.cost_cache, key)) {
      costs.matrix = std::move(*cached);
    }
    if (costs.graph || !costs.matrix.cost.empty()) {
      progress.log(LogLevel::Info, "travel costs reused from the cache");
      cache_use = "reused";
      return;
    }
  }
  if (routed) {
    costs.snapping.emplace();
    costs.graph = graph_costs(request, in, specs, standard, *costs.snapping, progress);
  } else {
    costs.matrix = io::read_long_matrix(request.costs.matrix, request.costs.columns, progress);
  }
  if (key.empty()) return;
  try {
    if (routed) {
      store_cached_graph_costs(request.cost_cache, key, *costs.graph, *costs.snapping);
    } else {
      store_cached_matrix(request.cost_cache, key, costs.matrix);
    }
    cache_use = "stored";
  } catch (const Error& error) {  // a cache that cannot be written costs speed, not the answer
    progress.log(LogLevel::Warning, fmt::format("travel costs not cached: {}", error.message()));
  }
}

// Places far from the graph are said: their travel times leave out the way to the road.
void add_snapping_warnings(const Snapping& snapping, std::vector<std::string>& warnings) {
  for (const auto& [summary, what] :
       {std::pair{&snapping.zones, snapping.zone_places.c_str()}, std::pair{&snapping.sites, "sites"}}) {
    if (summary->beyond == 0) continue;
    warnings.push_back(fmt::format(
        "{} of {} {} are further than {:g} m from the road graph (at most {:.0f} m): their travel times "
        "leave out the way to the road",
        summary->beyond, summary->count, what, snapping.threshold_m, summary->max_m));
  }
}

// Sites read with a capacity column (not counted one each, nor a channel a scenario opens from nothing).
bool has_capacities(const Facilities& sites) {
  return !sites.capacity_column.empty() && sites.capacity_column != kCountedSites;
}

// A help channel's sites as the zones reach them within `reach` (none: not offered).
HelpSites help_sites(const Costs& costs, const AccessRequest& request, const Zones& zones,
                     const Facilities& sites, double reach) {
  HelpSites help;
  help.reach = reach;
  help.sites = sites.size();
  help.ids = sites.ids;
  if (sites.size() == 0) return help;
  MatrixJoin join;
  help.rows = cost_rows(costs, request.costs, zones, sites, reach, join);
  if (has_capacities(sites)) help.capacity = sites.capacity;
  return help;
}

// The nearest site of a channel per zone (empty: the channel has no sites).
std::vector<double> nearest_sites(const Costs& costs, const AccessRequest& request, const Zones& zones,
                                  const Facilities& sites, double standard) {
  if (sites.size() == 0) return {};
  MatrixJoin join;
  const CostRows rows = cost_rows(costs, request.costs, zones, sites, standard, join);
  std::vector<double> nearest(rows.nearest.size());
  for (std::size_t z = 0; z < nearest.size(); ++z) nearest[z] = decimal_of(rows.nearest[z]);
  return nearest;
}

void add_warnings(const Loaded& in, const CostRows& rows, AccessResult& result) {
  if (result.channels) {
    const ChannelOffer& offer = *in.offer;
    for (const auto& profile : result.channels->profiles.groups) {
      std::vector<std::string> used;  // only the figures the offered channels use are worth a warning
      for (const auto& field : profile.illustrative) {
        const bool online_field = field == "coverage" || field == "device" || field == "online_skill";
        if ((online_field && offer.online) || (field == "terminal_skill" && in.terminals.size() > 0) ||
            (field == "phone" && offer.phone)) {
          used.push_back(field);
        }
      }
      if (!used.empty()) {
        result.warnings.push_back(
            fmt::format("digital profile of '{}': {} illustrative (not published figures)", profile.group,
                        fmt::join(used, ", ")));
      }
    }
  }
  // What the join left out is said, never silent.
  const MatrixJoin& join = result.join;
  if (join.origins_not_zones > 0) {
    result.warnings.push_back(fmt::format("{} matrix origin(s) are no zone and were skipped (e.g. {})",
                                          join.origins_not_zones, fmt::join(join.origin_examples, ", ")));
  }
  if (join.destinations_not_facilities > 0) {
    result.warnings.push_back(
        fmt::format("{} matrix destination(s) are no facility and were skipped (e.g. {})",
                    join.destinations_not_facilities, fmt::join(join.destination_examples, ", ")));
  }
  if (join.repeated_pairs > 0) {
    result.warnings.push_back(fmt::format(
        "{} pair(s) appear more than once in the matrix; the cheapest cost was kept", join.repeated_pairs));
  }
  if (result.facilities.dropped_without_capacity > 0) {
    result.warnings.push_back(fmt::format("{} facility row(s) have capacity 0 and were left out",
                                          result.facilities.dropped_without_capacity));
  }
  std::size_t unreached_zones = 0;
  for (const float cost : rows.nearest) unreached_zones += std::isfinite(cost) ? 0U : 1U;
  if (unreached_zones > 0) {
    result.warnings.push_back(
        fmt::format("{} zone(s) have no facility in the matrix at all", unreached_zones));
  }
  for (const auto& measure : result.measures) {
    if (measure.facilities_without_demand > 0) {
      result.warnings.push_back(
          fmt::format("{}: {} facility(ies) have nobody within reach; their capacity serves no one",
                      measure.key, measure.facilities_without_demand));
    }
  }
}

// Those who can go online do (digital first), so an office's catchment demand is the residual offline
// demand P_i (1 − p_online,i) — a closed form of the fixed point where queue and uptake settle, since
// here uptake does not depend on the queue (docs/methods/access.md).
void offline_queue(const CostRows& rows, const Zones& zones, const Facilities& offices, double standard,
                   ChannelResult& channels) {
  DecayFunction catchment;
  catchment.kind = DecayKind::Binary;
  catchment.cutoff = standard;
  std::vector<double> residual(zones.size());
  for (std::size_t z = 0; z < zones.size(); ++z) {
    residual[z] =
        zones.population[z] * (1.0 - channels.cells[z][0].usable[static_cast<std::size_t>(Channel::Online)]);
  }
  channels.offline_capacity_per_person =
      floating_catchment(CatchmentMethod::TwoStep, rows, residual, offices.capacity, catchment);
  channels.offline_capacity_if_all_in_person =
      floating_catchment(CatchmentMethod::TwoStep, rows, zones.population, offices.capacity, catchment);
  double people = 0.0;
  double queue = 0.0;
  double everyone = 0.0;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    if (channels.cells[z][0].usable[static_cast<std::size_t>(Channel::InPerson)] == 0.0) continue;
    people += zones.population[z];
    queue += zones.population[z] * channels.offline_capacity_per_person[z];
    everyone += zones.population[z] * channels.offline_capacity_if_all_in_person[z];
  }
  if (people > 0.0) {
    channels.offline_mean = queue / people;
    channels.offline_mean_if_all_in_person = everyone / people;
  }
}

// Measures, the standard and the channels on inputs already loaded (the baseline or a scenario).
AccessResult analyse(const AccessRequest& request, const std::vector<MeasureSpec>& specs,
                     const std::optional<double>& standard, Loaded in, const Costs& costs,
                     const std::vector<std::string>& scenario_sites, const ProgressTask& task) {
  AccessResult result;
  result.cost_unit = request.costs.unit;
  result.zones = std::move(in.zones);
  result.facilities = in.offices;
  result.facilities.other_sites = in.terminals.ids;  // the matrix lists them too: no unknown destination
  result.facilities.other_sites.insert(result.facilities.other_sites.end(), in.assisted.ids.begin(),
                                       in.assisted.ids.end());
  result.facilities.other_sites.insert(result.facilities.other_sites.end(), in.outreach.ids.begin(),
                                       in.outreach.ids.end());
  result.facilities.other_sites.insert(result.facilities.other_sites.end(), scenario_sites.begin(),
                                       scenario_sites.end());
  // The offline queue is judged within the standard: keep those pairs too.
  const double reach = in.offer && standard ? std::max(reach_of(specs), *standard) : reach_of(specs);
  const CostRows rows = cost_rows(costs, request.costs, result.zones, result.facilities, reach, result.join);
  result.cost_source = rows.source;
  const std::string unit(io::cost_unit_name(request.costs.unit));
  result.groups_partition = groups_partition(result.zones);
  result.nearest.resize(rows.nearest.size());
  for (std::size_t z = 0; z < rows.nearest.size(); ++z) result.nearest[z] = decimal_of(rows.nearest[z]);

  for (const auto& spec : specs) {
    task.throw_if_stopped();
    MeasureResult measure;
    const Naming naming = name_of(spec, result.facilities.capacity_column, unit);
    measure.key = naming.key;
    measure.label = naming.label;
    measure.unit = naming.unit;
    measure.spec = spec;
    if (!spec.order_column.empty())
      measure.order_values = order_column_values(spec, result.facilities, request.facilities);
    measure.values = compute(spec, rows, result.zones, result.facilities, measure);
    if (request.no_access == NoAccess::Missing) {
      for (std::size_t z = 0; z < measure.values.size(); ++z) {
        if (reaches_something(spec, rows, z)) continue;
        measure.values[z] = std::numeric_limits<double>::quiet_NaN();  // rendered null / empty, never NaN
        ++measure.zones_without_access;
      }
    }
    std::vector<std::uint8_t> without(measure.values.size());
    for (std::size_t z = 0; z < without.size(); ++z) {
      without[z] = is_cost(spec.kind) ? !std::isfinite(measure.values[z])
                                      : std::isnan(measure.values[z]) || measure.values[z] <= 0.0;
    }
    measure.groups = summarise_groups(result.zones, measure.values, without);
    measure.equity = equity_of(result.zones, measure.values, result.groups_partition, request.concentration);
    result.measures.push_back(std::move(measure));
  }
  make_keys_unique(result.measures);
  apply_poverty_lines(request.poverty_lines, result);

  if (standard) {
    Exclusion exclusion;
    exclusion.standard = *standard;
    exclusion.by_zone.resize(result.zones.size());
    std::vector<std::uint8_t> beyond(result.zones.size());
    for (std::size_t z = 0; z < beyond.size(); ++z) {
      beyond[z] = static_cast<float>(result.nearest[z]) > static_cast<float>(*standard) ? 1 : 0;
      exclusion.by_zone[z] = beyond[z] != 0 ? result.zones.population[z] : 0.0;
    }
    exclusion.groups = summarise_groups(result.zones, result.nearest, beyond);
    exclusion.beyond = std::move(beyond);
    result.exclusion = std::move(exclusion);
  }
  if (in.offer) {
    ChannelInputs inputs;
    inputs.offer = *in.offer;
    inputs.profiles = in.profiles;
    inputs.joint = in.joint;
    inputs.standard = *standard;
    inputs.office_nearest = result.nearest;
    inputs.terminal_nearest = nearest_sites(costs, request, result.zones, in.terminals, *standard);
    inputs.assisted = help_sites(costs, request, result.zones, in.assisted, *standard);
    inputs.outreach = help_sites(costs, request, result.zones, in.outreach, in.outreach_reach);
    inputs.coverage = result.zones.coverage;
    ChannelResult channels = channel_access(result.zones, inputs);
    channels.nearest_site[static_cast<std::size_t>(Channel::InPerson)] = inputs.office_nearest;
    channels.nearest_site[static_cast<std::size_t>(Channel::Terminal)] = inputs.terminal_nearest;
    for (const auto& [channel, help] :
         {std::pair{Channel::Assisted, &inputs.assisted}, std::pair{Channel::Outreach, &inputs.outreach}}) {
      if (!help->offered()) continue;
      auto& nearest = channels.nearest_site[static_cast<std::size_t>(channel)];
      for (const float cost : help->rows.nearest) nearest.push_back(decimal_of(cost));
    }
    channels.terminals = in.terminals.size();
    if (inputs.offer.in_person) offline_queue(rows, result.zones, result.facilities, *standard, channels);
    result.channels = std::move(channels);
  }
  add_warnings(in, rows, result);
  return result;
}

// Straight-line travel times from every zone to every office, channel site and scenario site, as a long
// matrix (the graph's counterpart): only the pairs within every measure's reach (and the standard), plus
// each zone's nearest site of each kind.
io::LongMatrix straight_line_costs(const AccessRequest& request, const Loaded& in,
                                   const std::vector<MeasureSpec>& specs,
                                   const std::optional<double>& standard,
                                   const std::optional<ZonePoints>& points, ProgressSink& progress) {
  std::vector<network::Place> origins;  // the zones' own places, unless their points are the origins
  for (std::size_t z = 0; z < in.zones.size() && !points; ++z)
    origins.push_back({in.zones.ids[z], in.zones.lon[z], in.zones.lat[z]});
  std::vector<std::vector<network::Place>> sets(3);
  add_places(in.offices, sets[0]);
  add_places(in.terminals, sets[1]);
  add_places(in.assisted, sets[2]);
  for (const auto& scenario : request.scenarios) {
    for (const auto* list : {&scenario.open_facilities, &scenario.add_terminals, &scenario.add_assisted}) {
      sets.emplace_back();
      for (const auto& site : *list) {
        if (!site.lon || !site.lat) {
          throw Error(ErrorCode::InvalidInput,
                      fmt::format("scenario '{}': the new site '{}' has no lon/lat", scenario.name, site.id),
                      "costs are straight lines: give each new site as { id = \"…\", lon = …, lat = … }");
        }
        sets.back().push_back({site.id, *site.lon, *site.lat});
      }
    }
  }
  // The cost to the n-th closest has no reach, but from a zone's own place it needs only the offices out to
  // where n capacity is reached (a k-nearest search); a mean over zone points needs every pair.
  std::vector<MeasureSpec> with_reach;
  std::optional<ClosestNeed> closest;
  for (const auto& spec : specs) {
    if (spec.kind != MeasureKind::CostToClosest || points) {
      with_reach.push_back(spec);
      continue;
    }
    if (!closest) closest = ClosestNeed{spec.n, in.offices.capacity};
    closest->n = std::max(closest->n, spec.n);
  }
  if (closest) {
    for (const auto& scenario : request.scenarios) {  // every scenario must find n without its closures
      for (const auto& id : scenario.close_facilities) {
        const auto at = std::find(in.offices.ids.begin(), in.offices.ids.end(), id);
        if (at != in.offices.ids.end())
          closest->capacity[static_cast<std::size_t>(at - in.offices.ids.begin())] = 0.0;
      }
    }
  }
  double reach = with_reach.empty() ? 0.0 : reach_of(with_reach);
  if (standard) reach = std::max(reach, *standard);  // the nearest office is judged over every pair
  if (!std::isfinite(reach)) closest.reset();        // every pair anyway
  const double speed = parse_speed(request.costs.straight_line, "straight_line");
  io::LongMatrix matrix =
      points ? straight_line_zone_matrix(in.zones.ids, *points, sets, speed, request.costs.detour, reach,
                                         progress)
             : straight_line_matrix(origins, sets, speed, request.costs.detour, reach, progress, closest);
  matrix.source = cost_source_of(request.costs);
  return matrix;
}

// Graph travel times from every point of the zones (ZonePoints), averaged per zone. Every pair is routed
// (no reach): the mean of a zone needs each of its points' times, the far ones included.
io::LongMatrix graph_matrix_over_points(const AccessRequest& request, const Loaded& in,
                                        const ZonePoints& points, Snapping& snapping,
                                        ProgressSink& progress) {
  Loaded by_point;
  by_point.offices = in.offices;
  by_point.terminals = in.terminals;
  by_point.assisted = in.assisted;
  by_point.outreach = in.outreach;
  for (std::size_t k = 0; k < points.size(); ++k)
    by_point.zones.ids.push_back(fmt::format("{} point {}", in.zones.ids[points.zone[k]], k + 1));
  by_point.zones.lon = points.lon;
  by_point.zones.lat = points.lat;
  std::vector<MeasureSpec> unbounded(1);
  unbounded[0].kind = MeasureKind::CostToClosest;  // reach_of gives +inf: every pair
  const GraphCosts routed = graph_costs(request, by_point, unbounded, std::nullopt, snapping, progress);
  // Per zone, its points' distances to the road weighted as their costs are.
  const std::vector<double> by_point_m = std::move(snapping.zone_m);
  snapping.zone_m.assign(in.zones.size(), 0.0);
  for (std::size_t k = 0; k < points.size(); ++k)
    snapping.zone_m[points.zone[k]] += points.weight[k] * by_point_m[k];
  snapping.zone_places = "zone points";
  io::LongMatrix matrix;  // the points' times as a long matrix, for the mean per zone
  matrix.source = request.costs.graph;
  matrix.origin_ids = by_point.zones.ids;
  matrix.destination_ids = routed.destination_ids;
  for (std::size_t k = 0; k < routed.times.rows(); ++k) {
    for (std::size_t i = routed.times.offsets[k]; i < routed.times.offsets[k + 1]; ++i) {
      matrix.origin.push_back(static_cast<std::uint32_t>(k));
      matrix.destination.push_back(routed.times.destination[i]);
      matrix.cost.push_back(static_cast<float>(static_cast<double>(routed.times.time[i]) / 1000.0));
    }
  }
  return average_over_points(matrix, points, in.zones.ids);
}

// ----- scenarios

bool has_destination(const Costs& costs, const std::string& id) {
  const auto& ids = costs.destination_ids();
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

void add_sites(const Scenario& scenario, const std::vector<NewSite>& sites, const Costs& costs,
               Facilities& into, const char* what) {
  for (const auto& site : sites) {
    if (std::find(into.ids.begin(), into.ids.end(), site.id) != into.ids.end()) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("scenario '{}': {} '{}' is already there", scenario.name, what, site.id),
                  "add only new sites");
    }
    if (!has_destination(costs, site.id)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("scenario '{}': the matrix has no cost to the new {} '{}'", scenario.name, what,
                              site.id),
                  "add its travel costs to the matrix (or use a graph with the site's lon/lat)");
    }
    if (has_capacities(into) && !site.capacity_given) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("scenario '{}': the new {} '{}' has no capacity", scenario.name, what, site.id),
                  fmt::format("the sites of this kind have capacities (column {}): write {{ id = \"{}\", "
                              "capacity = … }}",
                              into.capacity_column, site.id));
    }
    into.ids.push_back(site.id);
    into.capacity.push_back(site.capacity);
    if (site.lon && site.lat) {
      into.lon.push_back(*site.lon);
      into.lat.push_back(*site.lat);
    }
  }
}

Loaded apply(const Scenario& scenario, const Loaded& base, const Costs& costs) {
  Loaded in = base;
  const bool channel_keys = !scenario.close_channels.empty() || !scenario.open_channels.empty() ||
                            !scenario.add_terminals.empty() || !scenario.add_assisted.empty() ||
                            !scenario.add_outreach.empty() || !scenario.profiles.empty();
  if (channel_keys && !in.offer) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("scenario '{}' changes channels, but the study has none", scenario.name),
                "give the channels the service offers today (`channels`), then the scenario's changes");
  }
  for (const auto& id : scenario.close_facilities) {
    const auto at = std::find(in.offices.ids.begin(), in.offices.ids.end(), id);
    if (at == in.offices.ids.end()) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("scenario '{}': no facility '{}' to close", scenario.name, excerpt(id)),
                  "name facilities by their ids in the facilities file");
    }
    const auto index = static_cast<std::size_t>(at - in.offices.ids.begin());
    in.offices.ids.erase(at);
    in.offices.capacity.erase(in.offices.capacity.begin() + static_cast<std::ptrdiff_t>(index));
    if (!in.offices.lon.empty()) {
      in.offices.lon.erase(in.offices.lon.begin() + static_cast<std::ptrdiff_t>(index));
      in.offices.lat.erase(in.offices.lat.begin() + static_cast<std::ptrdiff_t>(index));
    }
  }
  add_sites(scenario, scenario.open_facilities, costs, in.offices, "facility");
  add_sites(scenario, scenario.add_terminals, costs, in.terminals, "terminal");
  add_sites(scenario, scenario.add_assisted, costs, in.assisted, "assisted site");
  add_sites(scenario, scenario.add_outreach, costs, in.outreach, "outreach base");
  if (in.offices.size() == 0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("scenario '{}' closes every facility", scenario.name),
                "keep at least one (close the in-person channel to model a service without offices)");
  }
  for (const auto& name : scenario.close_channels) {
    if (name == "in-person") in.offer->in_person = false;
    if (name == "online") in.offer->online = false;
    if (name == "phone") in.offer->phone = false;
    if (name == "terminal") in.terminals = {};
    if (name == "assisted") in.assisted = {};
    if (name == "outreach") in.outreach = {};
  }
  for (const auto& name : scenario.open_channels) {
    if (name == "in-person") in.offer->in_person = true;
    if (name == "online") in.offer->online = true;
    if (name == "phone") in.offer->phone = true;
  }
  for (const auto& change : scenario.profiles) {
    if (in.joint.of(change.group) != nullptr &&
        (change.device || change.online_skill || change.terminal_skill || change.phone)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("scenario '{}': the abilities of '{}' come from the joint table {}",
                              scenario.name, change.group, in.joint.file),
                  "change only its coverage here, or give the scenario's joint shares in another run");
    }
    auto found = std::find_if(in.profiles.groups.begin(), in.profiles.groups.end(),
                              [&](const GroupDigital& p) { return p.group == change.group; });
    if (found == in.profiles.groups.end()) {  // a group that used the "all" row gets its own copy
      GroupDigital copy = in.profiles.of(change.group);
      copy.group = change.group;
      in.profiles.groups.push_back(copy);
      found = in.profiles.groups.end() - 1;
    }
    if (change.coverage) found->coverage = *change.coverage;
    if (change.device) found->device = *change.device;
    if (change.online_skill) found->online_skill = *change.online_skill;
    if (change.terminal_skill) found->terminal_skill = *change.terminal_skill;
    if (change.phone) found->phone = *change.phone;
    found->source +=
        (found->source.empty() ? "" : "; ") + fmt::format("changed by scenario '{}'", scenario.name);
  }
  return in;
}

// Lower is better for costs, higher for every other measure.
bool worse(const MeasureResult& measure, double before, double after) {
  const double tolerance = 1e-12 * std::max(1.0, std::abs(before));
  return is_cost(measure.spec.kind) ? after > before + tolerance : after < before - tolerance;
}

ScenarioResult compare(const Scenario& scenario, const AccessResult& base, const AccessResult& after) {
  ScenarioResult out;
  out.scenario = scenario;
  const std::size_t groups = base.measures.empty() ? 0 : base.measures.front().groups.size();
  for (std::size_t g = 0; g < groups; ++g) {
    GroupChange change;
    change.group = base.measures.front().groups[g].group;
    change.people = base.measures.front().groups[g].people;
    for (std::size_t m = 0; m < base.measures.size(); ++m) {
      change.mean_before.push_back(base.measures[m].groups[g].mean);
      change.mean_after.push_back(after.measures[m].groups[g].mean);
      change.loses =
          change.loses || worse(base.measures[m], change.mean_before.back(), change.mean_after.back());
    }
    if (base.exclusion) {
      change.beyond_before = base.exclusion->groups[g].people_without;
      change.beyond_after = after.exclusion->groups[g].people_without;
      change.loses = change.loses || *change.beyond_after > *change.beyond_before + 1e-9;
    }
    if (base.channels) {
      change.excluded_before = base.channels->totals[g].excluded;
      change.excluded_after = after.channels->totals[g].excluded;
      change.loses = change.loses || *change.excluded_after > *change.excluded_before + 1e-9;
    }
    out.groups.push_back(std::move(change));
  }
  for (std::size_t m = 0; m < base.measures.size(); ++m) {
    out.between_before.push_back(base.measures[m].equity.between);
    out.between_after.push_back(after.measures[m].equity.between);
  }
  for (std::size_t z = 0; z < base.zones.size(); ++z) {
    bool loses = after.nearest[z] > base.nearest[z];
    if (base.channels)
      loses = loses || after.channels->cells[z][0].effective < base.channels->cells[z][0].effective - 1e-12;
    if (loses) {
      ++out.zones_losing;
      out.people_losing += base.zones.population[z];
    }
  }
  out.warnings = after.warnings;
  return out;
}

}  // namespace

AccessResult run_access(const AccessRequest& request_in, ProgressSink& progress) {
  ProgressTask task(progress, "access", 3);  // inputs and costs, baseline, scenarios
  AccessRequest request = resolve_cost_source(request_in);
  if (request.measures.empty()) {
    throw Error(ErrorCode::InvalidInput, "`measures`: no measure asked for",
                "ask for at least one, e.g. 2sfca");
  }
  if (!std::isfinite(request.alpha) || request.alpha < 0.0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("`alpha` {} is not a number ≥ 0", request.alpha),
                "α weighs demand in spatial availability; 1 (the default) is proportional to population");
  }
  std::vector<MeasureSpec> specs;
  for (const auto& text : request.measures) {
    specs.push_back(parse_measure(text, request.costs.unit, request.decay));
    specs.back().alpha = request.alpha;
  }
  std::optional<double> standard;
  if (!request.standard.empty()) standard = parse_cost(request.standard, request.costs.unit, "standard");
  if (!request.scenarios_file.empty()) {
    auto from_file = read_scenarios(request.scenarios_file);
    request.scenarios.insert(request.scenarios.end(), from_file.begin(), from_file.end());
  }

  // With polygons and costs from places (a graph, straight lines), zones without lon/lat are routed from
  // their polygons' centroids (or a point on the surface when the centroid falls outside).
  std::vector<std::vector<geo::Polygon>> polygons;
  std::vector<std::string> polygon_warnings;
  const bool costs_from_places = !request.costs.graph.empty() || !request.costs.straight_line.empty();
  // Zones placed by their polygons or points need no lon/lat columns.
  const bool placed_otherwise = !request.zone_polygons.empty() || !request.zones.points.empty();
  if (placed_otherwise && costs_from_places && !is_vector_file(request.zones.file)) {
    const auto header = ColumnTable::read_header(request.zones.file);
    const bool has_lon = std::find_first_of(header.begin(), header.end(), std::begin(kLonNames),
                                            std::end(kLonNames)) != header.end();
    if (!has_lon) request.zones.coordinates = false;
  }
  Loaded in = load(request, standard, progress);
  polygons = std::move(in.zones.polygons);  // a vector zone file's own (scenario copies need none)
  in.zones.polygons.clear();
  if (!request.zone_polygons.empty()) {
    polygons = polygons_of(request, in.zones, polygon_warnings);
    if (costs_from_places && in.zones.lon.empty()) {
      std::size_t on_surface = 0;
      for (std::size_t z = 0; z < in.zones.size(); ++z) {
        const auto place = geo::zone_point(polygons[z]);
        if (!place) {
          throw Error(ErrorCode::InvalidInput,
                      fmt::format("zone '{}' has neither lon/lat nor a polygon to route from",
                                  excerpt(in.zones.ids[z])),
                      "give the zones lon/lat columns, or a polygon for every zone");
        }
        on_surface += place->on_surface ? 1U : 0U;
        in.zones.place.push_back(
            static_cast<std::uint8_t>(place->on_surface ? ZonePlace::PointOnSurface : ZonePlace::Centroid));
        in.zones.lon.push_back(place->point.x);
        in.zones.lat.push_back(place->point.y);
      }
      in.zones.locations =
          fmt::format("{} polygon centroids (area-weighted) of {}", in.zones.size() - on_surface,
                      request.zone_polygons) +
          (on_surface > 0 ? fmt::format(", {} points on the surface where the centroid falls outside the "
                                        "polygon",
                                        on_surface)
                          : std::string());
    }
  }
  std::optional<ZonePoints> points;
  if (!request.zones.points.empty()) {
    if (!costs_from_places) {
      throw Error(
          ErrorCode::InvalidInput, "zone points need costs from places: `graph` or `straight_line`",
          "a matrix gives one cost per zone; route from the points with a graph, or use straight lines");
    }
    points = read_zone_points(request.zones, in.zones);
    in.zones.locations +=
        (in.zones.locations.empty() ? "" : "; ") +
        fmt::format(
            "costs are the population-weighted mean over {} points of {} ({} of {} zones; the others "
            "from their own place)",
            points->size() - (in.zones.size() - points->zones_with_points), points->source,
            points->zones_with_points, in.zones.size());
  }
  std::vector<std::string> scenario_sites;  // destinations of the matrix that only a scenario uses
  for (const auto& scenario : request.scenarios) {
    for (const auto* list : {&scenario.open_facilities, &scenario.add_terminals, &scenario.add_assisted,
                             &scenario.add_outreach}) {
      for (const auto& site : *list) scenario_sites.push_back(site.id);
    }
  }
  Costs costs;
  std::string cache_use;
  if (!request.costs.straight_line.empty()) {
    costs.matrix = straight_line_costs(request, in, specs, standard, points, progress);
  } else if (points) {
    costs.snapping.emplace();
    costs.matrix = graph_matrix_over_points(request, in, *points, *costs.snapping, progress);
  } else {
    read_or_route(request, in, specs, standard, costs, cache_use, progress);
  }
  task.tick();
  task.throw_if_stopped();
  AccessResult result = analyse(request, specs, standard, in, costs, scenario_sites, task);
  result.cost_cache_use = cache_use;
  result.zone_polygons = std::move(polygons);
  result.warnings.insert(result.warnings.end(), polygon_warnings.begin(), polygon_warnings.end());
  if (costs.snapping) {
    add_snapping_warnings(*costs.snapping, result.warnings);
    result.snapping = std::move(costs.snapping);
  }
  task.tick();
  for (const auto& scenario : request.scenarios) {
    task.throw_if_stopped();
    const AccessResult after =
        analyse(request, specs, standard, apply(scenario, in, costs), costs, scenario_sites, task);
    result.scenarios.push_back(compare(scenario, result, after));
  }
  task.tick();
  task.throw_if_stopped();
  return result;
}

}  // namespace equalis::access

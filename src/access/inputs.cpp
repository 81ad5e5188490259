#include "access/inputs.hpp"

#include "core/csv_columns.hpp"
#include "core/error.hpp"
#include "io/column_choice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <numeric>
#include <optional>
#include <unordered_map>

namespace equalis::access {

namespace {

// Checks that a category column read as ids has no repeated value: codes follow first appearance, so a
// unique column has code == the count of distinct ids seen before it.
void require_unique_ids(const ColumnTable& table, const CategoryColumn& ids, const std::string& column) {
  std::uint32_t next = 0;
  for (std::size_t row = 0; row < ids.size(); ++row) {
    if (ids.valid[row] == 0) {
      throw Error(ErrorCode::InvalidInput, fmt::format("missing id in column '{}'", column),
                  "give every row an id", table.location(row, column));
    }
    if (ids.codes[row] != next) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("the id '{}' appears twice in column '{}'", excerpt(ids.labels[ids.codes[row]]),
                              column),
                  "ids must be unique: merge or rename the rows", table.location(row, column));
    }
    ++next;
  }
}

// A count of people or a capacity: present, finite and ≥ 0.
double require_amount(const ColumnTable& table, const NumericColumn& column, std::size_t row,
                      const char* what) {
  const double value = column.values[row];
  if (column.valid[row] == 0 || !std::isfinite(value) || value < 0.0) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} in column '{}' is {}", what, column.name,
                            column.valid[row] == 0 ? "missing" : fmt::format("{}", value)),
                fmt::format("give every row a {} ≥ 0", what), table.location(row, column.name));
  }
  return value;
}

struct CoordinateColumns {
  std::string lon;
  std::string lat;
};

// The lon/lat columns by their usual names, added to `wanted` (nullopt when not asked for).
std::optional<CoordinateColumns> coordinate_columns(const std::string& path,
                                                    const std::vector<std::string>& header, bool asked,
                                                    std::vector<WantedColumn>& wanted) {
  if (!asked) {  // read anyway when both are there (maps of the result), never required
    const auto has_any = [&](std::initializer_list<const char*> names) {
      for (const char* name : names) {
        if (std::find(header.begin(), header.end(), name) != header.end()) return true;
      }
      return false;
    };
    if (!has_any({"lon", "longitude", "lng", "x"}) || !has_any({"lat", "latitude", "y"})) return std::nullopt;
  }
  CoordinateColumns columns{
      io::choose_column(path, header, "", {"lon", "longitude", "lng", "x"}, "longitude"),
      io::choose_column(path, header, "", {"lat", "latitude", "y"}, "latitude")};
  wanted.push_back({columns.lon, ColumnKind::Numeric});
  wanted.push_back({columns.lat, ColumnKind::Numeric});
  return columns;
}

// WGS84 degrees, every cell present and in range; `keep` selects rows (nullptr: all).
void read_coordinates(const ColumnTable& table, const CoordinateColumns& columns, std::vector<double>& lon,
                      std::vector<double>& lat, const std::vector<std::uint8_t>* keep) {
  const NumericColumn& lons = table.numeric(columns.lon);
  const NumericColumn& lats = table.numeric(columns.lat);
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    if (keep != nullptr && (*keep)[row] == 0) continue;
    for (const auto& [column, limit] : {std::pair{&lons, 180.0}, std::pair{&lats, 90.0}}) {
      if (column->valid[row] == 0 || !(std::abs(column->values[row]) <= limit)) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("'{}' is {}, not a WGS84 coordinate in [−{:g}, {:g}]", column->name,
                                column->valid[row] == 0 ? "missing" : fmt::format("{}", column->values[row]),
                                limit, limit),
                    "give longitude and latitude in degrees (WGS84) for every row",
                    table.location(row, column->name));
      }
    }
    lon.push_back(lons.values[row]);
    lat.push_back(lats.values[row]);
  }
}

CsvOptions csv_options(char delimiter) {
  CsvOptions options;
  options.delimiter = delimiter;
  return options;
}

}  // namespace

namespace {

// The long group table: adds one group per distinct label, people per zone, checked against the zones.
void read_group_table(const ZoneSpec& spec, Zones& zones) {
  const auto header = ColumnTable::read_header(spec.groups_file, csv_options(spec.delimiter));
  const std::string zone = io::choose_column(spec.groups_file, header, "", {"zone", "zone_id", "id"}, "zone");
  const std::string group = io::choose_column(spec.groups_file, header, "", {"group"}, "group");
  const std::string people =
      io::choose_column(spec.groups_file, header, "", {"population", "people", "pop"}, "population");
  const ColumnTable table = ColumnTable::read_file(
      spec.groups_file,
      {{zone, ColumnKind::Category}, {group, ColumnKind::Category}, {people, ColumnKind::Numeric}},
      csv_options(spec.delimiter));
  std::unordered_map<std::string_view, std::size_t> zone_of;
  for (std::size_t z = 0; z < zones.size(); ++z) zone_of.emplace(zones.ids[z], z);
  const CategoryColumn& zones_column = table.category(zone);
  const CategoryColumn& groups_column = table.category(group);
  const std::size_t first = zones.group_names.size();
  for (const auto& label : groups_column.labels) {
    if (std::find(zones.group_names.begin(), zones.group_names.end(), label) != zones.group_names.end()) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("group '{}' is both a column and a row of the group table", excerpt(label)),
                  "give each group once");
    }
    zones.group_names.push_back(label);
    zones.group_people.emplace_back(zones.size(), 0.0);
  }
  std::vector<std::uint8_t> seen(zones.size() * groups_column.labels.size(), 0);
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    if (zones_column.valid[row] == 0 || groups_column.valid[row] == 0) {
      throw Error(ErrorCode::InvalidInput, "missing zone or group", "give every row a zone and a group",
                  table.location(row, zones_column.valid[row] == 0 ? zone : group));
    }
    const auto found = zone_of.find(zones_column.labels[zones_column.codes[row]]);
    if (found == zone_of.end()) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("zone '{}' is not in {}", excerpt(zones_column.labels[zones_column.codes[row]]),
                              zones.source),
                  "the group table's zones must be the zone file's ids", table.location(row, zone));
    }
    const std::size_t z = found->second;
    const std::size_t g = groups_column.codes[row];
    if (seen[z * groups_column.labels.size() + g] != 0) {
      throw Error(ErrorCode::InvalidInput, "this zone and group appear twice",
                  "give one row per zone and group", table.location(row, group));
    }
    seen[z * groups_column.labels.size() + g] = 1;
    const double count = require_amount(table, table.numeric(people), row, "the group's population");
    if (count > zones.population[z] * (1.0 + 1e-6) + 1e-9) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("{} people of group '{}' in zone '{}', more than its population {}", count,
                              excerpt(groups_column.labels[g]), excerpt(zones.ids[z]), zones.population[z]),
                  "check the group table against the zones' population", table.location(row, people));
    }
    zones.group_people[first + g][z] = count;
  }
}

}  // namespace

Zones read_zones(const ZoneSpec& spec, ProgressSink& progress) {
  const CsvOptions options = csv_options(spec.delimiter);
  const auto header = ColumnTable::read_header(spec.file, options);
  const std::string id =
      io::choose_column(spec.file, header, spec.id_column, {"id", "zone", "zone_id", "idx"}, "zone id");
  const std::string population = io::choose_column(spec.file, header, spec.population_column,
                                                   {"population", "pop", "total_population"}, "population");
  std::vector<WantedColumn> wanted{{id, ColumnKind::Category}, {population, ColumnKind::Numeric}};
  for (const auto& group : spec.group_columns) {
    if (group == population || group == id) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("the group column '{}' is the {} column", group, group == id ? "id" : "population"),
          "name the columns that count each group's people, e.g. pop_60plus");
    }
    if (std::count(spec.group_columns.begin(), spec.group_columns.end(), group) > 1) {
      throw Error(ErrorCode::InvalidInput, fmt::format("the group column '{}' is named twice", group),
                  "name each group once");
    }
    wanted.push_back({group, ColumnKind::Numeric});
  }
  if (!spec.income_column.empty()) wanted.push_back({spec.income_column, ColumnKind::Numeric});
  if (!spec.coverage_column.empty()) wanted.push_back({spec.coverage_column, ColumnKind::Numeric});
  const auto coordinates = coordinate_columns(spec.file, header, spec.coordinates, wanted);
  const ColumnTable table = ColumnTable::read_file(spec.file, wanted, options, progress);
  if (table.row_count() == 0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{}: no zones", spec.file), "give one row per zone");
  }
  const CategoryColumn& ids = table.category(id);
  require_unique_ids(table, ids, id);

  Zones zones;
  zones.source = spec.file;
  zones.ids = ids.labels;
  const NumericColumn& people = table.numeric(population);
  zones.population.resize(table.row_count());
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    zones.population[row] = require_amount(table, people, row, "the population");
  }
  for (const auto& group : spec.group_columns) {
    const NumericColumn& column = table.numeric(group);
    std::vector<double> counts(table.row_count());
    for (std::size_t row = 0; row < table.row_count(); ++row) {
      counts[row] = require_amount(table, column, row, "the group's population");
      // A rounding slack of one part in a million: shares times totals rarely add up exactly.
      if (counts[row] > zones.population[row] * (1.0 + 1e-6) + 1e-9) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("group '{}' has {} people in zone '{}', more than its population {}", group,
                                counts[row], excerpt(zones.ids[row]), zones.population[row]),
                    "a group column counts people of the zone; check the column and the population column",
                    table.location(row, group));
      }
    }
    zones.group_names.push_back(group);
    zones.group_people.push_back(std::move(counts));
  }
  if (!spec.income_column.empty()) {
    const NumericColumn& income = table.numeric(spec.income_column);
    for (std::size_t row = 0; row < table.row_count(); ++row) {
      if (income.valid[row] != 0 && (!std::isfinite(income.values[row]) || income.values[row] < 0.0)) {
        throw Error(ErrorCode::InvalidInput, fmt::format("income {} is negative", income.values[row]),
                    "give incomes ≥ 0 (or leave the cell empty when unknown)",
                    table.location(row, spec.income_column));
      }
    }
    zones.income = income.values;
    zones.income_valid = income.valid;
    zones.income_column = spec.income_column;
  }
  if (!spec.coverage_column.empty()) {
    const NumericColumn& coverage = table.numeric(spec.coverage_column);
    for (std::size_t row = 0; row < table.row_count(); ++row) {
      const double value = coverage.values[row];
      if (coverage.valid[row] == 0 || !(value >= 0.0 && value <= 1.0)) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("coverage is {}, not a share in [0, 1]",
                                coverage.valid[row] == 0 ? "missing" : fmt::format("{}", value)),
                    value > 1.0 && value <= 100.0
                        ? "write coverage as a share: divide percentages by 100"
                        : "give the share of the zone with network coverage, 0 to 1",
                    table.location(row, spec.coverage_column));
      }
    }
    zones.coverage = coverage.values;
  }
  if (coordinates) read_coordinates(table, *coordinates, zones.lon, zones.lat, nullptr);
  if (!spec.groups_file.empty()) read_group_table(spec, zones);
  return zones;
}

Facilities read_facilities(const FacilitySpec& spec, ProgressSink& progress) {
  const CsvOptions options = csv_options(spec.delimiter);
  const auto header = ColumnTable::read_header(spec.file, options);
  const std::string id = io::choose_column(spec.file, header, spec.id_column,
                                           {"id", "facility", "facility_id", "idx"}, "facility id");
  // Channel sites (terminals, counselors) may come without a capacity column: each then counts 1.
  const bool counted = spec.capacity_optional && spec.capacity_column.empty() &&
                       std::find(header.begin(), header.end(), "capacity") == header.end();
  const std::string capacity =
      counted ? "" : io::choose_column(spec.file, header, spec.capacity_column, {"capacity"}, "capacity");
  std::vector<WantedColumn> wanted{{id, ColumnKind::Category}};
  if (!counted) wanted.push_back({capacity, ColumnKind::Numeric});
  const auto coordinates = coordinate_columns(spec.file, header, spec.coordinates, wanted);
  const ColumnTable table = ColumnTable::read_file(spec.file, wanted, options, progress);
  const CategoryColumn& ids = table.category(id);
  require_unique_ids(table, ids, id);
  Facilities facilities;
  facilities.source = spec.file;
  facilities.capacity_column = counted ? "sites" : capacity;
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const double amount = counted ? 1.0 : require_amount(table, table.numeric(capacity), row, "the capacity");
    if (amount == 0.0) {  // a zone without schools in a land-use table: nothing to reach there
      ++facilities.dropped_without_capacity;
      facilities.ids_without_capacity.push_back(ids.labels[ids.codes[row]]);
      continue;
    }
    facilities.ids.push_back(ids.labels[ids.codes[row]]);
    facilities.capacity.push_back(amount);
  }
  if (coordinates) {  // for the rows kept (capacity > 0)
    std::vector<std::uint8_t> kept(table.row_count(), 1);
    const NumericColumn* amounts = counted ? nullptr : &table.numeric(capacity);
    for (std::size_t row = 0; row < kept.size(); ++row)
      kept[row] = amounts == nullptr || amounts->values[row] > 0.0;
    read_coordinates(table, *coordinates, facilities.lon, facilities.lat, &kept);
  }
  if (facilities.ids.empty()) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{}: no facility has capacity in column '{}'", spec.file, capacity),
                "give the capacity (doctors, seats, windows…) of each facility, > 0 for at least one");
  }
  return facilities;
}

double decimal_of(float cost) noexcept {
  if (!std::isfinite(cost)) return static_cast<double>(cost);
  std::array<char, 32> text{};
  const auto written = std::to_chars(text.data(), text.data() + text.size(), cost);
  double value = static_cast<double>(cost);
  std::from_chars(text.data(), written.ptr, value);
  return value;
}

CostRows make_cost_rows(std::size_t zones, std::vector<std::uint32_t> zone,
                        std::vector<std::uint32_t> facility, std::vector<float> cost, io::CostUnit unit,
                        std::string source, std::size_t* repeated) {
  CostRows rows;
  rows.source = std::move(source);
  rows.unit = unit;
  rows.offsets.assign(zones + 1, 0);
  for (const auto z : zone) ++rows.offsets[z + 1];
  std::partial_sum(rows.offsets.begin(), rows.offsets.end(), rows.offsets.begin());
  // Counting sort by zone, then each row sorted by (cost, facility): cheapest first, ties stable.
  std::vector<std::size_t> next(rows.offsets.begin(), rows.offsets.end() - 1);
  std::vector<std::uint32_t> sorted_facility(cost.size());
  std::vector<float> sorted_cost(cost.size());
  for (std::size_t pair = 0; pair < cost.size(); ++pair) {
    const std::size_t at = next[zone[pair]]++;
    sorted_facility[at] = facility[pair];
    sorted_cost[at] = cost[pair];
  }
  zone.clear();
  facility.clear();
  cost.clear();
  std::size_t repeats = 0;
  std::vector<std::pair<float, std::uint32_t>> row;
  std::vector<std::uint8_t> seen;
  std::size_t write = 0;
  for (std::size_t z = 0; z < zones; ++z) {
    row.clear();
    for (std::size_t at = rows.offsets[z]; at < rows.offsets[z + 1]; ++at) {
      row.emplace_back(sorted_cost[at], sorted_facility[at]);
    }
    std::sort(row.begin(), row.end());
    rows.offsets[z] = write;
    // A pair listed twice keeps its cheapest cost (the first after sorting).
    for (const auto& [pair_cost, pair_facility] : row) {
      if (seen.size() <= pair_facility) seen.resize(pair_facility + 1, 0);
      if (seen[pair_facility] != 0) {
        ++repeats;
        continue;
      }
      seen[pair_facility] = 1;
      sorted_facility[write] = pair_facility;
      sorted_cost[write] = pair_cost;
      ++write;
    }
    for (std::size_t at = rows.offsets[z]; at < write; ++at) seen[sorted_facility[at]] = 0;
  }
  rows.offsets[zones] = write;
  sorted_facility.resize(write);
  sorted_cost.resize(write);
  rows.facility = std::move(sorted_facility);
  rows.cost = std::move(sorted_cost);
  rows.nearest.assign(zones, std::numeric_limits<float>::infinity());
  for (std::size_t z = 0; z < zones; ++z) {
    if (rows.offsets[z] < rows.offsets[z + 1]) rows.nearest[z] = rows.cost[rows.offsets[z]];
  }
  if (repeated != nullptr) *repeated = repeats;
  return rows;
}

namespace {

// Index of each label in `ids`, or -1 (as uint32 max) when absent; counts and samples the absent ones.
std::vector<std::uint32_t> map_labels(const std::vector<std::string>& labels,
                                      const std::vector<std::string>& ids, std::size_t& absent,
                                      std::vector<std::string>& examples) {
  std::unordered_map<std::string_view, std::uint32_t> index;
  index.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) index.emplace(ids[i], static_cast<std::uint32_t>(i));
  std::vector<std::uint32_t> mapped(labels.size(), UINT32_MAX);
  for (std::size_t label = 0; label < labels.size(); ++label) {
    const auto found = index.find(labels[label]);
    if (found != index.end()) {
      mapped[label] = found->second;
    } else {
      ++absent;
      if (examples.size() < 3) examples.push_back(excerpt(labels[label]));
    }
  }
  return mapped;
}

}  // namespace

CostRows read_cost_rows(const CostSpec& spec, const Zones& zones, const Facilities& facilities,
                        double max_cost, MatrixJoin& join, ProgressSink& progress) {
  const io::LongMatrix matrix = io::read_long_matrix(spec.matrix, spec.columns, progress);
  return join_cost_rows(matrix, spec, zones, facilities, max_cost, join);
}

std::vector<std::uint32_t> facility_index(const std::vector<std::string>& destination_ids,
                                          const std::string& source, const Facilities& facilities,
                                          MatrixJoin& join) {
  std::size_t unknown = 0;
  std::vector<std::string> unknown_examples;
  const auto facility_of = map_labels(destination_ids, facilities.ids, unknown, unknown_examples);
  // Destinations that are facilities of capacity 0 (a land-use table's empty cells) are no mismatch:
  // only the ids that are in neither list are reported as unknown.
  if (unknown > 0) {
    std::vector<std::string> absent;
    for (std::size_t label = 0; label < facility_of.size(); ++label) {
      if (facility_of[label] == UINT32_MAX) absent.push_back(destination_ids[label]);
    }
    std::vector<std::string> known = facilities.ids_without_capacity;
    known.insert(known.end(), facilities.other_sites.begin(), facilities.other_sites.end());
    (void)map_labels(absent, known, join.destinations_not_facilities, join.destination_examples);
    join.destinations_without_capacity = absent.size() - join.destinations_not_facilities;
  }
  if (join.destinations_not_facilities + join.destinations_without_capacity == destination_ids.size()) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format(
            "no destination id of the matrix '{}' is a facility (with capacity) of '{}' (e.g. '{}' vs '{}')",
            source, facilities.source,
            join.destination_examples.empty() ? "" : join.destination_examples.front(),
            excerpt(facilities.ids.front())),
        "the matrix's destinations must be the facilities' ids: check the id columns");
  }
  return facility_of;
}

CostRows join_cost_rows(const io::LongMatrix& matrix, const CostSpec& spec, const Zones& zones,
                        const Facilities& facilities, double max_cost, MatrixJoin& join) {
  join = {};
  join.pairs_read = matrix.size();
  const auto zone_of = map_labels(matrix.origin_ids, zones.ids, join.origins_not_zones, join.origin_examples);
  if (join.origins_not_zones == matrix.origin_ids.size()) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("no origin id of the matrix '{}' is a zone id of '{}' (e.g. '{}' vs '{}')", spec.matrix,
                    zones.source, join.origin_examples.empty() ? "" : join.origin_examples.front(),
                    zones.ids.empty() ? "" : excerpt(zones.ids.front())),
        "the matrix's origins must be the zones' ids: check the id columns and the direction (origin = "
        "zone)");
  }
  const auto facility_of = facility_index(matrix.destination_ids, spec.matrix, facilities, join);
  const auto reach = static_cast<float>(max_cost);  // costs are floats: compare as floats
  std::vector<std::uint32_t> zone;
  std::vector<std::uint32_t> facility;
  std::vector<float> cost;
  std::vector<float> nearest(zones.size(), std::numeric_limits<float>::infinity());
  zone.reserve(matrix.size());
  facility.reserve(matrix.size());
  cost.reserve(matrix.size());
  for (std::size_t pair = 0; pair < matrix.size(); ++pair) {
    const std::uint32_t z = zone_of[matrix.origin[pair]];
    const std::uint32_t f = facility_of[matrix.destination[pair]];
    if (z == UINT32_MAX || f == UINT32_MAX) continue;
    nearest[z] = std::min(nearest[z], matrix.cost[pair]);
    if (matrix.cost[pair] > reach) {
      ++join.pairs_beyond_reach;
      continue;
    }
    zone.push_back(z);
    facility.push_back(f);
    cost.push_back(matrix.cost[pair]);
  }
  CostRows rows =
      make_cost_rows(zones.size(), std::move(zone), std::move(facility), std::move(cost), spec.unit,
                     spec.graph.empty() ? fmt::format("matrix {}", spec.matrix)
                                        : fmt::format("graph {} (travel times)", spec.graph),
                     &join.repeated_pairs);
  join.pairs_kept = rows.pair_count();
  rows.nearest = std::move(nearest);
  return rows;
}

}  // namespace equalis::access

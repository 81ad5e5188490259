#include "access/inputs.hpp"

#include "access/straight_line.hpp"
#include "core/csv_columns.hpp"
#include "core/error.hpp"
#include "core/unique_ids.hpp"
#include "io/column_choice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <limits>
#include <numeric>
#include <optional>
#include <unordered_map>

namespace equalis::access {

namespace {

// A count of people or a capacity: present, finite and ≥ 0.
double require_amount(const ColumnTable& table, const NumericColumn& column, std::size_t row,
                      const char* what) {
  const double value = column.values[row];
  if (column.valid[row] == 0 || !std::isfinite(value) || value < 0.0) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} in column '{}' is {}", what, column.name,
                            column.valid[row] == 0 ? "missing" : fmt::format("{}", value)),
                fmt::format("give every row {} ≥ 0", what), table.location(row, column.name));
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

namespace {

using TableReader = std::function<ColumnTable(const std::vector<WantedColumn>&)>;

// The zones of a table (a CSV, or a vector file's attributes): the same columns and checks for both.
// `coordinate_columns_allowed`: lon/lat may come from columns (a vector file's come from its geometry).
Zones zones_from_table(const ZoneSpec& spec, const std::vector<std::string>& header,
                       bool coordinate_columns_allowed, const TableReader& read) {
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
  const auto coordinates = coordinate_columns_allowed
                               ? coordinate_columns(spec.file, header, spec.coordinates, wanted)
                               : std::nullopt;
  const ColumnTable table = read(wanted);
  if (table.row_count() == 0) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{}: no zones", spec.file), "give one row per zone");
  }
  require_unique_ids(table, id, "the id", "ids must be unique: merge or rename the rows");
  const CategoryColumn& ids = table.category(id);

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

// A cell of the in-memory CSV made of a layer's attributes: quoted when it holds a delimiter, a quote or
// a line break.
void append_cell(std::string& text, std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    text += cell;
    return;
  }
  text += '"';
  for (const char c : cell) {
    if (c == '"') text += '"';
    text += c;
  }
  text += '"';
}

// The layer's attributes as CSV text, and the line on which each feature's row starts (for messages).
std::string attributes_csv(const io::VectorLayer& layer, std::vector<std::size_t>& feature_line) {
  std::string text;
  std::size_t line = 1;
  const auto end_row = [&](std::size_t row_start) {
    line += 1 + static_cast<std::size_t>(
                    std::count(text.begin() + static_cast<std::ptrdiff_t>(row_start), text.end(), '\n'));
    text += '\n';
  };
  for (std::size_t field = 0; field < layer.field_names.size(); ++field) {
    if (field > 0) text += ',';
    append_cell(text, layer.field_names[field]);
  }
  end_row(0);
  for (const auto& feature : layer.features) {
    feature_line.push_back(line);
    const std::size_t row_start = text.size();
    for (std::size_t field = 0; field < layer.field_names.size(); ++field) {
      if (field > 0) text += ',';
      append_cell(text, feature.attributes.find(layer.field_names[field])->second);
    }
    end_row(row_start);
  }
  return text;
}

// Where a zone of a vector file is: its polygons' centroid (or a point on the surface when the centroid
// falls outside), or its point. Counts each kind for the description of the places.
struct PlaceCounts {
  std::size_t centroids = 0;
  std::size_t on_surface = 0;
  std::size_t points = 0;
  std::vector<std::string> surface_examples;
};

geo::Point place_of(const io::VectorLayer& layer, std::size_t f, const std::string& id, PlaceCounts& counts,
                    std::vector<std::uint8_t>& kinds) {
  const io::Feature& feature = layer.features[f];
  const std::string where = fmt::format("feature {} (fid {}, zone '{}')", f + 1, feature.fid, excerpt(id));
  std::optional<geo::Point> place;
  if (!feature.polygons.empty()) {
    if (const auto point = geo::zone_point(feature.polygons)) {
      place = point->point;
      kinds.push_back(
          static_cast<std::uint8_t>(point->on_surface ? ZonePlace::PointOnSurface : ZonePlace::Centroid));
      if (point->on_surface) {
        ++counts.on_surface;
        if (counts.surface_examples.size() < 3) counts.surface_examples.push_back(excerpt(id));
      } else {
        ++counts.centroids;
      }
    }
  } else if (feature.geometry_type.find("Point") != std::string::npos && feature.centroid) {
    place = feature.centroid;
    kinds.push_back(static_cast<std::uint8_t>(ZonePlace::Point));
    ++counts.points;
  }
  if (!place) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("{}: {} has {}, but a zone needs a polygon (with area) or a point", layer.source, where,
                    feature.geometry_type.empty() ? std::string("no geometry")
                                                  : "a " + feature.geometry_type + " geometry"),
        "give every zone a polygon or a point, or drop the feature");
  }
  if (!(std::abs(place->x) <= 180.0 && std::abs(place->y) <= 90.0)) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("{}: {} lies at ({}, {}), not WGS84 longitude/latitude degrees{}", layer.source, where,
                    place->x, place->y, layer.crs.empty() ? " (the layer declares no CRS)" : ""),
        "give the layer its CRS (ogr2ogr -a_srs EPSG:…) so that it can be reprojected, or reproject "
        "it to lon/lat (ogr2ogr -t_srs EPSG:4326)");
  }
  return *place;
}

std::string describe_places(const io::VectorLayer& layer, const PlaceCounts& counts) {
  std::vector<std::string> parts;
  const auto plural = [](std::size_t count) { return count == 1 ? "" : "s"; };
  if (counts.centroids > 0) {
    parts.push_back(
        fmt::format("{} polygon centroid{} (area-weighted)", counts.centroids, plural(counts.centroids)));
  }
  if (counts.on_surface > 0) {
    std::string examples;
    for (const auto& id : counts.surface_examples) examples += (examples.empty() ? "'" : ", '") + id + "'";
    parts.push_back(
        fmt::format("{} point{} on the surface where the centroid falls outside the polygon "
                    "(e.g. {})",
                    counts.on_surface, plural(counts.on_surface), examples));
  }
  if (counts.points > 0) parts.push_back(fmt::format("{} point{}", counts.points, plural(counts.points)));
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ", ") + part;
  text += fmt::format(" of {}", layer.source);
  if (!layer.reprojected_from.empty()) {
    text += fmt::format(", reprojected from {} to WGS84 lon/lat", layer.reprojected_from);
  } else if (layer.crs.empty()) {
    text += ", taken as WGS84 lon/lat (the layer declares no CRS)";
  }
  return text;
}

Zones read_vector_zones(const ZoneSpec& spec) {
  const io::VectorLayer layer = io::read_features_lonlat(spec.file, spec.layer);
  std::vector<std::size_t> feature_line;
  std::string text = attributes_csv(layer, feature_line);
  Zones zones;
  try {
    zones = zones_from_table(spec, layer.field_names, false, [&](const std::vector<WantedColumn>& wanted) {
      return ColumnTable::parse(std::move(text), spec.file, wanted);
    });
  } catch (const Error& error) {
    // The in-memory CSV's lines mean nothing to the user: name the feature instead.
    if (!error.where() || error.where()->file != spec.file) throw;
    const auto after = std::upper_bound(feature_line.begin(), feature_line.end(), error.where()->line);
    if (after == feature_line.begin())
      throw Error(error.code(), error.message(), error.fix(), SourceLocation{spec.file, 0, 0});
    const auto f = static_cast<std::size_t>(after - feature_line.begin() - 1);
    throw Error(error.code(),
                fmt::format("feature {} (fid {}): {}", f + 1, layer.features[f].fid, error.message()),
                error.fix(), SourceLocation{spec.file, 0, 0});
  }
  PlaceCounts counts;
  bool any_polygon = false;
  for (std::size_t f = 0; f < layer.size(); ++f) {
    const geo::Point place = place_of(layer, f, zones.ids[f], counts, zones.place);
    zones.lon.push_back(place.x);
    zones.lat.push_back(place.y);
    any_polygon = any_polygon || !layer.features[f].polygons.empty();
  }
  if (any_polygon) zones.polygons = layer.polygons();
  zones.locations = describe_places(layer, counts);
  return zones;
}

}  // namespace

const char* zone_place_name(std::uint8_t place) noexcept {
  switch (static_cast<ZonePlace>(place)) {
    case ZonePlace::Centroid:
      return "centroid";
    case ZonePlace::PointOnSurface:
      return "point_on_surface";
    case ZonePlace::Point:
      return "point";
  }
  return "";
}

bool is_vector_file(const std::string& path) {
  std::string lower = path;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* extension :
       {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".gml", ".kml", ".sqlite", ".geojsonl"}) {
    const std::string_view ending(extension);
    if (lower.size() > ending.size() &&
        lower.compare(lower.size() - ending.size(), ending.size(), ending) == 0)
      return true;
  }
  return false;
}

Zones read_zones(const ZoneSpec& spec, ProgressSink& progress) {
  if (is_vector_file(spec.file)) return read_vector_zones(spec);
  const CsvOptions options = csv_options(spec.delimiter);
  const auto header = ColumnTable::read_header(spec.file, options);
  return zones_from_table(spec, header, true, [&](const std::vector<WantedColumn>& wanted) {
    return ColumnTable::read_file(spec.file, wanted, options, progress);
  });
}

ZonePoints read_zone_points(const ZoneSpec& spec, const Zones& zones) {
  const auto header = ColumnTable::read_header(spec.points);
  const std::string zone = io::choose_column(spec.points, header, "", {"zone", "zone_id", "id"}, "zone");
  const std::string people =
      io::choose_column(spec.points, header, "", {"population", "pop", "people"}, "population");
  std::vector<WantedColumn> wanted{{zone, ColumnKind::Category}, {people, ColumnKind::Numeric}};
  const auto coordinates = coordinate_columns(spec.points, header, true, wanted);
  const ColumnTable table = ColumnTable::read_file(spec.points, wanted);
  std::unordered_map<std::string_view, std::uint32_t> zone_of;
  for (std::size_t z = 0; z < zones.size(); ++z) zone_of.emplace(zones.ids[z], static_cast<std::uint32_t>(z));
  ZonePoints points;
  points.source = spec.points;
  read_coordinates(table, *coordinates, points.lon, points.lat, nullptr);
  const CategoryColumn& zones_column = table.category(zone);
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    const auto found = zones_column.valid[row] == 0
                           ? zone_of.end()
                           : zone_of.find(zones_column.labels[zones_column.codes[row]]);
    if (found == zone_of.end()) {
      throw Error(ErrorCode::InvalidInput,
                  zones_column.valid[row] == 0
                      ? std::string("missing zone")
                      : fmt::format("zone '{}' is not in {}",
                                    excerpt(zones_column.labels[zones_column.codes[row]]), zones.source),
                  "each point names the zone it lies in, by the zone file's ids", table.location(row, zone));
    }
    points.zone.push_back(found->second);
    points.weight.push_back(require_amount(table, table.numeric(people), row, "the population"));
  }
  // Zones without points are their own single point.
  std::vector<double> total(zones.size(), 0.0);
  std::vector<std::size_t> count(zones.size(), 0);
  for (std::size_t k = 0; k < points.size(); ++k) {
    total[points.zone[k]] += points.weight[k];
    ++count[points.zone[k]];
  }
  for (std::size_t z = 0; z < zones.size(); ++z) {
    if (count[z] > 0) {
      ++points.zones_with_points;
      continue;
    }
    if (zones.lon.empty()) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("zone '{}' has no point in {} and no lon/lat of its own", excerpt(zones.ids[z]),
                              spec.points),
                  "give every zone points, or the zones lon/lat (or polygons)");
    }
    points.zone.push_back(static_cast<std::uint32_t>(z));
    points.lon.push_back(zones.lon[z]);
    points.lat.push_back(zones.lat[z]);
    points.weight.push_back(1.0);
    total[z] = 1.0;
    count[z] = 1;
  }
  for (std::size_t k = 0; k < points.size(); ++k) {
    const std::uint32_t z = points.zone[k];
    // Points without people anywhere in their zone weigh equally: the zone still has a place.
    points.weight[k] = total[z] > 0.0 ? points.weight[k] / total[z] : 1.0 / static_cast<double>(count[z]);
  }
  return points;
}

io::LongMatrix average_over_points(const io::LongMatrix& by_point, const ZonePoints& points,
                                   const std::vector<std::string>& zone_ids) {
  std::vector<std::uint32_t> members(zone_ids.size(), 0);
  for (const auto z : points.zone) ++members[z];
  struct Sum {
    double cost = 0.0;
    std::uint32_t points = 0;
  };
  std::unordered_map<std::uint64_t, Sum> sums;  // key: zone << 32 | destination
  for (std::size_t pair = 0; pair < by_point.size(); ++pair) {
    const std::uint32_t k = by_point.origin[pair];
    const std::uint64_t key = (std::uint64_t{points.zone[k]} << 32U) | by_point.destination[pair];
    Sum& sum = sums[key];
    sum.cost += points.weight[k] * static_cast<double>(by_point.cost[pair]);
    ++sum.points;
  }
  std::vector<std::uint64_t> keys;
  keys.reserve(sums.size());
  for (const auto& [key, sum] : sums) {
    if (sum.points == members[key >> 32U]) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());  // zone by zone, as the point matrices are: a stable output
  io::LongMatrix matrix;
  matrix.source = by_point.source;
  matrix.origin_ids = zone_ids;
  matrix.destination_ids = by_point.destination_ids;
  for (const auto key : keys) {
    matrix.origin.push_back(static_cast<std::uint32_t>(key >> 32U));
    matrix.destination.push_back(static_cast<std::uint32_t>(key & 0xFFFFFFFFU));
    matrix.cost.push_back(static_cast<float>(sums[key].cost));
  }
  return matrix;
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
  require_unique_ids(table, id, "the id", "ids must be unique: merge or rename the rows");
  const CategoryColumn& ids = table.category(id);
  Facilities facilities;
  facilities.source = spec.file;
  facilities.capacity_column = counted ? std::string(kCountedSites) : capacity;
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

std::string cost_source_of(const CostSpec& spec) {
  if (!spec.straight_line.empty()) return describe_straight_line(spec);
  if (!spec.graph.empty()) return fmt::format("graph {} (travel times)", spec.graph);
  return fmt::format("matrix {}", spec.matrix);
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
  CostRows rows = make_cost_rows(zones.size(), std::move(zone), std::move(facility), std::move(cost),
                                 spec.unit, cost_source_of(spec), &join.repeated_pairs);
  join.pairs_kept = rows.pair_count();
  rows.nearest = std::move(nearest);
  return rows;
}

}  // namespace equalis::access

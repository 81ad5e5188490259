// Zones straight from a vector file: the attributes read with the CSV's rules and checks (each error naming
// the feature), the place of each zone (area-weighted centroid, a point on the surface when the centroid
// falls outside, points), reprojection to WGS84, and Belo Horizonte's hexagons as a GeoPackage giving the
// same access as the CSV.

#include "access_test_support.hpp"
#include "test_support.hpp"

#include "access/access_run.hpp"
#include "core/csv.hpp"
#include "io/vector_file.hpp"
#include "network/graph.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <unistd.h>

namespace equalis::access {
namespace {

using test::kBho;
using test::Scratch;
using test_support::error_of;

std::string feature(const std::string& properties, const std::string& geometry) {
  return fmt::format(R"({{"type":"Feature","properties":{{{}}},"geometry":{}}})", properties, geometry);
}

std::string collection(const std::vector<std::string>& features) {
  std::string text = R"({"type":"FeatureCollection","features":[)";
  for (std::size_t f = 0; f < features.size(); ++f) text += (f > 0 ? "," : "") + features[f];
  return text + "]}";
}

// A U open to the north: x 0..3, y 0..3, the notch x 1..2, y 1..3. Its centroid (1.5, 1.1667) is in the
// notch, outside.
const char* const kHorseshoe =
    R"({"type":"Polygon","coordinates":[[[0,0],[3,0],[3,3],[2,3],[2,1],[1,1],[1,3],[0,3],[0,0]]]})";
// Two unit squares of areas 1 and 4: the area-weighted centroid is (1·(10.5, 0.5) + 4·(13, 1)) / 5.
const char* const kTwoSquares =
    R"({"type":"MultiPolygon","coordinates":[[[[10,0],[11,0],[11,1],[10,1],[10,0]]],)"
    R"([[[12,0],[14,0],[14,2],[12,2],[12,0]]]]})";

TEST(VectorZones, PlacesAreCentroidsPointsOnTheSurfaceOrPoints) {
  const Scratch scratch("equalis_zones");
  ZoneSpec spec;
  spec.file = scratch.write("zones.geojson",
                            collection({feature(R"("id":"u","population":10,"pop_60plus":4)", kHorseshoe),
                                        feature(R"("id":"two","population":20,"pop_60plus":5)", kTwoSquares),
                                        feature(R"("id":"p","population":5,"pop_60plus":0)",
                                                R"({"type":"Point","coordinates":[-43.9,-19.9]})")}));
  spec.group_columns = {"pop_60plus"};
  const Zones zones = read_zones(spec);
  ASSERT_EQ(zones.size(), 3U);
  EXPECT_EQ(zones.ids, (std::vector<std::string>{"u", "two", "p"}));
  EXPECT_EQ(zones.population, (std::vector<double>{10, 20, 5}));
  EXPECT_EQ(zones.group_people[0], (std::vector<double>{4, 5, 0}));
  // The horseshoe: a point inside one of its arms, not the centroid in the notch.
  const geo::Point u{zones.lon[0], zones.lat[0]};
  EXPECT_TRUE(geo::inside_polygons(u, zones.polygons[0]));
  EXPECT_FALSE(geo::inside_polygons(*geo::polygon_centroid(zones.polygons[0]), zones.polygons[0]));
  // The two squares: (10.5 + 52) / 5 = 12.5, (0.5 + 4) / 5 = 0.9 — inside the larger square.
  EXPECT_NEAR(zones.lon[1], 12.5, 1e-12);
  EXPECT_NEAR(zones.lat[1], 0.9, 1e-12);
  EXPECT_EQ(zones.lon[2], -43.9);
  EXPECT_EQ(zones.lat[2], -19.9);
  EXPECT_TRUE(zones.polygons[2].empty());
  ASSERT_EQ(zones.place.size(), 3U);
  EXPECT_STREQ(zone_place_name(zones.place[0]), "point_on_surface");
  EXPECT_STREQ(zone_place_name(zones.place[1]), "centroid");
  EXPECT_STREQ(zone_place_name(zones.place[2]), "point");
  EXPECT_NE(zones.locations.find("1 polygon centroid (area-weighted)"), std::string::npos) << zones.locations;
  EXPECT_NE(zones.locations.find("1 point on the surface where the centroid falls outside the polygon (e.g. "
                                 "'u')"),
            std::string::npos)
      << zones.locations;
  EXPECT_NE(zones.locations.find("1 point of"), std::string::npos) << zones.locations;
}

TEST(VectorZones, PointOnSurfaceOfAPolygonWithAHole) {
  // A square ring: the centroid (the middle) is in the hole.
  const std::vector<geo::Polygon> ring{
      {{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {3, 1}, {3, 3}, {1, 3}, {1, 1}}}}};
  const auto place = geo::zone_point(ring);
  ASSERT_TRUE(place.has_value());
  EXPECT_TRUE(place->on_surface);
  EXPECT_TRUE(geo::inside_polygons(place->point, ring));
  // A convex polygon keeps its centroid.
  const std::vector<geo::Polygon> square{{{{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}}}};
  EXPECT_FALSE(geo::zone_point(square)->on_surface);
  EXPECT_EQ(geo::zone_point(square)->point.x, 1.0);
}

TEST(VectorZones, TheCsvChecksNameTheFeature) {
  const Scratch scratch("equalis_zones");
  const auto expect_error = [&](const std::string& name, const std::vector<std::string>& features,
                                const std::string& needle, const std::string& fix) {
    ZoneSpec spec;
    spec.file = scratch.write(name, collection(features));
    spec.group_columns = {"old"};
    const Error error = error_of([&] { (void)read_zones(spec); });
    const std::string text = error.what();
    EXPECT_NE(text.find(needle), std::string::npos) << text;
    EXPECT_NE(text.find(spec.file), std::string::npos) << text;
    EXPECT_NE(error.fix().find(fix), std::string::npos) << error.fix();
  };
  const std::string square = R"({"type":"Point","coordinates":[1,1]})";
  expect_error("dup.geojson",
               {feature(R"("id":"a","population":1,"old":0)", square),
                feature(R"("id":"a","population":2,"old":0)", square)},
               "feature 2 (fid 1): the id 'a' appears twice in column 'id'", "ids must be unique");
  expect_error("negative.geojson",
               {feature(R"("id":"a","population":1,"old":0)", square),
                feature(R"("id":"b","population":-3,"old":0)", square)},
               "feature 2 (fid 1): the population in column 'population' is -3", "≥ 0");
  // Ids with a comma, quotes and a line break do not shift the feature named.
  expect_error("odd.geojson",
               {feature(R"("id":"x,\"y\"\nz","population":1,"old":0)", square),
                feature(R"("id":"b","population":-3,"old":0)", square)},
               "feature 2 (fid 1): the population in column 'population' is -3", "≥ 0");
  expect_error("missing.geojson",
               {feature(R"("id":"a","population":null,"old":0)", square),
                feature(R"("id":"b","population":3,"old":0)", square)},
               "feature 1 (fid 0): the population in column 'population' is missing", "≥ 0");
  expect_error("group.geojson",
               {feature(R"("id":"a","population":1,"old":0)", square),
                feature(R"("id":"b","population":3,"old":7)", square)},
               "feature 2 (fid 1): group 'old' has 7 people in zone 'b', more than its population 3",
               "check the column");
  expect_error("nopop.geojson", {feature(R"("id":"a","people":1,"old":0)", square)}, "no population column",
               "name the population column");
  expect_error(
      "line.geojson",
      {feature(R"("id":"a","population":1,"old":0)", R"({"type":"LineString","coordinates":[[0,0],[1,1]]})")},
      "feature 1 (fid 0, zone 'a') has a Line String geometry", "polygon or a point");
  expect_error("empty.geojson", {feature(R"("id":"a","population":1,"old":0)", "null")},
               "feature 1 (fid 0, zone 'a') has no geometry", "polygon or a point");
  expect_error(
      "metres.geojson",
      {feature(R"("id":"a","population":1,"old":0)", R"({"type":"Point","coordinates":[612000,7790000]})")},
      "not WGS84 longitude/latitude degrees", "reproject");
}

// Belo Horizonte's hexagons written as a GeoPackage layer "zones" with the CSV's attributes (idx,
// population, schools, income), in `epsg` (4326: as they are; 31983: SIRGAS 2000 / UTM 23S).
std::string bho_geopackage(const Scratch& scratch, int epsg) {
  GDALAllRegister();
  // idx → population, schools, income as the CSV writes them ("" for a missing income: a null field)
  std::map<std::string, std::array<std::string, 3>> attributes;
  const CsvTable csv = CsvTable::read_file(kBho + "/hexagons.csv");
  for (std::size_t row = 0; row < csv.row_count(); ++row) {
    attributes[std::string(csv.cell(row, csv.column_index("idx")))] = {
        std::string(csv.cell(row, csv.column_index("population"))),
        std::string(csv.cell(row, csv.column_index("schools"))),
        std::string(csv.cell(row, csv.column_index("income_per_capita")))};
  }
  const std::string path = scratch.path(fmt::format("bho_{}.gpkg", epsg));
  std::unique_ptr<GDALDataset> source(static_cast<GDALDataset*>(
      GDALOpenEx((kBho + "/hexagons.geojson").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (!source || driver == nullptr) return {};
  std::unique_ptr<GDALDataset> target(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  OGRSpatialReference srs;
  srs.importFromEPSG(epsg);
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRSpatialReference wgs84;
  wgs84.SetWellKnownGeogCS("WGS84");
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> transform(OGRCreateCoordinateTransformation(&wgs84, &srs));
  OGRLayer* layer = target->CreateLayer("zones", &srs, wkbPolygon, nullptr);
  for (const char* name : {"idx", "population", "schools", "income"}) {
    OGRFieldDefn field(name, std::string(name) == "idx" ? OFTString : OFTReal);
    layer->CreateField(&field);
  }
  for (auto& hexagon : *source->GetLayer(0)) {
    const std::string idx = hexagon->GetFieldAsString("idx");
    OGRFeature out(layer->GetLayerDefn());
    out.SetField("idx", idx.c_str());
    const auto& [population, schools, income] = attributes.at(idx);
    out.SetField("population", std::stod(population));
    out.SetField("schools", std::stod(schools));
    if (!income.empty()) out.SetField("income", std::stod(income));
    std::unique_ptr<OGRGeometry> geometry(hexagon->GetGeometryRef()->clone());
    if (epsg != 4326) geometry->transform(transform.get());
    out.SetGeometry(geometry.get());
    if (layer->CreateFeature(&out) != OGRERR_NONE) return {};
  }
  return path;
}

AccessRequest bho_request() {
  AccessRequest request = test::bho_request("schools");
  request.measures = {"cumulative=30min", "2sfca=gaussian:60min", "closest"};
  request.standard = "30min";
  return request;
}

TEST(VectorZones, BeloHorizonteGeoPackageGivesTheSameAccessAsTheCsv) {
  const Scratch scratch("equalis_zones");
  const std::string gpkg = bho_geopackage(scratch, 4326);
  ASSERT_FALSE(gpkg.empty()) << "GDAL could not write the GeoPackage";
  const AccessResult from_csv = run_access(bho_request());
  AccessRequest request = bho_request();
  request.zones.file = gpkg;
  request.zones.income_column = "income";
  const AccessResult from_gpkg = run_access(request);
  ASSERT_EQ(from_gpkg.zones.ids, from_csv.zones.ids);
  EXPECT_EQ(from_gpkg.zones.population, from_csv.zones.population);
  for (std::size_t m = 0; m < from_csv.measures.size(); ++m) {
    EXPECT_EQ(from_gpkg.measures[m].values, from_csv.measures[m].values) << from_csv.measures[m].key;
    EXPECT_EQ(from_gpkg.measures[m].equity.concentration_index,
              from_csv.measures[m].equity.concentration_index);
  }
  EXPECT_EQ(from_gpkg.exclusion->groups[0].people_without, 2593.0);
  // Hexagons are convex: every place is the centroid, which is the CSV's lon/lat (the hexagon centres)
  // up to the 6 decimals the files keep.
  EXPECT_EQ(from_gpkg.zones.locations.rfind("898 polygon centroids (area-weighted) of ", 0), 0U)
      << from_gpkg.zones.locations;
  const CsvTable csv = CsvTable::read_file(kBho + "/hexagons.csv");
  for (std::size_t z = 0; z < from_gpkg.zones.size(); ++z) {
    EXPECT_NEAR(from_gpkg.zones.lon[z], std::stod(std::string(csv.cell(z, csv.column_index("lon")))), 2e-6);
    EXPECT_NEAR(from_gpkg.zones.lat[z], std::stod(std::string(csv.cell(z, csv.column_index("lat")))), 2e-6);
  }
  // The polygons come along for the map.
  ASSERT_EQ(from_gpkg.zone_polygons.size(), 898U);
  EXPECT_EQ(from_gpkg.zone_polygons[0][0].rings[0].size(), 7U);
}

TEST(VectorZones, AProjectedLayerIsReprojectedAndSaysSo) {
  const Scratch scratch("equalis_zones");
  const std::string projected = bho_geopackage(scratch, 31983);
  const std::string lonlat = bho_geopackage(scratch, 4326);
  ASSERT_FALSE(projected.empty() || lonlat.empty());
  ZoneSpec spec;
  spec.file = projected;
  spec.id_column = "idx";
  const Zones from_utm = read_zones(spec);
  spec.file = lonlat;
  const Zones from_wgs84 = read_zones(spec);
  EXPECT_NE(from_utm.locations.find("reprojected from EPSG:31983 to WGS84 lon/lat"), std::string::npos)
      << from_utm.locations;
  EXPECT_EQ(from_wgs84.locations.find("reprojected"), std::string::npos) << from_wgs84.locations;
  ASSERT_EQ(from_utm.size(), from_wgs84.size());
  for (std::size_t z = 0; z < from_utm.size(); ++z) {
    EXPECT_NEAR(from_utm.lon[z], from_wgs84.lon[z], 1e-6);  // ~0.1 m: the round trip through UTM
    EXPECT_NEAR(from_utm.lat[z], from_wgs84.lat[z], 1e-6);
  }
  // The same layer as a Shapefile (its CRS in the .prj): read and reprojected alike.
  const std::string shapefile = scratch.path("bho_utm.shp");
  {
    std::unique_ptr<GDALDataset> source(
        static_cast<GDALDataset*>(GDALOpenEx(projected.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    ASSERT_TRUE(source && driver != nullptr);
    std::unique_ptr<GDALDataset> target(driver->Create(shapefile.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_TRUE(target);
    ASSERT_NE(target->CopyLayer(source->GetLayer(0), "bho_utm"), nullptr);
  }
  spec.file = shapefile;
  const Zones from_shapefile = read_zones(spec);
  EXPECT_NE(from_shapefile.locations.find("reprojected from"), std::string::npos) << from_shapefile.locations;
  EXPECT_EQ(from_shapefile.population, from_wgs84.population);
  ASSERT_EQ(from_shapefile.size(), from_wgs84.size());
  for (std::size_t z = 0; z < from_shapefile.size(); ++z) {
    EXPECT_NEAR(from_shapefile.lon[z], from_wgs84.lon[z], 1e-6);
    EXPECT_NEAR(from_shapefile.lat[z], from_wgs84.lat[z], 1e-6);
  }
}

TEST(VectorZones, ALayerIsNamedWhenTheFileHasSeveral) {
  const Scratch scratch("equalis_zones");
  const std::string gpkg = bho_geopackage(scratch, 4326);
  ASSERT_FALSE(gpkg.empty());
  {
    std::unique_ptr<GDALDataset> dataset(static_cast<GDALDataset*>(
        GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr)));
    ASSERT_TRUE(dataset);
    ASSERT_NE(dataset->CopyLayer(dataset->GetLayer(0), "copy"), nullptr);
  }
  ZoneSpec spec;
  spec.file = gpkg;
  spec.id_column = "idx";
  const Error error = error_of([&] { (void)read_zones(spec); });
  EXPECT_NE(std::string(error.what()).find("has 2 layers"), std::string::npos) << error.what();
  spec.layer = "copy";
  EXPECT_EQ(read_zones(spec).size(), 898U);
}

TEST(VectorZones, StraightLineCostsFromTheHexagonsGeoJson) {
  // The hexagons file itself has no population: a GeoJSON written here gives each of three hexagons one.
  const Scratch scratch("equalis_zones");
  const io::VectorLayer hexagons = io::read_features(kBho + "/hexagons.geojson");
  ASSERT_EQ(hexagons.size(), 898U);
  std::vector<std::string> features;
  for (std::size_t f = 0; f < 3; ++f) {
    std::string ring;
    for (const auto& point : hexagons.features[f].polygons[0].rings[0])
      ring += fmt::format("{}[{},{}]", ring.empty() ? "" : ",", point.x, point.y);
    features.push_back(feature(fmt::format(R"("id":"h{}","population":{})", f, 100 * (f + 1)),
                               fmt::format(R"({{"type":"Polygon","coordinates":[[{}]]}})", ring)));
  }
  AccessRequest request;
  request.zones.file = scratch.write("three.geojson", collection(features));
  const auto& c0 = *hexagons.features[0].centroid;
  request.facilities.file =
      scratch.write("school.csv", fmt::format("id,capacity,lon,lat\ns,1,{},{}\n", c0.x, c0.y));
  request.costs.straight_line = "4.5km/h";
  request.measures = {"closest"};
  const AccessResult result = run_access(request);
  EXPECT_EQ(result.cost_source, "straight line (great circle) at 4.5 km/h, no detour factor");
  EXPECT_EQ(result.cost_unit, io::CostUnit::Seconds);
  EXPECT_NEAR(result.nearest[0], 0.0, 1e-3);
  for (std::size_t z = 1; z < 3; ++z) {
    const auto& c = *hexagons.features[z].centroid;
    EXPECT_NEAR(result.nearest[z], network::haversine_m(c.x, c.y, c0.x, c0.y) / 1.25,
                1e-3 * result.nearest[z]);
  }
  // The same zones as a CSV without lon/lat, placed by the hexagons file given as `zone_polygons`.
  request.zones.file = scratch.write("three.csv", "idx,population\n0,100\n1,200\n2,300\n");
  request.zone_polygons = kBho + "/hexagons.geojson";
  request.polygon_id = "idx";
  const AccessResult from_csv = run_access(request);
  EXPECT_EQ(from_csv.nearest, result.nearest);
  EXPECT_NE(from_csv.zones.locations.find("3 polygon centroids (area-weighted) of"), std::string::npos)
      << from_csv.zones.locations;
}

}  // namespace
}  // namespace equalis::access

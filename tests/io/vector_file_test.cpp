#include "io/vector_file.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace equalis::io {
namespace {

namespace fs = std::filesystem;

const std::string kData = EQUALIS_TEST_DATA_DIR;

// A scratch directory removed at the end of each test.
class ScratchDir {
 public:
  ScratchDir() {
    path_ = fs::temp_directory_path() /
            ("equalis_vector_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir(ScratchDir&&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  [[nodiscard]] std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    std::ofstream(file) << text;
    return file.string();
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

ErrorCode code_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.code();
  }
  ADD_FAILURE() << "expected an equalis::Error";
  return ErrorCode::Internal;
}

TEST(VectorFile, ReadsShapefileAttributesAndPolygons) {
  const VectorLayer layer = read_features(kData + "/mexico/mexicojoin.shp");
  ASSERT_EQ(layer.size(), 32U);
  EXPECT_EQ(layer.layer_name, "mexicojoin");
  const std::vector<std::string> names = layer.column("NAME");
  EXPECT_EQ(names[0], "Baja California Norte");
  EXPECT_EQ(names[3], "Jalisco");
  // GDAL formats a .dbf real with the field's declared precision.
  EXPECT_EQ(layer.features[0].attributes.at("PCGDP1940"), "22361.00");
  for (const Feature& feature : layer.features) {
    ASSERT_FALSE(feature.polygons.empty());
    ASSERT_TRUE(feature.centroid.has_value());
    // Mexico spans about 118°W–86°W, 14°N–33°N.
    EXPECT_GT(feature.centroid->x, -118.5);
    EXPECT_LT(feature.centroid->x, -86.0);
    EXPECT_GT(feature.centroid->y, 14.0);
    EXPECT_LT(feature.centroid->y, 33.0);
    for (const geo::Polygon& polygon : feature.polygons) {
      for (const geo::Ring& ring : polygon.rings) {
        ASSERT_GE(ring.size(), 4U);
        EXPECT_EQ(ring.front().x, ring.back().x);  // closed as stored
        EXPECT_EQ(ring.front().y, ring.back().y);
      }
    }
  }
  EXPECT_NO_THROW(require_polygons(layer));
}

TEST(VectorFile, FlattensMultiPolygonsAndKeepsHoles) {
  const ScratchDir dir;
  const std::string path = dir.write("shapes.geojson", R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"id": "two", "v": 1.5},
     "geometry": {"type": "MultiPolygon", "coordinates": [
       [[[0,0],[1,0],[1,1],[0,1],[0,0]]],
       [[[2,0],[3,0],[3,1],[2,1],[2,0]]]]}},
    {"type": "Feature", "properties": {"id": "holed", "v": null},
     "geometry": {"type": "Polygon", "coordinates": [
       [[0,0],[2,0],[2,2],[0,2],[0,0]],
       [[0.5,0.5],[0.5,1],[1,1],[1,0.5],[0.5,0.5]]]}},
    {"type": "Feature", "properties": {"id": "none", "v": 2}, "geometry": null}
  ]})");
  const VectorLayer layer = read_features(path);
  ASSERT_EQ(layer.size(), 3U);
  EXPECT_EQ(layer.column("id"), (std::vector<std::string>{"two", "holed", "none"}));
  EXPECT_EQ(layer.features[1].attributes.at("v"), "");  // null field
  ASSERT_EQ(layer.features[0].polygons.size(), 2U);
  EXPECT_EQ(layer.features[0].polygons[1].rings[0][1].x, 3.0);
  // Two unit squares centred at (0.5, 0.5) and (2.5, 0.5): centroid (1.5, 0.5).
  EXPECT_DOUBLE_EQ(layer.features[0].centroid->x, 1.5);
  EXPECT_DOUBLE_EQ(layer.features[0].centroid->y, 0.5);
  // 2x2 square (area 4, centre 1) minus a 0.5x0.5 hole (area 0.25, centre 0.75):
  // (4*1 - 0.25*0.75) / 3.75 = 3.8125 / 3.75.
  ASSERT_EQ(layer.features[1].polygons.size(), 1U);
  EXPECT_EQ(layer.features[1].polygons[0].rings.size(), 2U);
  EXPECT_NEAR(layer.features[1].centroid->x, 3.8125 / 3.75, 1e-15);
  EXPECT_NEAR(layer.features[1].centroid->y, 3.8125 / 3.75, 1e-15);
  EXPECT_TRUE(layer.features[2].polygons.empty());
  EXPECT_FALSE(layer.features[2].centroid.has_value());
  EXPECT_EQ(code_of([&] { require_polygons(layer); }), ErrorCode::InvalidInput);
}

TEST(VectorFile, PointsAreNotPolygons) {
  const ScratchDir dir;
  const std::string path = dir.write("points.geojson", R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "a"}, "geometry": {"type": "Point", "coordinates": [10, 20]}}
  ]})");
  const VectorLayer layer = read_features(path);
  ASSERT_EQ(layer.size(), 1U);
  EXPECT_TRUE(layer.features[0].polygons.empty());
  ASSERT_TRUE(layer.features[0].centroid.has_value());
  EXPECT_EQ(layer.features[0].centroid->x, 10.0);
  EXPECT_EQ(layer.features[0].centroid->y, 20.0);
  try {
    require_polygons(layer);
    FAIL() << "expected InvalidInput";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    EXPECT_NE(std::string(error.what()).find("Point"), std::string::npos);
  }
}

TEST(VectorFile, MissingFileIsIoErrorNamingTheFileAndPrintsNothing) {
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  try {
    (void)read_features("/nonexistent/dir/regions.gpkg");
    ADD_FAILURE() << "expected an Io error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Io);
    EXPECT_NE(std::string(error.what()).find("/nonexistent/dir/regions.gpkg"), std::string::npos);
  }
  const ScratchDir dir;
  const std::string garbage = dir.write("garbage.geojson", "this is not json {");
  EXPECT_EQ(code_of([&] { (void)read_features(garbage); }), ErrorCode::Io);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(VectorFile, LayerChoiceInMultiLayerSource) {
  // A directory of shapefiles is one GDAL source with one layer per file.
  const ScratchDir dir;
  for (const char* ext : {".shp", ".shx", ".dbf"}) {
    fs::copy_file(kData + "/mexico/mexicojoin" + ext, dir.path() / (std::string("mexicojoin") + ext));
    fs::copy_file(kData + "/us_income/us48" + ext, dir.path() / (std::string("us48") + ext));
  }
  const VectorLayer us = read_features(dir.path().string(), "us48");
  EXPECT_EQ(us.size(), 48U);
  EXPECT_EQ(us.column("STATE_NAME")[0], "Washington");
  try {
    (void)read_features(dir.path().string(), "us4");
    FAIL() << "expected InvalidInput";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    const std::string text = error.what();
    EXPECT_NE(text.find("'mexicojoin'"), std::string::npos) << text;
    EXPECT_NE(text.find("'us48'"), std::string::npos) << text;
  }
  EXPECT_EQ(code_of([&] { (void)read_features(dir.path().string()); }), ErrorCode::InvalidInput);
}

TEST(VectorFile, UnknownFieldNamesNearest) {
  const VectorLayer layer = read_features(kData + "/mexico/mexicojoin.shp");
  try {
    (void)layer.column("NAM");
    FAIL() << "expected InvalidInput";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    EXPECT_NE(error.fix().find("NAME"), std::string::npos);
  }
}

}  // namespace
}  // namespace equalis::io

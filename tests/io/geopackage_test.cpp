// GeoPackage input: the Mexico states copied from the shapefile into a .gpkg (written here with GDAL's
// own driver) must read back as the same polygons and attributes.

#include "io/vector_file.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

namespace equalis::io {
namespace {

const std::string kShapefile = std::string(EQUALIS_TEST_DATA_DIR) + "/mexico/mexicojoin.shp";

// Copies every feature of the shapefile into a new GeoPackage layer named "states".
std::string copy_to_geopackage() {
  GDALAllRegister();
  const auto path =
      (std::filesystem::temp_directory_path() / ("equalis_states_" + std::to_string(::getpid()) + ".gpkg"))
          .string();
  std::filesystem::remove(path);
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (driver == nullptr) return {};
  std::unique_ptr<GDALDataset> source(
      static_cast<GDALDataset*>(GDALOpenEx(kShapefile.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
  std::unique_ptr<GDALDataset> target(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!source || !target) return {};
  target->CopyLayer(source->GetLayer(0), "states");
  return path;
}

TEST(GeoPackage, ReadsTheSamePolygonsAndAttributesAsTheShapefile) {
  const std::string gpkg = copy_to_geopackage();
  ASSERT_FALSE(gpkg.empty()) << "GDAL could not write a GeoPackage";
  const VectorLayer from_shapefile = read_features(kShapefile);
  const VectorLayer from_geopackage = read_features(gpkg);
  EXPECT_EQ(from_geopackage.layer_name, "states");
  ASSERT_EQ(from_geopackage.size(), from_shapefile.size());
  for (std::size_t i = 0; i < from_shapefile.size(); ++i) {
    const Feature& a = from_shapefile.features[i];
    const Feature& b = from_geopackage.features[i];
    EXPECT_EQ(a.attributes.at("NAME"), b.attributes.at("NAME"));
    ASSERT_EQ(a.polygons.size(), b.polygons.size());
    for (std::size_t p = 0; p < a.polygons.size(); ++p) {
      ASSERT_EQ(a.polygons[p].rings.size(), b.polygons[p].rings.size());
      ASSERT_EQ(a.polygons[p].rings[0].size(), b.polygons[p].rings[0].size());
      EXPECT_EQ(a.polygons[p].rings[0][0].x, b.polygons[p].rings[0][0].x);
    }
  }
  std::filesystem::remove(gpkg);
}

}  // namespace
}  // namespace equalis::io

#pragma once
// Reads the features of one layer of a vector file (anything GDAL/OGR opens: GeoJSON, Shapefile,
// GeoPackage, …) into plain structs: attribute values as strings, polygon rings as (x, y) points in the
// layer's own coordinates (no reprojection), and a representative point per feature.
// This header does not include GDAL; only vector_file.cpp does.

#include "core/geometry.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::io {

struct Feature {
  std::int64_t fid = 0;  // GDAL's feature id (shapefiles: 0-based record number)
  // Every field of the layer, formatted by GDAL as text; "" where the field is null or unset.
  std::map<std::string, std::string, std::less<>> attributes;
  // Polygonal parts: a MultiPolygon (or a collection holding only surfaces) is flattened into its
  // polygons; curved surfaces are linearised. Empty for null geometries and for any geometry that holds
  // something other than surfaces (points, lines, mixed collections).
  std::vector<geo::Polygon> polygons;
  // Area-weighted centroid of the polygons; the point itself for points; GDAL's centroid for other
  // geometries. nullopt for a null or empty geometry.
  std::optional<geo::Point> centroid;
  std::string geometry_type;  // OGR's name, e.g. "Polygon", "Multi Polygon", "Point", "" when null
};

struct VectorLayer {
  std::string source;                    // the path that was read
  std::string layer_name;                // the layer actually read
  std::vector<std::string> field_names;  // in the layer's order
  std::vector<Feature> features;         // in the layer's order
  // The layer's coordinate reference system as "AUTHORITY:CODE" (or its name); "" when it declares none.
  std::string crs;
  // When read with read_features_lonlat and the layer was in another CRS: that CRS (the geometries are
  // now WGS84 lon/lat). "" when nothing was reprojected.
  std::string reprojected_from;

  [[nodiscard]] std::size_t size() const noexcept { return features.size(); }
  // One field's value for every feature (for picking an id column). Throws Error(InvalidInput)
  // naming the closest existing field if `field` does not exist.
  [[nodiscard]] std::vector<std::string> column(std::string_view field) const;
  // Each feature's polygons, in feature order (the input of contiguity weights).
  [[nodiscard]] std::vector<std::vector<geo::Polygon>> polygons() const;
};

/// Reads every feature of one layer.
/// @param path        any file or data source GDAL opens for vector reading.
/// @param layer_name  the layer to read; "" picks the only layer (a source with several layers
///                    must name one).
/// @throws Error(Io) if GDAL cannot open `path` as a vector source (GDAL's message is included);
///         Error(InvalidInput) if the layer does not exist (the message lists the layers) or the
///         source has no layer or several layers and none was named;
///         Error(Parse) if GDAL reports a failure while reading a feature.
/// Never prints: GDAL's own error handler is silenced while reading and its messages go into the Error.
[[nodiscard]] VectorLayer read_features(const std::string& path, const std::string& layer_name = "");

/// The same, with every geometry in WGS84 longitude/latitude degrees (x = lon, y = lat): a layer in another
/// CRS (a UTM projection, SIRGAS 2000…) is reprojected with PROJ and `reprojected_from` names its CRS. A
/// layer without a CRS is taken as lon/lat as it is (the caller checks the ranges).
/// @throws as read_features, and Error(InvalidInput) if PROJ cannot transform the layer's CRS.
[[nodiscard]] VectorLayer read_features_lonlat(const std::string& path, const std::string& layer_name = "");

/// Throws Error(InvalidInput) naming the first feature that is not a (multi)polygon, e.g. when
/// contiguity is requested on a point layer.
void require_polygons(const VectorLayer& layer);

}  // namespace equalis::io

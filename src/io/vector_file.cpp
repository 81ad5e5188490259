#include "io/vector_file.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"

#include <fmt/format.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <mutex>
#include <utility>

namespace equalis::io {
namespace {

void register_drivers_once() {
  static std::once_flag flag;
  std::call_once(flag, [] { GDALAllRegister(); });
}

// Collects GDAL's messages instead of letting its default handler print them to stderr. GDAL keeps
// the handler stack per thread, so concurrent readers do not see each other's messages.
class GdalMessageCollector {
 public:
  GdalMessageCollector() {
    CPLErrorReset();
    CPLPushErrorHandlerEx(&GdalMessageCollector::handle, this);
  }
  GdalMessageCollector(const GdalMessageCollector&) = delete;
  GdalMessageCollector& operator=(const GdalMessageCollector&) = delete;
  GdalMessageCollector(GdalMessageCollector&&) = delete;
  GdalMessageCollector& operator=(GdalMessageCollector&&) = delete;
  ~GdalMessageCollector() { CPLPopErrorHandler(); }

  [[nodiscard]] const std::string& failures() const noexcept { return failures_; }
  // The failures, or a default text when GDAL gave no reason.
  [[nodiscard]] std::string reason(std::string_view fallback) const {
    return failures_.empty() ? std::string(fallback) : failures_;
  }

 private:
  static void CPL_STDCALL handle(CPLErr error_class, CPLErrorNum /*number*/, const char* message) {
    auto* self = static_cast<GdalMessageCollector*>(CPLGetErrorHandlerUserData());
    if (self == nullptr || message == nullptr) return;
    if (error_class == CE_Failure || error_class == CE_Fatal) {
      if (!self->failures_.empty()) self->failures_ += "; ";
      self->failures_ += message;
    }
    // Warnings and debug messages are dropped: the library never prints and they are not errors.
  }
  std::string failures_;
};

struct DatasetCloser {
  void operator()(GDALDataset* dataset) const noexcept { GDALClose(dataset); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

std::string join_names(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) {
    if (!text.empty()) text += ", ";
    text += "'" + name + "'";
  }
  return text;
}

geo::Ring read_ring(const OGRLinearRing& ring) {
  geo::Ring points;
  const int count = ring.getNumPoints();
  points.reserve(static_cast<std::size_t>(count));
  for (int point_idx = 0; point_idx < count; ++point_idx) {
    points.push_back(geo::Point{ring.getX(point_idx), ring.getY(point_idx)});
  }
  return points;
}

void append_polygon(const OGRPolygon& polygon, std::vector<geo::Polygon>& out) {
  if (polygon.IsEmpty()) return;
  geo::Polygon part;
  if (const OGRLinearRing* exterior = polygon.getExteriorRing(); exterior != nullptr) {
    part.rings.push_back(read_ring(*exterior));
  }
  for (int ring_idx = 0; ring_idx < polygon.getNumInteriorRings(); ++ring_idx) {
    part.rings.push_back(read_ring(*polygon.getInteriorRing(ring_idx)));
  }
  out.push_back(std::move(part));
}

// Appends the polygonal parts of `geometry`; returns false if it holds anything that is not a surface.
bool append_polygons(const OGRGeometry& geometry, std::vector<geo::Polygon>& out) {
  const OGRwkbGeometryType type = wkbFlatten(geometry.getGeometryType());
  if (OGR_GT_IsSubClassOf(type, wkbPolygon)) {  // Polygon, Triangle
    append_polygon(*geometry.toPolygon(), out);
    return true;
  }
  if (OGR_GT_IsSubClassOf(type, wkbGeometryCollection)) {  // MultiPolygon, MultiSurface, collections
    const OGRGeometryCollection* collection = geometry.toGeometryCollection();
    bool all_surfaces = true;
    for (int part_idx = 0; part_idx < collection->getNumGeometries(); ++part_idx) {
      all_surfaces = append_polygons(*collection->getGeometryRef(part_idx), out) && all_surfaces;
    }
    return all_surfaces;
  }
  if (OGR_GT_IsSurface(type)) {  // CurvePolygon and other curved surfaces: linearise with GDAL defaults
    const std::unique_ptr<OGRGeometry> linear(geometry.getLinearGeometry());
    return linear != nullptr && append_polygons(*linear, out);
  }
  return false;
}

std::optional<geo::Point> gdal_centroid(const OGRGeometry& geometry) {
  if (wkbFlatten(geometry.getGeometryType()) == wkbPoint) {
    const OGRPoint* point = geometry.toPoint();
    return geo::Point{point->getX(), point->getY()};
  }
  OGRPoint centroid;
  if (geometry.Centroid(&centroid) != OGRERR_NONE || centroid.IsEmpty()) return std::nullopt;
  return geo::Point{centroid.getX(), centroid.getY()};
}

Feature read_feature(const OGRFeature& source, const std::vector<std::string>& field_names) {
  Feature feature;
  feature.fid = source.GetFID();
  for (std::size_t field_idx = 0; field_idx < field_names.size(); ++field_idx) {
    const int gdal_idx = static_cast<int>(field_idx);
    std::string value = source.IsFieldSetAndNotNull(gdal_idx) ? source.GetFieldAsString(gdal_idx) : "";
    feature.attributes.emplace(field_names[field_idx], std::move(value));
  }
  const OGRGeometry* geometry = source.GetGeometryRef();
  if (geometry == nullptr || geometry->IsEmpty()) return feature;
  feature.geometry_type = OGRGeometryTypeToName(geometry->getGeometryType());
  std::vector<geo::Polygon> polygons;
  if (append_polygons(*geometry, polygons)) feature.polygons = std::move(polygons);
  feature.centroid = feature.polygons.empty() ? std::nullopt : geo::polygon_centroid(feature.polygons);
  if (!feature.centroid) feature.centroid = gdal_centroid(*geometry);
  return feature;
}

OGRLayer* pick_layer(GDALDataset& dataset, const std::string& path, const std::string& layer_name) {
  std::vector<std::string> names;
  for (int layer_idx = 0; layer_idx < dataset.GetLayerCount(); ++layer_idx) {
    names.emplace_back(dataset.GetLayer(layer_idx)->GetName());
  }
  if (names.empty()) {
    throw Error(ErrorCode::InvalidInput, fmt::format("'{}' has no vector layer", path),
                "pass a file that holds features (GeoJSON, Shapefile, GeoPackage, …)");
  }
  if (layer_name.empty()) {
    if (names.size() == 1) return dataset.GetLayer(0);
    throw Error(ErrorCode::InvalidInput,
                fmt::format("'{}' has {} layers ({}); which one to read is ambiguous", path, names.size(),
                            join_names(names)),
                "name the layer to read");
  }
  for (int layer_idx = 0; layer_idx < dataset.GetLayerCount(); ++layer_idx) {
    if (names[static_cast<std::size_t>(layer_idx)] == layer_name) return dataset.GetLayer(layer_idx);
  }
  const std::string nearest = nearest_name(layer_name, names);
  throw Error(ErrorCode::InvalidInput,
              fmt::format("'{}' has no layer '{}'; its layers are {}", path, layer_name, join_names(names)),
              nearest.empty() ? "name one of the listed layers" : fmt::format("did you mean '{}'?", nearest));
}

std::string crs_name(const OGRSpatialReference& srs) {
  const char* authority = srs.GetAuthorityName(nullptr);
  const char* code = srs.GetAuthorityCode(nullptr);
  if (authority != nullptr && code != nullptr) return fmt::format("{}:{}", authority, code);
  const char* name = srs.GetName();
  return name != nullptr ? std::string(name) : std::string("an unnamed CRS");
}

struct TransformDeleter {
  void operator()(OGRCoordinateTransformation* transform) const noexcept {
    OGRCoordinateTransformation::DestroyCT(transform);
  }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

// The transformation of the layer's coordinates to WGS84 lon/lat, or null when they already are (or the
// layer declares no CRS: nothing to transform from).
TransformPtr lonlat_transform(OGRLayer& layer, const std::string& path) {
  const OGRSpatialReference* source = layer.GetSpatialRef();
  if (source == nullptr) return nullptr;
  OGRSpatialReference wgs84;
  wgs84.SetWellKnownGeogCS("WGS84");
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  const char* const same_options[] = {"CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
  if (source->IsSame(&wgs84, same_options) &&
      source->GetDataAxisToSRSAxisMapping() == wgs84.GetDataAxisToSRSAxisMapping()) {
    return nullptr;  // already x = lon, y = lat in WGS84 (GeoJSON's CRS84, EPSG:4326 in GIS order)
  }
  TransformPtr transform(OGRCreateCoordinateTransformation(source, &wgs84));
  if (!transform) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("'{}': cannot reproject its CRS {} to WGS84 lon/lat", path, crs_name(*source)),
                "reproject the layer yourself (ogr2ogr -t_srs EPSG:4326 out.gpkg in.gpkg)");
  }
  return transform;
}

VectorLayer read_layer(const std::string& path, const std::string& layer_name, bool to_lonlat) {
  register_drivers_once();
  const GdalMessageCollector messages;
  DatasetPtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!dataset) {
    VSIStatBufL stat_buffer;
    const bool exists = VSIStatExL(path.c_str(), &stat_buffer, VSI_STAT_EXISTS_FLAG) == 0;
    throw Error(ErrorCode::Io,
                fmt::format("cannot open vector file '{}': {}", path,
                            messages.reason(exists ? "no GDAL driver recognises it as a vector source"
                                                   : "no such file or directory")),
                "check the path and that the file is a GeoJSON, Shapefile (with .shx and .dbf beside it), "
                "GeoPackage or another format GDAL reads");
  }
  OGRLayer* layer = pick_layer(*dataset, path, layer_name);
  VectorLayer result;
  result.source = path;
  result.layer_name = layer->GetName();
  if (const OGRSpatialReference* srs = layer->GetSpatialRef(); srs != nullptr) result.crs = crs_name(*srs);
  const TransformPtr transform = to_lonlat ? lonlat_transform(*layer, path) : nullptr;
  if (transform) result.reprojected_from = result.crs;
  const OGRFeatureDefn* definition = layer->GetLayerDefn();
  for (int field_idx = 0; field_idx < definition->GetFieldCount(); ++field_idx) {
    result.field_names.emplace_back(definition->GetFieldDefn(field_idx)->GetNameRef());
  }
  layer->ResetReading();
  while (true) {
    const OGRFeatureUniquePtr feature(layer->GetNextFeature());
    if (!feature) break;
    if (OGRGeometry* geometry = feature->GetGeometryRef(); transform && geometry != nullptr) {
      if (geometry->transform(transform.get()) != OGRERR_NONE) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("'{}' (layer '{}'): feature {} (fid {}) cannot be reprojected from {} to "
                                "WGS84 lon/lat: {}",
                                path, result.layer_name, result.features.size() + 1, feature->GetFID(),
                                result.crs, messages.reason("PROJ gave no reason")),
                    "check the layer's CRS and coordinates, or reproject it yourself (ogr2ogr -t_srs "
                    "EPSG:4326)");
      }
    }
    result.features.push_back(read_feature(*feature, result.field_names));
  }
  if (!messages.failures().empty()) {
    throw Error(ErrorCode::Parse,
                fmt::format("reading '{}' (layer '{}') failed after {} features: {}", path, result.layer_name,
                            result.features.size(), messages.failures()),
                "repair the file, e.g. re-export it with ogr2ogr or a GIS");
  }
  return result;
}

}  // namespace

std::vector<std::string> VectorLayer::column(std::string_view field) const {
  bool known = false;
  for (const auto& name : field_names) known = known || name == field;
  if (!known) {
    const std::string nearest = nearest_name(field, field_names);
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("'{}' (layer '{}') has no field '{}'; its fields are {}", source, layer_name, field,
                    join_names(field_names)),
        nearest.empty() ? "name one of the listed fields" : fmt::format("did you mean '{}'?", nearest));
  }
  std::vector<std::string> values;
  values.reserve(features.size());
  for (const auto& feature : features) values.push_back(feature.attributes.find(field)->second);
  return values;
}

std::vector<std::vector<geo::Polygon>> VectorLayer::polygons() const {
  std::vector<std::vector<geo::Polygon>> parts;
  parts.reserve(features.size());
  for (const auto& feature : features) parts.push_back(feature.polygons);
  return parts;
}

VectorLayer read_features(const std::string& path, const std::string& layer_name) {
  return read_layer(path, layer_name, false);
}

VectorLayer read_features_lonlat(const std::string& path, const std::string& layer_name) {
  return read_layer(path, layer_name, true);
}

void require_polygons(const VectorLayer& layer) {
  for (std::size_t feature_idx = 0; feature_idx < layer.features.size(); ++feature_idx) {
    const Feature& feature = layer.features[feature_idx];
    if (!feature.polygons.empty()) continue;
    const std::string what = feature.geometry_type.empty() ? std::string("no geometry")
                                                           : "a " + feature.geometry_type + " geometry";
    throw Error(ErrorCode::InvalidInput,
                fmt::format("feature {} (fid {}) of '{}' (layer '{}') has {}, but polygons are needed",
                            feature_idx, feature.fid, layer.source, layer.layer_name, what),
                "use a polygon layer for contiguity weights, or point-based weights (k nearest neighbours, "
                "distance band) for points");
  }
}

}  // namespace equalis::io

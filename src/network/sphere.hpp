#pragma once
// Places as 3-D points on the unit sphere, for nearest-neighbour searches with a k-d tree (nanoflann):
// the chord between two unit vectors grows with the great-circle distance, so chord order is distance
// order with no distortion near the poles or the antimeridian. One definition for the snappers and the
// access module's straight-line costs (the sphere is network's, R = kEarthRadiusM).

#include "network/graph.hpp"

#include <nanoflann.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <vector>

namespace equalis::network {

// The unit vector of (lon, lat) in degrees.
[[nodiscard]] inline std::array<double, 3> unit_vector(double lon, double lat) noexcept {
  constexpr double kRad = std::numbers::pi / 180.0;
  return {std::cos(lat * kRad) * std::cos(lon * kRad), std::cos(lat * kRad) * std::sin(lon * kRad),
          std::sin(lat * kRad)};
}

// The chord between unit vectors that spans `metres` of great circle (capped near the antipode).
[[nodiscard]] inline double chord_of_metres(double metres) noexcept {
  return 2.0 * std::sin(std::min(metres / kEarthRadiusM, 3.0) / 2.0);
}

// Metres of great circle spanned by a chord c between unit vectors: the central angle is 2 asin(c / 2).
[[nodiscard]] inline double metres_of_chord(double chord) noexcept {
  return 2.0 * kEarthRadiusM * std::asin(std::min(1.0, chord / 2.0));
}

// Unit vectors one after the other (x, y, z), in nanoflann's dataset interface.
struct SphereCloud {
  std::vector<double> xyz;
  void add(double lon, double lat) {
    const auto p = unit_vector(lon, lat);
    xyz.insert(xyz.end(), p.begin(), p.end());
  }
  [[nodiscard]] std::size_t kdtree_get_point_count() const { return xyz.size() / 3; }
  [[nodiscard]] double kdtree_get_pt(std::uint32_t index, std::size_t dim) const {
    return xyz[std::size_t{index} * 3 + dim];
  }
  template <class BoundingBox>
  bool kdtree_get_bbox(BoundingBox& /*box*/) const {
    return false;
  }
};

// Squared distances are squared chords.
using SphereTree =
    nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, SphereCloud, double>,
                                        SphereCloud, 3, std::uint32_t>;

}  // namespace equalis::network

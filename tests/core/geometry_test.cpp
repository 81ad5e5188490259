#include "core/geometry.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace equalis::geo {
namespace {

Ring square(double x0, double y0, double side) {
  return {{x0, y0}, {x0 + side, y0}, {x0 + side, y0 + side}, {x0, y0 + side}, {x0, y0}};
}

TEST(Geometry, PolygonCentroidOfDegenerateRingIsNullopt) {
  const std::vector<Polygon> flat{Polygon{{Ring{{0, 0}, {1, 1}, {2, 2}, {0, 0}}}}};
  EXPECT_FALSE(polygon_centroid(flat).has_value());
  EXPECT_FALSE(polygon_centroid({}).has_value());
  // Orientation does not matter: a clockwise triangle's centroid is the mean of its corners.
  const std::vector<Polygon> clockwise{Polygon{{Ring{{0, 0}, {0, 3}, {3, 0}, {0, 0}}}}};
  EXPECT_DOUBLE_EQ(polygon_centroid(clockwise)->x, 1.0);
  EXPECT_DOUBLE_EQ(polygon_centroid(clockwise)->y, 1.0);
}

// By hand: a 4×4 square at the origin (area 16, centroid (2, 2)) less a 2×2 hole at (0, 0) (area 4,
// centroid (1, 1)): centroid = (16·2 − 4·1) / 12 = 7/3 on both axes.
TEST(Geometry, CentroidSubtractsHoles) {
  const std::vector<Polygon> holed{Polygon{{square(0, 0, 4), square(0, 0, 2)}}};
  const auto centroid = polygon_centroid(holed);
  ASSERT_TRUE(centroid.has_value());
  EXPECT_DOUBLE_EQ(centroid->x, 7.0 / 3.0);
  EXPECT_DOUBLE_EQ(centroid->y, 7.0 / 3.0);
}

TEST(Geometry, InsideFollowsTheEvenOddRule) {
  const std::vector<Polygon> holed{Polygon{{square(0, 0, 4), square(1, 1, 2)}}, Polygon{{square(10, 0, 1)}}};
  EXPECT_TRUE(inside_polygons({0.5, 0.5}, holed));
  EXPECT_FALSE(inside_polygons({2.0, 2.0}, holed));  // in the hole
  EXPECT_TRUE(inside_polygons({10.5, 0.5}, holed));  // the second part
  EXPECT_FALSE(inside_polygons({6.0, 0.5}, holed));
  EXPECT_FALSE(inside_polygons({0.5, 0.5}, {}));
}

// A "C": the centroid falls in the gap, so the zone's point is taken on the surface instead.
TEST(Geometry, ZonePointOfACrescentIsOnItsSurface) {
  const Ring c{{0, 0}, {3, 0}, {3, 1}, {1, 1}, {1, 2}, {3, 2}, {3, 3}, {0, 3}, {0, 0}};
  const std::vector<Polygon> crescent{Polygon{{c}}};
  const auto centroid = polygon_centroid(crescent);
  ASSERT_TRUE(centroid.has_value());
  EXPECT_FALSE(inside_polygons(*centroid, crescent));
  const auto point = zone_point(crescent);
  ASSERT_TRUE(point.has_value());
  EXPECT_TRUE(point->on_surface);
  EXPECT_TRUE(inside_polygons(point->point, crescent));
  // A convex zone keeps its centroid.
  const auto plain = zone_point({Polygon{{square(0, 0, 2)}}});
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->on_surface);
  EXPECT_EQ(plain->point, (Point{1.0, 1.0}));
}

}  // namespace
}  // namespace equalis::geo

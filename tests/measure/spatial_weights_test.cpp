#include "measure/spatial_weights.hpp"

#include "test_support.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "io/vector_file.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

namespace equalis::measure {
namespace {

const std::string kData = EQUALIS_TEST_DATA_DIR;

using test_support::error_of;

std::vector<std::string> index_ids(std::size_t n) {
  std::vector<std::string> ids;
  for (std::size_t unit = 0; unit < n; ++unit) ids.push_back(std::to_string(unit));
  return ids;
}

// Row i as a vector, for readable comparisons.
std::vector<std::uint32_t> row(const SpatialWeights& w, std::size_t unit) {
  return {w.neighbors.begin() + static_cast<std::ptrdiff_t>(w.offsets[unit]),
          w.neighbors.begin() + static_cast<std::ptrdiff_t>(w.offsets[unit + 1])};
}

geo::Polygon square(double x0, double y0, double side = 1.0) {
  return geo::Polygon{
      {geo::Ring{{x0, y0}, {x0 + side, y0}, {x0 + side, y0 + side}, {x0, y0 + side}, {x0, y0}}}};
}

// rows x cols unit squares, numbered row-major.
std::vector<std::vector<geo::Polygon>> grid(std::size_t rows, std::size_t cols) {
  std::vector<std::vector<geo::Polygon>> units;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c)
      units.push_back({square(static_cast<double>(c), static_cast<double>(r))});
  }
  return units;
}

// ----- contiguity against the libpysal reference edge lists ---------------------------------------------

void expect_contiguity_matches(const std::string& shapefile, const std::string& edges, Contiguity contiguity,
                               std::size_t expected_units, std::size_t expected_links) {
  const io::VectorLayer layer = io::read_features(shapefile);
  ASSERT_EQ(layer.size(), expected_units);
  io::require_polygons(layer);
  const std::vector<std::vector<geo::Polygon>> polygons = layer.polygons();
  const SpatialWeights built = contiguity_from_polygons(polygons, contiguity);
  const CsvTable table = CsvTable::read_file(edges);
  const std::vector<std::string> ids = index_ids(layer.size());
  const SpatialWeights reference =
      weights_from_edge_list(table, "i", "j", std::nullopt, ids, {EdgeEndpoints::ZeroBasedIndices});
  EXPECT_EQ(reference.link_count(), expected_links);
  EXPECT_EQ(built.link_count(), expected_links);
  EXPECT_EQ(built.offsets, reference.offsets);
  EXPECT_EQ(built.neighbors, reference.neighbors);
  for (std::size_t unit = 0; unit < built.n; ++unit) {
    EXPECT_EQ(row(built, unit), row(reference, unit)) << "unit " << unit;
  }
  EXPECT_NO_THROW(validate_weights(built));
}

TEST(Contiguity, MexicoQueenMatchesLibpysal) {
  expect_contiguity_matches(kData + "/mexico/mexicojoin.shp", kData + "/mexico/mexicojoin_queen_edges.csv",
                            Contiguity::Queen, 32, 138);
}

TEST(Contiguity, MexicoRookMatchesLibpysal) {
  expect_contiguity_matches(kData + "/mexico/mexicojoin.shp", kData + "/mexico/mexicojoin_rook_edges.csv",
                            Contiguity::Rook, 32, 130);
}

TEST(Contiguity, Us48QueenMatchesLibpysal) {
  expect_contiguity_matches(kData + "/us_income/us48.shp", kData + "/us_income/us48_queen_edges.csv",
                            Contiguity::Queen, 48, 214);
}

TEST(Contiguity, Us48RookMatchesLibpysal) {
  expect_contiguity_matches(kData + "/us_income/us48.shp", kData + "/us_income/us48_rook_edges.csv",
                            Contiguity::Rook, 48, 210);
}

TEST(Contiguity, GridQueenAndRookByHand) {
  // 3 x 3 squares: 0 1 2 / 3 4 5 / 6 7 8.
  const auto units = grid(3, 3);
  const SpatialWeights rook = contiguity_from_polygons(units, Contiguity::Rook);
  const SpatialWeights queen = contiguity_from_polygons(units, Contiguity::Queen);
  // Rook: 12 shared edges, 24 directed links. Queen adds 2 diagonals in each of 4 blocks: 16 more.
  EXPECT_EQ(rook.link_count(), 24U);
  EXPECT_EQ(queen.link_count(), 40U);
  EXPECT_EQ(row(rook, 4), (std::vector<std::uint32_t>{1, 3, 5, 7}));
  EXPECT_EQ(row(queen, 4), (std::vector<std::uint32_t>{0, 1, 2, 3, 5, 6, 7, 8}));
  EXPECT_EQ(row(rook, 0), (std::vector<std::uint32_t>{1, 3}));
  EXPECT_EQ(row(queen, 0), (std::vector<std::uint32_t>{1, 3, 4}));
  EXPECT_EQ(queen.ids[8], "8");
  EXPECT_TRUE(rook.islands().empty());
  EXPECT_DOUBLE_EQ(queen.s0(), 40.0);
}

TEST(Contiguity, RookNeedsTheSameSegmentQueenOneVertex) {
  // A's top edge runs (0,1)-(2,1) in one segment; B (above) has a vertex at (1,1) on it: the border is
  // shared geometrically but not as a segment, so exact matching gives queen (vertices (0,1), (2,1))
  // but not rook — as libpysal's Rook does.
  const geo::Polygon a{{geo::Ring{{0, 0}, {2, 0}, {2, 1}, {0, 1}, {0, 0}}}};
  const geo::Polygon b{{geo::Ring{{0, 1}, {1, 1}, {2, 1}, {2, 2}, {0, 2}, {0, 1}}}};
  const geo::Polygon far = square(10, 10);
  const std::vector<std::vector<geo::Polygon>> units{{a}, {b}, {far}, {}};
  const SpatialWeights queen = contiguity_from_polygons(units, Contiguity::Queen, {"a", "b", "far", "empty"});
  const SpatialWeights rook = contiguity_from_polygons(units, Contiguity::Rook);
  EXPECT_EQ(row(queen, 0), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(rook.link_count(), 0U);
  EXPECT_EQ(queen.islands(), (std::vector<std::uint32_t>{2, 3}));
  EXPECT_EQ(queen.ids[2], "far");
}

TEST(Contiguity, NegativeZeroMatchesZeroAndMultipolygonPartsCount) {
  // Unit 0 has two parts; its second part touches unit 1 along x = -0.0 vs x = 0.0.
  const geo::Polygon left{{geo::Ring{{-1, 5}, {-0.0, 5}, {-0.0, 6}, {-1, 6}, {-1, 5}}}};
  const geo::Polygon right = square(0, 5);
  const std::vector<std::vector<geo::Polygon>> units{{square(-5, -5), left}, {right}};
  const SpatialWeights rook = contiguity_from_polygons(units, Contiguity::Rook);
  EXPECT_EQ(rook.link_count(), 2U);
}

TEST(Contiguity, BadInput) {
  const std::vector<std::vector<geo::Polygon>> nan_units{
      {geo::Polygon{{geo::Ring{{0, 0}, {std::nan(""), 1}, {0, 0}}}}}};
  EXPECT_EQ(error_of([&] { (void)contiguity_from_polygons(nan_units, Contiguity::Queen); }).code(),
            ErrorCode::InvalidInput);
  EXPECT_EQ(
      error_of([&] { (void)contiguity_from_polygons(grid(1, 2), Contiguity::Queen, {"only one"}); }).code(),
      ErrorCode::InvalidInput);
}

// ----- edge lists
// ---------------------------------------------------------------------------------------------

TEST(EdgeList, ReadsIdsAndWeights) {
  const CsvTable table = CsvTable::parse("from,to,w\nA,B,2\nB,A,2\nB,C,0.5\n", "edges.csv");
  const std::vector<std::string> ids{"A", "B", "C"};
  const SpatialWeights w = weights_from_edge_list(table, "from", "to", "w", ids);
  EXPECT_EQ(w.n, 3U);
  EXPECT_EQ(w.offsets, (std::vector<std::size_t>{0, 1, 3, 3}));
  EXPECT_EQ(w.neighbors, (std::vector<std::uint32_t>{1, 0, 2}));
  EXPECT_EQ(w.weights, (std::vector<double>{2, 2, 0.5}));
  // C is linked to by B but has no link of its own: its row is empty, so it is an island (no lag).
  EXPECT_EQ(w.neighbor_count(2), 0U);
  EXPECT_EQ(w.islands(), (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(w.ids, ids);
}

TEST(EdgeList, IslandsAreRowsWithoutLinks) {
  const CsvTable table = CsvTable::parse("from,to\nA,B\nB,A\n", "edges.csv");
  const std::vector<std::string> ids{"A", "B", "C"};
  const SpatialWeights w = weights_from_edge_list(table, "from", "to", std::nullopt, ids);
  EXPECT_EQ(w.islands(), (std::vector<std::uint32_t>{2}));
}

TEST(EdgeList, UndirectedRowsLinkBothWays) {
  const CsvTable table = CsvTable::parse("a,b\nx,y\ny,z\n", "edges.csv");
  const std::vector<std::string> ids{"x", "y", "z"};
  const SpatialWeights w = weights_from_edge_list(table, "a", "b", std::nullopt, ids,
                                                  {EdgeEndpoints::Ids, EdgeDirection::Undirected});
  EXPECT_EQ(w.link_count(), 4U);
  EXPECT_EQ(row(w, 1), (std::vector<std::uint32_t>{0, 2}));
  const CsvTable twice = CsvTable::parse("a,b\nx,y\ny,x\n", "edges.csv");
  const Error error = error_of([&] {
    (void)weights_from_edge_list(twice, "a", "b", std::nullopt, ids,
                                 {EdgeEndpoints::Ids, EdgeDirection::Undirected});
  });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error.where()->line, 3U);
}

TEST(EdgeList, UnknownIdNamesFileLineColumnAndNearest) {
  const CsvTable table = CsvTable::parse("from,to\nAlpha,Beta\nBeta,Gamma\n", "edges.csv");
  const std::vector<std::string> ids{"Alpha", "Beta", "Gamme"};
  const Error error = error_of([&] { (void)weights_from_edge_list(table, "from", "to", std::nullopt, ids); });
  EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  ASSERT_TRUE(error.where().has_value());
  EXPECT_EQ(error.where()->file, "edges.csv");
  EXPECT_EQ(error.where()->line, 3U);
  EXPECT_EQ(error.where()->column, 6U);
  EXPECT_NE(error.fix().find("Gamme"), std::string::npos) << error.what();
}

TEST(EdgeList, SelfAndDuplicateLinksAreRejectedWhereTheyAre) {
  const std::vector<std::string> ids{"A", "B"};
  const CsvTable self = CsvTable::parse("from,to\nA,B\nB,B\n", "edges.csv");
  const Error self_error =
      error_of([&] { (void)weights_from_edge_list(self, "from", "to", std::nullopt, ids); });
  EXPECT_EQ(self_error.code(), ErrorCode::InvalidInput);
  EXPECT_EQ(self_error.where()->line, 3U);
  const CsvTable duplicate = CsvTable::parse("from,to\nA,B\nB,A\nA,B\n", "edges.csv");
  const Error duplicate_error =
      error_of([&] { (void)weights_from_edge_list(duplicate, "from", "to", std::nullopt, ids); });
  EXPECT_EQ(duplicate_error.code(), ErrorCode::InvalidInput);
  EXPECT_EQ(duplicate_error.where()->line, 4U);
  EXPECT_NE(duplicate_error.message().find("line 2"), std::string::npos) << duplicate_error.what();
}

TEST(EdgeList, BadWeightsIdsAndIndices) {
  const std::vector<std::string> ids{"A", "B"};
  const CsvTable negative = CsvTable::parse("from,to,w\nA,B,-1\n", "edges.csv");
  EXPECT_EQ(error_of([&] { (void)weights_from_edge_list(negative, "from", "to", "w", ids); }).code(),
            ErrorCode::InvalidInput);
  const CsvTable text = CsvTable::parse("from,to,w\nA,B,heavy\n", "edges.csv");
  const Error parse_error = error_of([&] { (void)weights_from_edge_list(text, "from", "to", "w", ids); });
  EXPECT_EQ(parse_error.code(), ErrorCode::Parse);
  EXPECT_EQ(parse_error.where()->column, 5U);
  const std::vector<std::string> repeated{"A", "A"};
  const CsvTable fine = CsvTable::parse("from,to\nA,B\n", "edges.csv");
  EXPECT_EQ(
      error_of([&] { (void)weights_from_edge_list(fine, "from", "to", std::nullopt, repeated); }).code(),
      ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)weights_from_edge_list(fine, "from", "too", std::nullopt, ids); }).code(),
            ErrorCode::InvalidInput);
  const CsvTable indices = CsvTable::parse("i,j\n0,1\n1,2\n", "edges.csv");
  const Error range_error = error_of([&] {
    (void)weights_from_edge_list(indices, "i", "j", std::nullopt, ids, {EdgeEndpoints::ZeroBasedIndices});
  });
  EXPECT_EQ(range_error.code(), ErrorCode::InvalidInput);
  EXPECT_EQ(range_error.where()->line, 3U);
  EXPECT_EQ(range_error.where()->column, 3U);
  const CsvTable signed_index = CsvTable::parse("i,j\n-1,0\n", "edges.csv");
  EXPECT_EQ(error_of([&] {
              (void)weights_from_edge_list(signed_index, "i", "j", std::nullopt, ids,
                                           {EdgeEndpoints::ZeroBasedIndices});
            }).code(),
            ErrorCode::InvalidInput);
}

// ----- transforms, sums, validation
// -------------------------------------------------------------------------

TEST(Weights, TransformsAndIslands) {
  const std::vector<std::uint32_t> from{0, 0, 1, 2};
  const std::vector<std::uint32_t> to{1, 2, 0, 0};
  const std::vector<double> weight{1, 3, 2, 5};
  const SpatialWeights w = weights_from_links(4, from, to, weight);
  const SpatialWeights row_standardized = transform_weights(w, WeightsTransform::RowStandardized);
  EXPECT_EQ(row_standardized.weights, (std::vector<double>{0.25, 0.75, 1.0, 1.0}));
  EXPECT_EQ(row_standardized.islands(), (std::vector<std::uint32_t>{3}));
  EXPECT_EQ(row_standardized.neighbor_count(3), 0U);
  const SpatialWeights binary = transform_weights(w, WeightsTransform::Binary);
  EXPECT_EQ(binary.weights, (std::vector<double>{1, 1, 1, 1}));
  const std::vector<double> zero{0, 0, 1, 1};
  const SpatialWeights zero_row = weights_from_links(4, from, to, zero);
  EXPECT_EQ(error_of([&] { (void)transform_weights(zero_row, WeightsTransform::RowStandardized); }).code(),
            ErrorCode::InvalidInput);
}

TEST(Weights, CliffOrdSumsByHand) {
  // Links 0->1 (1), 1->0 (2), 1->2 (3). S0 = 6.
  // S1 = 1/2 [(1+2)^2 + (2+1)^2 + (3+0)^2 + (0+3)^2] = 18.
  // Row sums 1, 5, 0; column sums 2, 1, 3: S2 = 3^2 + 6^2 + 3^2 = 54.
  const std::vector<std::uint32_t> from{0, 1, 1};
  const std::vector<std::uint32_t> to{1, 0, 2};
  const std::vector<double> weight{1, 2, 3};
  const WeightSums sums = weight_sums(weights_from_links(3, from, to, weight));
  EXPECT_DOUBLE_EQ(sums.s0, 6.0);
  EXPECT_DOUBLE_EQ(sums.s1, 18.0);
  EXPECT_DOUBLE_EQ(sums.s2, 54.0);
}

TEST(Weights, FromLinksRejectsBadLinksAndValidateCatchesBrokenCsr) {
  const std::vector<std::uint32_t> self{1};
  EXPECT_EQ(error_of([&] { (void)weights_from_links(2, self, self, {}); }).code(), ErrorCode::InvalidInput);
  const std::vector<std::uint32_t> from{0, 0};
  const std::vector<std::uint32_t> to{1, 1};
  EXPECT_EQ(error_of([&] { (void)weights_from_links(2, from, to, {}); }).code(), ErrorCode::InvalidInput);
  const std::vector<std::uint32_t> beyond{5};
  const std::vector<std::uint32_t> zero{0};
  EXPECT_EQ(error_of([&] { (void)weights_from_links(2, zero, beyond, {}); }).code(), ErrorCode::InvalidInput);
  SpatialWeights broken = contiguity_from_polygons(grid(2, 2), Contiguity::Rook);
  EXPECT_NO_THROW(validate_weights(broken));
  broken.neighbors[0] = 0;  // unit 0 linked to itself
  EXPECT_EQ(error_of([&] { validate_weights(broken); }).code(), ErrorCode::InvalidInput);
  broken.neighbors[0] = 1;
  broken.weights[0] = -1.0;
  EXPECT_EQ(error_of([&] { validate_weights(broken); }).code(), ErrorCode::InvalidInput);
  broken.weights[0] = 1.0;
  broken.offsets.pop_back();
  EXPECT_EQ(error_of([&] { validate_weights(broken); }).code(), ErrorCode::InvalidInput);
}

// ----- k nearest neighbours and distance bands ------------------------------------------------------------

TEST(Knn, LineByHandWithTieToLowerIndex) {
  // x = 0, 1, 3, 6, 10 on a line.
  const std::vector<double> x{0, 1, 3, 6, 10};
  const std::vector<double> y(5, 0.0);
  const SpatialWeights one = knn_weights(x, y, 1, false);
  EXPECT_EQ(one.neighbors, (std::vector<std::uint32_t>{1, 0, 1, 2, 3}));
  const SpatialWeights two = knn_weights(x, y, 2, false);
  // Unit 2 (x = 3): unit 1 at 2, then units 0 and 3 tie at 3 -> the lower index, 0.
  EXPECT_EQ(row(two, 2), (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(row(two, 0), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(row(two, 4), (std::vector<std::uint32_t>{2, 3}));
  EXPECT_EQ(two.link_count(), 10U);
}

TEST(Knn, SquareCornersAndCoincidentPoints) {
  const std::vector<double> x{0, 1, 0, 1};
  const std::vector<double> y{0, 0, 1, 1};
  const SpatialWeights w = knn_weights(x, y, 1, false);
  EXPECT_EQ(w.neighbors, (std::vector<std::uint32_t>{1, 0, 0, 1}));
  // Five points at one spot and one far away: each coincident point takes the two lowest other indices.
  const std::vector<double> cx{5, 5, 5, 5, 5, 100};
  const std::vector<double> cy{5, 5, 5, 5, 5, 100};
  const SpatialWeights c = knn_weights(cx, cy, 2, false);
  EXPECT_EQ(row(c, 0), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(row(c, 3), (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(row(c, 5), (std::vector<std::uint32_t>{0, 1}));
}

TEST(Knn, GeographicUsesGreatCircleOrder) {
  // At 80°N, 40° of longitude is ~6.8° of arc, nearer than 10° of latitude; planar degrees say otherwise.
  const std::vector<double> lon{0, 40, 0};
  const std::vector<double> lat{80, 80, 70};
  EXPECT_EQ(row(knn_weights(lon, lat, 1, true), 0), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(row(knn_weights(lon, lat, 1, false), 0), (std::vector<std::uint32_t>{2}));
  // Across the antimeridian: 179°E is 2° from 179°W, not 358°.
  const std::vector<double> lon2{179, -179, 170};
  const std::vector<double> lat2{0, 0, 0};
  EXPECT_EQ(row(knn_weights(lon2, lat2, 1, true), 0), (std::vector<std::uint32_t>{1}));
}

TEST(DistanceBand, GeographicThresholdInMetres) {
  // 1° of arc on the equator = 6371008.8 * pi / 180 = 111195.08 m.
  const double one_degree = kEarthRadiusMetres * std::numbers::pi / 180.0;
  const std::vector<double> lon{0, 1, 30};
  const std::vector<double> lat{0, 0, 0};
  const SpatialWeights in = distance_band_weights(lon, lat, one_degree + 1.0, true);
  EXPECT_EQ(row(in, 0), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(in.islands(), (std::vector<std::uint32_t>{2}));
  const SpatialWeights out = distance_band_weights(lon, lat, one_degree - 1.0, true);
  EXPECT_EQ(out.link_count(), 0U);
  EXPECT_EQ(out.islands().size(), 3U);
}

TEST(DistanceBand, PlanarThresholdIsInclusive) {
  // Unit-spaced 3 x 3 lattice, band 1: exactly the rook neighbours (distance 1 included, sqrt 2 not).
  std::vector<double> x;
  std::vector<double> y;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      x.push_back(c);
      y.push_back(r);
    }
  }
  const SpatialWeights band = distance_band_weights(x, y, 1.0, false);
  const SpatialWeights rook = contiguity_from_polygons(grid(3, 3), Contiguity::Rook);
  EXPECT_EQ(band.offsets, rook.offsets);
  EXPECT_EQ(band.neighbors, rook.neighbors);
  EXPECT_EQ(distance_band_weights(x, y, 0.0, false).link_count(), 0U);
}

TEST(PointWeights, BadInput) {
  const std::vector<double> x{0, 1, 2};
  const std::vector<double> y{0, 1, 2};
  const std::vector<double> short_y{0, 1};
  const std::vector<double> nan_y{0, std::nan(""), 2};
  const std::vector<double> polar{0, 91, 2};
  EXPECT_EQ(error_of([&] { (void)knn_weights(x, short_y, 1, false); }).code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)knn_weights(x, y, 0, false); }).code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)knn_weights(x, y, 3, false); }).code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)knn_weights(x, nan_y, 1, false); }).code(), ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { (void)knn_weights(x, polar, 1, true); }).code(), ErrorCode::InvalidInput);
  EXPECT_NO_THROW((void)knn_weights(x, polar, 1, false));
  EXPECT_EQ(error_of([&] { (void)distance_band_weights(x, y, -1.0, false); }).code(),
            ErrorCode::InvalidInput);
}

// Brute force with the same arithmetic as the k-d tree (dx*dx + dy*dy) and the documented tie rule.
std::vector<std::vector<std::uint32_t>> brute_knn(const std::vector<double>& x, const std::vector<double>& y,
                                                  std::size_t k) {
  std::vector<std::vector<std::uint32_t>> rows(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::vector<std::pair<double, std::uint32_t>> others;
    for (std::size_t j = 0; j < x.size(); ++j) {
      if (j == i) continue;
      const double dx = x[i] - x[j];
      const double dy = y[i] - y[j];
      others.emplace_back(dx * dx + dy * dy, static_cast<std::uint32_t>(j));
    }
    std::sort(others.begin(), others.end());
    for (std::size_t rank = 0; rank < k; ++rank) rows[i].push_back(others[rank].second);
    std::sort(rows[i].begin(), rows[i].end());
  }
  return rows;
}

RC_GTEST_PROP(Knn, MatchesBruteForceOnTiedIntegerPoints, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(2, 60);
  const auto xi = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(0, 6));
  const auto yi = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(0, 6));
  const auto k = *rc::gen::inRange<std::size_t>(1, n);
  const std::vector<double> x(xi.begin(), xi.end());
  const std::vector<double> y(yi.begin(), yi.end());
  const SpatialWeights w = knn_weights(x, y, k, false);
  const auto expected = brute_knn(x, y, k);
  for (std::size_t unit = 0; unit < n; ++unit) RC_ASSERT(row(w, unit) == expected[unit]);
}

RC_GTEST_PROP(DistanceBand, MatchesBruteForce, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(1, 60);
  const auto xi = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(0, 8));
  const auto yi = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(0, 8));
  const auto threshold = static_cast<double>(*rc::gen::inRange(0, 5));
  const std::vector<double> x(xi.begin(), xi.end());
  const std::vector<double> y(yi.begin(), yi.end());
  const SpatialWeights w = distance_band_weights(x, y, threshold, false);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::uint32_t> expected;
    for (std::size_t j = 0; j < n; ++j) {
      const double dx = x[i] - x[j];
      const double dy = y[i] - y[j];
      if (j != i && std::sqrt(dx * dx + dy * dy) <= threshold)
        expected.push_back(static_cast<std::uint32_t>(j));
    }
    RC_ASSERT(row(w, i) == expected);
  }
}

RC_GTEST_PROP(Contiguity, GridRookIsSymmetricSubsetOfQueen, ()) {
  const auto rows = *rc::gen::inRange<std::size_t>(1, 8);
  const auto cols = *rc::gen::inRange<std::size_t>(1, 8);
  const auto units = grid(rows, cols);
  const SpatialWeights rook = contiguity_from_polygons(units, Contiguity::Rook);
  const SpatialWeights queen = contiguity_from_polygons(units, Contiguity::Queen);
  RC_ASSERT(rook.link_count() == 2 * (rows * (cols - 1) + cols * (rows - 1)));
  RC_ASSERT(queen.link_count() == rook.link_count() + 4 * (rows - 1) * (cols - 1));
  const WeightSums sums = weight_sums(rook);
  // Symmetric binary W: S1 = 2 S0.
  RC_ASSERT(sums.s1 == 2.0 * sums.s0);
}

}  // namespace
}  // namespace equalis::measure

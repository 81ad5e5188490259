#include "plan/instance.hpp"

#include "plan_test_util.hpp"

#include "core/error.hpp"
#include "core/random.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <filesystem>
#include <fstream>

namespace equalis::plan {
namespace {

std::string write_temp(const std::string& name, const std::string& content) {
  const auto path =
      std::filesystem::temp_directory_path() / fmt::format("equalis_plan_{}_{}", ::getpid(), name);
  std::ofstream(path) << content;
  return path.string();
}

TEST(Orlib, RepeatedEdgeLastCostWinsThenShortestPaths) {
  // Edge 1-2 appears twice: cost 5 then 2; the last one (2) is kept. Paths by hand:
  // d(1,3) = 2 + 1 = 3, d(1,4) = 2 + 1 + 7 = 10, d(2,4) = 1 + 7 = 8.
  const auto result = parse_orlib("4 4 1\n1 2 5\n2 3 1\n1 2 2\n3 4 7\n", "tiny");
  const CostMatrix& d = result.instance.cost;
  EXPECT_EQ(result.p, 1U);
  ASSERT_EQ(d.clients, 4U);
  EXPECT_EQ(d.at(0, 1), 2.0F);
  EXPECT_EQ(d.at(1, 0), 2.0F);
  EXPECT_EQ(d.at(0, 2), 3.0F);
  EXPECT_EQ(d.at(0, 3), 10.0F);
  EXPECT_EQ(d.at(3, 1), 8.0F);
  EXPECT_EQ(d.at(2, 2), 0.0F);
  EXPECT_EQ(result.instance.demand, std::vector<double>(4, 1.0));
}

TEST(Orlib, DisconnectedVerticesStayUnreachable) {
  const auto result = parse_orlib("3 1 1\n1 2 4\n", "disconnected");
  EXPECT_EQ(result.instance.cost.at(0, 1), 4.0F);
  EXPECT_EQ(result.instance.cost.at(0, 2), kUnreachable);
  EXPECT_EQ(result.instance.cost.at(2, 2), 0.0F);
}

// Found by fuzzing: a 12-byte header asked for a 2.4 GB matrix (up to 40 GB before), and an edge cost
// beyond a float became +inf, i.e. silently unreachable.
TEST(Orlib, RefusesAMatrixTooLargeAndCostsThatOverflowAFloat) {
  try {
    (void)parse_orlib("24324 44 0\n", "huge");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Unsupported);
    EXPECT_NE(std::string(error.what()).find("24324 vertices"), std::string::npos) << error.what();
  }
  try {
    (void)parse_orlib("2 1 1\n1 2 1e39\n", "overflow");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse);
    ASSERT_TRUE(error.where().has_value());
    EXPECT_EQ(error.where()->line, 2U);
  }
  EXPECT_EQ(parse_orlib("2 1 1\n1 2 1e38\n", "large").instance.cost.at(0, 1), 1e38F);
  // An edge count no file of this size can hold (it converted to an integer with undefined behaviour).
  EXPECT_THROW((void)parse_orlib("2 1e99 1\n1 2 3\n", "count"), Error);
  // A p beyond n (found by fuzzing: 6.7e63 converted to an integer with undefined behaviour).
  try {
    (void)parse_orlib("11 0\n\n66666666666666666666666666666666666666666666666666666666666666603\n", "p");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse);
    EXPECT_NE(std::string(error.what()).find("at most the vertex count"), std::string::npos) << error.what();
  }
  EXPECT_EQ(parse_orlib("2 1 2\n1 2 3\n", "p equals n").p, 2U);
}

TEST(Orlib, MalformedInputIsAParseErrorWithLine) {
  try {
    (void)parse_orlib("3 2 1\n1 2 4\n2 x 1\n", "bad");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse);
    ASSERT_TRUE(error.where().has_value());
    EXPECT_EQ(error.where()->line, 3U);
  }
  EXPECT_THROW((void)parse_orlib("3 2 1\n1 2 4\n", "short"), Error);
  EXPECT_THROW((void)parse_orlib("3 1 1\n1 4 4\n", "range"), Error);
  EXPECT_THROW((void)parse_orlib("3 1 1\n1 2 -4\n", "negative"), Error);
  EXPECT_THROW((void)parse_orlib("3 1 1\n1 2 4\n5 5 5\n", "extra"), Error);
  try {
    (void)read_orlib("/nonexistent/pmed.txt");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Io);
  }
}

TEST(Orlib, Pmed1HeaderAndSymmetry) {
  const auto result = read_orlib(test::orlib_path(1));
  EXPECT_EQ(result.instance.name, "pmed1");
  EXPECT_EQ(result.p, 5U);
  const CostMatrix& d = result.instance.cost;
  ASSERT_EQ(d.clients, 100U);
  for (std::size_t i = 0; i < 100; ++i) {
    for (std::size_t j = 0; j < 100; ++j) ASSERT_EQ(d.at(i, j), d.at(j, i));
  }
}

// Floyd–Warshall and per-source Dijkstra agree on random sparse graphs with integer costs.
RC_GTEST_PROP(ShortestPaths, FloydWarshallEqualsDijkstra, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(1, 30);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Rng rng(seed);
  std::vector<float> graph(n * n, kUnreachable);
  for (std::size_t i = 0; i < n; ++i) graph[i * n + i] = 0.0F;
  const std::size_t edges = rng.uniform_index(3 * n + 1);
  for (std::size_t e = 0; e < edges; ++e) {
    const std::size_t a = rng.uniform_index(n);
    const std::size_t b = rng.uniform_index(n);
    if (a == b) continue;
    const auto c = static_cast<float>(rng.uniform_index(100));
    graph[a * n + b] = graph[b * n + a] = c;
  }
  std::vector<float> fw = graph;
  std::vector<float> dj = graph;
  floyd_warshall(fw, n);
  all_pairs_dijkstra(dj, n);
  RC_ASSERT(fw == dj);
}

TEST(MatrixCsv, LongMatrixWithDemandAndGroups) {
  const std::string matrix =
      write_temp("m.csv", "from_id,to_id,cost\na,s1,3\na,s2,5\nb,s2,1\nb,s1,4\nb,s1,2\n");
  const std::string demand = write_temp("d.csv", "id,population,band\na,10,rural\nb,20,urban\nc,5,rural\n");
  MatrixCsvSpec spec;
  spec.group_column = "band";
  const PlanInstance instance = read_matrix_csv(matrix, demand, spec);
  ASSERT_EQ(instance.client_count(), 3U);
  ASSERT_EQ(instance.candidate_count(), 2U);
  EXPECT_EQ(instance.candidate_ids, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(instance.cost.at(0, 0), 3.0F);
  EXPECT_EQ(instance.cost.at(1, 0), 2.0F);          // a repeated pair keeps its cheapest cost
  EXPECT_EQ(instance.cost.at(2, 1), kUnreachable);  // c is in no matrix row
  EXPECT_EQ(instance.demand, (std::vector<double>{10, 20, 5}));
  EXPECT_EQ(instance.groups.names, (std::vector<std::string>{"rural", "urban"}));
  EXPECT_EQ(instance.groups.codes, (std::vector<std::uint32_t>{0, 1, 0}));
  EXPECT_EQ(find_candidates(instance, {"s2"}), (std::vector<std::uint32_t>{1}));
  EXPECT_THROW((void)find_candidates(instance, {"s9"}), Error);
}

// The error message of read_demand_csv on `header` (empty if it reads).
std::string demand_error(const std::string& header, const MatrixCsvSpec& spec = {}) {
  const std::string demand = write_temp("dh.csv", header + "\na,1,2,3\n");
  try {
    const PlanInstance instance = read_demand_csv(demand, spec);
    return instance.weight_column.empty() ? std::string("unweighted")
                                          : "weighted by " + instance.weight_column;
  } catch (const Error& error) {
    return error.what();
  }
}

TEST(DemandCsv, ALookalikeWeightColumnIsAnError) {
  EXPECT_EQ(demand_error("id,population,band,x"), "weighted by population");
  EXPECT_EQ(demand_error("id,weight,band,x"), "weighted by weight");
  EXPECT_EQ(demand_error("id,lon,lat,band"), "unweighted");
  EXPECT_EQ(demand_error("id,decile,income_group,name"), "unweighted");
  for (const char* typo : {"popultion", "Population", "populaton", "weigth", "pop", "pop2020", "weights"}) {
    const std::string message = demand_error(fmt::format("id,{},band,x", typo));
    EXPECT_NE(message.find(fmt::format("'{}' looks like", typo)), std::string::npos)
        << typo << ": " << message;
    EXPECT_NE(message.find("did you mean"), std::string::npos) << message;
  }
  MatrixCsvSpec unweighted;
  unweighted.unweighted = true;
  EXPECT_EQ(demand_error("id,popultion,band,x", unweighted), "unweighted");
  MatrixCsvSpec named;
  named.weight_column = "popultion";
  EXPECT_EQ(demand_error("id,popultion,band,x", named), "weighted by popultion");
  named.weight_column = "populaton";  // the option misspelt: the reader suggests the header's name
  EXPECT_NE(demand_error("id,popultion,band,x", named).find("no column named 'populaton'"),
            std::string::npos);
  named.unweighted = true;
  EXPECT_NE(demand_error("id,popultion,band,x", named).find("contradict"), std::string::npos);
}

TEST(DemandCsv, ARepeatedIdNamesBothLines) {
  const std::string demand = write_temp("dd.csv", "id,population\na,1\nb,2\na,3\n");
  try {
    (void)read_demand_csv(demand);
    FAIL() << "a repeated id was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("client id 'a' appears twice (first at line 2)"),
              std::string::npos)
        << error.what();
    EXPECT_EQ(error.where()->line, 4U);
  }
}

TEST(MatrixCsv, WithoutDemandClientsAreFromIds) {
  const std::string matrix = write_temp("m2.csv", "from_idx,to_idx,travel_time\n1,7,3.5\n2,7,1\n");
  const PlanInstance instance = read_matrix_csv(matrix, std::nullopt);
  EXPECT_EQ(instance.client_ids, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(instance.cost.at(0, 0), 3.5F);
  EXPECT_EQ(instance.demand, (std::vector<double>{1, 1}));
}

TEST(MatrixCsv, BadCellsAreReported) {
  const std::string negative = write_temp("m3.csv", "from_id,to_id,cost\na,s1,-3\n");
  try {
    (void)read_matrix_csv(negative, std::nullopt);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Parse);
    EXPECT_EQ(error.where()->line, 2U);
  }
  const std::string matrix = write_temp("m4.csv", "from_id,to_id,cost\na,s1,3\n");
  const std::string duplicate = write_temp("d4.csv", "id,weight\na,1\na,2\n");
  EXPECT_THROW((void)read_matrix_csv(matrix, duplicate), Error);
  const std::string no_cost = write_temp("m5.csv", "from_id,to_id,price\na,s1,3\n");
  try {
    (void)read_matrix_csv(no_cost, std::nullopt);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
  }
}

TEST(PlanInstance, ValidateRejectsBadContent) {
  PlanInstance instance = make_instance(CostMatrix(2, 2, 1.0F));
  EXPECT_NO_THROW(instance.validate());
  instance.demand[0] = -1.0;
  EXPECT_THROW(instance.validate(), Error);
  instance.demand[0] = 1.0;
  instance.fixed_open = {5};
  EXPECT_THROW(instance.validate(), Error);
}

}  // namespace
}  // namespace equalis::plan

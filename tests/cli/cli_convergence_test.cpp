// `equalis measure convergence` end to end: wide and long panels, β and σ output, bad input.

#include "cli_run.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace equalis {
namespace {

using cli_test::run;
using cli_test::RunResult;
using cli_test::write_temp;

const std::string kMexico = std::string(EQUALIS_TEST_DATA_DIR) + "/mexico/mexico.csv";
const std::string kDecades =
    "--value pcgdp1940 --value pcgdp1950 --value pcgdp1960 --value pcgdp1970 --value pcgdp1980 --value "
    "pcgdp1990 "
    "--value pcgdp2000";

TEST(CliConvergence, WideMexicoReproducesAbsoluteBeta) {
  const RunResult r = run(fmt::format("measure convergence {} {} --id State", kMexico, kDecades));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& result = json["result"];
  EXPECT_EQ(result["units"], 32);
  EXPECT_EQ(result["periods"].size(), 7U);
  // Independent python computation (see tests/measure/convergence_test.cpp).
  EXPECT_NEAR(result["beta"]["absolute"]["beta"].get<double>(), -0.0072548, 5e-7);
  EXPECT_EQ(result["beta"]["absolute"]["verdict"], "converging");
  EXPECT_NEAR(result["beta"]["absolute"]["half_life_years"].get<double>(), 72.78, 0.01);
  EXPECT_TRUE(result["beta"]["conditional"].is_null());
  EXPECT_EQ(result["density"]["periods"].size(), 7U);
  EXPECT_EQ(result["density"]["grid"].size(), 512U);
  EXPECT_NEAR(result["sigma"]["gini"][0].get<double>(), 0.3537237117345285, 1e-12);
}

TEST(CliConvergence, GroupsGiveConditionalBeta) {
  const RunResult r = run(fmt::format(
      "measure convergence {} {} --group hanson98 --no-density --from 1940 --to 1980", kMexico, kDecades));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["result"]["beta"]["to"], 1980.0);
  // intercept, ln_initial and four region dummies (five regions, one reference).
  EXPECT_EQ(json["result"]["beta"]["conditional"]["regression"]["coefficients"].size(), 6U);
  EXPECT_FALSE(json["result"].contains("density"));
}

TEST(CliConvergence, LongPanelEqualsWidePanel) {
  const std::string wide =
      write_temp("wide.csv", "id,v2000,v2010,v2020\na,10,12,15\nb,20,22,23\nc,40,41,43\nd,15,18,22\n");
  const std::string lng =
      write_temp("long.csv",
                 "id,year,v\na,2000,10\na,2010,12\na,2020,15\nb,2000,20\nb,2010,22\nb,2020,23\n"
                 "c,2000,40\nc,2010,41\nc,2020,43\nd,2020,22\nd,2010,18\nd,2000,15\n");
  const RunResult w =
      run(fmt::format("measure convergence {} --value v2000 --value v2010 --value v2020 --id id", wide));
  const RunResult l = run(fmt::format("measure convergence {} --value v --by year --id id", lng));
  ASSERT_EQ(w.exit_status, 0) << w.err;
  ASSERT_EQ(l.exit_status, 0) << l.err;
  const auto wj = nlohmann::json::parse(w.out)["result"];
  const auto lj = nlohmann::json::parse(l.out)["result"];
  EXPECT_DOUBLE_EQ(wj["beta"]["absolute"]["beta"].get<double>(),
                   lj["beta"]["absolute"]["beta"].get<double>());
  EXPECT_EQ(wj["sigma"]["cv"], lj["sigma"]["cv"]);
}

TEST(CliConvergence, BadPanelsAreClearErrors) {
  const std::string dup = write_temp("dup.csv", "id,year,v\na,2000,1\na,2000,2\nb,2000,3\nb,2010,4\n");
  const RunResult d = run(fmt::format("measure convergence {} --value v --by year --id id", dup));
  EXPECT_EQ(d.exit_status, 2);
  EXPECT_NE(d.err.find(dup + ":3:1"), std::string::npos) << d.err;
  EXPECT_NE(d.err.find("appears twice"), std::string::npos);
  const std::string gap = write_temp(
      "gap.csv", "id,year,v\na,2000,1\na,2010,2\nb,2000,3\nc,2000,1\nc,2010,2\nd,2000,4\nd,2010,5\n");
  const RunResult g = run(fmt::format("measure convergence {} --value v --by year --id id", gap));
  EXPECT_EQ(g.exit_status, 2);
  EXPECT_NE(g.err.find("unit 'b' has no row for period 2010"), std::string::npos) << g.err;
  const RunResult dropped =
      run(fmt::format("measure convergence {} --value v --by year --id id --missing drop", gap));
  ASSERT_EQ(dropped.exit_status, 0) << dropped.err;
  EXPECT_EQ(nlohmann::json::parse(dropped.out)["result"]["units_dropped"], 1);
  const std::string zero = write_temp("zero.csv", "id,v1,v2\na,1,2\nb,0,3\nc,2,2\n");
  const RunResult z = run(fmt::format("measure convergence {} --value v1 --value v2", zero));
  EXPECT_EQ(z.exit_status, 2);
  EXPECT_NE(z.err.find(zero + ":3:3"), std::string::npos) << z.err;
  const RunResult no_time =
      run(fmt::format("measure convergence {} --value State --value hanson98", kMexico));
  EXPECT_EQ(no_time.exit_status, 2);
  EXPECT_NE(no_time.err.find("cannot tell the period of column 'State'"), std::string::npos) << no_time.err;
}

}  // namespace
}  // namespace equalis

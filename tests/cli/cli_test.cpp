// Runs the equalis binary as a user would and checks its output, exit status and error messages.

#include "cli_run.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace {

using equalis::cli_test::data;
using equalis::cli_test::read_text;
using equalis::cli_test::run;
using equalis::cli_test::RunResult;
using equalis::cli_test::write_temp;

TEST(Cli, VersionAndHelp) {
  const RunResult version = run("--version");
  EXPECT_EQ(version.exit_status, 0);
  EXPECT_NE(version.out.find("equalis 0."), std::string::npos);
  const RunResult help = run("measure inequality --help");
  EXPECT_EQ(help.exit_status, 0);
  EXPECT_NE(help.out.find("--bootstrap"), std::string::npos);
}

TEST(Cli, MeasuresMexicoWithDecomposition) {
  const RunResult r =
      run(fmt::format("measure inequality {} --value pcgdp1940 --value pcgdp2000 --group hanson98",
                      data("mexico/mexico.csv")));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["results"].size(), 2U);
  EXPECT_EQ(json["results"][0]["indicator"], "pcgdp1940");
  EXPECT_NEAR(json["results"][0]["decomposition"]["ge"][1]["between"].get<double>(), 0.0345889, 5e-8);
  EXPECT_NEAR(json["results"][1]["decomposition"]["ge"][1]["between"].get<double>(), 0.03635872, 5e-9);
  EXPECT_NEAR(json["results"][1]["indices"]["theil_t"].get<double>(), 0.10660832349588023, 1e-12);
}

TEST(Cli, DagumDecompositionAddsUpAndHasIntervals) {
  const RunResult r = run(fmt::format(
      "measure inequality {} --value pcgdp1980 --group hanson98 --bootstrap 50", data("mexico/mexico.csv")));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  const auto& dagum = json["results"][0]["decomposition"]["dagum"];
  EXPECT_NEAR(dagum["within"].get<double>() + dagum["net_between"].get<double>() +
                  dagum["transvariation"].get<double>(),
              json["results"][0]["indices"]["gini"].get<double>(), 1e-12);
  EXPECT_EQ(dagum["groups"].size(), 5U);
  EXPECT_EQ(dagum["pairs"].size(), 10U);
  EXPECT_TRUE(json["results"][0]["bootstrap"]["intervals"].contains("dagum.net_between"));
}

TEST(Cli, LongFormByPeriodGivesOneResultPerPeriod) {
  const std::string path =
      write_temp("panel.csv",
                 "year,region,zone,value,pop\n"
                 "2020,a,east,10,100\n2020,b,east,20,50\n2020,c,west,30,10\n2020,d,west,35,10\n"
                 "2021,a,east,12,100\n2021,b,east,18,50\n2021,c,west,25,10\n2021,d,west,33,10\n");
  const RunResult r =
      run(fmt::format("measure inequality {} --value value --weight pop --group zone --by year", path));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json["results"].size(), 2U);
  EXPECT_EQ(json["results"][1]["period"], "2021");
  EXPECT_EQ(json["results"][0]["indices"]["total_weight"], 170.0);
}

TEST(Cli, CsvOutputWrittenAtomicallyToFile) {
  const std::string out =
      (std::filesystem::temp_directory_path() / fmt::format("equalis_{}_out.csv", ::getpid())).string();
  const RunResult r = run(fmt::format("measure inequality {} --value pcgdp1950 --format csv --output {}",
                                      data("mexico/mexico.csv"), out));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::string text = read_text(out);
  EXPECT_EQ(
      text.rfind("indicator,period,statistic,group,value,lower,upper,standard_error,valid_replicates\n", 0),
      0U);
  EXPECT_NE(text.find("pcgdp1950,,gini,,"), std::string::npos);
  std::filesystem::remove(out);
}

TEST(Cli, UnknownColumnSuggestsTheNearestName) {
  const RunResult r = run(fmt::format("measure inequality {} --value pcgdp194", data("mexico/mexico.csv")));
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find("no column named 'pcgdp194'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'pcgdp1940'"), std::string::npos) << r.err;
}

TEST(Cli, NonNumericCellNamesFileLineColumnAndLeavesNoOutput) {
  const std::string path = write_temp("bad.csv", "region,value\na,1\nb,x1\n");
  const std::string out = path + ".json";
  const RunResult r = run(fmt::format("measure inequality {} --value value -o {}", path, out));
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_NE(r.err.find(path + ":3:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not a number"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Cli, MissingValuesErrorOrDropWithCount) {
  const std::string path = write_temp("missing.csv", "region,value\na,1\nb,\nc,3\nd,4\n");
  const RunResult strict = run(fmt::format("measure inequality {} --value value", path));
  EXPECT_EQ(strict.exit_status, 2);
  EXPECT_NE(strict.err.find(path + ":3:3"), std::string::npos) << strict.err;
  EXPECT_NE(strict.err.find("--missing drop"), std::string::npos);
  const RunResult dropped = run(fmt::format("measure inequality {} --value value --missing drop", path));
  ASSERT_EQ(dropped.exit_status, 0) << dropped.err;
  const auto json = nlohmann::json::parse(dropped.out);
  EXPECT_EQ(json["results"][0]["rows_dropped"], 1);
  EXPECT_EQ(json["results"][0]["indices"]["units"], 3);
}

TEST(Cli, ZeroValueWithLogIndexIsRejectedWithTheFix) {
  const std::string path = write_temp("zero.csv", "region,value\na,0\nb,2\nc,3\n");
  const RunResult r = run(fmt::format("measure inequality {} --value value", path));
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_NE(r.err.find(path + ":2:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--ge-alpha 1,2"), std::string::npos);
  const RunResult ok =
      run(fmt::format("measure inequality {} --value value --ge-alpha 1,2 --atkinson-epsilon 0.5 "
                      "--indices gini,ge,atkinson,dispersion",
                      path));
  EXPECT_EQ(ok.exit_status, 0) << ok.err;
}

TEST(Cli, NegativeWeightAndSingletonGroupAreRejected) {
  const std::string weights = write_temp("negw.csv", "region,value,pop\na,1,10\nb,2,-5\n");
  const RunResult w = run(fmt::format("measure inequality {} --value value --weight pop", weights));
  EXPECT_EQ(w.exit_status, 2);
  EXPECT_NE(w.err.find(weights + ":3:5"), std::string::npos) << w.err;
  const std::string groups = write_temp("single.csv", "region,value,zone\na,1,x\nb,2,x\nc,3,y\n");
  const RunResult g = run(fmt::format("measure inequality {} --value value --group zone", groups));
  EXPECT_EQ(g.exit_status, 2);
  EXPECT_NE(g.err.find("group 'y'"), std::string::npos) << g.err;
  EXPECT_NE(g.err.find(groups + ":4:"), std::string::npos) << g.err;
  EXPECT_EQ(
      run(fmt::format("measure inequality {} --value value --group zone --allow-singleton-groups", groups))
          .exit_status,
      0);
}

TEST(Cli, RaggedRowsAndEmptyInput) {
  const std::string ragged = write_temp("ragged.csv", "region,value\na,1\nb,2,3\n");
  const RunResult r = run(fmt::format("measure inequality {} --value value", ragged));
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_NE(r.err.find(ragged + ":3:1"), std::string::npos) << r.err;
  const std::string header_only = write_temp("header.csv", "region,value\n");
  EXPECT_EQ(run(fmt::format("measure inequality {} --value value", header_only)).exit_status, 2);
  const std::string empty = write_temp("empty.csv", "");
  EXPECT_EQ(run(fmt::format("measure inequality {} --value value", empty)).exit_status, 3);
}

TEST(Cli, UnwritableOutputIsIoError) {
  const RunResult r = run(fmt::format("measure inequality {} --value pcgdp1940 -o /nonexistent-dir/x.json",
                                      data("mexico/mexico.csv")));
  EXPECT_EQ(r.exit_status, 4);
  EXPECT_NE(r.err.find("/nonexistent-dir/x.json"), std::string::npos);
}

}  // namespace

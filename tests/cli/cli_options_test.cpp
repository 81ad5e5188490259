// Every numeric option validated (issue "Never lie, never crash, never clobber"): out-of-range or
// non-finite values are errors that name the option, never an internal error, a wrapped-around unsigned
// number or a silently empty result.

#include "cli_run.hpp"

#include <gtest/gtest.h>

#include <string>

namespace equalis::cli_test {
namespace {

struct Case {
  std::string arguments;
  int exit_status;
  std::string names;  // the option the message must name
};

TEST(CliOptions, OutOfRangeNumbersAreClearErrors) {
  const std::string mexico = std::string(EQUALIS_EXAMPLES_DIR) + "/mexico/mexico.csv";
  const std::string pmed1 = data("orlib-pmed/pmed1.txt");
  const std::string monaco = std::string(EQUALIS_TEST_DATA_DIR) + "/../golden/data/monaco_demand.csv";
  const std::vector<Case> cases{
      // exit 70 (a vector larger than max_size) before
      {"measure inequality " + mexico + " --value pcgdp2000 --bootstrap 18446744073709551615", 2,
       "--bootstrap"},
      {"measure inequality " + mexico +
           " --value pcgdp2000 --group hanson98 --permutations 18446744073709551615",
       2, "--permutations"},
      // "a client has no open site" before
      {"plan pmedian --orlib " + pmed1 + " --time-limit -1", 2, "--time-limit"},
      {"plan pmedian --orlib " + pmed1 + " --time-limit nan", 2, "--time-limit"},
      {"plan pmedian --orlib " + pmed1 + " --gap nan", 2, "--gap"},
      // p = 18446744073709551613 and status infeasible before
      {"plan pmedian --orlib " + pmed1 + " --p -3", 105, "--p"},
      {"plan mclp --orlib " + pmed1 + " --p 2 --radius -5", 2, "--radius"},
      // a message with a 300-digit number before
      {"measure spatial " + monaco + " --value population --id id --knn 0 --x lon --y lat", 105, "--knn"},
  };
  for (const Case& c : cases) {
    const RunResult result = run(c.arguments);
    EXPECT_EQ(result.exit_status, c.exit_status) << c.arguments << "\n" << result.err;
    EXPECT_NE(result.err.find(c.names), std::string::npos) << c.arguments << "\n" << result.err;
    EXPECT_LT(result.err.size(), 400U) << result.err;
    EXPECT_EQ(result.err.find("internal error"), std::string::npos) << result.err;
  }
}

TEST(CliOptions, InvalidUtf8IsReportedWhereItIs) {
  // Accepted silently before (and an internal error once it reached JSON).
  const std::string path = write_temp("latin1.csv", "name,v,d\nok,1,1\nbad\xFF\xFE,2,0\n");
  for (const std::string& command :
       {"measure inequality " + path + " --value v", "audit metrics " + path + " -g name --decision d",
        "audit rules " + path + " --rule 'v > 0' -g name"}) {
    const RunResult result = run(command);
    EXPECT_EQ(result.exit_status, 3) << command << "\n" << result.err;
    EXPECT_NE(result.err.find(":3:4: invalid UTF-8 (byte 0xFF)"), std::string::npos) << command << "\n"
                                                                                     << result.err;
  }
}

}  // namespace
}  // namespace equalis::cli_test

namespace equalis::cli_test {
namespace {

// Regression (hardening issue): a missing input or a directory exited 105 with CLI11's words, or 70
// ("internal error … Is a directory") for `audit monitor --state DIR`; now exit 4 with the path named.
TEST(CliInputs, MissingFilesAndDirectoriesAreIoErrors) {
  const std::string dir = std::filesystem::temp_directory_path().string();
  const std::string mexico = std::string(EQUALIS_EXAMPLES_DIR) + "/mexico/mexico.csv";
  const std::vector<std::string> commands{
      "measure inequality /no/such/file.csv --value v",
      "measure inequality " + dir + " --value v",
      "plan pmedian --demand " + dir + " --matrix " + mexico + " --p 2",
      "audit metrics " + dir + " -g g --decision d",
      "network matrix --graph " + dir + " --origins " + mexico + " --destinations " + mexico,
      "audit monitor " + mexico + " --state " + dir + " -g name --decision pcgdp2000",
  };
  for (const auto& command : commands) {
    const RunResult r = run(command);
    EXPECT_EQ(r.exit_status, 4) << command << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("equalis: error: ", 0), 0U) << command << "\n" << r.err;
    EXPECT_TRUE(r.err.find("does not exist") != std::string::npos ||
                r.err.find("is a directory") != std::string::npos)
        << command << "\n"
        << r.err;
  }
}

// Regression: `-o` naming an input file overwrote the input (every command but `audit monitor`).
TEST(CliOutputs, AnOutputThatIsAnInputIsRefusedAndTheInputKept) {
  const std::string data = write_temp("kept.csv", "region,v\na,1\nb,2\nc,4\n");
  const std::string before = read_text(data);
  const std::string alias = std::filesystem::path(data).parent_path().string() + "/./" +
                            std::filesystem::path(data).filename().string();
  for (const std::string& output : {data, alias}) {
    const RunResult r = run("measure inequality " + data + " --value v -o " + output);
    EXPECT_EQ(r.exit_status, 2) << r.err;
    EXPECT_NE(r.err.find("is also an input"), std::string::npos) << r.err;
    EXPECT_EQ(read_text(data), before);
  }
  std::filesystem::remove(data);
}

// Regression: `network isochrone --geojson A -o B` wrote A even when B could not be written. Both outputs
// are committed together now; and durations are accepted as people write them.
TEST(CliOutputs, IsochroneOutputsAreCommittedTogether) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("equalis_iso_{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::string graph = (dir / "monaco.eqg").string();
  const std::string osm = data("osm/monaco.osm.pbf");
  ASSERT_EQ(run("network build --osm " + osm + " -o " + graph).exit_status, 0);
  const std::string geojson = (dir / "outline.geojson").string();
  const std::string base = "network isochrone --graph " + graph + " --lon 7.42 --lat 43.7313 --max-time 2min";
  const RunResult failed =
      run(base + " --geojson " + geojson + " -o " + (dir / "missing/report.json").string());
  EXPECT_EQ(failed.exit_status, 4) << failed.err;
  EXPECT_FALSE(std::filesystem::exists(geojson));
  const std::string report = (dir / "report.json").string();
  const RunResult ok = run(base + " --geojson " + geojson + " -o " + report);
  ASSERT_EQ(ok.exit_status, 0) << ok.err;
  EXPECT_TRUE(std::filesystem::exists(geojson));
  EXPECT_NE(read_text(report).find("\"max_time\": 120"), std::string::npos)
      << read_text(report).substr(0, 400);
  std::filesystem::remove_all(dir);
}

// Regression (hardening issue): a unit on two rows was ranked twice by `measure composite` and counted
// twice by `measure convergence` (wide form); now an error naming both lines.
TEST(CliInputs, DuplicateUnitIdsAreRefused) {
  const std::string composite = write_temp("dup_units.csv", "id,x,y\na,1,2\nb,2,3\na,3,1\nc,2,2\n");
  const std::string panel = write_temp("dup_panel.csv", "id,y2000,y2010\na,1,2\nb,2,3\na,3,1\nc,2,5\n");
  for (const std::string& command :
       {"measure composite " + composite + " -i x -i y --id id",
        "measure convergence " + panel + " --id id --value y2000 --value y2010"}) {
    const RunResult r = run(command);
    EXPECT_EQ(r.exit_status, 2) << command << "\n" << r.err;
    EXPECT_NE(r.err.find(":4:1: unit 'a' appears twice (first at line 2)"), std::string::npos) << r.err;
  }
  for (const auto& p : {composite, panel}) std::filesystem::remove(p);
}

}  // namespace
}  // namespace equalis::cli_test

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

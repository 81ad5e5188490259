// `equalis run` as a user runs it: the two bundled studies to their report folders, every problem of a
// broken study at once with nothing written, and an output folder that would swallow an input refused.

#include "cli_run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace equalis::cli_test {
namespace {

namespace fs = std::filesystem;

std::string example(const std::string& name) {
  return std::string(EQUALIS_EXAMPLES_DIR) + "/" + name;
}

struct OutputFolder {
  fs::path path = fs::temp_directory_path() / fmt::format("equalis_run_{}", ::getpid());
  OutputFolder() { fs::remove_all(path); }
  ~OutputFolder() {
    std::error_code error;
    fs::remove_all(path, error);
  }
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;
  [[nodiscard]] nlohmann::json report() const {
    return nlohmann::json::parse(read_text((path / "report.json").string()));
  }
};

TEST(CliRun, BeloHorizonteStudyWritesTheWholeReportFolder) {
  const OutputFolder out;
  const auto r = run(fmt::format("run {} --output {}", example("bho/study.toml"), out.path.string()));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("report: "), std::string::npos);
  const auto report = out.report();
  EXPECT_EQ(report["equalis"]["command"], "run");
  for (const char* section : {"access", "journeys", "plan"})
    EXPECT_TRUE(report["sections"].contains(section)) << section;
  // The access section is the access module's own document: 898 zones, five income groups, channels.
  const auto& access = report["sections"]["access"];
  EXPECT_EQ(access["zones"].size(), 898U);
  EXPECT_TRUE(access.contains("channels"));
  // Online only shuts people out, the poorest fifth most; help desks bring some back.
  const auto& scenarios = access["scenarios"];
  ASSERT_EQ(scenarios.size(), 4U);
  const auto excluded_after = [&](std::size_t s, const std::string& group) {
    for (const auto& g : scenarios[s]["groups"])
      if (g["group"] == group) return g["excluded_after"].get<double>();
    return -1.0;
  };
  EXPECT_GT(excluded_after(0, "income_q1"), excluded_after(0, "income_q5"));
  EXPECT_LT(excluded_after(1, "all"), excluded_after(0, "all"));
  // Journey scenarios: applying online only lowers the poorest fifth's completion more than the richest's.
  const auto& journey = report["sections"]["journeys"]["scenarios"][0]["changes"];
  const auto change = [&](const std::string& group) {
    for (const auto& c : journey)
      if (c["group"] == group) return c["completion_change"].get<double>();
    return 0.0;
  };
  EXPECT_LT(change("income_q1"), change("income_q5"));
  EXPECT_LT(change("income_q5"), 0.0);
  // The Rawlsian plan is no worse for its worst-off group than the efficient plan.
  const auto& plan = report["sections"]["plan"];
  const auto worst = [](const nlohmann::json& groups) {
    double w = 0.0;
    for (const auto& g : groups) w = std::max(w, g["mean_cost"].get<double>());
    return w;
  };
  EXPECT_LE(worst(plan["fair"]["result"]["groups"]), worst(plan["efficient"]["result"]["groups"]) + 1e-9);
  EXPECT_EQ(plan["price_of_fairness"].size(), 4U);
  // Recipe: the study file and every input, hashed.
  EXPECT_EQ(report["recipe"]["inputs"].size(), 13U);  // hexagons.csv twice: zones and facilities
  // The report a planner reads: one self-contained page with the computed findings first.
  const std::string html = read_text((out.path / "report.html").string());
  EXPECT_NE(html.find("<html lang=\"en\""), std::string::npos);
  EXPECT_NE(html.find("Poorest fifth"), std::string::npos);  // the study's labels
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_LT(html.size(), 5U << 20U);
  EXPECT_GE(report["findings"].size(), 3U);
  EXPECT_EQ(report["sections"]["plan"]["sites"].size(), 50U);
  EXPECT_GT(report["facilities"].size(), 100U);  // 158 hexagons with schools, placed from the zones file
  for (const char* file : {"zones.geojson", "tables/access_zones.csv", "tables/journeys_summary.csv",
                           "tables/plan_rawls.csv", "tables/price_of_fairness.csv"}) {
    EXPECT_TRUE(fs::exists(out.path / file)) << file;
  }
}

// A real place with straight-line travel and the "One Network for All Matters" journeys (seconds from the
// straight lines are travel times the journeys add up).
TEST(CliRun, GuizhouStudyRunsAccessAndJourneysOnStraightLines) {
  const OutputFolder out;
  const auto r =
      run(fmt::format("run {} --output {}", example("access/guizhou/study.toml"), out.path.string()));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto report = out.report();
  EXPECT_TRUE(report["sections"].contains("access"));
  const auto& journeys = report["sections"]["journeys"];
  EXPECT_EQ(journeys["matters"].size(), 4U);
  EXPECT_EQ(journeys["scenarios"].size(), 5U);
  bool rural_excluded_most = false;
  for (const auto& finding : report["findings"]) {
    if (finding["id"] == "no_usable_channel") rural_excluded_most = finding["group"] == "pop_rural";
  }
  EXPECT_TRUE(rural_excluded_most) << report["findings"];
}

// Office kinds in a study ([journeys] offices) give the same journeys as `equalis journeys --office`.
TEST(CliRun, JourneysWithOfficeKindsEqualTheJourneysCommand) {
  const auto dir = fs::temp_directory_path() / fmt::format("equalis_run_offices_{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "zones.csv") << "id,population,pop_60plus,pop_rural\nA,1000,200,0\nB,800,200,800\n";
  std::ofstream(dir / "clinics.csv") << "id,capacity\nX,5\n";
  std::ofstream(dir / "hospitals.csv") << "id\nH\n";
  std::ofstream(dir / "matrix.csv") << "from,to,cost\nA,X,10\nB,X,50\nA,H,20\nB,H,60\n";
  std::ofstream(dir / "study.toml") << fmt::format(
      "[zones]\nfile = \"zones.csv\"\ngroups = [\"pop_60plus\", \"pop_rural\"]\n[facilities]\nfile = "
      "\"clinics.csv\"\n[costs]\nmatrix = \"matrix.csv\"\nunit = \"minutes\"\n[access]\nstandard = "
      "\"30min\"\nmeasures = [\"closest\"]\n[journeys]\ncatalogue = \"{}\"\nabilities = \"{}\"\n"
      "offices = {{ partner_hospital = \"hospitals.csv\" }}\n",
      example("journeys/telemedicine_catalogue.toml"), example("journeys/telemedicine_abilities_cn.csv"));
  auto r = run(
      fmt::format("run {} --output {} --no-cache", (dir / "study.toml").string(), (dir / "out").string()));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto report = nlohmann::json::parse(read_text((dir / "out/report.json").string()));
  r =
      run(fmt::format("journeys {} --facilities {} --matrix {} --cost-unit minutes --standard 30min "
                      "--group-columns pop_60plus,pop_rural --catalogue {} --abilities {} --office "
                      "partner_hospital={} --format json",
                      (dir / "zones.csv").string(), (dir / "clinics.csv").string(),
                      (dir / "matrix.csv").string(), example("journeys/telemedicine_catalogue.toml"),
                      example("journeys/telemedicine_abilities_cn.csv"), (dir / "hospitals.csv").string()));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto direct = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["sections"]["journeys"]["matters"], direct["matters"]);
  fs::remove_all(dir);
}

TEST(CliRun, TheReportSpeaksChineseWhenAsked) {
  const OutputFolder out;
  const auto r =
      run(fmt::format("run {} --output {} --lang zh", example("bho/study.toml"), out.path.string()));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::string html = read_text((out.path / "report.html").string());
  EXPECT_NE(html.find("<html lang=\"zh"), std::string::npos);
  EXPECT_NE(html.find("收入最低的五分之一"), std::string::npos);
  EXPECT_EQ(html.find("Poorest fifth"), std::string::npos);
}

TEST(CliRun, RegionsStudyRunsTheSectionsWithoutAMap) {
  const OutputFolder out;
  const auto r = run(fmt::format("run {} --output {}", example("regions/study.toml"), out.path.string()));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const auto report = out.report();
  for (const char* section : {"inequality", "convergence", "composite", "audit"}) {
    EXPECT_TRUE(report["sections"].contains(section)) << section;
  }
  EXPECT_FALSE(report["sections"].contains("access"));
  EXPECT_FALSE(fs::exists(out.path / "zones.geojson"));
}

// Routed costs are cached with their snapping: a second run reads them back and reports the same numbers.
TEST(CliRun, RoutedTravelCostsAreReusedFromTheCache) {
  const auto dir = fs::temp_directory_path() / fmt::format("equalis_run_graph_{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto graph = (dir / "monaco.eqg").string();
  auto r = run(fmt::format("network build --osm {} --profile walk -o {}", data("osm/monaco.osm.pbf"), graph));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  std::ofstream(dir / "zones.csv")
      << "id,population,old,lon,lat\nZ1,1000,300,7.42,43.7313\nZ2,800,100,7.412,43.73\n"
         "Z3,500,200,7.43,43.74\n";
  std::ofstream(dir / "offices.csv") << "id,capacity,lon,lat\nH1,10,7.419,43.733\nH2,5,7.426,43.738\n";
  std::ofstream(dir / "study.toml") << "[zones]\nfile = \"zones.csv\"\ngroups = [\"old\"]\n[facilities]\n"
                                       "file = \"offices.csv\"\n[costs]\ngraph = \"monaco.eqg\"\n";
  const auto command = fmt::format("run {} --output {} --cache-dir {}", (dir / "study.toml").string(),
                                   (dir / "out").string(), (dir / "cache").string());
  r = run(command);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out.find("from the cache"), std::string::npos) << r.out;
  const auto first = nlohmann::json::parse(read_text((dir / "out/report.json").string()));
  r = run(command);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("(travel costs from the cache)"), std::string::npos) << r.out;
  const auto second = nlohmann::json::parse(read_text((dir / "out/report.json").string()));
  EXPECT_EQ(second["sections"], first["sections"]);
  EXPECT_TRUE(first["sections"]["access"]["inputs"]["costs"].contains("snapping"))
      << first["sections"]["access"]["inputs"];
  // --no-cache recomputes.
  r = run(command + " --no-cache");
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out.find("from the cache"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

// Ctrl-C in the middle of a long stage: the run stops promptly with the cancelled status and writes no
// folder (a plan on 400 × 400 points whose fair objective would run its whole 60 s time limit).
TEST(CliRun, CtrlCStopsTheRunAndWritesNothing) {
  const auto dir = fs::temp_directory_path() / fmt::format("equalis_run_sigint_{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  constexpr int kPoints = 400;
  std::string matrix = "from_id,to_id,cost\n";
  std::string demand = "id,population,group\n";
  for (int i = 0; i < kPoints; ++i) {
    const int xi = i * 7919 % 1000;
    const int yi = i * 104729 % 997;
    for (int j = 0; j < kPoints; ++j) {
      const int dx = xi - j * 7919 % 1000;
      const int dy = yi - j * 104729 % 997;
      matrix += fmt::format("{},{},{}\n", i, j, static_cast<int>(std::sqrt(dx * dx + dy * dy)));
    }
    demand += fmt::format("{},{},g{}\n", i, 1 + i % 7, i % 5);
  }
  std::ofstream(dir / "matrix.csv") << matrix;
  std::ofstream(dir / "demand.csv") << demand;
  std::ofstream(dir / "study.toml")
      << "[plan]\nmatrix = \"matrix.csv\"\ndemand = \"demand.csv\"\ngroup = \"group\"\n"
         "p = 20\ntime_limit = 60\n";
  const std::string study = (dir / "study.toml").string();
  const std::string output = (dir / "out").string();
  std::vector<std::string> arguments{EQUALIS_BINARY, "run", study, "--output", output};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const pid_t child = ::fork();
  if (child == 0) {
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  ASSERT_GT(child, 0);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const auto sent = std::chrono::steady_clock::now();
  ::kill(child, SIGINT);
  int status = 0;
  ::waitpid(child, &status, 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_LT(seconds, 10.0);
  EXPECT_FALSE(fs::exists(output));
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".out.tmp"), std::string::npos) << entry.path();
  }
  fs::remove_all(dir);
}

TEST(CliRun, ABrokenStudyListsEveryProblemAndWritesNothing) {
  const OutputFolder out;
  const std::string study =
      write_temp("broken_study.toml", "[study]\ntitel = \"x\"\n\n[inequality]\nfile = \"no.csv\"\n");
  const auto r = run(fmt::format("run {} --output {}", study, out.path.string()));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("3 problems in the study"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'title'?"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("inequality.file: no file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[inequality] without values"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out.path));
  fs::remove(study);
}

TEST(CliRun, AnOutputFolderHoldingAnInputIsRefused) {
  const auto r = run(fmt::format("run {} --output {}", example("regions/study.toml"), example("mexico")));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("holds the study's input"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(example("mexico/mexico.csv")));
}

}  // namespace
}  // namespace equalis::cli_test

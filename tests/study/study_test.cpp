// The study file and the study run: every problem of a study reported at once with its place and the
// nearest valid key; defaults recorded; the run equals the modules' own facades (it changes no number);
// the output folder replaced whole or not at all.

#include "study/study.hpp"

#include "study/study_run.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "report/access_report.hpp"
#include "report/study_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace equalis::study {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A scratch folder with small inputs; a study written there reads them by relative paths.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / fs::path("equalis_study_test_" + std::to_string(::getpid()));
  Scratch() {
    fs::create_directories(dir);
    write("zones.csv", "id,population,old\nA,100,40\nB,200,20\nC,50,50\n");
    write("offices.csv", "id,capacity\nX,2\nY,1\n");
    write("matrix.csv", "from,to,cost\nA,X,10\nB,X,40\nB,Y,20\nC,Y,70\n");
  }
  ~Scratch() {
    std::error_code error;
    fs::remove_all(dir, error);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  void write(const std::string& name, const std::string& text) const { std::ofstream(dir / name) << text; }
  [[nodiscard]] std::string path(const std::string& name) const { return (dir / name).string(); }
};

constexpr const char* kAccessStudy = R"([study]
title = "small"

[zones]
file = "zones.csv"
groups = ["old"]

[facilities]
file = "offices.csv"

[costs]
matrix = "matrix.csv"
unit = "minutes"

[access]
measures = ["cumulative=30min", "2sfca=binary:30min"]
standard = "30min"
)";

std::string error_of(const std::string& text, const std::string& path) {
  try {
    (void)parse_study(text, path);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(StudyFile, ReadsSectionsIntoRequestsWithPathsRelativeToTheStudy) {
  const Scratch scratch;
  const Study study = parse_study(kAccessStudy, scratch.path("study.toml"));
  ASSERT_TRUE(study.access.has_value());
  EXPECT_EQ(study.title, "small");
  EXPECT_EQ(fs::path(study.access->zones.file), scratch.dir / "zones.csv");
  EXPECT_EQ(study.access->zones.group_columns, std::vector<std::string>{"old"});
  EXPECT_EQ(study.access->costs.unit, io::CostUnit::Minutes);
  EXPECT_EQ(study.access->standard, "30min");
  EXPECT_EQ(study.inputs.size(), 3U);
  EXPECT_FALSE(study.journeys.has_value());
  EXPECT_TRUE(study.defaults.empty());  // every access option was given
}

TEST(StudyFile, RecordsEveryDefaultItApplies) {
  const Scratch scratch;
  std::string text = kAccessStudy;
  text = text.substr(0, text.find("[access]"));
  const Study study = parse_study(text, scratch.path("study.toml"));
  std::vector<std::string> keys;
  for (const auto& applied : study.defaults) keys.push_back(applied.key);
  EXPECT_THAT(keys, ::testing::ElementsAre("access.measures", "access.standard"));
  EXPECT_EQ(study.access->standard, "30min");
}

TEST(StudyFile, ListsEveryProblemAtOnceWithLineColumnAndTheNearestKey) {
  const Scratch scratch;
  const std::string text = R"([study]
titel = "typo"

[zones]
file = "nowhere.csv"
groups = "old"

[facilities]
file = "offices.csv"
capasity = "staff"

[costs]
matrix = "matrix.csv"
unit = "hours"

[acess]
standard = "30min"

[plan]
p = -1
)";
  const std::string message = error_of(text, scratch.path("study.toml"));
  const std::string file = scratch.path("study.toml");
  EXPECT_THAT(message, HasSubstr("problems in the study"));
  EXPECT_THAT(message, HasSubstr(file + ":2:1: unknown key 'titel' in [study] (fix: did you mean 'title'?)"));
  EXPECT_THAT(message, HasSubstr(file + ":5:8: zones.file: no file"));
  EXPECT_THAT(message,
              HasSubstr(":10:1: unknown key 'capasity' in [facilities] (fix: did you mean 'capacity'?)"));
  EXPECT_THAT(message, HasSubstr(":14:8: costs.unit is 'hours', not one of seconds, minutes, metres, given"));
  EXPECT_THAT(message, HasSubstr(":16:2: unknown section [acess] (fix: did you mean [access]?)"));
  EXPECT_THAT(message, HasSubstr(":20:5: plan.p must be a whole number"));
  EXPECT_THAT(message, HasSubstr("plan.matrix is missing"));
}

TEST(StudyFile, ColumnsMissingFromTheirFilesAreFoundBeforeAnyWork) {
  const Scratch scratch;
  std::string text = kAccessStudy;
  text.replace(text.find("groups = [\"old\"]"), 16, "groups = [\"olde\"]\nincome = \"wealth\"");
  text +=
      "\n[plan]\nmatrix = \"matrix.csv\"\ndemand = \"zones.csv\"\ngroup = \"old\"\nweight = "
      "\"popluation\"\np = "
      "1\n";
  const std::string message = error_of(text, scratch.path("study.toml"));
  EXPECT_THAT(message, HasSubstr("3 problems in the study"));
  EXPECT_THAT(message,
              HasSubstr(":6:11: zones.groups: no column 'olde' in zones.csv (fix: did you mean 'old'?)"));
  EXPECT_THAT(message, HasSubstr(":7:10: zones.income: no column 'wealth' in zones.csv (fix: its columns "
                                 "are: id, population, old)"));
  EXPECT_THAT(
      message,
      HasSubstr("plan.weight: no column 'popluation' in zones.csv (fix: did you mean 'population'?)"));
}

TEST(StudyFile, IdsThatDisagreeAcrossFilesAreFoundBeforeAnyWork) {
  const Scratch scratch;
  scratch.write("groups.csv", "zone,group,population\nA,old,10\nQ,old,5\n");
  scratch.write("demand.csv", "id,population,group\nA,1,x\nA,2,y\n");
  std::string text = kAccessStudy;
  text.replace(text.find("groups = [\"old\"]"), 16, "groups_file = \"groups.csv\"");
  text += "\n[plan]\nmatrix = \"matrix.csv\"\ndemand = \"demand.csv\"\ngroup = \"group\"\np = 1\n";
  std::string message = error_of(text, scratch.path("study.toml"));
  EXPECT_THAT(message, HasSubstr("2 problems in the study"));
  EXPECT_THAT(message, HasSubstr("zones.file: "));
  EXPECT_THAT(message, HasSubstr("'Q'"));
  EXPECT_THAT(message, HasSubstr("plan.demand: "));
  EXPECT_THAT(message, HasSubstr("demand.csv:3"));
  // A focus group the demand file does not have.
  scratch.write("demand.csv", "id,population,group\nA,1,low\nB,2,high\n");
  scratch.write("groups.csv", "zone,group,population\nA,old,10\n");
  text += "focus_groups = [\"lwo\"]\n";
  message = error_of(text, scratch.path("study.toml"));
  EXPECT_THAT(message,
              HasSubstr("plan.focus_groups: no group 'lwo' in the demand file (fix: did you mean 'low'?)"));
  // An existing site that is no candidate of the plan's matrix.
  text.replace(text.find("focus_groups = [\"lwo\"]"), 22, "existing = [\"Z\"]");
  message = error_of(text, scratch.path("study.toml"));
  EXPECT_THAT(message, HasSubstr("plan.matrix: "));
  EXPECT_THAT(message, HasSubstr("'Z'"));
}

TEST(StudyFile, RefusesWrongTypesAndTomlThatDoesNotParse) {
  const Scratch scratch;
  EXPECT_THAT(error_of("[study]\ntitle = 3\n", scratch.path("s.toml")),
              HasSubstr("study.title must be a string"));
  EXPECT_THAT(error_of("[study\n", scratch.path("s.toml")), HasSubstr("not valid TOML"));
  EXPECT_THAT(error_of("[study]\ntitle = \"nothing to do\"\n", scratch.path("s.toml")),
              HasSubstr("the study names no analysis"));
  EXPECT_THAT(error_of("zones = 3\n", scratch.path("s.toml")), HasSubstr("'zones' must be a [section]"));
}

TEST(StudyFile, ASingleCostSourceIsRequired) {
  const Scratch scratch;
  std::string text = kAccessStudy;
  text.replace(text.find("matrix = \"matrix.csv\""), 21,
               "matrix = \"matrix.csv\"\nstraight_line = \"20km/h\"");
  EXPECT_THAT(error_of(text, scratch.path("study.toml")), HasSubstr("more than one cost source"));
}

TEST(StudyRun, AccessSectionEqualsTheAccessFacade) {
  const Scratch scratch;
  const Study study = parse_study(kAccessStudy, scratch.path("study.toml"));
  const StudyResult result = run_study(study);
  ASSERT_TRUE(result.access.has_value());
  const access::AccessResult direct = access::run_access(*study.access);
  const auto json = report::study_json(study, result);
  EXPECT_EQ(json["sections"]["access"], report::to_json(*study.access, direct));
  ASSERT_EQ(result.timings.size(), 1U);
  EXPECT_EQ(result.timings[0].stage, "access");
  // The recipe names every input with its hash.
  ASSERT_EQ(json["recipe"]["inputs"].size(), 3U);
  EXPECT_EQ(json["recipe"]["inputs"][0]["sha256"].get<std::string>().size(), 64U);
}

TEST(StudyRun, AStageErrorNamesTheStage) {
  const Scratch scratch;
  std::string text = kAccessStudy;
  text.replace(text.find("\"2sfca=binary:30min\""), 20, "\"nonsense\"");
  const Study study = parse_study(text, scratch.path("study.toml"));
  try {
    (void)run_study(study);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_THAT(error.message(), HasSubstr("[access]"));
    // The module's field is spelt as the study file's key, not as a command-line flag.
    EXPECT_THAT(error.what(), HasSubstr("access.measures"));
    EXPECT_THAT(error.what(), ::testing::Not(HasSubstr("`")));
  }
}

TEST(StudyRun, ReusesCachedTravelCostsOnlyWhileTheInputsAreUnchanged) {
  const Scratch scratch;
  const Study study = parse_study(kAccessStudy, scratch.path("study.toml"));
  const RunOptions options{scratch.path("cache")};
  const auto section = [&](const StudyResult& result) {
    return report::study_json(study, result)["sections"];
  };
  const StudyResult first = run_study(study, null_progress(), options);
  EXPECT_EQ(first.timings[0].cache, "stored");
  const StudyResult second = run_study(study, null_progress(), options);
  EXPECT_EQ(second.timings[0].cache, "reused");
  EXPECT_EQ(section(second), section(first));  // the same numbers from the cache
  // A changed matrix is a miss, and the new costs count.
  scratch.write("matrix.csv", "from,to,cost\nA,X,10\nB,X,40\nB,Y,20\nC,Y,25\n");
  const StudyResult changed = run_study(study, null_progress(), options);
  EXPECT_EQ(changed.timings[0].cache, "stored");
  EXPECT_NE(section(changed), section(first));
  // A damaged entry is a miss, never a crash or a wrong answer.
  for (const auto& entry : fs::directory_iterator(scratch.dir / "cache")) {
    fs::resize_file(entry.path(), fs::file_size(entry.path()) / 2);
  }
  const StudyResult damaged = run_study(study, null_progress(), options);
  EXPECT_EQ(damaged.timings[0].cache, "stored");
  EXPECT_EQ(section(damaged), section(changed));
  // Without a cache folder nothing is cached.
  EXPECT_EQ(run_study(study).timings[0].cache, "");
}

struct StopAtOnce final : ProgressSink {
  [[nodiscard]] bool stop_requested() const override { return true; }
};

TEST(StudyRun, StopsWhenAskedBeforeAnyStage) {
  const Scratch scratch;
  const Study study = parse_study(kAccessStudy, scratch.path("study.toml"));
  StopAtOnce stop;
  try {
    (void)run_study(study, stop);
    FAIL() << "expected Cancelled";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Cancelled);
  }
}

TEST(OutputFolder, IsReplacedWholeAndNeverOverAForeignFolder) {
  const Scratch scratch;
  const std::string out = scratch.path("out");
  write_folder_atomically(out, {{"report.json", "{}\n"}, {"tables/a.csv", "a\n1\n"}}, "report.json");
  EXPECT_TRUE(fs::exists(scratch.dir / "out/tables/a.csv"));
  // A second run replaces the folder: a file the first wrote and the second did not is gone.
  write_folder_atomically(out, {{"report.json", "{\"run\": 2}\n"}}, "report.json");
  EXPECT_FALSE(fs::exists(scratch.dir / "out/tables/a.csv"));
  std::ifstream in(scratch.dir / "out/report.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "{\"run\": 2}\n");
  // A folder of someone else's files is refused and left alone.
  fs::create_directories(scratch.dir / "mine");
  scratch.write("mine/thesis.tex", "precious");
  EXPECT_THROW(write_folder_atomically(scratch.path("mine"), {{"report.json", "{}"}}, "report.json"), Error);
  EXPECT_TRUE(fs::exists(scratch.dir / "mine/thesis.tex"));
  // No staging folder is left behind.
  for (const auto& entry : fs::directory_iterator(scratch.dir)) {
    EXPECT_THAT(entry.path().filename().string(), ::testing::Not(HasSubstr(".tmp.")));
  }
}

}  // namespace
}  // namespace equalis::study

// Golden tests as data: every documented command with its input and its expected output under
// tests/golden/. They pin the numbers across refactorings (the module facades moved code out of apps/cli
// without changing a byte of output). A case file `cases/NAME.case` holds lines `key: value`:
//   run:       the equalis arguments, run from the repository root (@TMP@ is a fresh temp folder)
//   setup:     an equalis invocation run before `run` (repeatable), e.g. building a graph into @TMP@
//   compare:   stdout (default) or a file path under @TMP@ that `run` writes
//   expect:    the expected output, relative to tests/golden/expected/
//   status:    expected exit status (default 0)
//   ignore:    JSON keys skipped wherever they occur (timings), comma-separated
//   mask:      a regex whose matches are blanked in text/CSV before comparing (repeatable)
//   tolerance: relative tolerance for JSON numbers (default 0: identical)
// EQUALIS_GOLDEN_UPDATE=1 rewrites the expected files (review the diff before committing it).

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kRoot = EQUALIS_SOURCE_DIR;
const fs::path kGolden = kRoot / "tests" / "golden";

struct GoldenCase {
  std::string name;
  std::string run;
  std::vector<std::string> setup;
  std::string compare = "stdout";
  std::string expect;
  int status = 0;
  std::set<std::string> ignore;
  std::vector<std::string> masks;
  double tolerance = 0.0;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

GoldenCase parse_case(const fs::path& path) {
  GoldenCase golden;
  golden.name = path.stem().string();
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error(path.string() + ": line without 'key:'");
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    if (key == "run") {
      golden.run = value;
    } else if (key == "setup") {
      golden.setup.push_back(value);
    } else if (key == "compare") {
      golden.compare = value;
    } else if (key == "expect") {
      golden.expect = value;
    } else if (key == "status") {
      golden.status = std::stoi(value);
    } else if (key == "ignore") {
      std::stringstream keys(value);
      std::string item;
      while (std::getline(keys, item, ',')) golden.ignore.insert(trim(item));
    } else if (key == "mask") {
      golden.masks.push_back(value);
    } else if (key == "tolerance") {
      golden.tolerance = std::stod(value);
    } else {
      throw std::runtime_error(path.string() + ": unknown key '" + key + "'");
    }
  }
  return golden;
}

std::vector<GoldenCase> all_cases() {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(kGolden / "cases"))
    if (entry.path().extension() == ".case") paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  std::vector<GoldenCase> cases;
  for (const auto& path : paths) cases.push_back(parse_case(path));
  return cases;
}

std::string substitute(std::string text, const std::string& tmp) {
  for (std::size_t at = text.find("@TMP@"); at != std::string::npos; at = text.find("@TMP@", at))
    text.replace(at, 5, tmp);
  return text;
}

struct RunOutput {
  int status = -1;
  std::string out;
};

RunOutput run_equalis(const std::string& arguments) {
  const std::string command =
      fmt::format("cd '{}' && '{}' {} 2>/dev/null", kRoot.string(), EQUALIS_BINARY, arguments);
  RunOutput result;
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 65536> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string masked(std::string text, const std::vector<std::string>& masks) {
  for (const std::string& mask : masks) text = std::regex_replace(text, std::regex(mask), "#");
  return text;
}

bool numbers_agree(double expected, double actual, double tolerance) {
  if (expected == actual) return true;
  return std::abs(expected - actual) <= tolerance * std::max(std::abs(expected), std::abs(actual));
}

// Collects every difference between two JSON documents, each with its path.
void compare_json(const nlohmann::json& expected, const nlohmann::json& actual, const std::string& path,
                  const GoldenCase& golden, std::vector<std::string>& differences) {
  if (differences.size() > 20) return;
  if (expected.is_number() && actual.is_number()) {
    if (!numbers_agree(expected.get<double>(), actual.get<double>(), golden.tolerance))
      differences.push_back(fmt::format("{}: expected {}, got {}", path, expected.dump(), actual.dump()));
    return;
  }
  if (expected.type() != actual.type()) {
    differences.push_back(fmt::format("{}: expected {}, got {}", path, expected.dump(), actual.dump()));
    return;
  }
  if (expected.is_object()) {
    std::vector<std::string> expected_keys, actual_keys;
    for (const auto& [key, value] : expected.items())
      if (!golden.ignore.contains(key)) expected_keys.push_back(key);
    for (const auto& [key, value] : actual.items())
      if (!golden.ignore.contains(key)) actual_keys.push_back(key);
    if (expected_keys != actual_keys) {
      differences.push_back(fmt::format("{}: keys expected [{}], got [{}]", path,
                                        fmt::join(expected_keys, ","), fmt::join(actual_keys, ",")));
      return;
    }
    for (const std::string& key : expected_keys)
      compare_json(expected.at(key), actual.at(key), path + "." + key, golden, differences);
    return;
  }
  if (expected.is_array()) {
    if (expected.size() != actual.size()) {
      differences.push_back(
          fmt::format("{}: {} elements expected, got {}", path, expected.size(), actual.size()));
      return;
    }
    for (std::size_t i = 0; i < expected.size(); ++i)
      compare_json(expected[i], actual[i], fmt::format("{}[{}]", path, i), golden, differences);
    return;
  }
  if (expected != actual)
    differences.push_back(fmt::format("{}: expected {}, got {}", path, expected.dump(), actual.dump()));
}

void PrintTo(const GoldenCase& golden, std::ostream* out) {
  *out << golden.name;
}

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, OutputIsUnchanged) {
  const GoldenCase& golden = GetParam();
  const fs::path tmp =
      fs::temp_directory_path() / fmt::format("equalis_golden_{}_{}", ::getpid(), golden.name);
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  for (const std::string& setup : golden.setup) {
    const RunOutput prepared = run_equalis(substitute(setup, tmp.string()));
    ASSERT_EQ(prepared.status, 0) << "setup failed: " << setup;
  }
  const RunOutput run = run_equalis(substitute(golden.run, tmp.string()));
  EXPECT_EQ(run.status, golden.status) << golden.run;
  // The scratch folder's path differs between runs and build trees: it is written as @TMP@.
  std::string actual =
      golden.compare == "stdout" ? run.out : read_text(substitute(golden.compare, tmp.string()));
  for (std::size_t at = actual.find(tmp.string()); at != std::string::npos;
       at = actual.find(tmp.string(), at))
    actual.replace(at, tmp.string().size(), "@TMP@");
  fs::remove_all(tmp);
  const fs::path expected_path = kGolden / "expected" / golden.expect;
  if (std::getenv("EQUALIS_GOLDEN_UPDATE") != nullptr) {
    fs::create_directories(expected_path.parent_path());
    std::ofstream(expected_path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << expected_path << " is missing (EQUALIS_GOLDEN_UPDATE=1 writes it)";
  const std::string expected = read_text(expected_path);
  if (expected_path.extension() == ".json" || expected_path.extension() == ".ndjson") {
    // JSON documents, one per line in NDJSON.
    const bool lines = expected_path.extension() == ".ndjson";
    std::vector<std::string> differences;
    std::stringstream expected_lines(expected), actual_lines(actual);
    std::string expected_doc = expected, actual_doc = actual;
    for (std::size_t doc = 0;; ++doc) {
      if (lines) {
        const bool more_expected = static_cast<bool>(std::getline(expected_lines, expected_doc));
        const bool more_actual = static_cast<bool>(std::getline(actual_lines, actual_doc));
        if (more_expected != more_actual)
          differences.push_back(fmt::format("line {}: one output ends early", doc + 1));
        if (!more_expected || !more_actual) break;
      }
      compare_json(nlohmann::json::parse(expected_doc), nlohmann::json::parse(actual_doc),
                   lines ? fmt::format("line {}", doc + 1) : "$", golden, differences);
      if (!lines) break;
    }
    EXPECT_TRUE(differences.empty()) << golden.run << "\n" << fmt::format("{}", fmt::join(differences, "\n"));
  } else {
    EXPECT_EQ(masked(expected, golden.masks), masked(actual, golden.masks)) << golden.run;
  }
}

std::string case_name(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string name = info.param.name;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, Golden, ::testing::ValuesIn(all_cases()), case_name);

}  // namespace

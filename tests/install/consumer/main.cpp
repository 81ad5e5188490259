// A program outside the tree, on an installed equalis: one request, one call, one report. The Gini of
// 1, 2, 3, 4 is 0.25; the JSON report carries it.

#include "measure/inequality_run.hpp"
#include "report/document.hpp"
#include "report/measure_json.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

int main() {
  const auto path = std::filesystem::temp_directory_path() / "equalis_consumer.csv";
  std::ofstream(path) << "unit,value\na,1\nb,2\nc,3\nd,4\n";
  equalis::measure::InequalityRequest request;
  request.file = path.string();
  request.columns.value_columns = {"value"};
  const equalis::measure::InequalityResult result = equalis::measure::run_inequality(request);
  const std::string json =
      equalis::report::render(equalis::report::Format::Json, equalis::report::renderers(request, result));
  std::filesystem::remove(path);
  const auto gini = result.indicators.at(0).profile.indices.gini;
  std::printf("gini %.6f %s\n", gini.value_or(-1.0),
              json.find("\"gini\"") != std::string::npos ? "json" : "no-json");
  return gini && *gini == 0.25 ? 0 : 1;
}

// Renders a study report document to HTML as `equalis run` does (findings computed when the document has
// none): render_study_report REPORT.json ZONES.geojson|- OUT.html en|zh. For the browser test and for
// looking at a fixture by hand.

#include "report/study_html.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return nlohmann::json::parse(in);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: render_study_report REPORT.json ZONES.geojson|- OUT.html en|zh\n";
    return 2;
  }
  try {
    nlohmann::json report = read_json(argv[1]);
    const nlohmann::json zones = std::string(argv[2]) == "-" ? nlohmann::json() : read_json(argv[2]);
    if (!report.contains("findings") || report["findings"].empty())
      report["findings"] = equalis::report::study_findings(report);
    const auto lang =
        std::string(argv[4]) == "zh" ? equalis::report::Language::Zh : equalis::report::Language::En;
    std::ofstream out(argv[3], std::ios::binary);
    out << equalis::report::render_study_html(report, zones, lang);
    if (!out) throw std::runtime_error(std::string("cannot write ") + argv[3]);
  } catch (const std::exception& e) {
    std::cerr << "render_study_report: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

#pragma once
// The output folder of a study run (study/study_run.hpp): report.json (every section as its module's own
// JSON document, the recipe — inputs with their SHA-256, the study file, defaults applied —, timings and
// warnings), the zones as GeoJSON for a GIS, and tidy CSV tables. docs/study.md documents the layout.

#include "study/study_run.hpp"

#include "core/atomic_file.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace equalis::report {

// The whole machine-readable report.
nlohmann::ordered_json study_json(const study::Study& study, const study::StudyResult& result);

// Every file of the output folder, paths relative to it: report.json first (the folder's marker).
std::vector<FileContent> study_files(const study::Study& study, const study::StudyResult& result);

// What a run did, for a terminal: the study, each stage's time (and whether travel costs came from the
// cache), the warnings, and where the report is (`output`, the folder written; empty when none was).
std::string study_summary_text(const study::Study& study, const study::StudyResult& result,
                               const std::string& output);

// The file whose presence marks a folder as a study output (write_folder_atomically's marker).
inline constexpr const char* kStudyMarker = "report.json";

}  // namespace equalis::report

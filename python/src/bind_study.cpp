// equalis.run: a whole study (docs/study.md) in one call, as `equalis run` does it; the report's files
// come back in memory and, when an output folder is named, are also written to it atomically.

#include "binding.hpp"
#include "study/study.hpp"
#include "study/study_run.hpp"

#include "core/atomic_file.hpp"
#include "report/study_report.hpp"

#include <fmt/format.h>

namespace equalis::python {
namespace {

struct RunFields {
  std::string study;
  std::string output;  // empty: nothing written
  std::string language;
  bool cache = true;
  std::string cache_directory;  // empty: the user's cache folder
};

RunFields run_fields(const py::dict& fields) {
  RunFields run;
  Fields in(fields, "run");
  in.get("study", run.study);
  in.get("output", run.output);
  in.get("lang", run.language);
  in.get("cache", run.cache);
  in.get("cache_dir", run.cache_directory);
  in.finish();
  if (!run.language.empty() && run.language != "en" && run.language != "zh") {
    throw Error(ErrorCode::InvalidInput, fmt::format("`lang` cannot be '{}'", run.language),
                "choose en or zh");
  }
  return run;
}

Rendered run_and_render(const RunFields& run, ProgressSink& progress) {
  study::Study study = study::read_study(run.study);
  if (!run.language.empty()) study.language = run.language;
  if (!run.output.empty()) study::refuse_output_over_inputs(study, run.output, "`output`");
  study::RunOptions options;
  if (run.cache)
    options.cache_directory =
        run.cache_directory.empty() ? study::user_cache_directory() : run.cache_directory;
  const study::StudyResult result = study::run_study(study, progress, options);
  std::vector<FileContent> files = report::study_files(study, result);
  if (!run.output.empty()) write_folder_atomically(run.output, files, report::kStudyMarker);
  Rendered rendered;
  rendered.text = report::study_summary_text(study, result, run.output);
  for (auto& file : files) {
    if (file.path == report::kStudyMarker) {
      rendered.json = std::move(file.content);
    } else {
      rendered.tables.emplace_back(file.path, std::move(file.content));
    }
  }
  return rendered;
}

}  // namespace

void bind_study(py::module_& module) {
  def_engine(module, "run", run_fields, run_and_render);
}

}  // namespace equalis::python

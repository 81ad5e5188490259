// `equalis run STUDY.toml`: the main job. One study file in (docs/study.md), one output folder out —
// report.json, the zones as GeoJSON, CSV tables — written all at once or not at all. The study names its
// inputs and analyses; the library runs them (study::run_study) and report/study_report renders them.

#include "commands.hpp"
#include "registry.hpp"
#include "study/study_run.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "report/study_report.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace equalis::cli {

namespace {

struct RunArgs {
  std::string study;
  std::string output;  // empty: <study name>-report beside the current directory
  std::string language;
  std::string cache_directory;  // empty: the user's cache folder
  bool no_cache = false;
};

std::string default_output(const std::string& study) {
  return std::filesystem::path(study).stem().string() + "-report";
}

void run_study_command(RunArgs& args, Context& context) {
  study::Study study = study::read_study(args.study);
  if (!args.language.empty()) study.language = args.language;
  const std::string output = args.output.empty() ? default_output(args.study) : args.output;
  study::refuse_output_over_inputs(study, output, "--output");
  study::RunOptions options;
  if (!args.no_cache)
    options.cache_directory =
        args.cache_directory.empty() ? study::user_cache_directory() : args.cache_directory;
  const study::StudyResult result = study::run_study(study, context.progress, options);
  write_folder_atomically(output, report::study_files(study, result), report::kStudyMarker);
  const std::string summary = report::study_summary_text(study, result, output);
  std::fputs(summary.c_str(), stdout);
}

void add_run_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a whole study (a TOML file: inputs and analyses) to one report folder (docs/study.md)");
  cmd->add_option("study", args->study, "Study file (TOML); paths in it are relative to it")
      ->required()
      ->check(input_file());
  cmd->add_option("-o,--output", args->output,
                  "Output folder (default: <study name>-report); replaced as a whole, atomically");
  cmd->add_option("--lang", args->language, "Language of the report: en or zh (default: the study's)")
      ->check(CLI::IsMember({"en", "zh"}));
  cmd->add_flag("--no-cache", args->no_cache,
                "Recompute every intermediate (travel costs) instead of reusing it");
  cmd->add_option("--cache-dir", args->cache_directory,
                  "Folder of cached travel costs (default: $XDG_CACHE_HOME/equalis or ~/.cache/equalis)");
  cmd->callback([args, &context] { run_study_command(*args, context); });
}

const CommandRegistration kRegistration{60, add_run_command};

}  // namespace

}  // namespace equalis::cli

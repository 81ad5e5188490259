#pragma once
// Each subcommand registers itself on the CLI11 app; its callback runs the library and emits the result.

#include "output.hpp"
#include "terminal_progress.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace equalis::cli {

struct Context {
  TerminalProgress progress;
  OutputOptions output;
  // Set by a command whose report was written but whose answer is "no plan" (plan: status infeasible →
  // 5, unsupported → 6), so that scripts can tell without parsing the report.
  int exit_status = 0;
};

// Checks of numeric options with a short message (CLI11's own print the range as a 300-digit number):
// a finite number ≥ 0, or > 0. Unsigned options need them: CLI11 would wrap "-3" around to 2^64 − 3.
const CLI::Validator& non_negative();
const CLI::Validator& positive();

// A duration as people write it: seconds ("600"), or with units ("600s", "10min", "1.5h", "1h30min");
// the option receives seconds.
const CLI::Validator& duration();

// An input file that must exist: checked by the library's require_input_file, so a missing path or a
// directory is an equalis error (exit 4, the path named), not a CLI11 usage error (exit 105).
const CLI::Validator& input_file();

// The input files named on this command line (every option checked with input_file()), and the check
// that an output is none of them (the same file under any name): an error instead of a destroyed input.
std::vector<std::string>& given_input_files();
void refuse_input_as_output(const std::string& output);

// An optional column flag: the empty default means "not given".
inline std::optional<std::string> non_empty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

// Adds --format (json, text, and csv when the command has a CSV form) and --output to a subcommand.
void add_output_options(CLI::App& command, Context& context, bool has_csv = true);

void add_measure_command(CLI::App& app, Context& context);

// Sub-subcommands of `measure`, one file each.
void add_convergence_command(CLI::App& measure, Context& context);
void add_spatial_command(CLI::App& measure, Context& context);
void add_composite_command(CLI::App& measure, Context& context);

// Library messages name request fields in backticks; the CLI shows them as its flags (field_names.cpp).
std::string flag_of_field(std::string_view field);
std::string respell_for_cli(std::string_view message);

}  // namespace equalis::cli

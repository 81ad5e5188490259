// `equalis measure composite`: one equalization score per unit from several indicators (normalise, weight,
// aggregate by weighted sum or TOPSIS, rank). Flags -> measure::CompositeRequest -> measure::run_composite
// -> report/composite_json.

#include "commands.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"
#include "measure/composite_run.hpp"
#include "report/composite_json.hpp"

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

namespace equalis::cli {

namespace {

// The flags as typed; run_composite gets them as a request.
struct CompositeArgs {
  measure::CompositeRequest request;
  std::vector<std::string> indicator_specs;
  std::string normalize = "minmax";
  std::string weights = "entropy";
  std::size_t top = 5;
};

// "COL", "COL:+" (benefit) or "COL:-" (cost); only a trailing :+ / :- is a direction, so other colons stay
// part of the name.
measure::CompositeIndicator parse_indicator(const std::string& spec) {
  measure::CompositeIndicator out{spec, measure::Direction::Benefit};
  if (spec.size() > 2 && spec[spec.size() - 2] == ':' && (spec.back() == '+' || spec.back() == '-')) {
    out.column = spec.substr(0, spec.size() - 2);
    out.direction = spec.back() == '-' ? measure::Direction::Cost : measure::Direction::Benefit;
  }
  return out;
}

// --weights: a weighting name, or explicit weights "W1,W2,…" (their count and sum are checked by the
// library).
void parse_weights(const std::string& text, measure::CompositeRequest& request) {
  if (text == "equal" || text == "entropy" || text == "critic") {
    request.weighting = text;
    return;
  }
  request.weighting = "explicit";
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::optional<double> value = parse_number(item);
    if (!value) {
      throw Error(ErrorCode::InvalidInput, fmt::format("--weights: '{}' is not a number", item),
                  "give equal, entropy, critic, or one number per indicator separated by commas, e.g. 1,1,2");
    }
    if (*value < 0.0) {
      throw Error(ErrorCode::InvalidInput, fmt::format("--weights: negative weight {}", item),
                  "weights must be ≥ 0 (a cost indicator is marked COL:-, not by a negative weight)");
    }
    request.weights.push_back(*value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

void run_composite(CompositeArgs& args, const CLI::App& cmd, Context& context) {
  measure::CompositeRequest& request = args.request;
  for (const auto& text : args.indicator_specs) request.indicators.push_back(parse_indicator(text));
  if (cmd.count("--normalize") > 0) request.normalize = args.normalize;  // unset: the default, minmax
  parse_weights(args.weights, request);
  const measure::CompositeResult result = measure::run_composite(request, context.progress);
  emit_result(context.output, report::renderers(request, result, args.top));
}

}  // namespace

void add_composite_command(CLI::App& measure, Context& context) {
  auto args = std::make_shared<CompositeArgs>();
  CLI::App* cmd = measure.add_subcommand(
      "composite",
      "Composite equalization score per unit from several indicators: normalise, weight, aggregate "
      "(weighted sum or TOPSIS) and rank");
  cmd->footer(
      "Entropy and CRITIC weights are computed from the min-max normalised indicators whatever --normalize "
      "says "
      "(that is how both methods are defined). Explicit weights are renormalised to sum 1. Ranks are "
      "standard "
      "competition ranks (1 = best score; tied units share a rank and the next rank is skipped).");
  cmd->add_option("file", args->request.file, "CSV file, one row per unit")->required()->check(input_file());
  cmd->add_option("-i,--indicator", args->indicator_specs,
                  "Indicator column, repeat for each (at least 2); COL or COL:+ = benefit (more is better), "
                  "COL:- = cost (less is better)")
      ->required();
  cmd->add_option("--id", args->request.id, "Unit id column (default: the data row number, 1 = first row)");
  cmd->add_option("--normalize", args->normalize,
                  "minmax (to [0, 1], default), zscore (sample SD), or none (indicators used as given: "
                  "already on a common scale, all benefit); weighted sum only")
      ->check(CLI::IsMember({"minmax", "zscore", "none"}));
  cmd->add_option(
      "--weights", args->weights,
      "equal, entropy (default), critic, or W1,W2,… one per indicator (≥ 0; renormalised to sum 1)");
  cmd->add_option("--method", args->request.method,
                  "weighted-sum (default) or topsis (closeness to the ideal; own vector normalisation)")
      ->check(CLI::IsMember({"weighted-sum", "topsis"}));
  cmd->add_option("--tie-tolerance", args->request.tie_tolerance,
                  "Scores within this distance of a tie block's first score share its rank (default 0)")
      ->check(non_negative());
  cmd->add_flag("--show-normalized", args->request.show_normalized,
                "Also output each unit's normalised indicators (TOPSIS: the vector-normalised ones)");
  cmd->add_option("--top", args->top, "Units listed at each end in --format text (default 5)")
      ->check(positive());
  cmd->add_option("--missing", args->request.missing,
                  "Missing cells: error (default) or drop the unit (the number dropped is reported)")
      ->check(CLI::IsMember({"error", "drop"}));
  cmd->add_option("--delimiter", args->request.delimiter, "CSV field delimiter")->default_val(',');
  add_output_options(*cmd, context);
  cmd->callback([args, cmd, &context] { run_composite(*args, *cmd, context); });
}

}  // namespace equalis::cli

// `equalis measure composite`: one equalization score per unit from several indicators (normalise, weight,
// aggregate by weighted sum or TOPSIS, rank).

#include "commands.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/table.hpp"
#include "measure/composite.hpp"
#include "report/composite_json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>
#include <numeric>

namespace equalis::cli {

namespace {

struct CompositeArgs {
  std::string file;
  std::vector<std::string> indicator_specs;
  std::string id_column;
  std::string normalize = "minmax";
  std::string weights = "entropy";
  std::string method = "weighted-sum";
  double tie_tolerance = 0.0;
  bool show_normalized = false;
  std::size_t top = 5;
  std::string missing = "error";
  char delimiter = ',';
};

struct IndicatorSpec {
  std::string column;
  measure::Direction direction = measure::Direction::Benefit;
};

// "COL", "COL:+" (benefit) or "COL:-" (cost); only a trailing :+ / :- is a direction, so other colons stay
// part of the name.
IndicatorSpec parse_indicator(const std::string& spec) {
  IndicatorSpec out{spec, measure::Direction::Benefit};
  if (spec.size() > 2 && spec[spec.size() - 2] == ':' && (spec.back() == '+' || spec.back() == '-')) {
    out.column = spec.substr(0, spec.size() - 2);
    out.direction = spec.back() == '-' ? measure::Direction::Cost : measure::Direction::Benefit;
  }
  return out;
}

// Explicit weights "W1,W2,…": one per indicator, each ≥ 0, not all 0.
std::vector<double> parse_weights(const std::string& text, std::size_t indicator_count) {
  std::vector<double> weights;
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
    weights.push_back(*value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (weights.size() != indicator_count) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("--weights gives {} weights for {} indicators", weights.size(), indicator_count),
                "give one weight per --indicator, in the same order");
  }
  if (std::accumulate(weights.begin(), weights.end(), 0.0) <= 0.0) {
    throw Error(ErrorCode::InvalidInput, "--weights are all 0", "give at least one positive weight");
  }
  return weights;
}

// TOPSIS' vector normalisation r_ij = x_ij / sqrt(sum_i x_ij^2), for --show-normalized.
std::vector<std::vector<double>> vector_normalized(const measure::IndicatorMatrix& matrix) {
  std::vector<std::vector<double>> out = matrix.columns;
  for (auto& column : out) {
    double squares = 0.0;
    for (const double value : column) squares += value * value;
    const double norm = std::sqrt(squares);
    for (double& value : column) value /= norm;  // norm > 0: topsis() rejected an all-zero indicator
  }
  return out;
}

nlohmann::ordered_json options_json(const CompositeArgs& args, const std::vector<IndicatorSpec>& specs,
                                    const report::CompositeReport& report) {
  nlohmann::ordered_json indicators = nlohmann::ordered_json::array();
  for (const auto& spec : specs) {
    indicators.push_back({{"column", spec.column}, {"direction", report::direction_name(spec.direction)}});
  }
  return {{"indicators", indicators},
          {"id",
           args.id_column.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(args.id_column)},
          {"method", args.method},
          {"normalize", args.method == "topsis" ? nlohmann::ordered_json(nullptr)
                                                : nlohmann::ordered_json(args.normalize)},
          {"weights", report.weighting == "explicit" ? nlohmann::ordered_json(report.weights_given)
                                                     : nlohmann::ordered_json(args.weights)},
          {"tie_tolerance", args.tie_tolerance},
          {"show_normalized", args.show_normalized},
          {"missing", args.missing}};
}

void run_composite(CompositeArgs& args, const CLI::App& cmd, Context& context) {
  std::vector<IndicatorSpec> specs;
  for (const auto& text : args.indicator_specs) specs.push_back(parse_indicator(text));
  if (specs.size() < 2) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} indicator given; a composite needs at least 2", specs.size()),
                "repeat --indicator COL (benefit) or --indicator COL:- (cost, lower is better)");
  }
  for (std::size_t a = 0; a < specs.size(); ++a) {
    for (std::size_t b = 0; b < a; ++b) {
      if (specs[a].column == specs[b].column) {
        throw Error(ErrorCode::InvalidInput, fmt::format("indicator '{}' is given twice", specs[a].column),
                    "give each indicator once (weight it with --weights instead)");
      }
    }
  }
  const bool topsis = args.method == "topsis";
  if (topsis && cmd.count("--normalize") > 0) {
    context.progress.log(
        LogLevel::Warning,
        "--normalize is ignored by --method topsis, which uses its own vector normalisation");
  }
  if (!topsis && args.normalize == "none") {
    for (const auto& spec : specs) {
      if (spec.direction == measure::Direction::Cost) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("--normalize none cannot orient the cost indicator '{}'", spec.column),
                    "use --normalize minmax or zscore (they flip cost indicators), or give the indicator "
                    "already oriented so that more is better");
      }
    }
  }

  const bool named_weighting =
      args.weights == "equal" || args.weights == "entropy" || args.weights == "critic";
  const std::vector<double> explicit_weights =
      named_weighting ? std::vector<double>{} : parse_weights(args.weights, specs.size());

  CsvOptions csv_options;
  csv_options.delimiter = args.delimiter;
  const CsvTable table = CsvTable::read_file(args.file, csv_options);
  // A plain index plus a flag: std::optional<std::size_t> here trips GCC 12's -Wmaybe-uninitialized.
  const bool has_id = !args.id_column.empty();
  const std::size_t id_index = has_id ? table.column_index(args.id_column) : 0;
  std::vector<NumericColumn> columns;
  for (const auto& spec : specs) columns.push_back(read_numeric_column(table, spec.column));

  report::CompositeReport report;
  measure::IndicatorMatrix matrix;
  matrix.columns.resize(specs.size());
  for (const auto& spec : specs) {
    report.indicators.push_back(spec.column);
    report.directions.push_back(spec.direction);
  }
  matrix.directions = report.directions;
  matrix.names = report.indicators;
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    bool complete = true;
    for (const auto& column : columns) {
      if (column.valid[row] != 0) continue;
      if (args.missing == "error") {
        throw Error(
            ErrorCode::InvalidInput, fmt::format("missing value in column '{}'", column.name),
            "fill the cell in, or pass --missing drop to leave such units out (their number is reported)",
            table.location(row, table.column_index(column.name)));
      }
      complete = false;
    }
    if (!complete) {
      ++report.rows_dropped;
      continue;
    }
    report.ids.push_back(has_id ? std::string(table.cell(row, id_index)) : std::to_string(row + 1));
    for (std::size_t indicator = 0; indicator < columns.size(); ++indicator) {
      matrix.columns[indicator].push_back(columns[indicator].values[row]);
    }
  }
  if (report.ids.size() < 2) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("{} complete unit(s); a composite ranking needs at least 2", report.ids.size()),
                report.rows_dropped > 0 ? "fill the missing cells" : "give more units");
  }
  if (report.rows_dropped > 0) {
    context.progress.log(LogLevel::Info, fmt::format("{} of {} rows dropped for missing cells",
                                                     report.rows_dropped, table.row_count()));
  }

  if (args.weights == "equal") {
    report.weighting = "equal";
    report.weights = measure::equal_weights(specs.size());
  } else if (args.weights == "entropy") {
    report.weighting = "entropy";
    report.weights = measure::entropy_weights(matrix);
  } else if (args.weights == "critic") {
    report.weighting = "critic";
    report.weights = measure::critic_weights(matrix);
  } else {
    report.weighting = "explicit";
    report.weights_given = explicit_weights;
    const double sum = std::accumulate(report.weights_given.begin(), report.weights_given.end(), 0.0);
    report.weights = report.weights_given;
    for (double& weight : report.weights) weight /= sum;
    if (std::abs(sum - 1.0) > 1e-12) {
      std::string used;
      for (std::size_t k = 0; k < report.weights.size(); ++k) {
        used += fmt::format("{}{:.6g}", k > 0 ? ", " : "", report.weights[k]);
      }
      context.progress.log(LogLevel::Info,
                           fmt::format("--weights sum to {:g}; renormalised to sum 1: {}", sum, used));
    }
  }

  report.method = args.method;
  if (topsis) {
    report.normalization = "vector";
    report.topsis = measure::topsis(matrix, report.weights);
    report.scores = report.topsis->closeness;
    if (args.show_normalized) report.normalized = vector_normalized(matrix);
  } else {
    report.normalization = args.normalize;
    std::vector<std::vector<double>> normalized;
    if (args.normalize == "minmax") {
      normalized = measure::normalize_min_max(matrix);
    } else if (args.normalize == "zscore") {
      normalized = measure::normalize_z_score(matrix);
    } else {
      normalized = matrix.columns;
    }
    report.scores = measure::weighted_sum(normalized, report.weights);
    if (args.show_normalized) report.normalized = std::move(normalized);
  }
  report.tie_tolerance = args.tie_tolerance;
  report.ranks = measure::competition_rank(report.scores, args.tie_tolerance);

  emit_result(context.output, {.json =
                                   [&] {
                                     nlohmann::ordered_json out =
                                         envelope("measure composite", args.file, table.row_count());
                                     out["options"] = options_json(args, specs, report);
                                     out["result"] = report::to_json(report);
                                     return out;
                                   },
                               .csv = [&] { return report::to_csv(report); },
                               .text = [&] { return report::to_text(report, args.top); }});
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
  cmd->add_option("file", args->file, "CSV file, one row per unit")->required()->check(CLI::ExistingFile);
  cmd->add_option("-i,--indicator", args->indicator_specs,
                  "Indicator column, repeat for each (at least 2); COL or COL:+ = benefit (more is better), "
                  "COL:- = cost (less is better)")
      ->required();
  cmd->add_option("--id", args->id_column, "Unit id column (default: the data row number, 1 = first row)");
  cmd->add_option("--normalize", args->normalize,
                  "minmax (to [0, 1], default), zscore (sample SD), or none (indicators used as given: "
                  "already on a common scale, all benefit); weighted sum only")
      ->check(CLI::IsMember({"minmax", "zscore", "none"}));
  cmd->add_option(
      "--weights", args->weights,
      "equal, entropy (default), critic, or W1,W2,… one per indicator (≥ 0; renormalised to sum 1)");
  cmd->add_option("--method", args->method,
                  "weighted-sum (default) or topsis (closeness to the ideal; own vector normalisation)")
      ->check(CLI::IsMember({"weighted-sum", "topsis"}));
  cmd->add_option("--tie-tolerance", args->tie_tolerance,
                  "Scores within this distance of a tie block's first score share its rank (default 0)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--show-normalized", args->show_normalized,
                "Also output each unit's normalised indicators (TOPSIS: the vector-normalised ones)");
  cmd->add_option("--top", args->top, "Units listed at each end in --format text (default 5)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--missing", args->missing,
                  "Missing cells: error (default) or drop the unit (the number dropped is reported)")
      ->check(CLI::IsMember({"error", "drop"}));
  cmd->add_option("--delimiter", args->delimiter, "CSV field delimiter")->default_val(',');
  add_output_options(*cmd, context);
  cmd->callback([args, cmd, &context] { run_composite(*args, *cmd, context); });
}

}  // namespace equalis::cli

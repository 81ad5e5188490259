#pragma once
// Reading a decision log into confusion counts per intersection cell of the sensitive attributes.
// One pass over the CSV (streamed, constant memory): every row adds its weight (1, or its --count) to
// the TP/FP/FN/TN count of its cell. Everything the audit reports is computed from these counts.

#include "core/csv.hpp"
#include "core/groups.hpp"
#include "core/table.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace equalis {
class ProgressSink;
}

namespace equalis::audit {

class Rule;

// Calendar period of a timestamp (--period).
enum class Period : std::uint8_t { Day, Week, Month, Quarter, Year };

// What to do with a row whose sensitive attribute is missing ("", NA, null, …).
enum class MissingGroupPolicy : std::uint8_t {
  OwnGroup,  // keep it as a group named "(missing)" (the default: never hidden)
  Drop,      // drop the row and count it
  Error,     // refuse the input at the first such cell
};

inline constexpr std::string_view kMissingGroupLabel = "(missing)";

struct DecisionLogSpec {
  std::vector<std::string> group_columns;      // one or more; intersections are their cross product
  std::optional<std::string> decision_column;  // 0/1 decision (1 = selected / granted / flagged)
  std::optional<std::string> score_column;     // or a score with `threshold`: decision = score ≥ threshold
  std::optional<double> threshold;
  std::optional<std::string> label_column;  // true outcome (1 = positive), optional
  std::optional<std::string> count_column;  // aggregated input: the number of applicants in the row
  // Values meaning 1 for the decision and the label. Empty: 1/true/yes = 1 and 0/false/no = 0, anything
  // else is an error. With positive values and no negative values, every other non-missing value is 0.
  std::vector<std::string> positive_values;
  std::vector<std::string> negative_values;
  std::optional<std::vector<std::string>> label_positive_values;  // overrides positive_values for the label
  MissingGroupPolicy missing_group = MissingGroupPolicy::OwnGroup;
  MissingPolicy missing_outcome = MissingPolicy::Error;  // missing decision, score, label or count
  CsvOptions csv;
  bool hash_input = false;  // compute the input's SHA-256 while reading (DecisionTable::sha256)
  // Rule audit in the same pass: the rule is bound to the log's header and evaluated on every row that
  // enters the table; counts go to DecisionTable::rule_cells. Not owned; nullptr = no rule.
  Rule* rule = nullptr;
  // Calibration by score bin (needs score_column and label_column): 0 = off. Bins are equal-width on
  // [0, 1] unless `calibration_edges` gives the bins-1 interior edges (e.g. score quantiles); a score
  // outside [0, 1] is then an error at its cell.
  std::size_t calibration_bins = 0;
  std::vector<double> calibration_edges;
  // Timestamp column: ISO-8601 date or date-time (YYYY-MM-DD[Thh:mm[:ss…]]), or a number of seconds
  // since 1970-01-01 (UTC). Counts are also kept per period (DecisionTable::period_cells).
  std::optional<std::string> time_column;
  Period period = Period::Month;
  // The input is NDJSON (one JSON object per line) instead of CSV; columns are the objects' keys.
  bool ndjson = false;
  // Parallel chunked read of a CSV file (not stdin, not NDJSON) of at least `parallel_min_bytes`: the file
  // is mapped, split into byte ranges at line starts, each thread aggregates its range into its own table
  // and the tables are merged. Only when the file has no double quote (so no quoted newline can straddle
  // a split); any error in a range re-reads the file sequentially, which reports it with file:line:column.
  // threads = 0: the hardware concurrency; 1 = always sequential.
  std::size_t threads = 0;
  std::uint64_t parallel_min_bytes = 32ULL << 20U;
};

// Eligible / excluded / undetermined applicants of a cell under a rule (Kleene logic; see rules.hpp).
struct RuleCounts {
  std::uint64_t eligible = 0;
  std::uint64_t excluded = 0;
  std::uint64_t undetermined = 0;
};

// One score bin of one cell: applicants, the sum of their scores and how many were truly positive.
struct CalibrationCounts {
  std::uint64_t n = 0;
  std::uint64_t positives = 0;
  double score_sum = 0.0;
};

// Counts of one cell. Without a label column every applicant is counted as label 0, so only
// `selected()` and `n()` are meaningful (DecisionTable::has_label says which).
struct ConfusionCounts {
  std::uint64_t tp = 0;  // decision 1, label 1
  std::uint64_t fp = 0;  // decision 1, label 0
  std::uint64_t fn = 0;  // decision 0, label 1
  std::uint64_t tn = 0;  // decision 0, label 0
  [[nodiscard]] std::uint64_t n() const noexcept { return tp + fp + fn + tn; }
  [[nodiscard]] std::uint64_t selected() const noexcept { return tp + fp; }
  [[nodiscard]] std::uint64_t positives() const noexcept { return tp + fn; }
  [[nodiscard]] std::uint64_t negatives() const noexcept { return fp + tn; }
  ConfusionCounts& operator+=(const ConfusionCounts& other) noexcept {
    tp += other.tp;
    fp += other.fp;
    fn += other.fn;
    tn += other.tn;
    return *this;
  }
};

// Confusion counts per non-empty intersection cell, in order of first appearance.
struct DecisionTable {
  std::string source;                      // file name
  std::string sha256;                      // of the input bytes, when DecisionLogSpec::hash_input
  std::vector<std::string> group_columns;  // attribute names
  // Per attribute, the group of each cell (codes parallel to `cells`) among its values, named in order of
  // first appearance: a cell is one group of every attribute at once.
  std::vector<Groups> attributes;
  std::vector<ConfusionCounts> cells;
  bool has_label = false;
  std::uint64_t rows_read = 0;
  std::uint64_t rows_dropped_missing_group = 0;
  std::uint64_t rows_dropped_missing_outcome = 0;
  std::uint64_t rows_zero_count = 0;  // aggregated rows with count 0 (kept out of the cells)
  // With DecisionLogSpec::rule: the rule's text and counts per cell (parallel to `cells`).
  std::string rule_text;
  std::vector<RuleCounts> rule_cells;
  // With calibration: bin edges (bins + 1 values, first 0 and last 1) and cell-major counts
  // (calibration[cell * bins + bin]).
  std::size_t calibration_bins = 0;
  std::vector<double> calibration_edges;
  std::vector<CalibrationCounts> calibration;
  // Why calibration was given up (empty: it was not): a score outside [0, 1] is not a probability, so it
  // cannot be compared with an observed rate; the rest of the audit does not need it and goes on.
  std::string calibration_skipped;
  // With a time column: period names in time order ("2024-03-15", "2024-W11", "2024-03", "2024-Q1",
  // "2024") and per period the counts of each cell (a period's vector may be shorter than `cells`:
  // cells first seen later are empty in it).
  std::vector<std::string> period_labels;
  std::vector<std::int64_t> period_keys;  // days since 1970-01-01 of each period's first day
  std::vector<std::vector<ConfusionCounts>> period_cells;
  std::size_t read_threads = 1;  // how many threads read the input (1 = sequential)

  [[nodiscard]] std::size_t cell_count() const noexcept { return cells.size(); }
  [[nodiscard]] ConfusionCounts total() const noexcept;
  // "value1 × value2 …" name of a cell.
  [[nodiscard]] std::string cell_name(std::size_t cell_idx) const;
  // A cell's code in every attribute, and every attribute's values (the arguments of make_decision_table).
  [[nodiscard]] std::vector<std::uint32_t> codes_of(std::size_t cell_idx) const;
  [[nodiscard]] std::vector<std::vector<std::string>> attribute_values() const;
  // Appends a cell with these codes (one per attribute) and no counts yet.
  void add_cell(const std::vector<std::uint32_t>& codes);
};

// Reads a decision log file ("-" = stdin). Throws Error(Parse) with file:line:column on a bad cell
// (decision or label not mappable, negative or fractional count, non-numeric score), Error(InvalidInput)
// for a missing column or an inconsistent spec.
DecisionTable read_decision_log(const std::string& path, const DecisionLogSpec& spec, ProgressSink& progress);

// The period of a timestamp cell: its name and a sort key; nullopt when the text is not an ISO-8601 date
// or date-time or a number of seconds. Weeks are ISO 8601 weeks (Monday first; "2024-W01").
struct PeriodKey {
  std::int64_t key = 0;  // days since 1970-01-01 of the period's first day
  std::string name;
};
std::optional<PeriodKey> period_of(std::string_view cell, Period period);

// Interior edges of `bins` score bins holding (about) equal numbers of applicants: a first pass over the
// log reading only the score (and count) column. Needs a file (not stdin). Throws like read_decision_log.
std::vector<double> score_quantile_edges(const std::string& path, const DecisionLogSpec& spec,
                                         std::size_t bins);

// Builds a table from counts already aggregated (tests, other front ends): `labels` per attribute, and per
// cell its code in each attribute (`cell_codes[i][attribute]` indexes `labels[attribute]`).
DecisionTable make_decision_table(std::vector<std::string> group_columns,
                                  std::vector<std::vector<std::string>> labels,
                                  std::vector<std::vector<std::uint32_t>> cell_codes,
                                  std::vector<ConfusionCounts> cells, bool has_label);

// Classifies a decision/label cell: 1, 0, or nullopt when missing. Throws Error(Parse) when not mappable.
class BinaryMapper {
 public:
  BinaryMapper(std::vector<std::string> positive_values, std::vector<std::string> negative_values);
  // Returns 1, 0, -1 for missing, -2 for "not mappable".
  [[nodiscard]] int map(std::string_view cell) const noexcept;
  [[nodiscard]] std::string describe() const;

 private:
  std::vector<std::string> positive_;
  std::vector<std::string> negative_;
  bool others_negative_ = false;
  bool one_is_positive_ = false;  // fast path for the common "1" / "0" cells
  bool zero_is_negative_ = false;
};

}  // namespace equalis::audit

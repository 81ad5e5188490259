#include "audit/decision_log.hpp"

#include "audit/count_cell.hpp"
#include "audit/csv_stream.hpp"
#include "audit/ndjson_stream.hpp"
#include "audit/rules.hpp"
#include "core/csv_scanner.hpp"
#include "core/error.hpp"
#include "core/mapped_file.hpp"
#include "core/progress.hpp"
#include "core/sha256.hpp"
#include "core/utf8.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <span>
#include <thread>

namespace equalis::audit {

namespace {

// A fast multiplicative hash over 8-byte words; the keys are short attribute values.
std::uint64_t hash_bytes(std::string_view text) noexcept {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ text.size();
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    h = (h ^ word) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31U;
  }
  if (i < text.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, text.size() - i);
    h = (h ^ word) * 0x94D049BB133111EBULL;
  }
  return h ^ (h >> 29U);
}

// Open addressing (linear probing, load ≤ ½) from an attribute's values to their indices: the hot loop
// does one of these per attribute and row, so std::unordered_map's node chasing was the main cost.
class ValueIndex {
 public:
  ValueIndex() : slots_(64) {}
  std::uint32_t find_or_add(std::string_view cell, std::vector<std::string>& labels) {
    const std::uint64_t hash = hash_bytes(cell);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t pos = hash & mask;; pos = (pos + 1) & mask) {
      Slot& slot = slots_[pos];
      if (slot.code == kEmpty) break;
      if (slot.hash == hash && labels[slot.code] == cell) return slot.code;
    }
    const auto code = static_cast<std::uint32_t>(labels.size());
    labels.emplace_back(cell);
    if (2 * labels.size() > slots_.size()) rehash();
    mask = slots_.size() - 1;
    std::size_t pos = hash & mask;
    while (slots_[pos].code != kEmpty) pos = (pos + 1) & mask;
    slots_[pos] = Slot{hash, code};
    return code;
  }

 private:
  static constexpr std::uint32_t kEmpty = ~std::uint32_t{0};
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t code = kEmpty;
  };
  void rehash() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.code == kEmpty) continue;
      std::size_t pos = slot.hash & mask;
      while (slots_[pos].code != kEmpty) pos = (pos + 1) & mask;
      slots_[pos] = slot;
    }
  }
  std::vector<Slot> slots_;
};

// Open addressing from 64-bit keys to 32-bit ids (for the cell trie).
class KeyIndex {
 public:
  KeyIndex() : slots_(64) {}
  // Returns the id of `key`, inserting `fresh` if absent; `inserted` tells which happened.
  std::uint32_t find_or_insert(std::uint64_t key, std::uint32_t fresh, bool& inserted) {
    const std::uint64_t hash = mix(key);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t pos = hash & mask;; pos = (pos + 1) & mask) {
      Slot& slot = slots_[pos];
      if (slot.value == kEmpty) break;
      if (slot.key == key) {
        inserted = false;
        return slot.value;
      }
    }
    inserted = true;
    if (2 * (++size_) > slots_.size()) {
      std::vector<Slot> old = std::move(slots_);
      slots_.assign(old.size() * 2, Slot{});
      for (const Slot& slot : old) {
        if (slot.value != kEmpty) place(slot);
      }
    }
    place(Slot{key, fresh});
    return fresh;
  }

 private:
  static constexpr std::uint32_t kEmpty = ~std::uint32_t{0};
  // Both halves of the key (prefix id, value index) must reach the low bits the table uses.
  static std::uint64_t mix(std::uint64_t key) noexcept {
    std::uint64_t h = (key ^ (key >> 29U)) * 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 32U);
  }
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t value = kEmpty;
  };
  void place(const Slot& slot) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t pos = mix(slot.key) & mask;
    while (slots_[pos].value != kEmpty) pos = (pos + 1) & mask;
    slots_[pos] = slot;
  }
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

// Cells are found through a trie over the attributes: (prefix id, value index) → next prefix id, the last
// level's id being the cell. k attributes cost k − 1 integer-keyed lookups a row.
class CellIndex {
 public:
  explicit CellIndex(std::size_t attributes)
      : levels_(attributes > 0 ? attributes - 1 : 0), next_prefix_(levels_.size(), 0) {}
  std::uint32_t find_or_add(const std::vector<std::uint32_t>& codes, DecisionTable& table) {
    std::uint64_t id = codes[0];
    for (std::size_t level = 0; level < levels_.size(); ++level) {
      const std::uint64_t key = (id << 32U) | codes[level + 1];
      const bool last = level + 1 == levels_.size();
      const std::uint32_t fresh = last ? static_cast<std::uint32_t>(table.cells.size()) : next_prefix_[level];
      bool inserted = false;
      id = levels_[level].find_or_insert(key, fresh, inserted);
      if (inserted) {
        if (last) {
          add_cell(codes, table);
        } else {
          ++next_prefix_[level];
        }
      }
    }
    if (levels_.empty()) {
      if (id >= single_.size()) single_.resize(id + 1, kNone);
      if (single_[id] == kNone) {
        single_[id] = static_cast<std::uint32_t>(table.cells.size());
        add_cell(codes, table);
      }
      return single_[id];
    }
    return static_cast<std::uint32_t>(id);
  }

 private:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  static void add_cell(const std::vector<std::uint32_t>& codes, DecisionTable& table) {
    table.add_cell(codes);
  }
  std::vector<KeyIndex> levels_;
  std::vector<std::uint32_t> next_prefix_;
  std::vector<std::uint32_t> single_;
};

bool equals_any(std::string_view cell, const std::vector<std::string>& values) {
  return std::any_of(values.begin(), values.end(), [&](const std::string& v) { return v == cell; });
}

}  // namespace

BinaryMapper::BinaryMapper(std::vector<std::string> positive_values, std::vector<std::string> negative_values)
    : positive_(std::move(positive_values)), negative_(std::move(negative_values)) {
  if (positive_.empty() && negative_.empty()) {
    positive_ = {"1", "1.0", "true", "True", "TRUE", "yes", "Yes", "YES"};
    negative_ = {"0", "0.0", "false", "False", "FALSE", "no", "No", "NO"};
  } else if (negative_.empty()) {
    others_negative_ = true;
  } else if (positive_.empty()) {
    throw Error(ErrorCode::InvalidInput, "negative values were given without positive values",
                "give `positive` values as well");
  }
  one_is_positive_ = equals_any("1", positive_);
  zero_is_negative_ = !equals_any("0", positive_) && (others_negative_ || equals_any("0", negative_));
}

int BinaryMapper::map(std::string_view cell) const noexcept {
  if (cell.size() == 1) {
    if (cell[0] == '1' && one_is_positive_) return 1;
    if (cell[0] == '0' && zero_is_negative_) return 0;
  }
  if (equals_any(cell, positive_)) return 1;
  if (equals_any(cell, negative_)) return 0;
  if (is_missing_token(cell)) return -1;
  return others_negative_ ? 0 : -2;
}

std::string BinaryMapper::describe() const {
  if (others_negative_) return fmt::format("{} (= 1; every other value = 0)", fmt::join(positive_, ", "));
  return fmt::format("{} (= 1) or {} (= 0)", fmt::join(positive_, ", "), fmt::join(negative_, ", "));
}

ConfusionCounts DecisionTable::total() const noexcept {
  ConfusionCounts sum;
  for (const auto& cell : cells) sum += cell;
  return sum;
}

std::string DecisionTable::cell_name(std::size_t cell_idx) const {
  std::string name;
  for (std::size_t attribute_idx = 0; attribute_idx < group_columns.size(); ++attribute_idx) {
    if (attribute_idx > 0) name += " × ";
    name += attributes[attribute_idx].name_of(cell_idx);
  }
  return name;
}

std::vector<std::uint32_t> DecisionTable::codes_of(std::size_t cell_idx) const {
  std::vector<std::uint32_t> codes;
  codes.reserve(attributes.size());
  for (const Groups& attribute : attributes) codes.push_back(attribute.codes[cell_idx]);
  return codes;
}

std::vector<std::vector<std::string>> DecisionTable::attribute_values() const {
  std::vector<std::vector<std::string>> values;
  values.reserve(attributes.size());
  for (const Groups& attribute : attributes) values.push_back(attribute.names);
  return values;
}

void DecisionTable::add_cell(const std::vector<std::uint32_t>& codes) {
  for (std::size_t attribute_idx = 0; attribute_idx < attributes.size(); ++attribute_idx)
    attributes[attribute_idx].codes.push_back(codes[attribute_idx]);
  cells.emplace_back();
}

DecisionTable make_decision_table(std::vector<std::string> group_columns,
                                  std::vector<std::vector<std::string>> labels,
                                  std::vector<std::vector<std::uint32_t>> cell_codes,
                                  std::vector<ConfusionCounts> cells, bool has_label) {
  if (group_columns.empty() || labels.size() != group_columns.size() || cell_codes.size() != cells.size()) {
    throw Error(ErrorCode::InvalidInput, "inconsistent decision table",
                "give one label list per attribute and one code vector per cell");
  }
  for (const auto& codes : cell_codes) {
    if (codes.size() != group_columns.size()) {
      throw Error(ErrorCode::InvalidInput, "a cell has the wrong number of attribute codes",
                  "give one code per attribute");
    }
    for (std::size_t attribute_idx = 0; attribute_idx < codes.size(); ++attribute_idx) {
      if (codes[attribute_idx] >= labels[attribute_idx].size()) {
        throw Error(ErrorCode::InvalidInput, "a cell code points past its attribute's labels",
                    "use codes below the number of labels");
      }
    }
  }
  DecisionTable table;
  table.source = "(in memory)";
  table.group_columns = std::move(group_columns);
  table.attributes.resize(labels.size());
  for (std::size_t attribute_idx = 0; attribute_idx < labels.size(); ++attribute_idx)
    table.attributes[attribute_idx].names = std::move(labels[attribute_idx]);
  for (const auto& codes : cell_codes) table.add_cell(codes);
  table.cells = std::move(cells);
  table.has_label = has_label;
  for (const auto& cell : table.cells) table.rows_read += cell.n();
  return table;
}

namespace {

// The keys (NDJSON) or columns the spec reads.
std::vector<std::string> wanted_columns(const DecisionLogSpec& spec) {
  std::vector<std::string> keys = spec.group_columns;
  auto add = [&keys](const std::optional<std::string>& name) {
    if (name && std::find(keys.begin(), keys.end(), *name) == keys.end()) keys.push_back(*name);
  };
  add(spec.decision_column);
  add(spec.score_column);
  add(spec.label_column);
  add(spec.count_column);
  add(spec.time_column);
  if (spec.rule != nullptr) {
    for (const auto& name : spec.rule->columns()) add(name);
  }
  return keys;
}

// Howard Hinnant's days-from-civil arithmetic (proleptic Gregorian calendar), written out.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool leap(std::int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

std::optional<std::int64_t> iso_days(std::string_view cell) {
  auto digits = [&](std::size_t from, std::size_t count) -> std::optional<unsigned> {
    unsigned value = 0;
    for (std::size_t k = from; k < from + count; ++k) {
      if (k >= cell.size() || cell[k] < '0' || cell[k] > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(cell[k] - '0');
    }
    return value;
  };
  const auto year = digits(0, 4);
  const auto month = digits(5, 2);
  const auto day = digits(8, 2);
  if (!year || !month || !day || cell[4] != '-' || cell[7] != '-') return std::nullopt;
  if (cell.size() > 10 && cell[10] != 'T' && cell[10] != ' ') return std::nullopt;
  if (*month < 1 || *month > 12) return std::nullopt;
  static constexpr std::array<unsigned, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const unsigned last = kDays[*month - 1] + (*month == 2 && leap(*year) ? 1U : 0U);
  if (*day < 1 || *day > last) return std::nullopt;
  return days_from_civil(*year, *month, *day);
}

}  // namespace

std::optional<PeriodKey> period_of(std::string_view cell, Period period) {
  std::optional<std::int64_t> days = iso_days(cell);
  if (!days) {
    const auto seconds = parse_number(cell);
    if (!seconds || !std::isfinite(*seconds) || std::fabs(*seconds) > 1e14) return std::nullopt;
    days = static_cast<std::int64_t>(std::floor(*seconds / 86400.0));
  }
  const Civil date = civil_from_days(*days);
  switch (period) {
    case Period::Day:
      return PeriodKey{*days, fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day)};
    case Period::Week: {
      // ISO 8601: weeks start on Monday; a week belongs to the year of its Thursday. 1970-01-01 was a
      // Thursday, so (days + 3) mod 7 counts days since Monday.
      const std::int64_t weekday = ((*days + 3) % 7 + 7) % 7;
      const std::int64_t monday = *days - weekday;
      const std::int64_t iso_year = civil_from_days(monday + 3).year;
      const std::int64_t week = (monday + 3 - days_from_civil(iso_year, 1, 1)) / 7 + 1;
      return PeriodKey{monday, fmt::format("{:04}-W{:02}", iso_year, week)};
    }
    case Period::Month:
      return PeriodKey{days_from_civil(date.year, date.month, 1),
                       fmt::format("{:04}-{:02}", date.year, date.month)};
    case Period::Quarter: {
      const unsigned quarter = (date.month - 1) / 3 + 1;
      return PeriodKey{days_from_civil(date.year, 3 * (quarter - 1) + 1, 1),
                       fmt::format("{:04}-Q{}", date.year, quarter)};
    }
    case Period::Year:
      return PeriodKey{days_from_civil(date.year, 1, 1), fmt::format("{:04}", date.year)};
  }
  return std::nullopt;
}

namespace {

void validate_spec(const DecisionLogSpec& spec) {
  if (spec.group_columns.empty()) {
    throw Error(ErrorCode::InvalidInput, "no sensitive attribute was given",
                "name at least one `group` column");
  }
  if (spec.decision_column.has_value() == spec.score_column.has_value()) {
    throw Error(ErrorCode::InvalidInput, "give exactly one of a decision column and a score column",
                "name a `decision` column, or a `score` column with a `threshold`");
  }
  if (spec.score_column && !spec.threshold) {
    throw Error(ErrorCode::InvalidInput, "a score column needs a threshold", "set `threshold`");
  }
  if (spec.threshold && !std::isfinite(*spec.threshold)) {
    // score >= NaN is false for every row: a 0 % selection rate everywhere, reported as a finding.
    throw Error(ErrorCode::InvalidInput,
                fmt::format("the threshold {} is not a finite number", *spec.threshold),
                "set `threshold` to the score at which applicants are selected, e.g. 0.5");
  }
  if (spec.calibration_bins > 0 && (!spec.score_column || !spec.label_column)) {
    throw Error(ErrorCode::InvalidInput, "calibration needs a score and the true outcome",
                "name a `score` column with a `threshold` and a `label` column, or set `bins` to 0");
  }
  if (spec.calibration_bins > 10000) {
    throw Error(ErrorCode::InvalidInput, "too many calibration bins", "use at most 10000 bins");
  }
  if (!spec.calibration_edges.empty() && spec.calibration_edges.size() + 1 != spec.calibration_bins) {
    throw Error(ErrorCode::InvalidInput, "calibration edges do not match the number of bins",
                "give bins - 1 interior edges");
  }
}

template <typename Reader>
DecisionTable read_rows(Reader& reader, const DecisionLogSpec& spec, ProgressSink& progress,
                        bool bind_rule = true) {
  std::vector<std::size_t> group_idx;
  for (const auto& name : spec.group_columns) group_idx.push_back(reader.column_index(name));
  const std::size_t outcome_idx =
      reader.column_index(spec.decision_column ? *spec.decision_column : *spec.score_column);
  // Plain indices with a flag (GCC 12 misreads std::optional<std::size_t> here as maybe-uninitialised).
  const bool has_label = spec.label_column.has_value();
  const bool has_count = spec.count_column.has_value();
  const bool has_time = spec.time_column.has_value();
  const std::size_t label_idx = has_label ? reader.column_index(*spec.label_column) : 0;
  const std::size_t count_idx = has_count ? reader.column_index(*spec.count_column) : 0;
  const std::size_t time_idx = has_time ? reader.column_index(*spec.time_column) : 0;
  if (spec.rule != nullptr && bind_rule) spec.rule->bind(reader.header(), reader.source());

  const BinaryMapper decision_mapper(spec.positive_values, spec.negative_values);
  const BinaryMapper label_mapper(
      spec.label_positive_values.value_or(spec.positive_values),
      spec.label_positive_values ? std::vector<std::string>{} : spec.negative_values);

  DecisionTable table;
  table.source = reader.source();
  table.group_columns = spec.group_columns;
  table.attributes.resize(group_idx.size());
  table.has_label = has_label;
  std::size_t bins = spec.calibration_bins;
  table.calibration_bins = bins;
  if (bins > 0) {
    table.calibration_edges.push_back(0.0);
    for (std::size_t bin = 1; bin < bins; ++bin) {
      table.calibration_edges.push_back(spec.calibration_edges.empty()
                                            ? static_cast<double>(bin) / static_cast<double>(bins)
                                            : spec.calibration_edges[bin - 1]);
    }
    table.calibration_edges.push_back(1.0);
  }
  if (spec.rule != nullptr) table.rule_text = spec.rule->text();
  std::vector<ValueIndex> value_indices(group_idx.size());
  CellIndex cells(group_idx.size());
  std::vector<std::uint32_t> codes(group_idx.size());
  const bool drop_missing_outcome = spec.missing_outcome == MissingPolicy::Drop;
  std::vector<std::int64_t> period_keys;  // parallel to table.period_labels (sorted at the end)
  std::int64_t last_key = std::numeric_limits<std::int64_t>::min();
  std::size_t last_period = 0;

  ProgressTask task(progress, "reading decision log", 0);
  auto missing_outcome = [&](std::size_t column_idx, std::string_view what) {
    if (drop_missing_outcome) return;
    throw Error(ErrorCode::InvalidInput,
                fmt::format("the {} ('{}') is missing", what, reader.header()[column_idx]),
                "fill it in, or set `missing` to drop such rows (they are counted in the report)",
                reader.location(column_idx));
  };
  std::uint64_t applicants = 0;  // so far, kept ≤ kMaxCount so no sum of counts can wrap
  auto add = [](ConfusionCounts& counts, int decision, int label, std::uint64_t weight) {
    if (decision == 1) {
      (label == 1 ? counts.tp : counts.fp) += weight;
    } else {
      (label == 1 ? counts.fn : counts.tn) += weight;
    }
  };
  while (reader.next()) {
    ++table.rows_read;
    if ((table.rows_read & 0xFFFFFU) == 0 && !task.tick(0x100000U)) break;
    bool drop = false;
    for (std::size_t attribute_idx = 0; attribute_idx < group_idx.size(); ++attribute_idx) {
      std::string_view cell = reader.field(group_idx[attribute_idx]);
      if (is_missing_token(cell)) {
        if (spec.missing_group == MissingGroupPolicy::Error) {
          throw Error(ErrorCode::InvalidInput,
                      fmt::format("the value of '{}' is missing", spec.group_columns[attribute_idx]),
                      "fill it in, or set `missing_group` to own (keep as a group) or drop",
                      reader.location(group_idx[attribute_idx]));
        }
        if (spec.missing_group == MissingGroupPolicy::Drop) {
          drop = true;
          break;
        }
        cell = kMissingGroupLabel;
      }
      codes[attribute_idx] =
          value_indices[attribute_idx].find_or_add(cell, table.attributes[attribute_idx].names);
    }
    if (drop) {
      ++table.rows_dropped_missing_group;
      continue;
    }
    int decision = 0;
    double score = 0.0;
    const std::string_view outcome = reader.field(outcome_idx);
    if (spec.decision_column) {
      decision = decision_mapper.map(outcome);
      if (decision == -2) {
        throw Error(ErrorCode::Parse,
                    fmt::format("decision '{}' in '{}' is not 0/1", outcome, reader.header()[outcome_idx]),
                    fmt::format("use {} or map values with `positive`", decision_mapper.describe()),
                    reader.location(outcome_idx));
      }
    } else if (const auto value = parse_number(outcome)) {
      score = *value;
      decision = score >= *spec.threshold ? 1 : 0;
    } else if (is_missing_token(outcome)) {
      decision = -1;
    } else {
      throw Error(
          ErrorCode::Parse,
          fmt::format("score '{}' in '{}' is not a number", excerpt(outcome), reader.header()[outcome_idx]),
          "write a plain decimal number", reader.location(outcome_idx));
    }
    if (decision == -1) {
      missing_outcome(outcome_idx, spec.decision_column ? "decision" : "score");
      ++table.rows_dropped_missing_outcome;
      continue;
    }
    int label = 0;
    if (has_label) {
      const std::string_view cell = reader.field(label_idx);
      label = label_mapper.map(cell);
      if (label == -2) {
        throw Error(ErrorCode::Parse,
                    fmt::format("label '{}' in '{}' is not 0/1", excerpt(cell), reader.header()[label_idx]),
                    fmt::format("use {} or map values with `label_positive`", label_mapper.describe()),
                    reader.location(label_idx));
      }
      if (label == -1) {
        missing_outcome(label_idx, "label");
        ++table.rows_dropped_missing_outcome;
        continue;
      }
    }
    std::uint64_t weight = 1;
    if (has_count) {
      const std::string_view cell = reader.field(count_idx);
      const auto value = count_value(cell);
      if (!value) {
        if (is_missing_token(cell)) {
          missing_outcome(count_idx, "count");
          ++table.rows_dropped_missing_outcome;
          continue;
        }
        throw_bad_count(cell, reader.header()[count_idx], reader.location(count_idx));
      }
      weight = *value;
      if (weight > kMaxCount - applicants)
        throw_count_total(reader.header()[count_idx], reader.location(count_idx));
      applicants += weight;
      if (weight == 0) {
        ++table.rows_zero_count;
        continue;
      }
    }
    std::size_t period_idx = 0;
    if (has_time) {
      const std::string_view cell = reader.field(time_idx);
      if (is_missing_token(cell)) {
        missing_outcome(time_idx, "time");
        ++table.rows_dropped_missing_outcome;
        continue;
      }
      const auto key = period_of(cell, spec.period);
      if (!key) {
        throw Error(ErrorCode::Parse,
                    fmt::format("time '{}' in '{}' is not a date", excerpt(cell), reader.header()[time_idx]),
                    "write an ISO-8601 date or date-time (2024-03-15, 2024-03-15T10:30:00) or Unix seconds",
                    reader.location(time_idx));
      }
      if (key->key == last_key) {
        period_idx = last_period;  // logs are usually in time order: skip the search
      } else {
        const auto it = std::find(period_keys.begin(), period_keys.end(), key->key);
        period_idx = static_cast<std::size_t>(it - period_keys.begin());
        if (it == period_keys.end()) {
          period_keys.push_back(key->key);
          table.period_labels.push_back(key->name);
          table.period_cells.emplace_back();
        }
        last_key = key->key;
        last_period = period_idx;
      }
    }
    if (bins > 0 && (score < 0.0 || score > 1.0)) {
      // Not a probability: calibration is meaningless (binning over the observed range would compare a
      // score with a rate all the same), so it is given up, and the report says why and where.
      table.calibration_skipped = fmt::format(
          "score '{}' in '{}' at {} is outside [0, 1]: calibration compares scores with observed "
          "rates, so it needs probabilities",
          outcome, reader.header()[outcome_idx], reader.location(outcome_idx).to_string());
      bins = 0;
      table.calibration_bins = 0;
      table.calibration.clear();
      table.calibration_edges.clear();
    }
    const std::uint32_t cell_idx = cells.find_or_add(codes, table);
    add(table.cells[cell_idx], decision, label, weight);
    if (spec.rule != nullptr) {
      if (table.rule_cells.size() < table.cells.size()) table.rule_cells.resize(table.cells.size());
      RuleCounts& counts = table.rule_cells[cell_idx];
      const Truth truth = spec.rule->evaluate(reader.fields());
      (truth == Truth::True    ? counts.eligible
       : truth == Truth::False ? counts.excluded
                               : counts.undetermined) += weight;
    }
    if (bins > 0) {
      if (table.calibration.size() < table.cells.size() * bins)
        table.calibration.resize(table.cells.size() * bins);
      const auto edge =
          std::upper_bound(table.calibration_edges.begin() + 1, table.calibration_edges.end() - 1, score);
      const auto bin = static_cast<std::size_t>(edge - (table.calibration_edges.begin() + 1));
      CalibrationCounts& counts = table.calibration[cell_idx * bins + bin];
      counts.n += weight;
      if (label == 1) counts.positives += weight;
      counts.score_sum += static_cast<double>(weight) * score;
    }
    if (has_time) {
      auto& period = table.period_cells[period_idx];
      if (period.size() <= cell_idx) period.resize(cell_idx + 1);
      add(period[cell_idx], decision, label, weight);
    }
  }
  task.throw_if_stopped();
  if (spec.rule != nullptr) table.rule_cells.resize(table.cells.size());
  if (bins > 0) table.calibration.resize(table.cells.size() * bins);
  if (has_time) {  // periods in time order
    std::vector<std::size_t> order(period_keys.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return period_keys[a] < period_keys[b]; });
    std::vector<std::string> labels;
    std::vector<std::vector<ConfusionCounts>> period_cells;
    for (const std::size_t idx : order) {
      labels.push_back(std::move(table.period_labels[idx]));
      period_cells.push_back(std::move(table.period_cells[idx]));
      table.period_keys.push_back(period_keys[idx]);
    }
    table.period_labels = std::move(labels);
    table.period_cells = std::move(period_cells);
  }
  if (spec.hash_input) table.sha256 = reader.sha256_hex();
  return table;
}

// One byte range of a CSV file in memory that needs no full scan (no quote, no bare CR), starting at a
// line start, tokenized by core's CsvScanner on its fast path. Errors carry no position (the caller
// re-reads the file sequentially to report them).
class ChunkReader {
 public:
  ChunkReader(std::string_view text, const std::vector<std::string>& header, const std::string& source,
              const CsvOptions& options)
      : scanner_(text, options, false), header_(header), source_(source) {
    fields_.reserve(header.size());
  }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return header_; }
  [[nodiscard]] std::size_t column_index(std::string_view name) const {
    return static_cast<std::size_t>(std::find(header_.begin(), header_.end(), name) - header_.begin());
  }
  bool next() {
    while (scanner_.next(fields_)) {
      if (fields_.size() == 1 && fields_[0].empty())
        continue;  // blank lines are skipped, as CsvStreamReader does
      if (fields_.size() != header_.size()) throw Error(ErrorCode::Parse, "wrong number of fields");
      return true;
    }
    return false;
  }
  [[nodiscard]] std::string_view field(std::size_t idx) const noexcept { return fields_[idx]; }
  [[nodiscard]] std::span<const std::string_view> fields() const noexcept { return fields_; }
  [[nodiscard]] SourceLocation location(std::size_t /*idx*/) const { return SourceLocation{source_, 0, 0}; }
  [[nodiscard]] std::string sha256_hex() const { return {}; }

 private:
  CsvScanner scanner_;
  const std::vector<std::string>& header_;
  const std::string& source_;
  std::vector<std::string_view> fields_;
};

// Adds `part` (a later byte range) to `into`: values and cells are matched by name, so first-appearance
// order is the file's order when parts are merged in range order.
void merge_table(DecisionTable& into, const DecisionTable& part) {
  std::vector<std::vector<std::uint32_t>> code_map(part.attributes.size());
  for (std::size_t attribute_idx = 0; attribute_idx < part.attributes.size(); ++attribute_idx) {
    auto& labels = into.attributes[attribute_idx].names;
    for (const auto& label : part.attributes[attribute_idx].names) {
      auto it = std::find(labels.begin(), labels.end(), label);
      if (it == labels.end()) {
        labels.push_back(label);
        it = labels.end() - 1;
      }
      code_map[attribute_idx].push_back(static_cast<std::uint32_t>(it - labels.begin()));
    }
  }
  std::map<std::vector<std::uint32_t>, std::size_t> cell_of;
  for (std::size_t cell_idx = 0; cell_idx < into.cells.size(); ++cell_idx)
    cell_of[into.codes_of(cell_idx)] = cell_idx;
  const std::size_t bins = into.calibration_bins;
  std::vector<std::size_t> cell_map(part.cells.size());
  for (std::size_t cell_idx = 0; cell_idx < part.cells.size(); ++cell_idx) {
    std::vector<std::uint32_t> codes = part.codes_of(cell_idx);
    for (std::size_t attribute_idx = 0; attribute_idx < codes.size(); ++attribute_idx)
      codes[attribute_idx] = code_map[attribute_idx][codes[attribute_idx]];
    const auto [it, inserted] = cell_of.try_emplace(codes, into.cells.size());
    if (inserted) {
      into.add_cell(codes);
      if (!part.rule_cells.empty()) into.rule_cells.emplace_back();
      if (bins > 0) into.calibration.resize(into.cells.size() * bins);
    }
    const std::size_t target = it->second;
    cell_map[cell_idx] = target;
    into.cells[target] += part.cells[cell_idx];
    if (!part.rule_cells.empty()) {
      into.rule_cells[target].eligible += part.rule_cells[cell_idx].eligible;
      into.rule_cells[target].excluded += part.rule_cells[cell_idx].excluded;
      into.rule_cells[target].undetermined += part.rule_cells[cell_idx].undetermined;
    }
    for (std::size_t bin = 0; bin < bins; ++bin) {
      CalibrationCounts& to = into.calibration[target * bins + bin];
      const CalibrationCounts& from = part.calibration[cell_idx * bins + bin];
      to.n += from.n;
      to.positives += from.positives;
      to.score_sum += from.score_sum;
    }
  }
  for (std::size_t period_idx = 0; period_idx < part.period_labels.size(); ++period_idx) {
    auto it = std::find(into.period_keys.begin(), into.period_keys.end(), part.period_keys[period_idx]);
    if (it == into.period_keys.end()) {
      into.period_keys.push_back(part.period_keys[period_idx]);
      into.period_labels.push_back(part.period_labels[period_idx]);
      into.period_cells.emplace_back();
      it = into.period_keys.end() - 1;
    }
    auto& counts = into.period_cells[static_cast<std::size_t>(it - into.period_keys.begin())];
    const auto& from = part.period_cells[period_idx];
    for (std::size_t cell_idx = 0; cell_idx < from.size(); ++cell_idx) {
      if (from[cell_idx].n() == 0) continue;
      const std::size_t target = cell_map[cell_idx];
      if (counts.size() <= target) counts.resize(target + 1);
      counts[target] += from[cell_idx];
    }
  }
  into.rows_read += part.rows_read;
  into.rows_dropped_missing_group += part.rows_dropped_missing_group;
  into.rows_dropped_missing_outcome += part.rows_dropped_missing_outcome;
  into.rows_zero_count += part.rows_zero_count;
}

// The parallel chunked read; nullopt when it does not apply or a range failed (read sequentially then).
std::optional<DecisionTable> read_parallel(const std::string& path, const DecisionLogSpec& spec) {
  std::size_t threads = spec.threads != 0 ? spec.threads : std::thread::hardware_concurrency();
  if (threads < 2 || path == "-" || spec.ndjson) return std::nullopt;
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error || size < spec.parallel_min_bytes || size == 0) return std::nullopt;
  std::vector<std::string> header;
  {
    // The sequential reader checks the header and the columns, with its messages.
    CsvStreamReader reader(path, spec.csv);
    for (const auto& name : wanted_columns(spec)) static_cast<void>(reader.column_index(name));
    header = reader.header();
    if (spec.rule != nullptr) spec.rule->bind(header, reader.source());
  }
  // The sequential reader opened the file a moment ago; if mapping fails now, it reports why.
  std::optional<MappedFile> file;
  try {
    file.emplace(path);
  } catch (const Error&) {
    return std::nullopt;
  }
  const std::string_view text = file->text();
  if (text.empty() || csv_needs_full_scan(text)) return std::nullopt;
  const std::size_t header_end = text.find('\n');
  if (header_end == std::string_view::npos) return std::nullopt;
  const std::string_view body = text.substr(header_end + 1);
  threads = std::min<std::size_t>(threads, std::max<std::size_t>(1, body.size() >> 16U));  // ≥ 64 kB a range
  std::vector<std::size_t> starts{0};
  for (std::size_t k = 1; k < threads; ++k) {
    const std::size_t guess = std::max(starts.back(), body.size() * k / threads);
    const std::size_t newline = body.find('\n', guess);
    if (newline == std::string_view::npos) break;
    starts.push_back(newline + 1);
  }
  starts.push_back(body.size());
  const std::size_t parts = starts.size() - 1;
  std::vector<DecisionTable> tables(parts);
  std::vector<std::exception_ptr> failures(parts);
  std::string sha;
  std::thread hasher;
  if (spec.hash_input) {
    hasher = std::thread([&sha, text] {
      Sha256 hash;
      for (std::size_t offset = 0; offset < text.size(); offset += 1U << 20U)
        hash.update(text.substr(offset, 1U << 20U));
      sha = hash.hex_digest();
    });
  }
  const std::string source = path;
  auto work = [&](std::size_t part) {
    try {
      const std::string_view chunk = body.substr(starts[part], starts[part + 1] - starts[part]);
      if (first_invalid_utf8(chunk)) throw Error(ErrorCode::Parse, "invalid UTF-8");  // reported sequentially
      ChunkReader reader(chunk, header, source, spec.csv);
      tables[part] = read_rows(reader, spec, null_progress(), false);
    } catch (...) {
      failures[part] = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  for (std::size_t part = 1; part < parts; ++part) workers.emplace_back(work, part);
  work(0);
  for (auto& worker : workers) worker.join();
  if (hasher.joinable()) hasher.join();
  for (const auto& failure : failures) {
    if (failure) return std::nullopt;
  }
  // A range cannot name the line of a score outside [0, 1]: the sequential read gives calibration up with
  // the exact file:line:column.
  for (const auto& part : tables) {
    if (!part.calibration_skipped.empty()) return std::nullopt;
  }
  DecisionTable table = std::move(tables[0]);
  for (std::size_t part = 1; part < parts; ++part) merge_table(table, tables[part]);
  // Each range kept its own total ≤ 2^53; if the whole file's exceeds it, the sequential read says where.
  if (table.total().n() > kMaxCount) return std::nullopt;
  if (!table.period_keys.empty()) {  // periods in time order
    std::vector<std::size_t> order(table.period_keys.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return table.period_keys[a] < table.period_keys[b]; });
    DecisionTable sorted;
    for (const std::size_t idx : order) {
      sorted.period_keys.push_back(table.period_keys[idx]);
      sorted.period_labels.push_back(std::move(table.period_labels[idx]));
      sorted.period_cells.push_back(std::move(table.period_cells[idx]));
    }
    table.period_keys = std::move(sorted.period_keys);
    table.period_labels = std::move(sorted.period_labels);
    table.period_cells = std::move(sorted.period_cells);
  }
  for (auto& counts : table.period_cells) counts.resize(std::min(counts.size(), table.cells.size()));
  table.sha256 = sha;
  table.read_threads = parts;
  return table;
}

}  // namespace

DecisionTable read_decision_log(const std::string& path, const DecisionLogSpec& spec,
                                ProgressSink& progress) {
  validate_spec(spec);
  if (spec.ndjson) {
    NdjsonStreamReader reader(path, wanted_columns(spec), spec.hash_input);
    return read_rows(reader, spec, progress);
  }
  if (auto table = read_parallel(path, spec)) return std::move(*table);
  CsvStreamReader reader(path, spec.csv, spec.hash_input);
  return read_rows(reader, spec, progress);
}

std::vector<double> score_quantile_edges(const std::string& path, const DecisionLogSpec& spec,
                                         std::size_t bins) {
  validate_spec(spec);
  if (path == "-") {
    throw Error(ErrorCode::InvalidInput, "quantile score bins need two passes over the input",
                "give a file instead of stdin, or use equal-width bins");
  }
  if (bins < 2) return {};
  std::vector<std::pair<double, std::uint64_t>> scores;
  auto collect = [&](auto& reader) {
    const std::size_t score_idx = reader.column_index(*spec.score_column);
    const bool has_count = spec.count_column.has_value();
    const std::size_t count_idx = has_count ? reader.column_index(*spec.count_column) : 0;
    while (reader.next()) {
      const auto score = parse_number(reader.field(score_idx));
      if (!score) continue;  // missing or bad cells are reported by the main pass
      std::uint64_t weight = 1;
      if (has_count) {
        const auto count = count_value(reader.field(count_idx));
        if (!count) continue;  // reported by the main pass
        weight = *count;
      }
      if (weight > 0) scores.emplace_back(*score, weight);
    }
  };
  if (spec.ndjson) {
    NdjsonStreamReader reader(path, wanted_columns(spec), false);
    collect(reader);
  } else {
    CsvStreamReader reader(path, spec.csv, false);
    collect(reader);
  }
  std::sort(scores.begin(), scores.end());
  std::uint64_t total = 0;
  for (const auto& entry : scores) total += entry.second;
  std::vector<double> edges;
  std::uint64_t cumulative = 0;
  std::size_t next_bin = 1;
  for (const auto& [score, weight] : scores) {
    cumulative += weight;
    // Edge k: the first score at which the cumulative weight exceeds k/bins of the total (a score equal
    // to an edge falls in the upper bin; at most k/bins of the weight lies below edge k).
    while (next_bin<bins&& static_cast<double>(cumulative) * static_cast<double>(bins)> static_cast<double>(
               next_bin) *
           static_cast<double>(total)) {
      edges.push_back(std::clamp(score, 0.0, 1.0));
      ++next_bin;
    }
  }
  while (edges.size() + 1 < bins) edges.push_back(1.0);
  return edges;
}

}  // namespace equalis::audit

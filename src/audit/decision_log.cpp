#include "audit/decision_log.hpp"

#include "audit/csv_stream.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

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
    table.cell_codes.push_back(codes);
    table.cells.emplace_back();
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
                "give --positive VALUE as well");
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
    name += labels[attribute_idx][cell_codes[cell_idx][attribute_idx]];
  }
  return name;
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
  table.labels = std::move(labels);
  table.cell_codes = std::move(cell_codes);
  table.cells = std::move(cells);
  table.has_label = has_label;
  for (const auto& cell : table.cells) table.rows_read += cell.n();
  return table;
}

DecisionTable read_decision_log(const std::string& path, const DecisionLogSpec& spec,
                                ProgressSink& progress) {
  if (spec.group_columns.empty()) {
    throw Error(ErrorCode::InvalidInput, "no sensitive attribute was given",
                "give --group COLUMN (repeatable)");
  }
  if (spec.decision_column.has_value() == spec.score_column.has_value()) {
    throw Error(ErrorCode::InvalidInput, "give exactly one of a decision column and a score column",
                "use --decision COLUMN, or --score COLUMN with --threshold T");
  }
  if (spec.score_column && !spec.threshold) {
    throw Error(ErrorCode::InvalidInput, "a score column needs a threshold", "add --threshold T");
  }
  CsvStreamReader reader(path, spec.csv, spec.hash_input);
  std::vector<std::size_t> group_idx;
  for (const auto& name : spec.group_columns) group_idx.push_back(reader.column_index(name));
  const std::size_t outcome_idx =
      reader.column_index(spec.decision_column ? *spec.decision_column : *spec.score_column);
  // Plain indices with a flag (GCC 12 misreads std::optional<std::size_t> here as maybe-uninitialised).
  const bool has_label = spec.label_column.has_value();
  const bool has_count = spec.count_column.has_value();
  const std::size_t label_idx = has_label ? reader.column_index(*spec.label_column) : 0;
  const std::size_t count_idx = has_count ? reader.column_index(*spec.count_column) : 0;

  const BinaryMapper decision_mapper(spec.positive_values, spec.negative_values);
  const BinaryMapper label_mapper(
      spec.label_positive_values.value_or(spec.positive_values),
      spec.label_positive_values ? std::vector<std::string>{} : spec.negative_values);

  DecisionTable table;
  table.source = reader.source();
  table.group_columns = spec.group_columns;
  table.labels.resize(group_idx.size());
  table.has_label = has_label;
  std::vector<ValueIndex> value_indices(group_idx.size());
  CellIndex cells(group_idx.size());
  std::vector<std::uint32_t> codes(group_idx.size());
  const bool drop_missing_outcome = spec.missing_outcome == MissingPolicy::Drop;

  ProgressTask task(progress, "reading decision log", 0);
  auto missing_outcome = [&](std::size_t column_idx, std::string_view what) {
    if (drop_missing_outcome) return;
    throw Error(ErrorCode::InvalidInput, fmt::format("the {} is missing", what),
                "fill it in, or pass --missing drop to drop such rows (they are counted in the report)",
                reader.location(column_idx));
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
                      "fill it in, or pass --missing-group own (keep as a group) or drop",
                      reader.location(group_idx[attribute_idx]));
        }
        if (spec.missing_group == MissingGroupPolicy::Drop) {
          drop = true;
          break;
        }
        cell = kMissingGroupLabel;
      }
      codes[attribute_idx] = value_indices[attribute_idx].find_or_add(cell, table.labels[attribute_idx]);
    }
    if (drop) {
      ++table.rows_dropped_missing_group;
      continue;
    }
    int decision = 0;
    const std::string_view outcome = reader.field(outcome_idx);
    if (spec.decision_column) {
      decision = decision_mapper.map(outcome);
      if (decision == -2) {
        throw Error(ErrorCode::Parse, fmt::format("decision '{}' is not 0/1", outcome),
                    fmt::format("use {} or map values with --positive VALUE", decision_mapper.describe()),
                    reader.location(outcome_idx));
      }
    } else if (const auto score = parse_number(outcome)) {
      decision = *score >= *spec.threshold ? 1 : 0;
    } else if (is_missing_token(outcome)) {
      decision = -1;
    } else {
      throw Error(ErrorCode::Parse, fmt::format("score '{}' is not a number", outcome),
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
        throw Error(ErrorCode::Parse, fmt::format("label '{}' is not 0/1", cell),
                    fmt::format("use {} or map values with --label-positive VALUE", label_mapper.describe()),
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
      const auto value = parse_number(cell);
      if (!value) {
        if (is_missing_token(cell)) {
          missing_outcome(count_idx, "count");
          ++table.rows_dropped_missing_outcome;
          continue;
        }
        throw Error(ErrorCode::Parse, fmt::format("count '{}' is not a number", cell),
                    "write a whole number of applicants", reader.location(count_idx));
      }
      if (*value < 0.0 || *value != std::floor(*value) || *value > 9.0e15) {
        throw Error(ErrorCode::InvalidInput, fmt::format("count '{}' is not a whole number ≥ 0", cell),
                    "counts are numbers of applicants: whole and non-negative", reader.location(count_idx));
      }
      weight = static_cast<std::uint64_t>(*value);
      if (weight == 0) {
        ++table.rows_zero_count;
        continue;
      }
    }
    ConfusionCounts& counts = table.cells[cells.find_or_add(codes, table)];
    if (decision == 1) {
      (label == 1 ? counts.tp : counts.fp) += weight;
    } else {
      (label == 1 ? counts.fn : counts.tn) += weight;
    }
  }
  task.throw_if_stopped();
  if (spec.hash_input) table.sha256 = reader.sha256_hex();
  return table;
}

}  // namespace equalis::audit

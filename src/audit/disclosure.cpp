#include "audit/disclosure.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

namespace equalis::audit {

std::size_t DisclosureTable::add_cell(std::uint64_t size, bool hidden_cell, bool fixed_cell) {
  sizes.push_back(size);
  hidden.push_back(hidden_cell ? 1 : 0);
  fixed.push_back(fixed_cell ? 1 : 0);
  return sizes.size() - 1;
}

void DisclosureTable::add_relation(std::size_t total, std::vector<std::size_t> parts) {
  relations.push_back({total, std::move(parts)});
}

namespace {

std::size_t hidden_in(const DisclosureTable& table, const DisclosureRelation& relation) {
  std::size_t count = table.hidden[relation.total] != 0 ? 1 : 0;
  for (const std::size_t part : relation.parts) count += table.hidden[part] != 0 ? 1U : 0U;
  return count;
}

// The cell to hide next to protect a relation: preferably one that also protects another relation with a
// lone hidden cell (one complement for two), then a non-empty one (hiding an empty cell next to a small
// one protects it less), then the smallest; the total only when no part is left.
std::optional<std::size_t> complement_in(const DisclosureTable& table, const DisclosureRelation& relation,
                                         const std::vector<std::vector<std::size_t>>& relations_of) {
  auto protects_another = [&](std::size_t cell) {
    for (const std::size_t other : relations_of[cell]) {
      const DisclosureRelation& candidate = table.relations[other];
      if (&candidate != &relation && hidden_in(table, candidate) == 1) return true;
    }
    return false;
  };
  std::optional<std::size_t> best;
  bool best_protects = false;
  auto better = [&](std::size_t cell, bool protects) {
    if (!best) return true;
    if (protects != best_protects) return protects;
    const bool empty = table.sizes[cell] == 0;
    const bool best_empty = table.sizes[*best] == 0;
    if (empty != best_empty) return best_empty;
    return table.sizes[cell] < table.sizes[*best];
  };
  for (const std::size_t part : relation.parts) {
    if (table.hidden[part] != 0 || table.fixed[part] != 0) continue;
    const bool protects = protects_another(part);
    if (better(part, protects)) {
      best = part;
      best_protects = protects;
    }
  }
  if (!best && table.hidden[relation.total] == 0 && table.fixed[relation.total] == 0) best = relation.total;
  return best;
}

bool contains(const DisclosureRelation& relation, std::size_t cell) {
  return relation.total == cell ||
         std::find(relation.parts.begin(), relation.parts.end(), cell) != relation.parts.end();
}

}  // namespace

std::vector<std::size_t> determined_cells(const DisclosureTable& table) {
  std::vector<std::size_t> unknowns;
  std::vector<std::int64_t> column_of(table.sizes.size(), -1);
  for (std::size_t cell = 0; cell < table.sizes.size(); ++cell) {
    if (table.hidden[cell] == 0) continue;
    column_of[cell] = static_cast<std::int64_t>(unknowns.size());
    unknowns.push_back(cell);
  }
  if (unknowns.empty()) return {};
  // One row per relation over the hidden cells (the shown ones are known constants).
  std::size_t involved = 0;
  for (const auto& relation : table.relations) involved += hidden_in(table, relation) > 0 ? 1U : 0U;
  const std::size_t entries = involved * unknowns.size();
  if (entries > kMaxExactCheck || entries * std::min(involved, unknowns.size()) > 100 * kMaxExactCheck) {
    return {};  // too large for a dense elimination
  }
  std::vector<std::vector<double>> rows;
  for (const auto& relation : table.relations) {
    std::vector<double> row(unknowns.size(), 0.0);
    bool any = false;
    auto add = [&](std::size_t cell, double coefficient) {
      if (column_of[cell] < 0) return;
      row[static_cast<std::size_t>(column_of[cell])] += coefficient;
      any = true;
    };
    add(relation.total, 1.0);
    for (const std::size_t part : relation.parts) add(part, -1.0);
    if (any) rows.push_back(std::move(row));
  }
  // Reduced row echelon form with partial pivoting; the coefficients are small integers, so a tolerance
  // of 1e-9 separates zeros from non-zeros.
  constexpr double kZero = 1e-9;
  std::vector<std::pair<std::size_t, std::size_t>> pivots;  // (row, column)
  std::size_t next_row = 0;
  for (std::size_t column = 0; column < unknowns.size() && next_row < rows.size(); ++column) {
    std::size_t best = next_row;
    for (std::size_t r = next_row; r < rows.size(); ++r) {
      if (std::fabs(rows[r][column]) > std::fabs(rows[best][column])) best = r;
    }
    if (std::fabs(rows[best][column]) < kZero) continue;
    std::swap(rows[best], rows[next_row]);
    const double pivot = rows[next_row][column];
    for (double& value : rows[next_row]) value /= pivot;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (r == next_row || std::fabs(rows[r][column]) < kZero) continue;
      const double factor = rows[r][column];
      for (std::size_t c = 0; c < unknowns.size(); ++c) rows[r][c] -= factor * rows[next_row][c];
    }
    pivots.emplace_back(next_row, column);
    ++next_row;
  }
  std::vector<std::size_t> determined;
  for (const auto& [row, column] : pivots) {
    std::size_t nonzeros = 0;
    for (const double value : rows[row]) nonzeros += std::fabs(value) >= kZero ? 1U : 0U;
    if (nonzeros == 1) determined.push_back(unknowns[column]);
  }
  std::sort(determined.begin(), determined.end());
  return determined;
}

std::size_t protect(DisclosureTable& table) {
  std::vector<std::vector<std::size_t>> relations_of(table.sizes.size());
  for (std::size_t idx = 0; idx < table.relations.size(); ++idx) {
    relations_of[table.relations[idx].total].push_back(idx);
    for (const std::size_t part : table.relations[idx].parts) relations_of[part].push_back(idx);
  }
  for (;;) {
    bool changed = false;
    // Lone hidden cells first: cheap, and it settles almost every table.
    for (bool again = true; again;) {
      again = false;
      for (const auto& relation : table.relations) {
        if (hidden_in(table, relation) != 1) continue;
        if (const auto cell = complement_in(table, relation, relations_of)) {
          table.hidden[*cell] = 1;
          again = changed = true;
        }
      }
    }
    const std::vector<std::size_t> determined = determined_cells(table);
    if (determined.empty()) return 0;
    for (const std::size_t cell : determined) {
      for (const auto& relation : table.relations) {
        if (!contains(relation, cell)) continue;
        if (const auto complement = complement_in(table, relation, relations_of)) {
          table.hidden[*complement] = 1;
          changed = true;
          break;
        }
      }
    }
    if (!changed) return determined.size();
  }
}

}  // namespace equalis::audit

#pragma once
// Secondary (complementary) cell suppression, so that no suppressed count can be derived from the
// published ones (Hundepool et al., "Statistical Disclosure Control", Wiley 2012, §4.3 primary and
// secondary cell suppression).
//
// A published table is a set of cells (a family's groups, the overall total, calibration bins, …) and of
// additive relations between them, each "total = Σ parts" (a family's groups add up to the overall total;
// the intersection cells of `region = north` add up to the group `north`). Primary suppression hides the
// cells below the minimum size. A relation with exactly one hidden cell gives that cell back by subtraction,
// so protect() hides a second cell in it (greedily: a part that also protects another such relation, else
// the smallest shown part, else the total; not a minimal pattern), repeats until no
// relation has a lone hidden cell, and then checks the whole system of relations by linear algebra: a
// hidden cell that some combination of relations still determines exactly gets another complement, until
// none is determined. Cells marked `fixed` (the overall total, always published) are never hidden.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace equalis::audit {

struct DisclosureRelation {
  std::size_t total = 0;           // cell index
  std::vector<std::size_t> parts;  // cell indices; total = Σ parts
};

struct DisclosureTable {
  std::vector<std::uint64_t> sizes;  // applicants per cell (complements are chosen smallest first)
  std::vector<char> hidden;          // in: primary suppression; out: primary and complementary
  std::vector<char> fixed;           // the cell's state may not change (shown or hidden as given)
  std::vector<DisclosureRelation> relations;

  std::size_t add_cell(std::uint64_t size, bool hidden_cell, bool fixed_cell = false);
  void add_relation(std::size_t total, std::vector<std::size_t> parts);
};

// Hides complementary cells until no hidden cell is determined by the relations. Returns the number of
// hidden cells that stay determined because every cell that could protect them is fixed (0 unless, e.g.,
// the overall total itself is below the minimum cell size).
std::size_t protect(DisclosureTable& table);

// The hidden cells whose value the shown cells and the relations determine exactly (Gaussian elimination
// over the hidden cells: a cell is determined when the unit vector of its column lies in the row space).
// The elimination is dense: for a system of more than kMaxExactCheck entries (relations with a hidden cell
// × hidden cells), or more than 100 × kMaxExactCheck operations, it is not run and the answer is empty,
// leaving the lone-cell rule alone (e.g. a daily audit over many intersection cells).
inline constexpr std::size_t kMaxExactCheck = 4'000'000;
std::vector<std::size_t> determined_cells(const DisclosureTable& table);

}  // namespace equalis::audit

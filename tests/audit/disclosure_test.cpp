#include "audit/disclosure.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace equalis::audit {
namespace {

std::size_t hidden_in(const DisclosureTable& table, const DisclosureRelation& relation) {
  std::size_t count = table.hidden[relation.total] != 0 ? 1U : 0U;
  for (const std::size_t part : relation.parts) count += table.hidden[part] != 0 ? 1U : 0U;
  return count;
}

TEST(Disclosure, ALoneSuppressedCellGetsTheSmallestOtherAsComplement) {
  DisclosureTable table;
  const std::size_t total = table.add_cell(100, false, true);
  const std::size_t small = table.add_cell(3, true);
  const std::size_t big = table.add_cell(60, false);
  const std::size_t mid = table.add_cell(37, false);
  table.add_relation(total, {small, big, mid});
  EXPECT_EQ(determined_cells(table), std::vector<std::size_t>{small});
  EXPECT_EQ(protect(table), 0U);
  EXPECT_NE(table.hidden[mid], 0);
  EXPECT_EQ(table.hidden[big], 0);
  EXPECT_TRUE(determined_cells(table).empty());
}

TEST(Disclosure, EmptyCellsAreTheLastChoiceOfComplement) {
  DisclosureTable table;
  const std::size_t total = table.add_cell(50, false, true);
  const std::size_t small = table.add_cell(3, true);
  const std::size_t empty = table.add_cell(0, false);
  const std::size_t rest = table.add_cell(47, false);
  table.add_relation(total, {small, empty, rest});
  protect(table);
  EXPECT_NE(table.hidden[rest], 0);
  EXPECT_EQ(table.hidden[empty], 0);
}

// A 4 × 4 table with shown margins: two suppressed 2 × 2 blocks joined by one cell. Every row and column
// has 0 or 2+ hidden cells, yet rows 1–2 minus columns 1–2 give the joining cell back; the linear algebra
// finds it and protect() adds complements until nothing is determined.
TEST(Disclosure, ACellDeterminedOnlyByCombiningRelationsIsProtected) {
  DisclosureTable table;
  std::size_t cell[4][4];
  const bool hidden[4][4] = {{true, true, false, false},
                             {true, true, true, false},
                             {false, false, true, true},
                             {false, false, true, true}};
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c)
      cell[r][c] = table.add_cell(static_cast<std::uint64_t>(20 + 4 * r + c), hidden[r][c]);
  }
  for (int r = 0; r < 4; ++r) {
    std::vector<std::size_t> parts;
    for (int c = 0; c < 4; ++c) parts.push_back(cell[r][c]);
    table.add_relation(table.add_cell(100, false, true), parts);
  }
  for (int c = 0; c < 4; ++c) {
    std::vector<std::size_t> parts;
    for (int r = 0; r < 4; ++r) parts.push_back(cell[r][c]);
    table.add_relation(table.add_cell(100, false, true), parts);
  }
  for (const auto& relation : table.relations) EXPECT_NE(hidden_in(table, relation), 1U);
  EXPECT_EQ(determined_cells(table), std::vector<std::size_t>{cell[1][2]});
  EXPECT_EQ(protect(table), 0U);
  EXPECT_TRUE(determined_cells(table).empty());
  for (const auto& relation : table.relations) EXPECT_NE(hidden_in(table, relation), 1U);
}

// Regions × hukou, one small cell: the complements close a 2 × 2 cycle (4 hidden cells) rather than
// chasing the smallest cell of each margin (which hid 6 on the example log).
TEST(Disclosure, AComplementThatProtectsTwoRelationsIsPreferred) {
  DisclosureTable table;
  const std::vector<std::array<std::uint64_t, 2>> sizes{{993, 500}, {856, 214}, {598, 256}, {41, 5}};
  std::vector<std::array<std::size_t, 2>> cell;
  for (const auto& row : sizes)
    cell.push_back({table.add_cell(row[0], row[0] < 10), table.add_cell(row[1], row[1] < 10)});
  for (std::size_t r = 0; r < sizes.size(); ++r)
    table.add_relation(table.add_cell(sizes[r][0] + sizes[r][1], false), {cell[r][0], cell[r][1]});
  for (std::size_t c = 0; c < 2; ++c) {
    std::vector<std::size_t> parts;
    std::uint64_t total = 0;
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      parts.push_back(cell[r][c]);
      total += sizes[r][c];
    }
    table.add_relation(table.add_cell(total, false), parts);
  }
  EXPECT_EQ(protect(table), 0U);
  std::size_t hidden = 0;
  for (const char h : table.hidden) hidden += h != 0 ? 1U : 0U;
  EXPECT_EQ(hidden, 4U);
  EXPECT_TRUE(determined_cells(table).empty());
}

TEST(Disclosure, AFixedTotalThatCannotBeProtectedIsCounted) {
  DisclosureTable table;
  const std::size_t total = table.add_cell(4, false, true);
  const std::size_t only = table.add_cell(4, true);
  table.add_relation(total, {only});
  EXPECT_EQ(protect(table), 1U);
}

}  // namespace
}  // namespace equalis::audit

#include "core/groups.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace equalis {
namespace {

// Rows kept from a column labelled {north, south, east, west}: only the groups that occur, numbered in
// order of first appearance — south first here, and west (no row kept) left out.
TEST(Groups, DenseGroupsKeepTheGroupsThatOccurInOrderOfFirstAppearance) {
  const std::vector<std::string> labels{"north", "south", "east", "west"};
  const Groups groups = dense_groups({1, 0, 1, 2, 0}, labels);
  EXPECT_EQ(groups.names, (std::vector<std::string>{"south", "north", "east"}));
  EXPECT_EQ(groups.codes, (std::vector<std::uint32_t>{0, 1, 0, 2, 1}));
  EXPECT_EQ(groups.count(), 3U);
  EXPECT_EQ(groups.name_of(3), "east");
  EXPECT_TRUE(dense_groups({}, labels).empty());
}

TEST(Groups, TotalsAddEachUnitsWeightToItsGroup) {
  const Groups groups = dense_groups({0, 1, 0, 1, 1}, {"a", "b"});
  EXPECT_EQ(group_totals(groups, std::vector<double>{1.5, 2, 0, 4, 0.5}), (std::vector<double>{1.5, 6.5}));
  EXPECT_EQ(group_totals(groups), (std::vector<double>{2, 3}));  // unweighted: counts
  const Groups all = one_group(4, "all");
  EXPECT_EQ(all.codes, (std::vector<std::uint32_t>{0, 0, 0, 0}));
  EXPECT_EQ(group_totals(all, std::vector<double>{1, 2, 3, 4}), (std::vector<double>{10}));
}

}  // namespace
}  // namespace equalis

#include "measure/inequality.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace equalis::measure {
namespace {
TEST(Gini, TwoUnits) {
  const std::vector<double> y{1, 3};
  const std::vector<double> w{1, 1};
  EXPECT_DOUBLE_EQ(gini(y, w), 0.25);
}
}  // namespace
}  // namespace equalis::measure

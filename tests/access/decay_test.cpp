// Decay functions as the R package `accessibility` defines them, checked at hand-computed points, and
// the parser of their written form.

#include "access/decay.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace equalis::access {
namespace {

using io::CostUnit;

TEST(Decay, ValuesAtHandComputedPoints) {
  const auto binary = parse_decay("binary:30", CostUnit::Minutes);
  EXPECT_EQ(binary.weight(30.0), 1.0);
  EXPECT_EQ(binary.weight(30.01), 0.0);
  const auto linear = parse_decay("linear:20", CostUnit::Minutes);
  EXPECT_DOUBLE_EQ(linear.weight(5.0), 0.75);
  EXPECT_DOUBLE_EQ(linear.weight(20.0), 0.0);
  EXPECT_DOUBLE_EQ(parse_decay("exponential:0.1", CostUnit::Minutes).weight(5.0), std::exp(-0.5));
  const auto power = parse_decay("power:2", CostUnit::Minutes);
  EXPECT_DOUBLE_EQ(power.weight(0.5), 1.0);  // Ipea: 1 for costs ≤ 1
  EXPECT_DOUBLE_EQ(power.weight(4.0), 1.0 / 16.0);
  // Ipea's stepped: 1 before the first step, the step's value from it on.
  const auto stepped = parse_decay("stepped:10=0.67,20=0.33,30=0", CostUnit::Minutes);
  EXPECT_EQ(stepped.weight(9.99), 1.0);
  EXPECT_EQ(stepped.weight(10.0), 0.67);
  EXPECT_EQ(stepped.weight(25.0), 0.33);
  EXPECT_EQ(stepped.weight(30.0), 0.0);
  EXPECT_LT(stepped.reach(), 30.0);
  EXPECT_GT(stepped.reach(), 29.999);
  // Logistic (Bauer & Groneberg 2016): f(0) = 1 and f(T) = (1 + e^{−πT/(σ√3)}) / 2.
  const auto logistic = parse_decay("logistic:30,10", CostUnit::Minutes);
  EXPECT_DOUBLE_EQ(logistic.weight(0.0), 1.0);
  const double scale = std::numbers::pi / (10.0 * std::numbers::sqrt3);
  EXPECT_NEAR(logistic.weight(30.0), (1.0 + std::exp(-scale * 30.0)) / 2.0, 1e-15);
  EXPECT_EQ(logistic.weight(1e9), 0.0);  // no overflow to NaN far out
  // Gaussian (Dai 2010): 1 at 0, 0 at the cutoff.
  const auto gaussian = parse_decay("gaussian:30", CostUnit::Minutes);
  EXPECT_DOUBLE_EQ(gaussian.weight(0.0), 1.0);
  EXPECT_NEAR(gaussian.weight(30.0), 0.0, 1e-15);
  EXPECT_NEAR(gaussian.weight(15.0), (std::exp(-0.125) - std::exp(-0.5)) / (1.0 - std::exp(-0.5)), 1e-15);
}

TEST(Decay, DurationsConvertIntoTheCostUnit) {
  EXPECT_EQ(parse_decay("gaussian:30min", CostUnit::Seconds).cutoff, 1800.0);
  EXPECT_EQ(parse_decay("gaussian:1h", CostUnit::Minutes).cutoff, 60.0);
  EXPECT_EQ(parse_decay("linear:2km", CostUnit::Metres).cutoff, 2000.0);
  EXPECT_EQ(parse_cost("45", CostUnit::Given, "standard"), 45.0);
  // A duration against costs in metres or in the file's own unit is refused, naming the field.
  try {
    (void)parse_cost("30min", CostUnit::Given, "standard");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::InvalidInput);
    EXPECT_NE(std::string(error.what()).find("`standard`"), std::string::npos) << error.what();
  }
  EXPECT_THROW((void)parse_cost("30min", CostUnit::Metres, "standard"), Error);
  EXPECT_THROW((void)parse_cost("-3", CostUnit::Minutes, "standard"), Error);
  EXPECT_THROW((void)parse_cost("nan", CostUnit::Minutes, "standard"), Error);
}

TEST(Decay, BadSpecificationsAreErrors) {
  for (const char* text :
       {"", "binary", "cubic:3", "exponential:-1", "exponential:0", "power:x", "logistic:30", "logistic:30,0",
        "stepped:10=0.5,5=0.2", "stepped:10=1.5", "stepped:10", "linear:0", "gaussian:nan"}) {
    EXPECT_THROW((void)parse_decay(text, CostUnit::Minutes), Error) << text;
  }
  EXPECT_EQ(parse_decay(" stepped:10=0.67, 20=0 ", CostUnit::Minutes).describe(), "stepped:10=0.67,20=0");
}

}  // namespace
}  // namespace equalis::access

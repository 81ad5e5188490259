#include "core/duration.hpp"

#include <gtest/gtest.h>

namespace equalis {
namespace {

TEST(Duration, ReadsWhatPeopleWrite) {
  EXPECT_EQ(parse_duration_seconds("600"), 600.0);
  EXPECT_EQ(parse_duration_seconds("90s"), 90.0);
  EXPECT_EQ(parse_duration_seconds("10min"), 600.0);
  EXPECT_EQ(parse_duration_seconds("1.5h"), 5400.0);
  EXPECT_EQ(parse_duration_seconds("1h30min"), 5400.0);
  EXPECT_EQ(parse_duration_seconds("2hours"), 7200.0);
}

TEST(Duration, RefusesWhatIsNotADuration) {
  for (const char* text : {"", "5m", "10 min", "abc", "1h30", "min", "nanmin", "10min5"}) {
    EXPECT_FALSE(parse_duration_seconds(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace equalis

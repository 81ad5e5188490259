// Calls the measure facade of an installed equalis: the Gini of 1, 2, 3, 4 is 0.25, and its JSON form.

#include "core/progress.hpp"
#include "measure/profile.hpp"
#include "report/measure_json.hpp"

#include <cstdio>

int main() {
  equalis::measure::IndicatorData data;
  data.values = {1.0, 2.0, 3.0, 4.0};
  const auto profile = equalis::measure::measure_inequality(data, {}, equalis::null_progress());
  const auto json = equalis::report::to_json(profile.indices);
  std::printf("gini %.6f %s\n", profile.indices.gini.value_or(-1.0),
              json.contains("gini") ? "json" : "no-json");
  return profile.indices.gini && *profile.indices.gini == 0.25 ? 0 : 1;
}

// Fuzz target for study files (`equalis run`, study/study.hpp: TOML through toml++): any text must become
// a study or be refused with equalis::Error listing its problems (never a crash, a hang or an escaping
// toml++ exception). Paths resolve against a folder that does not exist, so no input is found and read.

#include "fuzz_support.hpp"
#include "study/study.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  equalis::fuzz::refusal_is_fine([&] {
    const auto study = equalis::study::parse_study(std::string(equalis::fuzz::as_text(data, size)),
                                                   "/nonexistent-equalis-fuzz/study.toml");
    // What is accepted names at least one analysis, and a language the report speaks.
    if (!study.access && !study.inequality && !study.convergence && !study.composite && !study.plan &&
        !study.audit)
      __builtin_trap();
    if (study.language != "en" && study.language != "zh") __builtin_trap();
  });
  return 0;
}

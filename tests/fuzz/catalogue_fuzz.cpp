// Fuzz target for the service catalogues of `equalis journeys` (journeys/catalogue.hpp, TOML through
// toml++, rules through the audit rule parser): any text must parse into a catalogue or be refused with
// equalis::Error (never a crash, a hang or an escaping toml++ exception).

#include "fuzz_support.hpp"
#include "journeys/catalogue.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  equalis::fuzz::refusal_is_fine([&] {
    const auto catalogue =
        equalis::journeys::parse_catalogue(std::string(equalis::fuzz::as_text(data, size)), "fuzz.toml");
    // What parses is whole: every step has a channel, every requirement a channel names exists.
    for (const auto& matter : catalogue.matters) {
      if (matter.steps.empty()) __builtin_trap();
      for (const auto& step : matter.steps) {
        if (step.channels.empty()) __builtin_trap();
        for (const auto& option : step.channels) {
          for (const std::size_t r : option.needs) {
            if (r >= catalogue.requirements.size()) __builtin_trap();
          }
          if (!(option.minutes >= 0.0 && option.money >= 0.0)) __builtin_trap();
        }
      }
    }
  });
  return 0;
}

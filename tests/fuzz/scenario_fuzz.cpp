// Fuzz target for the scenario files of `equalis access` (access/scenario.hpp, TOML through toml++):
// any text must parse into scenarios or be refused with equalis::Error (never a crash, a hang or an
// escaping toml++ exception).

#include "fuzz_support.hpp"

#include "access/scenario.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  equalis::fuzz::refusal_is_fine([&] {
    const auto scenarios =
        equalis::access::parse_scenarios(std::string(equalis::fuzz::as_text(data, size)), "fuzz.toml");
    // Every scenario that parses has a name, and its probabilities are probabilities.
    for (const auto& scenario : scenarios) {
      if (scenario.name.empty()) __builtin_trap();
      for (const auto& change : scenario.profiles) {
        for (const auto& p :
             {change.coverage, change.device, change.online_skill, change.terminal_skill, change.phone}) {
          if (p && !(*p >= 0.0 && *p <= 1.0)) __builtin_trap();
        }
      }
    }
  });
  return 0;
}

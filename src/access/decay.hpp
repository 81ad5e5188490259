#pragma once
// Distance-decay functions: the weight of an opportunity reached at a travel cost. Named and defined as
// in the R package `accessibility` (Ipea; Pereira & Herszenhut 2023), so that a study moves between the
// two tools without a change of meaning; Gaussian is the kernel of Dai (2010).

#include "io/cost_matrix.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::access {

enum class DecayKind : std::uint8_t {
  Binary,       // 1 for c ≤ T, else 0
  Linear,       // 1 − c/T for c ≤ T, else 0
  Exponential,  // exp(−β c)
  Power,        // 1 for c ≤ 1, else c^−β
  Stepped,      // 1 for c < S₁, v_k for S_k ≤ c < S_{k+1}, v_n for c ≥ S_n (Ipea's decay_stepped)
  Logistic,     // g(0)/g(c), g(c) = 1 + exp(π (c − T) / (σ √3)) (Bauer & Groneberg 2016, f(0) = 1)
  Gaussian,     // (e^{−½(c/T)²} − e^{−½}) / (1 − e^{−½}) for c ≤ T, else 0 (Dai 2010)
};

struct DecayStep {
  double at = 0.0;     // S_k, in the cost unit
  double value = 0.0;  // v_k, in [0, 1]
};

struct DecayFunction {
  DecayKind kind = DecayKind::Binary;
  double cutoff = 0.0;  // T: binary, linear, logistic (inflection), gaussian
  double beta = 0.0;    // exponential, power
  double sd = 0.0;      // logistic
  std::vector<DecayStep> steps;

  // The weight at a cost ≥ 0 (in the cost unit the parameters are in).
  [[nodiscard]] double weight(double cost) const noexcept;
  // The cost beyond which every weight is 0 (+inf for decays that never reach 0): pairs beyond it can be
  // skipped, and a zone with none within it reaches nothing.
  [[nodiscard]] double reach() const noexcept;
  // "gaussian:30", "stepped:10=0.67,20=0.33,30=0", as parse_decay reads it back.
  [[nodiscard]] std::string describe() const;
};

// Reads a decay as a user writes it: "binary:30min", "linear:30", "exponential:0.05", "power:1",
// "stepped:10min=0.67,20min=0.33,30min=0", "logistic:30min,10min" (inflection, sd), "gaussian:30min".
// Costs with a unit ("30min", "1800s", "1h") are converted into `unit`; bare numbers are in `unit`
// already; β of exponential and power is per cost unit. Throws Error(InvalidInput) naming `field`.
[[nodiscard]] DecayFunction parse_decay(std::string_view text, io::CostUnit unit,
                                        std::string_view field = "decay");

// A cost as a user writes it: a bare number in `unit`, or a duration ("30min") when `unit` is a time
// (converted), or metres/kilometres ("800m", "2km") when `unit` is metres. Throws Error(InvalidInput)
// naming `field` for anything else, for a negative or non-finite value, and for a unit that does not
// match the matrix's (a duration against a matrix in metres or in the file's own unit).
[[nodiscard]] double parse_cost(std::string_view text, io::CostUnit unit, std::string_view field);

}  // namespace equalis::access

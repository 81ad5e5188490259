#pragma once
// What each population group brings to a journey: the probability that a person of the group meets each
// requirement of the catalogue (has an e-ID, a smartphone, local household registration, …), with the
// source of every figure and a flag for the illustrative ones (said in every output).

#include "journeys/catalogue.hpp"

#include <string>
#include <vector>

namespace equalis::journeys {

struct AbilityFigure {
  double probability = 0.0;
  std::string source;
  bool illustrative = false;
  bool given = false;
};

struct GroupAbilities {
  std::string file;
  std::vector<std::string> groups;                  // as in the file; "all" serves groups not listed
  std::vector<std::vector<AbilityFigure>> figures;  // [group][requirement of the catalogue]
  // The figure for a group and requirement: the group's row, else the "all" row; throws
  // Error(InvalidInput) naming both when neither gives it.
  [[nodiscard]] const AbilityFigure& of(const std::string& group, std::size_t requirement,
                                        const Catalogue& catalogue) const;
};

// CSV: group,requirement,probability[,source][,illustrative] — one row per group and requirement;
// requirements must be the catalogue's, probabilities in [0, 1] (percentages refused), no pair twice,
// illustrative 1/0 (or yes/no). Errors name file:line:column and the fix.
GroupAbilities read_abilities(const std::string& path, const Catalogue& catalogue);

}  // namespace equalis::journeys

#pragma once
// What each population group brings to a journey: the probability that a person of the group meets each
// requirement of the catalogue (has an e-ID, a smartphone, local household registration, …), with the
// source of every figure and a flag for the illustrative ones (said in every output).

#include "journeys/catalogue.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace equalis::journeys {

struct AbilityFigure {
  double probability = 0.0;
  std::string source;
  bool illustrative = false;
  bool given = false;
};

// A group's requirements jointly: the shares of the group by which of the table's requirements they meet
// (an e-ID and a smartphone go together more often than independence says). Among the table's
// requirements these shares replace independence; the others stay independent of them.
struct JointRequirements {
  std::vector<std::size_t> requirements;       // catalogue indices: the table's requirement columns
  std::vector<std::vector<std::uint8_t>> met;  // per row: 1 = meets the column's requirement
  std::vector<double> share;                   // per row; a group's rows sum to 1
  // The share of the group meeting the table's `column`-th requirement.
  [[nodiscard]] double marginal(std::size_t column) const;
  // The column of catalogue requirement `requirement`, or requirements.size() if the table has none.
  [[nodiscard]] std::size_t column_of(std::size_t requirement) const;
};

struct GroupAbilities {
  std::string file;
  std::vector<std::string> groups;                  // as in the file; "all" serves groups not listed
  std::vector<std::vector<AbilityFigure>> figures;  // [group][requirement of the catalogue]
  // The figure for a group and requirement: the group's row, else the "all" row; throws
  // Error(InvalidInput) naming both when neither gives it.
  [[nodiscard]] const AbilityFigure& of(const std::string& group, std::size_t requirement,
                                        const Catalogue& catalogue) const;

  std::string joint_file;                 // read_joint_requirements's file ("" = none)
  std::vector<std::string> joint_groups;  // as in that file; "all" serves groups not listed
  std::vector<JointRequirements> joint;   // per joint group
  // The group's joint table (or the "all" one), nullptr when there is none: independence.
  [[nodiscard]] const JointRequirements* joint_of(const std::string& group) const;
};

// CSV: group,requirement,probability[,source][,illustrative] — one row per group and requirement;
// requirements must be the catalogue's, probabilities in [0, 1] (percentages refused), no pair twice,
// illustrative 1/0 (or yes/no). Errors name file:line:column and the fix.
GroupAbilities read_abilities(const std::string& path, const Catalogue& catalogue);

// CSV: group,share,REQUIREMENT,… — one row per group and combination of the requirement columns (0 or 1
// each, the catalogue's requirement ids), shares in [0, 1] summing to 1 per group (±1e-6), no combination
// twice. Adds the tables to `abilities`; a requirement a table covers takes its marginal from the table.
// Errors name file:line:column and the fix.
void read_joint_requirements(const std::string& path, const Catalogue& catalogue, GroupAbilities& abilities);

}  // namespace equalis::journeys

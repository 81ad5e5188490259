#include "journeys/abilities.hpp"

#include "core/csv.hpp"
#include "core/csv_columns.hpp"
#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace equalis::journeys {

const AbilityFigure& GroupAbilities::of(const std::string& group, std::size_t requirement,
                                        const Catalogue& catalogue) const {
  for (const char* name : {group.c_str(), "all"}) {
    const auto at = std::find(groups.begin(), groups.end(), name);
    if (at == groups.end()) continue;
    const AbilityFigure& figure = figures[static_cast<std::size_t>(at - groups.begin())][requirement];
    if (figure.given) return figure;
  }
  throw Error(ErrorCode::InvalidInput,
              fmt::format("{}: no figure for requirement '{}' of group '{}', and no 'all' row for it", file,
                          catalogue.requirements[requirement].id, group),
              "add a row group,requirement,probability for the group, or one for 'all'");
}

namespace {

bool flag_of(const std::string& text, const ColumnTable& table, std::size_t row) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "1" || lower == "yes" || lower == "true") return true;
  if (lower.empty() || lower == "0" || lower == "no" || lower == "false") return false;
  throw Error(ErrorCode::InvalidInput, fmt::format("illustrative is '{}', not yes or no", excerpt(text)),
              "write 1 (an assumed figure) or 0 (a published one)", table.location(row, "illustrative"));
}

}  // namespace

GroupAbilities read_abilities(const std::string& path, const Catalogue& catalogue) {
  const auto header = ColumnTable::read_header(path);
  const auto has = [&](const char* name) {
    return std::find(header.begin(), header.end(), name) != header.end();
  };
  std::vector<WantedColumn> wanted{{"group", ColumnKind::Category},
                                   {"requirement", ColumnKind::Category},
                                   {"probability", ColumnKind::Numeric}};
  if (has("source")) wanted.push_back({"source", ColumnKind::Category});
  if (has("illustrative")) wanted.push_back({"illustrative", ColumnKind::Category});
  const ColumnTable table = ColumnTable::read_file(path, wanted);
  GroupAbilities abilities;
  abilities.file = path;
  const CategoryColumn& group = table.category("group");
  const CategoryColumn& requirement = table.category("requirement");
  const NumericColumn& probability = table.numeric("probability");
  std::vector<std::string> known;
  for (const auto& r : catalogue.requirements) known.push_back(r.id);
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    if (group.valid[row] == 0) {
      throw Error(ErrorCode::InvalidInput, "missing group name",
                  "name the group of every row ('all' for everyone)", table.location(row, "group"));
    }
    const std::string name = group.labels[group.codes[row]];
    const std::string id = requirement.valid[row] != 0 ? requirement.labels[requirement.codes[row]] : "";
    const std::size_t r = catalogue.requirement_index(id);
    if (r == catalogue.requirements.size()) {
      const std::string near = nearest_name(id, known);
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("'{}' is no requirement of the catalogue {}", excerpt(id), catalogue.source),
                  near.empty() ? "use the ids declared under [requirements]"
                               : fmt::format("did you mean '{}'?", near),
                  table.location(row, "requirement"));
    }
    const double p = probability.values[row];
    if (probability.valid[row] == 0 || !(p >= 0.0 && p <= 1.0)) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("probability is {}, not in [0, 1]",
                              probability.valid[row] == 0 ? "missing" : fmt::format("{}", p)),
                  p > 1.0 && p <= 100.0 ? "write shares as probabilities: divide percentages by 100"
                                        : "give the share of the group who meet the requirement",
                  table.location(row, "probability"));
    }
    auto at = std::find(abilities.groups.begin(), abilities.groups.end(), name);
    if (at == abilities.groups.end()) {
      abilities.groups.push_back(name);
      abilities.figures.emplace_back(catalogue.requirements.size());
      at = abilities.groups.end() - 1;
    }
    AbilityFigure& figure = abilities.figures[static_cast<std::size_t>(at - abilities.groups.begin())][r];
    if (figure.given) {
      throw Error(ErrorCode::InvalidInput, fmt::format("group '{}' has two rows for '{}'", excerpt(name), id),
                  "give each group and requirement one row", table.location(row, "requirement"));
    }
    figure.given = true;
    figure.probability = p;
    if (has("source")) {
      const CategoryColumn& source = table.category("source");
      if (source.valid[row] != 0) figure.source = source.labels[source.codes[row]];
    }
    if (has("illustrative")) {
      const CategoryColumn& flag = table.category("illustrative");
      figure.illustrative = flag.valid[row] != 0 && flag_of(flag.labels[flag.codes[row]], table, row);
    }
  }
  if (abilities.groups.empty()) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{}: no row", path), "give at least the 'all' rows");
  }
  return abilities;
}

double JointRequirements::marginal(std::size_t column) const {
  double sum = 0.0;
  for (std::size_t row = 0; row < met.size(); ++row)
    if (met[row][column] != 0) sum += share[row];
  return sum;
}

std::size_t JointRequirements::column_of(std::size_t requirement) const {
  return static_cast<std::size_t>(std::find(requirements.begin(), requirements.end(), requirement) -
                                  requirements.begin());
}

const JointRequirements* GroupAbilities::joint_of(const std::string& group) const {
  for (const char* name : {group.c_str(), "all"}) {
    const auto at = std::find(joint_groups.begin(), joint_groups.end(), name);
    if (at != joint_groups.end()) return &joint[static_cast<std::size_t>(at - joint_groups.begin())];
  }
  return nullptr;
}

namespace {

// The requirement columns of a joint table: every column but group and share, each a requirement id.
std::vector<std::size_t> joint_columns(const std::vector<std::string>& header, const Catalogue& catalogue,
                                       const std::string& path) {
  std::vector<std::string> known;
  for (const auto& r : catalogue.requirements) known.push_back(r.id);
  std::vector<std::size_t> columns;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (header[c] == "group" || header[c] == "share") continue;
    const std::size_t r = catalogue.requirement_index(header[c]);
    if (r == catalogue.requirements.size()) {
      const std::string near = nearest_name(header[c], known);
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("column '{}' is no requirement of the catalogue {}", excerpt(header[c]),
                              catalogue.source),
                  near.empty()
                      ? "name each column after a requirement under [requirements] (besides group, share)"
                      : fmt::format("did you mean '{}'?", near),
                  SourceLocation{path, 1, c + 1});
    }
    columns.push_back(r);
  }
  if (columns.empty()) {
    throw Error(ErrorCode::InvalidInput, "a joint table without requirement columns",
                "write group,share,REQUIREMENT,… with one 0/1 column per requirement",
                SourceLocation{path, 1});
  }
  return columns;
}

}  // namespace

void read_joint_requirements(const std::string& path, const Catalogue& catalogue, GroupAbilities& abilities) {
  const auto header = ColumnTable::read_header(path);
  const std::vector<std::size_t> columns = joint_columns(header, catalogue, path);
  std::vector<WantedColumn> wanted{{"group", ColumnKind::Category}, {"share", ColumnKind::Numeric}};
  for (const std::size_t r : columns) wanted.push_back({catalogue.requirements[r].id, ColumnKind::Numeric});
  const ColumnTable table = ColumnTable::read_file(path, wanted);
  const CategoryColumn& group = table.category("group");
  const NumericColumn& share = table.numeric("share");
  abilities.joint_file = path;
  for (std::size_t row = 0; row < table.row_count(); ++row) {
    if (group.valid[row] == 0) {
      throw Error(ErrorCode::InvalidInput, "missing group name",
                  "name the group of every row ('all' for everyone)", table.location(row, "group"));
    }
    const double p = share.values[row];
    if (share.valid[row] == 0 || !(p >= 0.0 && p <= 1.0)) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("share is {}, not in [0, 1]", share.valid[row] == 0 ? "missing" : fmt::format("{}", p)),
          "give the share of the group with this combination (0.25, not 25)", table.location(row, "share"));
    }
    std::vector<std::uint8_t> met;
    for (const std::size_t r : columns) {
      const std::string& id = catalogue.requirements[r].id;
      const NumericColumn& cell = table.numeric(id);
      if (cell.valid[row] == 0 || (cell.values[row] != 0.0 && cell.values[row] != 1.0)) {
        throw Error(ErrorCode::InvalidInput, fmt::format("'{}' is not 0 or 1", id),
                    "write 1 for people who meet the requirement, 0 for those who do not",
                    table.location(row, id));
      }
      met.push_back(cell.values[row] != 0.0 ? 1 : 0);
    }
    const std::string name = group.labels[group.codes[row]];
    auto at = std::find(abilities.joint_groups.begin(), abilities.joint_groups.end(), name);
    if (at == abilities.joint_groups.end()) {
      abilities.joint_groups.push_back(name);
      abilities.joint.push_back({columns, {}, {}});
      at = abilities.joint_groups.end() - 1;
    }
    JointRequirements& joint = abilities.joint[static_cast<std::size_t>(at - abilities.joint_groups.begin())];
    if (std::find(joint.met.begin(), joint.met.end(), met) != joint.met.end()) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("group '{}' has this combination twice", excerpt(name)),
                  "give each combination of a group one row", table.location(row, "group"));
    }
    joint.met.push_back(std::move(met));
    joint.share.push_back(p);
  }
  for (std::size_t g = 0; g < abilities.joint.size(); ++g) {
    double sum = 0.0;
    for (const double p : abilities.joint[g].share) sum += p;
    if (std::abs(sum - 1.0) > 1e-6) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("{}: the shares of group '{}' sum to {}, not 1", path, abilities.joint_groups[g], sum),
          "give every combination of the group (those missing have share 0) with shares that sum to 1");
    }
  }
  if (abilities.joint.empty()) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{}: no row", path), "give at least the 'all' rows");
  }
}

}  // namespace equalis::journeys

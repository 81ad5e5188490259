#include "journeys/catalogue.hpp"

#include "journeys/problems.hpp"

#include "audit/rules.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"
#include "io/detail/toml_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <toml++/toml.h>

namespace equalis::journeys {

std::size_t Catalogue::requirement_index(const std::string& id) const {
  for (std::size_t r = 0; r < requirements.size(); ++r) {
    if (requirements[r].id == id) return r;
  }
  return requirements.size();
}

std::size_t Catalogue::office_index(const std::string& id) const {
  for (std::size_t k = 0; k < offices.size(); ++k) {
    if (offices[k].id == id) return k;
  }
  return offices.size();
}

namespace {

class Reader {
 public:
  Reader(Catalogue& catalogue, Problems& problems) : catalogue_(catalogue), problems_(problems) {}

  std::optional<std::string> text(const toml::node& node, const char* what) {
    if (const auto* value = node.as_string()) return value->get();
    problems_.add(node, fmt::format("{} must be a string", what), "write it in double quotes");
    return std::nullopt;
  }

  std::optional<double> amount(const toml::node& node, const char* what) {
    return problems_.amount(node, what);
  }

  // The entries of a table in the order of the file (a TOML table iterates its keys sorted).
  static std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& table) {
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (const auto& [key, value] : table) entries.emplace_back(&key, &value);
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      const auto& x = a.second->source().begin;
      const auto& y = b.second->source().begin;
      return x.line != y.line ? x.line < y.line : x.column < y.column;
    });
    return entries;
  }

  void offices(const toml::node& node) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      problems_.add(node, "offices must be a table", R"(write [offices] then police = "the police station")");
      return;
    }
    for (const auto& [key, value] : in_file_order(*table)) {
      const auto description = text(*value, "an office kind's description");
      const auto& where = value->source().begin;
      catalogue_.offices.push_back({std::string(key->str()), description.value_or(""),
                                    static_cast<std::size_t>(where.line),
                                    static_cast<std::size_t>(where.column)});
    }
    if (catalogue_.offices.size() > kMaxOfficeKinds) {
      problems_.add(node,
                    fmt::format("{} office kinds (at most {})", catalogue_.offices.size(), kMaxOfficeKinds),
                    "merge office kinds that share their sites");
    }
  }

  // An office kind named by `node` (a channel's office, a proof's issuer); nullopt (and a problem) if
  // unknown.
  std::optional<std::size_t> office(const toml::node& node) {
    const auto id = text(node, "an office kind");
    if (!id) return std::nullopt;
    const std::size_t k = catalogue_.office_index(*id);
    if (k < catalogue_.offices.size()) return k;
    const std::string near = nearest_name(*id, office_ids());
    problems_.add(node, fmt::format("unknown office kind '{}'", excerpt(*id)),
                  near.empty() ? R"(declare it under [offices], e.g. police = "the police station")"
                               : fmt::format("did you mean '{}'? or declare it under [offices]", near));
    return std::nullopt;
  }

  void requirements(const toml::node& node) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      problems_.add(node, "requirements must be a table", R"(write [requirements] then e_id = "an e-ID")");
      return;
    }
    for (const auto& [key, value] : in_file_order(*table)) {
      Requirement requirement{std::string(key->str()), "", std::nullopt, 0.0, 0.0, {}};
      if (const auto* proof = value->as_table()) {
        proof_details(*proof, requirement);
      } else {
        requirement.description = text(*value, "a requirement's description").value_or("");
      }
      catalogue_.requirements.push_back(std::move(requirement));
    }
    resolve_fetch_needs();
  }

  // A proof's own requirements name requirements declared anywhere under [requirements]: resolved once all
  // are read. They must be plain requirements: a proof needing another proof is refused (no chains).
  void resolve_fetch_needs() {
    for (const auto& [node, owner] : pending_fetch_needs_) {
      const auto id = text(*node, "a requirement");
      if (!id) continue;
      const std::size_t r = catalogue_.requirement_index(*id);
      Requirement& proof = catalogue_.requirements[owner];
      if (!proof.issued_by) continue;  // refused where it was read
      if (r == catalogue_.requirements.size()) {
        const std::string near = nearest_name(*id, requirement_ids());
        problems_.add(
            *node, fmt::format("proof '{}' requires an unknown requirement '{}'", proof.id, excerpt(*id)),
            near.empty() ? "declare it under [requirements]" : fmt::format("did you mean '{}'?", near));
      } else if (catalogue_.requirements[r].issued_by) {
        problems_.add(
            *node, fmt::format("proof '{}' requires '{}', itself a proof issued by an office", proof.id, *id),
            "a proof's requirements are plain ones (a registration, an ID); fetch the other proof in "
            "the step instead");
      } else if (std::find(proof.fetch_needs.begin(), proof.fetch_needs.end(), r) ==
                 proof.fetch_needs.end()) {
        proof.fetch_needs.push_back(r);
      }
    }
    pending_fetch_needs_.clear();
  }

  // `{ description = "…", issued_by = "police", minutes = 20, money = 0 }`: a paper proof an office issues.
  void proof_details(const toml::table& table, Requirement& requirement) {
    for (const auto& [key, value] : table) {
      if (key == "description") {
        requirement.description = text(value, "a requirement's description").value_or("");
      } else if (key == "issued_by") {
        requirement.issued_by = office(value);
      } else if (key == "minutes") {
        requirement.minutes = amount(value, "minutes").value_or(0.0);
      } else if (key == "money") {
        requirement.money = amount(value, "money").value_or(0.0);
      } else if (key == "requires") {
        const auto* list = value.as_array();
        if (list == nullptr) {
          problems_.add(value, "requires must be a list", R"(write requires = ["local_hukou"])");
          continue;
        }
        for (const auto& item : *list)
          pending_fetch_needs_.emplace_back(&item,
                                            catalogue_.requirements.size());  // this requirement's index
      } else {
        problems_.add(value, fmt::format("unknown requirement key '{}'", excerpt(key.str())),
                      "a requirement has description, issued_by, minutes, money, requires");
      }
    }
    if (!requirement.issued_by && table.contains("requires")) {
      problems_.add(*table.get("requires"), "only a proof issued by an office has requirements of its own",
                    R"(add issued_by = "OFFICE", or put the requirement on the channels)");
    }
  }

  // A rule must parse and read only declared requirements; its columns become the rule's variables.
  void check_rule(const toml::node& node, const std::string& rule) {
    try {
      const auto parsed = audit::Rule::parse(rule);
      for (const auto& column : parsed.columns()) {
        if (catalogue_.requirement_index(column) == catalogue_.requirements.size()) {
          const std::string near = nearest_name(column, requirement_ids());
          problems_.add(
              node, fmt::format("the rule reads '{}', which is no declared requirement", excerpt(column)),
              near.empty() ? "declare it under [requirements]"
                           : fmt::format("did you mean '{}'? or declare it under [requirements]", near));
        }
      }
    } catch (const Error& error) {
      const auto& where = node.source();
      // The rule's column counts from its first character, one past the opening quote.
      const std::size_t column = error.where() ? error.where()->column : 0;
      problems_.add(static_cast<std::size_t>(where.begin.line),
                    static_cast<std::size_t>(where.begin.column) + column, error.message(), error.fix());
    }
  }

  void channel(const toml::node& node, Step& step) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      problems_.add(node, "a channel must be a table",
                    R"(write { channel = "online", requires = ["e_id"] })");
      return;
    }
    ChannelOption option;
    option.line = static_cast<std::size_t>(node.source().begin.line);
    bool named = false;
    const toml::node* office_node = nullptr;
    for (const auto& [key, value] : *table) {
      if (key == "channel") {
        const auto name = text(value, "channel");
        if (!name) continue;
        const auto* found = std::find_if(kChannels.begin(), kChannels.end(),
                                         [&](const ChannelSpelling& c) { return c.name == *name; });
        if (found == kChannels.end()) {
          problems_.add(value, fmt::format("'{}' is no channel", excerpt(*name)),
                        "channels are in-person, terminal, online, phone, assisted, outreach");
          continue;
        }
        option.channel = found->channel;
        named = true;
      } else if (key == "requires") {
        const auto* list = value.as_array();
        if (list == nullptr) {
          problems_.add(value, "requires must be a list", R"(write requires = ["smartphone", "e_id"])");
          continue;
        }
        for (const auto& item : *list) {
          const auto id = text(item, "a requirement");
          if (!id) continue;
          const std::size_t r = catalogue_.requirement_index(*id);
          if (r == catalogue_.requirements.size()) {
            const std::string near = nearest_name(*id, requirement_ids());
            problems_.add(item, fmt::format("unknown requirement '{}'", excerpt(*id)),
                          near.empty()
                              ? "declare it under [requirements]"
                              : fmt::format("did you mean '{}'? or declare it under [requirements]", near));
            continue;
          }
          if (std::find(option.needs.begin(), option.needs.end(), r) == option.needs.end())
            option.needs.push_back(r);
        }
      } else if (key == "minutes") {
        option.minutes = amount(value, "minutes").value_or(0.0);
      } else if (key == "money") {
        option.money = amount(value, "money").value_or(0.0);
      } else if (key == "office") {
        office_node = &value;
        option.office = office(value);
      } else {
        problems_.add(value, fmt::format("unknown channel key '{}'", excerpt(key.str())),
                      "a channel has channel, requires, minutes, money, office");
      }
    }
    if (!named)
      problems_.add(node, "a channel without its kind", R"(write channel = "in-person" (or online, …))");
    if (office_node != nullptr && named && option.channel != access::Channel::InPerson) {
      problems_.add(*office_node, "only an in-person channel is at an office kind",
                    R"(write { channel = "in-person", office = "…" }, or drop office)");
      option.office.reset();
    }
    step.channels.push_back(std::move(option));
  }

  void step(const toml::node& node, Matter& matter) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      problems_.add(node, "a step must be a table", "write [[matter.step]]");
      return;
    }
    Step step;
    for (const auto& [key, value] : *table) {
      if (key == "id") {
        step.id = text(value, "id").value_or("");
      } else if (key == "name") {
        step.name = text(value, "name").value_or("");
      } else if (key == "rule") {
        step.rule = text(value, "rule").value_or("");
        if (!step.rule.empty()) check_rule(value, step.rule);
      } else if (key == "channels") {
        const auto* list = value.as_array();
        if (list == nullptr) {
          problems_.add(value, "channels must be a list of tables",
                        R"(write channels = [{ channel = "online" }])");
          continue;
        }
        for (const auto& item : *list) channel(item, step);
      } else {
        problems_.add(value, fmt::format("unknown step key '{}'", excerpt(key.str())),
                      "a step has id, name, rule, channels");
      }
    }
    if (step.id.empty()) problems_.add(node, "a step without an id", "give each step an id = \"…\"");
    for (const auto& other : matter.steps) {
      if (!step.id.empty() && other.id == step.id) {
        problems_.add(node, fmt::format("matter '{}' has two steps '{}'", matter.id, step.id),
                      "give each step of a matter its own id");
      }
    }
    if (step.channels.empty()) {
      problems_.add(node, fmt::format("step '{}' has no channel", step.id),
                    "list at least one channel through which the step can be done");
    }
    matter.steps.push_back(std::move(step));
  }

  void matter(const toml::node& node) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      problems_.add(node, "a matter must be a table", "write [[matter]]");
      return;
    }
    Matter matter;
    for (const auto& [key, value] : *table) {
      if (key == "id") {
        matter.id = text(value, "id").value_or("");
      } else if (key == "name") {
        matter.name = text(value, "name").value_or("");
      } else if (key == "rule") {
        matter.rule = text(value, "rule").value_or("");
        if (!matter.rule.empty()) check_rule(value, matter.rule);
      } else if (key == "step") {
        const auto* list = value.as_array();
        if (list == nullptr) {
          problems_.add(value, "step must be an array of tables", "write [[matter.step]]");
          continue;
        }
        for (const auto& item : *list) step(item, matter);
      } else {
        problems_.add(value, fmt::format("unknown matter key '{}'", excerpt(key.str())),
                      "a matter has id, name, rule, step");
      }
    }
    if (matter.id.empty()) problems_.add(node, "a matter without an id", "give each matter an id = \"…\"");
    if (matter.steps.empty())
      problems_.add(node, fmt::format("matter '{}' has no step", matter.id), "add a [[matter.step]]");
    for (const auto& other : catalogue_.matters) {
      if (!matter.id.empty() && other.id == matter.id) {
        problems_.add(node, fmt::format("two matters are named '{}'", matter.id),
                      "give each matter its own id");
      }
    }
    if (matter.name.empty()) matter.name = matter.id;
    catalogue_.matters.push_back(std::move(matter));
  }

 private:
  std::vector<std::string> office_ids() const {
    std::vector<std::string> ids;
    for (const auto& o : catalogue_.offices) ids.push_back(o.id);
    return ids;
  }
  std::vector<std::string> requirement_ids() const {
    std::vector<std::string> ids;
    for (const auto& r : catalogue_.requirements) ids.push_back(r.id);
    return ids;
  }
  Catalogue& catalogue_;
  Problems& problems_;
  // A proof's `requires` entries (node, index of the proof), resolved after [requirements] is read.
  std::vector<std::pair<const toml::node*, std::size_t>> pending_fetch_needs_;
};

}  // namespace

Catalogue parse_catalogue(const std::string& text, const std::string& source) {
  const toml::table root = io::detail::parse_toml(text, source);
  Catalogue catalogue;
  catalogue.source = source;
  Problems problems(source, "the catalogue");
  Reader reader(catalogue, problems);
  // Offices, then requirements first: proofs and matters refer to them wherever they sit in the file.
  if (const auto* offices = root.get("offices")) reader.offices(*offices);
  if (const auto* requirements = root.get("requirements")) reader.requirements(*requirements);
  for (const auto& [key, value] : root) {
    if (key == "requirements" || key == "offices") continue;
    if (key != "matter") {
      problems.add(value, fmt::format("unknown top-level key '{}'", excerpt(key.str())),
                   "a catalogue has [offices], [requirements] and [[matter]] tables");
      continue;
    }
    const auto* list = value.as_array();
    if (list == nullptr) {
      problems.add(value, "matter must be an array of tables", "write [[matter]], twice brackets");
      continue;
    }
    for (const auto& item : *list) reader.matter(item);
  }
  if (catalogue.matters.empty() && root.get("matter") == nullptr) {
    problems.add(1, 1, "the catalogue has no [[matter]]", "describe at least one matter");
  }
  problems.throw_if_any();
  return catalogue;
}

Catalogue read_catalogue(const std::string& path) {
  require_input_file(path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return parse_catalogue(text.str(), path);
}

}  // namespace equalis::journeys

#include "access/scenario.hpp"

#include "core/error.hpp"
#include "core/input_file.hpp"
#include "io/detail/toml_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace equalis::access {

namespace {

constexpr std::array<std::string_view, 6> kChannels{"in-person", "online",   "phone",
                                                    "terminal",  "assisted", "outreach"};

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const toml::node& node, const std::string& message, const std::string& fix) const {
    const auto& where = node.source();
    throw Error(ErrorCode::InvalidInput, message, fix,
                SourceLocation{source_, static_cast<std::size_t>(where.begin.line),
                               static_cast<std::size_t>(where.begin.column)});
  }

  std::string text(const toml::node& node, const char* what) const {
    const auto* value = node.as_string();
    if (value == nullptr) fail(node, fmt::format("{} must be a string", what), "write it in double quotes");
    return value->get();
  }

  double number(const toml::node& node, const char* what) const {
    if (const auto* integer = node.as_integer()) return static_cast<double>(integer->get());
    if (const auto* real = node.as_floating_point()) {
      if (std::isfinite(real->get())) return real->get();
    }
    fail(node, fmt::format("{} must be a finite number", what), "write a number, e.g. 0.85");
  }

  std::vector<std::string> texts(const toml::node& node, const char* what) const {
    const auto* array = node.as_array();
    if (array == nullptr) fail(node, fmt::format("{} must be a list", what), R"(write it as ["a", "b"])");
    std::vector<std::string> out;
    for (const auto& item : *array) out.push_back(text(item, what));
    return out;
  }

  std::vector<std::string> channels(const toml::node& node, const char* what) const {
    auto out = texts(node, what);
    for (const auto& name : out) {
      if (std::find(kChannels.begin(), kChannels.end(), name) == kChannels.end()) {
        fail(node, fmt::format("'{}' is no channel", excerpt(name)),
             "channels are in-person, online, phone, terminal, assisted and outreach");
      }
    }
    return out;
  }

  // Sites as ids ("S1") or tables ({ id = "N1", capacity = 5, lon = …, lat = … }).
  std::vector<NewSite> sites(const toml::node& node, const char* what) const {
    const auto* array = node.as_array();
    if (array == nullptr) fail(node, fmt::format("{} must be a list", what), R"(write it as ["S1", "S2"])");
    std::vector<NewSite> out;
    for (const auto& item : *array) {
      NewSite site;
      if (item.is_string()) {
        site.id = text(item, what);
      } else if (const auto* table = item.as_table()) {
        for (const auto& [key, value] : *table) {
          if (key == "id") {
            site.id = text(value, "id");
          } else if (key == "capacity") {
            site.capacity = number(value, "capacity");
            site.capacity_given = true;
            if (!(site.capacity > 0.0)) fail(value, "capacity must be > 0", "give the new site's capacity");
          } else if (key == "lon") {
            site.lon = number(value, "lon");
          } else if (key == "lat") {
            site.lat = number(value, "lat");
          } else {
            fail(value, fmt::format("unknown key '{}' in a site", excerpt(key.str())),
                 "a site has id, capacity, lon, lat");
          }
        }
        if (site.id.empty()) fail(item, "a site without an id", "give each site an id");
      } else {
        fail(item, fmt::format("{}: a site is an id or a table", what),
             R"(write "S1" or { id = "N1", capacity = 5 })");
      }
      out.push_back(std::move(site));
    }
    return out;
  }

  std::vector<ProfileChange> profiles(const toml::node& node) const {
    const auto* table = node.as_table();
    if (table == nullptr)
      fail(node, "profiles must be a table of groups", "write [scenario.profiles.pop_60plus]");
    std::vector<ProfileChange> out;
    for (const auto& [group, fields] : *table) {
      const auto* values = fields.as_table();
      if (values == nullptr)
        fail(fields, "a group's changes must be a table", "write online_skill = 0.85 under it");
      ProfileChange change;
      change.group = std::string(group.str());
      for (const auto& [key, value] : *values) {
        const double p = number(value, "a profile figure");
        if (!(p >= 0.0 && p <= 1.0))
          fail(value, fmt::format("{} = {} is not a probability", key.str(), p), "give a value in [0, 1]");
        if (key == "coverage") {
          change.coverage = p;
        } else if (key == "device") {
          change.device = p;
        } else if (key == "online_skill") {
          change.online_skill = p;
        } else if (key == "terminal_skill") {
          change.terminal_skill = p;
        } else if (key == "phone") {
          change.phone = p;
        } else {
          fail(value, fmt::format("unknown profile figure '{}'", excerpt(key.str())),
               "figures are coverage, device, online_skill, terminal_skill, phone");
        }
      }
      out.push_back(std::move(change));
    }
    return out;
  }

  Scenario scenario(const toml::table& table, const toml::node& node) const {
    Scenario s;
    for (const auto& [key, value] : table) {
      if (key == "name") {
        s.name = text(value, "name");
      } else if (key == "close_channels") {
        s.close_channels = channels(value, "close_channels");
      } else if (key == "open_channels") {
        s.open_channels = channels(value, "open_channels");
      } else if (key == "close_facilities") {
        s.close_facilities = texts(value, "close_facilities");
      } else if (key == "open_facilities") {
        s.open_facilities = sites(value, "open_facilities");
      } else if (key == "add_terminals") {
        s.add_terminals = sites(value, "add_terminals");
      } else if (key == "add_assisted") {
        s.add_assisted = sites(value, "add_assisted");
      } else if (key == "add_outreach") {
        s.add_outreach = sites(value, "add_outreach");
      } else if (key == "profiles") {
        s.profiles = profiles(value);
      } else {
        fail(
            value, fmt::format("unknown scenario key '{}'", excerpt(key.str())),
            "keys are name, close_channels, open_channels, close_facilities, open_facilities, add_terminals, "
            "add_assisted, add_outreach, profiles (docs/access.md)");
      }
    }
    if (s.name.empty()) fail(node, "a scenario without a name", "give each [[scenario]] a name = \"…\"");
    return s;
  }

 private:
  std::string source_;
};

}  // namespace

std::vector<Scenario> parse_scenarios(const std::string& text, const std::string& source) {
  const toml::table root = io::detail::parse_toml(text, source);
  const Reader reader(source);
  std::vector<Scenario> scenarios;
  for (const auto& [key, value] : root) {
    if (key != "scenario") {
      reader.fail(value, fmt::format("unknown top-level key '{}'", excerpt(key.str())),
                  "write each scenario as a [[scenario]] table");
    }
    const auto* array = value.as_array();
    if (array == nullptr)
      reader.fail(value, "scenario must be an array of tables", "write [[scenario]], twice brackets");
    for (const auto& item : *array) {
      const auto* table = item.as_table();
      if (table == nullptr) reader.fail(item, "a scenario must be a table", "write [[scenario]]");
      scenarios.push_back(reader.scenario(*table, item));
      for (std::size_t earlier = 0; earlier + 1 < scenarios.size(); ++earlier) {
        if (scenarios[earlier].name == scenarios.back().name) {
          reader.fail(item, fmt::format("two scenarios are named '{}'", excerpt(scenarios.back().name)),
                      "give each scenario its own name");
        }
      }
    }
  }
  if (scenarios.empty()) {
    throw Error(ErrorCode::InvalidInput, fmt::format("{}: no [[scenario]]", source),
                "add at least one [[scenario]] table");
  }
  return scenarios;
}

std::vector<Scenario> read_scenarios(const std::string& path) {
  require_input_file(path);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return parse_scenarios(text.str(), path);
}

}  // namespace equalis::access

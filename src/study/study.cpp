#include "study/study.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/problems.hpp"
#include "io/detail/toml_parse.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <toml++/toml.h>

namespace equalis::study {

namespace fs = std::filesystem;

const std::vector<std::string>& study_sections() {
  static const std::vector<std::string> sections{
      "study",    "labels",     "zones",       "facilities", "costs", "access", "channels",
      "journeys", "inequality", "convergence", "composite",  "plan",  "audit"};
  return sections;
}

namespace {

std::size_t line_of(const toml::node& node) {
  return static_cast<std::size_t>(node.source().begin.line);
}
std::size_t column_of(const toml::node& node) {
  return static_cast<std::size_t>(node.source().begin.column);
}

// A column a study key names in one of its CSV inputs, and where the study names it.
struct ColumnRef {
  std::string file;
  std::string file_key;  // e.g. "zones.file"
  std::string key;       // e.g. "zones.income"
  std::string column;
  std::size_t line = 0;
  std::size_t column_number = 0;
};

// One [section] of the study: typed reads that record a problem (and return nothing) on a wrong type,
// and, at the end, every key nobody asked for reported as unknown with the nearest known key.
class Section {
 public:
  Section(std::string name, const toml::table& table, Problems& problems, const Study& study)
      : name_(std::move(name)), table_(table), problems_(problems), study_(study) {}
  Section(const Section&) = delete;
  Section& operator=(const Section&) = delete;
  ~Section() = default;

  [[nodiscard]] bool has(const std::string& key) const { return table_.get(key) != nullptr; }
  // Where a key's value is written (line, column), if it is.
  [[nodiscard]] std::optional<std::pair<std::size_t, std::size_t>> place(const std::string& key) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return std::nullopt;
    return std::pair{line_of(*node), column_of(*node)};
  }
  [[nodiscard]] std::size_t line() const { return line_of(table_); }

  std::optional<std::string> text(const std::string& key) {
    const toml::node* node = use(key);
    if (node == nullptr) return std::nullopt;
    if (const auto* value = node->as_string()) return value->get();
    problem(*node, fmt::format("{} must be a string", where(key)), "write it in double quotes");
    return std::nullopt;
  }

  // A string, or a number written without quotes (e.g. standard = 30 in the cost unit).
  std::optional<std::string> text_or_number(const std::string& key) {
    const toml::node* node = peek(key);
    if (node != nullptr && (node->is_integer() || node->is_floating_point())) {
      used_.push_back(key);
      return fmt::format("{}", number_of(*node));
    }
    return text(key);
  }

  // A path relative to the study file, which must exist (checked here, before any heavy work).
  std::optional<std::string> file(const std::string& key, std::vector<InputFile>& inputs) {
    auto given = text(key);
    if (!given) return std::nullopt;
    const toml::node& node = *table_.get(key);
    if (given->empty()) {
      problem(node, fmt::format("{} is empty", where(key)), "name a file, or leave the key out");
      return std::nullopt;
    }
    fs::path path(*given);
    if (path.is_relative()) path = fs::path(study_.directory) / path;
    const std::string resolved = path.lexically_normal().string();
    std::error_code error;
    const auto status = fs::status(resolved, error);
    if (!fs::exists(status)) {
      problem(node, fmt::format("{}: no file '{}'", where(key), excerpt(resolved)),
              "check the name; paths are relative to the study file");
      return std::nullopt;
    }
    if (fs::is_directory(status)) {
      problem(node, fmt::format("{}: '{}' is a directory", where(key), excerpt(resolved)), "name a file");
      return std::nullopt;
    }
    inputs.push_back({fmt::format("{}.{}", name_, key), resolved, line_of(node), column_of(node)});
    files_[key] = resolved;
    return resolved;
  }

  // The columns that keys of this section name in the CSV given by `file_key` (checked against its header
  // once every section is read). A leading '-' (a composite's lower-is-better mark) is not part of a name.
  void columns_in(const std::string& file_key, const std::vector<std::string>& column_keys,
                  std::vector<ColumnRef>& refs) const {
    const auto file = files_.find(file_key);
    if (file == files_.end()) return;
    for (const auto& key : column_keys) {
      const toml::node* node = table_.get(key);
      if (node == nullptr) continue;
      const auto add = [&](const toml::node& item) {
        const auto* value = item.as_string();
        if (value == nullptr || value->get().empty()) return;
        std::string column = value->get();
        if (key == "indicators" && column.front() == '-') column.erase(0, 1);
        refs.push_back({file->second, where(file_key), where(key), column, line_of(item), column_of(item)});
      };
      if (const auto* list = node->as_array()) {
        for (const auto& item : *list) add(item);
      } else {
        add(*node);
      }
    }
  }

  // A table of names to files, e.g. offices = { police = "police.csv" }: each file checked as `file` does.
  std::vector<std::pair<std::string, std::string>> named_files(const std::string& key,
                                                               std::vector<InputFile>& inputs) {
    std::vector<std::pair<std::string, std::string>> out;
    const toml::node* node = use(key);
    if (node == nullptr) return out;
    const auto* table = node->as_table();
    if (table == nullptr) {
      problem(*node, fmt::format("{} must be a table of names and files", where(key)),
              R"(write e.g. offices = { police = "police_stations.csv" })");
      return out;
    }
    for (const auto& [name, value] : *table) {
      const auto* text = value.as_string();
      if (text == nullptr || text->get().empty()) {
        problem(value, fmt::format("{}.{} must name a file", where(key), excerpt(name.str())),
                "write the file's path in double quotes");
        continue;
      }
      fs::path path(text->get());
      if (path.is_relative()) path = fs::path(study_.directory) / path;
      const std::string resolved = path.lexically_normal().string();
      std::error_code error;
      if (!fs::is_regular_file(resolved, error)) {
        problem(value, fmt::format("{}.{}: no file '{}'", where(key), excerpt(name.str()), excerpt(resolved)),
                "check the name; paths are relative to the study file");
        continue;
      }
      inputs.push_back(
          {fmt::format("{}.{}.{}", name_, key, name.str()), resolved, line_of(value), column_of(value)});
      out.emplace_back(std::string(name.str()), resolved);
    }
    return out;
  }

  std::optional<double> number(const std::string& key, double min, double max) {
    const toml::node* node = use(key);
    if (node == nullptr) return std::nullopt;
    const double value = number_of(*node);
    if (!(std::isfinite(value) && value >= min && value <= max)) {
      problem(*node, fmt::format("{} must be a number in [{}, {}]", where(key), min, max),
              "write a number without quotes");
      return std::nullopt;
    }
    return value;
  }

  std::optional<std::uint64_t> count(const std::string& key, std::uint64_t max) {
    const toml::node* node = use(key);
    if (node == nullptr) return std::nullopt;
    const auto* integer = node->as_integer();
    if (integer == nullptr || integer->get() < 0 || static_cast<std::uint64_t>(integer->get()) > max) {
      problem(*node, fmt::format("{} must be a whole number in [0, {}]", where(key), max),
              "write e.g. 999 without quotes");
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(integer->get());
  }

  std::optional<bool> flag(const std::string& key) {
    const toml::node* node = use(key);
    if (node == nullptr) return std::nullopt;
    if (const auto* value = node->as_boolean()) return value->get();
    problem(*node, fmt::format("{} must be true or false", where(key)), "write true or false, no quotes");
    return std::nullopt;
  }

  // An array of strings; a single string is taken as a list of one.
  std::optional<std::vector<std::string>> texts(const std::string& key) {
    const toml::node* node = use(key);
    if (node == nullptr) return std::nullopt;
    if (const auto* single = node->as_string()) return std::vector<std::string>{single->get()};
    const auto* list = node->as_array();
    std::vector<std::string> values;
    bool ok = list != nullptr;
    if (ok) {
      for (const auto& item : *list) {
        const auto* value = item.as_string();
        if (value == nullptr) {
          ok = false;
          break;
        }
        values.push_back(value->get());
      }
    }
    if (!ok) {
      problem(*node, fmt::format("{} must be a list of strings", where(key)), R"(write e.g. ["a", "b"])");
      return std::nullopt;
    }
    return values;
  }

  std::optional<std::vector<double>> numbers(const std::string& key) {
    const toml::node* node = use(key);
    if (node == nullptr) return std::nullopt;
    const auto* list = node->as_array();
    std::vector<double> values;
    bool ok = list != nullptr;
    if (ok) {
      for (const auto& item : *list) {
        const double value = number_of(item);
        if (!std::isfinite(value)) {
          ok = false;
          break;
        }
        values.push_back(value);
      }
    }
    if (!ok) {
      problem(*node, fmt::format("{} must be a list of numbers", where(key)), "write e.g. [0.5, 1, 2]");
      return std::nullopt;
    }
    return values;
  }

  // One of `choices`; anything else is a problem naming the choices.
  std::optional<std::string> choice(const std::string& key, const std::vector<std::string>& choices) {
    auto value = text(key);
    if (!value) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *value) != choices.end()) return value;
    std::string listed;
    for (const auto& c : choices) listed += (listed.empty() ? "" : ", ") + c;
    problem(*table_.get(key), fmt::format("{} is '{}', not one of {}", where(key), excerpt(*value), listed),
            fmt::format("write one of {}", listed));
    return std::nullopt;
  }

  void problem(const toml::node& node, std::string message, std::string fix) {
    problems_.add(line_of(node), column_of(node), std::move(message), std::move(fix));
  }

  // Every key of the table that no read asked for: unknown, with the nearest known key.
  void report_unknown(const std::vector<std::string>& known) {
    for (const auto& [key, value] : table_) {
      const std::string name(key.str());
      if (std::find(used_.begin(), used_.end(), name) != used_.end()) continue;
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      const std::string near = nearest_name(name, known);
      problems_.add(static_cast<std::size_t>(key.source().begin.line),
                    static_cast<std::size_t>(key.source().begin.column),
                    fmt::format("unknown key '{}' in [{}]", excerpt(name), name_),
                    near.empty() ? fmt::format("the keys of [{}] are listed in docs/study.md", name_)
                                 : fmt::format("did you mean '{}'?", near));
    }
  }

  [[nodiscard]] std::string where(const std::string& key) const { return fmt::format("{}.{}", name_, key); }

 private:
  const toml::node* peek(const std::string& key) const { return table_.get(key); }
  const toml::node* use(const std::string& key) {
    used_.push_back(key);
    return table_.get(key);
  }
  static double number_of(const toml::node& node) {
    if (const auto* integer = node.as_integer()) return static_cast<double>(integer->get());
    if (const auto* real = node.as_floating_point()) return real->get();
    return std::nan("");
  }

  std::string name_;
  const toml::table& table_;
  Problems& problems_;
  const Study& study_;
  std::vector<std::string> used_;
  std::map<std::string, std::string> files_;  // key → resolved path
};

// Each section's keys, for the unknown-key check (a key read conditionally is still known).
const std::map<std::string, std::vector<std::string>>& known_keys() {
  static const std::map<std::string, std::vector<std::string>> keys{
      {"study", {"title", "title_zh", "description", "description_zh", "language"}},
      {"zones",
       {"file", "layer", "id", "population", "groups", "groups_file", "income", "coverage", "points",
        "polygons", "polygon_id"}},
      {"facilities", {"file", "id", "capacity"}},
      {"costs",
       {"matrix", "from", "to", "cost", "unit", "graph", "max_snap", "snap", "snap_threshold",
        "straight_line", "detour"}},
      {"access",
       {"measures", "decay", "alpha", "standard", "poverty_lines", "no_access", "concentration",
        "scenarios"}},
      {"channels",
       {"in_person", "online", "phone", "terminals", "assisted", "outreach", "outreach_reach",
        "digital_profiles", "joint_abilities"}},
      {"journeys", {"catalogue", "abilities", "joint_abilities", "choice", "scenarios", "offices"}},
      {"inequality",
       {"file", "values", "weight", "group", "by", "rank_by", "missing", "indices", "bootstrap",
        "permutations", "seed", "confidence"}},
      {"convergence",
       {"file", "values", "times", "time", "id", "weight", "group", "covariates", "missing", "bandwidth",
        "from", "to"}},
      {"composite", {"file", "indicators", "id", "normalize", "weighting", "weights", "method", "missing"}},
      {"plan",
       {"matrix", "demand", "from", "to", "cost", "demand_id", "weight", "group", "unit", "p", "radius",
        "existing", "focus_groups", "aversions", "time_limit", "gap", "seed", "site_locations"}},
      {"audit",
       {"decisions", "groups", "decision", "score", "threshold", "label", "count", "reference", "min_cell",
        "bootstrap", "seed", "alpha", "favourable", "rule", "intersections"}},
  };
  return keys;
}

MissingPolicy missing_of(const std::optional<std::string>& value) {
  return value && *value == "drop" ? MissingPolicy::Drop : MissingPolicy::Error;
}

class StudyReader {
 public:
  StudyReader(Study& study, Problems& problems) : study_(study), problems_(problems) {}

  void read(const toml::table& root) {
    for (const auto& [key, value] : root) {
      const std::string name(key.str());
      const auto& sections = study_sections();
      if (std::find(sections.begin(), sections.end(), name) == sections.end()) {
        const std::string near = nearest_name(name, sections);
        problems_.add(static_cast<std::size_t>(key.source().begin.line),
                      static_cast<std::size_t>(key.source().begin.column),
                      fmt::format("unknown section [{}]", excerpt(name)),
                      near.empty() ? "the sections are listed in docs/study.md"
                                   : fmt::format("did you mean [{}]?", near));
        continue;
      }
      if (!value.is_table()) {
        problems_.add(line_of(value), column_of(value), fmt::format("'{}' must be a [section]", name),
                      fmt::format("write [{}] on a line of its own, its keys below", name));
      }
    }
    with("study", root, [&](Section& s) { header(s); });
    if (const auto* table = root.get_as<toml::table>("labels")) labels(*table);
    with("zones", root, [&](Section& s) { zones(s); });
    with("facilities", root, [&](Section& s) { facilities(s); });
    with("costs", root, [&](Section& s) { costs(s); });
    with("access", root, [&](Section& s) { access_options(s); });
    with("channels", root, [&](Section& s) { channels(s); });
    with("journeys", root, [&](Section& s) { journeys(s); });
    with("inequality", root, [&](Section& s) { inequality(s); });
    with("convergence", root, [&](Section& s) { convergence(s); });
    with("composite", root, [&](Section& s) { composite(s); });
    with("plan", root, [&](Section& s) { plan(s); });
    with("audit", root, [&](Section& s) { audit(s); });
    check_access_inputs(root);
    check_columns();
    if (problems_.empty()) check_inputs();
  }

  // The small inputs read now, each by its own module's reader, so that a repeated id, a group file
  // naming zones that do not exist, a broken catalogue or an abilities table for unknown requirements is
  // found before the heavy work (the matrix, the routing) — every file's problem at once.
  void check_inputs() {
    const auto attempt = [&](const std::string& role, const std::function<void()>& read) {
      try {
        read();
      } catch (const Error& error) {
        const auto input = std::find_if(study_.inputs.begin(), study_.inputs.end(),
                                        [&](const InputFile& file) { return file.role == role; });
        problems_.add(input == study_.inputs.end() ? 1 : input->line,
                      input == study_.inputs.end() ? 1 : input->column,
                      fmt::format("{}: {}", role, error.what()), "fix the file at the place named");
      }
    };
    if (study_.access) {
      const auto& request = *study_.access;
      attempt("zones.file", [&] { (void)access::read_zones(request.zones); });
      attempt("facilities.file", [&] { (void)access::read_facilities(request.facilities); });
    }
    if (study_.journeys && !study_.journeys->catalogue.empty() && !study_.journeys->abilities.empty()) {
      attempt("journeys.catalogue", [&] {
        const auto catalogue = journeys::read_catalogue(study_.journeys->catalogue);
        attempt("journeys.abilities", [&] {
          auto abilities = journeys::read_abilities(study_.journeys->abilities, catalogue);
          if (!study_.journeys->joint_abilities.empty()) {
            attempt("journeys.joint_abilities", [&] {
              journeys::read_joint_requirements(study_.journeys->joint_abilities, catalogue, abilities);
            });
          }
        });
      });
    }
    if (study_.plan && !study_.plan->efficient.demand.empty()) {
      const std::size_t problems_before = problems_.size();
      attempt("plan.demand", [&] {
        const auto demand = plan::read_demand_csv(study_.plan->efficient.demand, study_.plan->efficient.spec);
        for (const auto& group : study_.plan->focus_groups) {
          const auto& labels = demand.groups.names;
          if (std::find(labels.begin(), labels.end(), group) != labels.end()) continue;
          const std::string near = nearest_name(group, labels);
          problems_.add(focus_place_.first, focus_place_.second,
                        fmt::format("plan.focus_groups: no group '{}' in the demand file", excerpt(group)),
                        near.empty() ? fmt::format("its groups are: {}",
                                                   excerpt(fmt::format("{}", fmt::join(labels, ", "))))
                                     : fmt::format("did you mean '{}'?", near));
        }
      });
      // The plan's matrix (clients × candidates, far smaller than a travel-time matrix of a city) is read
      // now too: an existing site that is no candidate is found before access and journeys run.
      const auto& efficient = study_.plan->efficient;
      if (!efficient.matrix.empty() && problems_.size() == problems_before) {
        attempt("plan.matrix", [&] {
          const auto instance = plan::read_matrix_csv(efficient.matrix, efficient.demand, efficient.spec);
          if (!efficient.existing.empty()) (void)plan::find_candidates(instance, efficient.existing);
        });
      }
    }
  }

  // Every column a key names must be in its file's header: a misspelt column is found now, with the
  // nearest name, not after minutes of routing. Each file's header is read once (its first line only).
  void check_columns() {
    std::map<std::string, std::vector<std::string>> headers;
    for (const auto& ref : columns_) {
      auto found = headers.find(ref.file);
      if (found == headers.end()) {
        std::vector<std::string> header;
        try {
          header = read_csv_header(ref.file);
        } catch (const Error& error) {
          problems_.add(ref.line, ref.column_number, fmt::format("{}: {}", ref.file_key, error.message()),
                        error.fix());
        }
        found = headers.emplace(ref.file, std::move(header)).first;
      }
      const auto& header = found->second;
      if (header.empty() || std::find(header.begin(), header.end(), ref.column) != header.end()) continue;
      const std::string near = nearest_name(ref.column, header);
      problems_.add(ref.line, ref.column_number,
                    fmt::format("{}: no column '{}' in {}", ref.key, excerpt(ref.column),
                                fs::path(ref.file).filename().string()),
                    near.empty() ? fmt::format("its columns are: {}",
                                               excerpt(fmt::format("{}", fmt::join(header, ", "))))
                                 : fmt::format("did you mean '{}'?", near));
    }
  }

 private:
  void with(const std::string& name, const toml::table& root, const std::function<void(Section&)>& read) {
    const auto* table = root.get_as<toml::table>(name);
    if (table == nullptr) return;
    Section section(name, *table, problems_, study_);
    read(section);
    section.report_unknown(known_keys().at(name));
  }

  void header(Section& s) {
    study_.title = s.text("title").value_or("");
    study_.title_zh = s.text("title_zh").value_or("");
    study_.description = s.text("description").value_or("");
    study_.description_zh = s.text("description_zh").value_or("");
    study_.language = s.choice("language", {"en", "zh"}).value_or("en");
  }

  // [labels]: any id, each with an English and/or a Chinese name, e.g.
  // income_q1 = { en = "Poorest fifth", zh = "最贫困的五分之一" }.
  void labels(const toml::table& table) {
    for (const auto& [key, value] : table) {
      Label label{std::string(key.str()), {}, {}};
      const auto* names = value.as_table();
      bool ok = names != nullptr;
      if (ok) {
        for (const auto& [language, name] : *names) {
          const auto* text = name.as_string();
          if (text == nullptr || (language != "en" && language != "zh")) {
            ok = false;
            break;
          }
          (language == "en" ? label.en : label.zh) = text->get();
        }
      }
      if (!ok) {
        problems_.add(line_of(value), column_of(value),
                      fmt::format("labels.{} must be a table of en and zh names", excerpt(label.id)),
                      R"(write e.g. income_q1 = { en = "Poorest fifth", zh = "最贫困的五分之一" })");
        continue;
      }
      study_.labels.push_back(std::move(label));
    }
  }

  access::AccessRequest& access_request() {
    if (!study_.access) study_.access.emplace();
    return *study_.access;
  }

  void zones(Section& s) {
    auto& zones = access_request().zones;
    if (auto file = s.file("file", study_.inputs)) zones.file = *file;
    zones.layer = s.text("layer").value_or("");
    zones.id_column = s.text("id").value_or("");
    zones.population_column = s.text("population").value_or("");
    zones.group_columns = s.texts("groups").value_or(std::vector<std::string>{});
    if (auto file = s.file("groups_file", study_.inputs)) zones.groups_file = *file;
    zones.income_column = s.text("income").value_or("");
    zones.coverage_column = s.text("coverage").value_or("");
    if (auto file = s.file("points", study_.inputs)) zones.points = *file;
    if (auto file = s.file("polygons", study_.inputs)) access_request().zone_polygons = *file;
    access_request().polygon_id = s.text("polygon_id").value_or("id");
    if (!access::is_vector_file(zones.file))
      s.columns_in("file", {"id", "population", "groups", "income", "coverage"}, columns_);
  }

  void facilities(Section& s) {
    auto& facilities = access_request().facilities;
    if (auto file = s.file("file", study_.inputs)) facilities.file = *file;
    facilities.id_column = s.text("id").value_or("");
    facilities.capacity_column = s.text("capacity").value_or("");
    s.columns_in("file", {"id", "capacity"}, columns_);
  }

  void costs(Section& s) {
    auto& costs = access_request().costs;
    if (auto file = s.file("matrix", study_.inputs)) costs.matrix = *file;
    costs.columns.from_column = s.text("from").value_or("");
    costs.columns.to_column = s.text("to").value_or("");
    costs.columns.cost_column = s.text("cost").value_or("");
    if (auto unit = s.choice("unit", {"seconds", "minutes", "metres", "given"})) {
      costs.unit = plan::cost_unit_from_name(*unit).value_or(io::CostUnit::Given);
    }
    if (auto file = s.file("graph", study_.inputs)) costs.graph = *file;
    if (auto snap = s.number("max_snap", 0.0, 1e7)) costs.max_snap_m = *snap;
    costs.snap = s.choice("snap", {"segment", "node"}).value_or("segment");
    if (auto threshold = s.number("snap_threshold", 0.0, 1e7)) costs.snap_threshold_m = *threshold;
    costs.straight_line = s.text("straight_line").value_or("");
    if (auto detour = s.number("detour", 1.0, 100.0)) costs.detour = *detour;
    s.columns_in("matrix", {"from", "to", "cost"}, columns_);
    const int sources = static_cast<int>(!costs.matrix.empty() || s.has("matrix")) +
                        static_cast<int>(!costs.graph.empty() || s.has("graph")) +
                        static_cast<int>(!costs.straight_line.empty());
    if (sources != 1) {
      problems_.add(s.line(), 1,
                    sources == 0 ? "[costs] names no cost source" : "[costs] names more than one cost source",
                    "give exactly one of matrix, graph or straight_line");
    }
  }

  void access_options(Section& s) {
    auto& request = access_request();
    if (auto measures = s.texts("measures")) {
      request.measures = *measures;
    } else {
      default_measures(request);
    }
    request.decay = s.text("decay").value_or("");
    if (auto alpha = s.number("alpha", 0.0, 100.0)) request.alpha = *alpha;
    if (auto standard = s.text_or_number("standard")) {
      request.standard = *standard;
    } else {
      default_standard(request);
    }
    request.poverty_lines = s.texts("poverty_lines").value_or(std::vector<std::string>{});
    if (s.choice("no_access", {"zero", "missing"}).value_or("zero") == "missing")
      request.no_access = access::NoAccess::Missing;
    if (s.choice("concentration", {"textbook", "unweighted-rank-mean"}).value_or("textbook") ==
        "unweighted-rank-mean")
      request.concentration = access::ConcentrationForm::UnweightedRankMean;
    if (auto file = s.file("scenarios", study_.inputs)) request.scenarios_file = *file;
  }

  void default_measures(access::AccessRequest& request) {
    request.measures = {"cumulative=30min", "closest", "2sfca=gaussian:60min"};
    add_default("access.measures", R"(["cumulative=30min", "closest", "2sfca=gaussian:60min"])",
                "the people within 30 minutes, the time to the nearest, and capacity per person (2SFCA)");
  }
  void default_standard(access::AccessRequest& request) {
    request.standard = "30min";
    add_default("access.standard", "30min", "a person farther than 30 minutes from the nearest is counted");
  }

  void channels(Section& s) {
    auto& request = access_request();
    access::ChannelOffer offer;
    offer.in_person = s.flag("in_person").value_or(true);
    offer.online = s.flag("online").value_or(true);
    offer.phone = s.flag("phone").value_or(false);
    if (auto file = s.file("terminals", study_.inputs)) offer.terminals = *file;
    if (auto file = s.file("assisted", study_.inputs)) offer.assisted = *file;
    if (auto file = s.file("outreach", study_.inputs)) offer.outreach = *file;
    offer.outreach_reach = s.text_or_number("outreach_reach").value_or("");
    if (auto file = s.file("joint_abilities", study_.inputs)) offer.joint_abilities = *file;
    if (auto file = s.file("digital_profiles", study_.inputs)) {
      request.digital_profiles = *file;
    } else if (!s.has("digital_profiles")) {
      problems_.add(s.line(), 1, "[channels] without digital_profiles",
                    "name the groups' coverage, devices and skills, e.g. digital_profiles = "
                    "\"digital_profiles.csv\" (docs/access.md; published defaults in "
                    "examples/access/digital_profiles_cn.csv)");
    }
    if (!offer.outreach_reach.empty() && offer.outreach.empty()) {
      problems_.add(s.line(), 1, "channels.outreach_reach without outreach bases",
                    "name the bases of the home visits: outreach = \"bases.csv\"");
    }
    request.channels = offer;
  }

  void journeys(Section& s) {
    journeys::JourneyRequest request;
    if (auto file = s.file("catalogue", study_.inputs)) request.catalogue = *file;
    if (auto file = s.file("abilities", study_.inputs)) request.abilities = *file;
    if (auto file = s.file("joint_abilities", study_.inputs)) request.joint_abilities = *file;
    if (auto file = s.file("scenarios", study_.inputs)) request.scenarios = *file;
    for (auto& [kind, file] : s.named_files("offices", study_.inputs))
      request.offices.push_back({kind, file});
    const auto choice =
        s.choice("choice", {"cheapest", "prefer-online", "prefer-offline"}).value_or("cheapest");
    if (choice == "prefer-online") request.options.choice = journeys::ChoiceRule::PreferOnline;
    if (choice == "prefer-offline") request.options.choice = journeys::ChoiceRule::PreferOffline;
    for (const char* key : {"catalogue", "abilities"}) {
      if (!s.has(key))
        problems_.add(s.line(), 1, fmt::format("[journeys] without {}", key),
                      fmt::format("name the file: {} = \"…\" (docs/journeys.md)", key));
    }
    study_.journeys = std::move(request);
  }

  void inequality(Section& s) {
    measure::InequalityRequest request;
    if (auto file = s.file("file", study_.inputs)) request.file = *file;
    request.columns.value_columns = s.texts("values").value_or(std::vector<std::string>{});
    if (request.columns.value_columns.empty())
      problems_.add(s.line(), 1, "[inequality] without values",
                    R"(name the indicator columns: values = ["…"])");
    request.columns.weight_column = s.text("weight");
    request.columns.group_column = s.text("group");
    request.columns.by_column = s.text("by");
    request.columns.rank_by_column = s.text("rank_by");
    request.columns.missing = missing_of(s.choice("missing", {"error", "drop"}));
    if (auto indices = s.texts("indices")) request.indices = *indices;
    auto& inference = request.options.inference;
    if (auto n = s.count("bootstrap", 1'000'000)) inference.bootstrap_replicates = *n;
    if (auto n = s.count("permutations", 1'000'000)) inference.permutations = *n;
    if (auto seed = s.count("seed", std::numeric_limits<std::int64_t>::max())) inference.seed = *seed;
    if (auto level = s.number("confidence", 0.5, 0.999)) inference.confidence_level = *level;
    require_file(s, "file");
    s.columns_in("file", {"values", "weight", "group", "by", "rank_by"}, columns_);
    study_.inequality = std::move(request);
  }

  void convergence(Section& s) {
    measure::ConvergenceRequest request;
    if (auto file = s.file("file", study_.inputs)) request.file = *file;
    request.panel.value_columns = s.texts("values").value_or(std::vector<std::string>{});
    request.panel.times = s.numbers("times").value_or(std::vector<double>{});
    request.panel.time_column = s.text("time");
    request.panel.id_column = s.text("id");
    request.panel.weight_column = s.text("weight");
    request.panel.group_column = s.text("group");
    request.panel.covariate_columns = s.texts("covariates").value_or(std::vector<std::string>{});
    request.panel.missing = missing_of(s.choice("missing", {"error", "drop"}));
    request.bandwidth = s.text_or_number("bandwidth").value_or("silverman");
    request.options.from_time = s.number("from", -1e9, 1e9);
    request.options.to_time = s.number("to", -1e9, 1e9);
    require_file(s, "file");
    s.columns_in("file", {"values", "time", "id", "weight", "group", "covariates"}, columns_);
    study_.convergence = std::move(request);
  }

  void composite(Section& s) {
    measure::CompositeRequest request;
    if (auto file = s.file("file", study_.inputs)) request.file = *file;
    // A leading '-' marks an indicator where lower is better (a cost), as the command line writes it.
    for (const auto& column : s.texts("indicators").value_or(std::vector<std::string>{})) {
      const bool cost = !column.empty() && column.front() == '-';
      request.indicators.push_back(
          {cost ? column.substr(1) : column, cost ? measure::Direction::Cost : measure::Direction::Benefit});
    }
    if (request.indicators.size() < 2)
      problems_.add(s.line(), 1, "[composite] needs at least two indicators",
                    R"(write indicators = ["a", "b", "-cost_c"] ('-': lower is better))");
    request.id = s.text("id").value_or("");
    request.normalize = s.choice("normalize", {"minmax", "zscore", "none"});
    request.weighting = s.choice("weighting", {"equal", "entropy", "critic", "explicit"}).value_or("entropy");
    request.weights = s.numbers("weights").value_or(std::vector<double>{});
    request.method = s.choice("method", {"weighted-sum", "topsis"}).value_or("weighted-sum");
    request.missing = s.choice("missing", {"error", "drop"}).value_or("error");
    require_file(s, "file");
    s.columns_in("file", {"indicators", "id"}, columns_);
    study_.composite = std::move(request);
  }

  void plan(Section& s) {
    PlanStudy plan;
    auto& request = plan.efficient;
    request.model = plan::PlanModel::PMedian;
    if (auto file = s.file("matrix", study_.inputs)) request.matrix = *file;
    if (auto file = s.file("demand", study_.inputs)) request.demand = *file;
    request.spec.from_column = s.text("from").value_or("");
    request.spec.to_column = s.text("to").value_or("");
    request.spec.cost_column = s.text("cost").value_or("");
    request.spec.demand_id_column = s.text("demand_id").value_or("id");
    request.spec.weight_column = s.text("weight").value_or("");
    request.spec.group_column = s.text("group").value_or("");
    if (auto unit = s.choice("unit", {"seconds", "minutes", "metres", "given"}))
      request.cost_unit = plan::cost_unit_from_name(*unit);
    if (auto p = s.count("p", 100'000)) {
      request.p = static_cast<std::size_t>(*p);
    } else {
      problems_.add(s.line(), 1, "[plan] without p", "say how many new sites: p = 5");
    }
    request.radius = s.number("radius", 0.0, 1e12);
    request.existing = s.texts("existing").value_or(std::vector<std::string>{});
    plan.focus_groups = s.texts("focus_groups").value_or(std::vector<std::string>{});
    if (const auto place = s.place("focus_groups")) focus_place_ = *place;
    if (auto file = s.file("site_locations", study_.inputs)) plan.site_locations = *file;
    if (auto aversions = s.numbers("aversions")) {
      plan.aversions = *aversions;
    } else {
      add_default("plan.aversions", "[0.5, 1, 2, 4]",
                  "Kolm–Pollak inequality aversions of the price-of-fairness curve");
    }
    if (auto limit = s.number("time_limit", 0.001, 1e6)) {
      request.time_limit = *limit;
    } else {
      request.time_limit = 20.0;
      add_default("plan.time_limit", "20", "seconds per plan; the report states each plan's proven gap");
    }
    if (auto gap = s.number("gap", 0.0, 1.0)) request.target_gap = *gap;
    if (auto seed = s.count("seed", std::numeric_limits<std::int64_t>::max())) request.seed = *seed;
    require_file(s, "matrix");
    require_file(s, "demand");
    if (!s.has("group"))
      problems_.add(s.line(), 1, "[plan] without group",
                    "name the demand file's group column: the Rawlsian plan raises the worst-off group");
    s.columns_in("matrix", {"from", "to", "cost"}, columns_);
    s.columns_in("demand", {"demand_id", "weight", "group"}, columns_);
    study_.plan = std::move(plan);
  }

  void audit(Section& s) {
    audit::AuditMetricsRequest request;
    if (auto file = s.file("decisions", study_.inputs)) request.log.file = *file;
    request.log.group = s.texts("groups").value_or(std::vector<std::string>{});
    if (request.log.group.empty())
      problems_.add(s.line(), 1, "[audit] without groups", R"(name the protected columns: groups = ["sex"])");
    request.log.decision = s.text("decision").value_or("");
    request.log.score = s.text("score").value_or("");
    request.log.threshold = s.number("threshold", -1e12, 1e12);
    request.log.label = s.text("label").value_or("");
    request.log.count = s.text("count").value_or("");
    if (request.log.decision.empty() == request.log.score.empty())
      problems_.add(s.line(), 1, "[audit] needs exactly one of decision or score",
                    R"(name the 0/1 decision column (decision = "granted") or a score with a threshold)");
    if (auto reference = s.texts("reference")) request.reference = *reference;
    if (auto n = s.count("min_cell", 1'000'000)) request.min_cell = *n;
    if (auto n = s.count("bootstrap", 1'000'000)) request.bootstrap = static_cast<std::size_t>(*n);
    if (auto seed = s.count("seed", std::numeric_limits<std::int64_t>::max())) request.seed = *seed;
    if (auto alpha = s.number("alpha", 1e-6, 0.5)) request.alpha = *alpha;
    if (s.choice("favourable", {"selected", "not-selected"}).value_or("selected") == "not-selected")
      request.favourable = audit::Favourable::NotSelected;
    request.rule = s.text("rule").value_or("");
    request.intersections = s.flag("intersections").value_or(true);
    require_file(s, "decisions");
    if (!audit::reads_ndjson(audit::InputFormat::Auto, request.log.file))
      s.columns_in("decisions", {"groups", "decision", "score", "label", "count"}, columns_);
    study_.audit = std::move(request);
  }

  // Access and journeys need zones, facilities and costs; a study without any of them has no access part.
  void check_access_inputs(const toml::table& root) {
    if (!study_.access) {
      if (study_.journeys)
        problems_.add(line_of(*root.get("journeys")), 1, "[journeys] without [zones], [facilities], [costs]",
                      "journeys reach offices: describe the zones, the offices and the travel costs");
      return;
    }
    if (root.get("access") == nullptr) {
      default_measures(*study_.access);
      default_standard(*study_.access);
    }
    for (const char* name : {"zones", "facilities", "costs"}) {
      if (root.get(name) == nullptr) {
        problems_.add(1, 1, fmt::format("the study has no [{}]", name),
                      "access needs [zones], [facilities] and [costs] (docs/study.md)");
      } else if (auto* table = root.get_as<toml::table>(name);
                 table != nullptr && std::string(name) != "costs" && table->get("file") == nullptr) {
        problems_.add(line_of(*table), 1, fmt::format("[{}] without file", name),
                      fmt::format("name the {} file: file = \"…\"", name));
      }
    }
    if (study_.journeys) {
      study_.journeys->access = *study_.access;
    }
  }

  void require_file(Section& s, const std::string& key) {
    if (!s.has(key))
      problems_.add(s.line(), 1, fmt::format("{} is missing", s.where(key)),
                    fmt::format("name the file: {} = \"…\"", key));
  }

  void add_default(std::string key, std::string value, std::string note) {
    study_.defaults.push_back({std::move(key), std::move(value), std::move(note)});
  }

  Study& study_;
  Problems& problems_;
  std::vector<ColumnRef> columns_;
  std::pair<std::size_t, std::size_t> focus_place_{1, 1};  // where plan.focus_groups is written
};

}  // namespace

Study parse_study(const std::string& text, const std::string& path) {
  const toml::table root = io::detail::parse_toml(text, path);
  Study study;
  study.file = path;
  study.directory = fs::path(path).parent_path().string();
  if (study.directory.empty()) study.directory = ".";
  study.text = text;
  Problems problems(path, "the study");
  StudyReader(study, problems).read(root);
  if (!study.access && !study.inequality && !study.convergence && !study.composite && !study.plan &&
      !study.audit && problems.empty()) {
    problems.add(1, 1, "the study names no analysis",
                 "add [zones], [facilities] and [costs] for access, or [inequality], [convergence], "
                 "[composite], [plan], [audit] (docs/study.md)");
  }
  problems.throw_if_any();
  return study;
}

Study read_study(const std::string& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    throw Error(ErrorCode::Io, fmt::format("{} is a directory", path), "name the study's .toml file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::Io, fmt::format("cannot read {}", path), "check the path and permissions");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_study(text.str(), path);
}

}  // namespace equalis::study

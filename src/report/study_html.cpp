#include "report/study_html.hpp"

#include "report/detail/json_read.hpp"
#include "report/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace equalis::report {
namespace {

using nlohmann::json;

using detail::member;
using detail::number;

double number_or_nan(const json& object, const char* key) {
  return number(object, key).value_or(std::numeric_limits<double>::quiet_NaN());
}

std::string text(const json& object, const char* key) {
  const json& v = member(object, key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return {};
}

std::string esc(std::string_view s) {
  return svg::escape(s);
}

// The page being written: the language, the display names the study gave, the output.
class Page {
 public:
  Page(const json& report, Language lang) : report_(report), lang_(lang), labels_(member(report, "labels")) {}

  [[nodiscard]] Language lang() const { return lang_; }
  [[nodiscard]] const std::string& t(std::string_view key) const { return tr(key, lang_); }

  // A sentence of the text table with named arguments; the arguments are escaped here.
  template <typename... Args>
  [[nodiscard]] std::string say(std::string_view key, Args&&... args) const {
    return fmt::format(fmt::runtime(t(key)), std::forward<Args>(args)...);
  }

  // The display name of a group (or any id the study labelled): "all" is everyone; the study's labels
  // (`labels: {id: {en, zh}}`) win over the raw id.
  [[nodiscard]] std::string name(const std::string& id) const {
    const json& label = member(labels_, id.c_str());
    const char* lang_key = lang_ == Language::Zh ? "zh" : "en";
    if (label.is_object() && member(label, lang_key).is_string())
      return member(label, lang_key).get<std::string>();
    if (label.is_string()) return label.get<std::string>();
    if (id == "all") return t("all");
    return id;
  }

  [[nodiscard]] std::string unit(const std::string& u) const {
    if (u == "minutes") return lang_ == Language::Zh ? "分钟" : "min";
    if (u == "seconds") return lang_ == Language::Zh ? "秒" : "s";
    return u;
  }
  [[nodiscard]] std::string quantity(double value, const std::string& u) const {
    const std::string shown = unit(u);
    if (shown.empty()) return format_value(value, lang_);
    return format_value(value, lang_) + (lang_ == Language::Zh && u == "minutes" ? " " : " ") + shown;
  }
  [[nodiscard]] std::string pct(double share) const { return format_percent(share, lang_); }
  [[nodiscard]] std::string people(double n) const { return format_people(n, lang_); }
  [[nodiscard]] std::string value(double v) const { return format_value(v, lang_); }

  [[nodiscard]] std::string channel(const std::string& c) const {
    std::string key = "channel_" + c;
    std::replace(key.begin(), key.end(), '-', '_');
    try {
      return t(key);
    } catch (const std::out_of_range&) {
      return c;
    }
  }

  // A measure's name from its spec ("cumulative=30min", "closest", "2sfca=gaussian:60min").
  [[nodiscard]] std::string measure_name(const json& measure) const {
    const std::string spec = text(measure, "spec");
    const std::string kind = spec.substr(0, spec.find('='));
    const std::string argument = spec.find('=') == std::string::npos ? "" : spec.substr(spec.find('=') + 1);
    const std::string facilities = text(measure, "unit");
    if (kind == "cumulative") {
      std::string name = fmt::format(fmt::runtime(t("m_cumulative")), fmt::arg("limit", duration(argument)),
                                     fmt::arg("unit", facilities));
      if (lang_ == Language::En && !name.empty())
        name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
      return name;
    }
    if (kind == "closest") return t("m_closest");
    if (kind == "gravity") return t("m_gravity");
    if (kind == "coverage") return t("m_coverage");
    if (kind == "raam") return t("m_raam");
    std::string upper = kind;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    return fmt::format(fmt::runtime(t("m_fca")), fmt::arg("kind", upper));
  }

  // "30min" → "30 min" / "30 分钟"; "1h30min" → as given.
  [[nodiscard]] std::string duration(const std::string& d) const {
    if (d.size() > 3 && d.compare(d.size() - 3, 3, "min") == 0 &&
        d.find_first_not_of("0123456789.") == d.size() - 3)
      return d.substr(0, d.size() - 3) + " " + unit("minutes");
    return d;
  }

  [[nodiscard]] const json& report() const { return report_; }

 private:
  const json& report_;
  Language lang_;
  const json& labels_;
};

// ---------------------------------------------------------------------------------------------------------
// Building blocks

struct Table {
  std::vector<std::string> headers;
  std::vector<bool> numeric;  // per column: right-aligned
  std::vector<std::vector<std::string>> rows;
  std::string caption;
};

std::string html_table(const Table& table) {
  std::string out = "<div class=\"table\"><table>";
  if (!table.caption.empty()) out += "<caption>" + esc(table.caption) + "</caption>";
  out += "<thead><tr>";
  for (std::size_t c = 0; c < table.headers.size(); ++c) {
    const bool num = c < table.numeric.size() && table.numeric[c];
    out += fmt::format("<th scope=\"col\"{}>{}</th>", num ? " class=\"n\"" : "", esc(table.headers[c]));
  }
  out += "</tr></thead><tbody>";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool num = c < table.numeric.size() && table.numeric[c];
      if (c == 0)
        out += fmt::format("<th scope=\"row\">{}</th>", esc(row[c]));
      else
        out += fmt::format("<td{}>{}</td>", num ? " class=\"n\"" : "", esc(row[c]));
    }
    out += "</tr>";
  }
  out += "</tbody></table></div>";
  return out;
}

std::string data_details(const Page& page, const Table& table) {
  return "<details><summary>" + esc(page.t("data_table")) + "</summary>" + html_table(table) + "</details>";
}

std::string figure(const Page& page, const std::string& chart, const Table& table) {
  if (chart.empty()) return html_table(table);
  return "<figure>" + chart + "</figure>" + data_details(page, table);
}

std::string paragraph(const std::string& escaped_text) {
  return "<p>" + escaped_text + "</p>";
}

struct Section {
  std::string id;
  std::string title;
  std::string body;
};

// ---------------------------------------------------------------------------------------------------------
// Findings in words

std::string reason_text(const Page& page, const std::string& kind, const std::string& requirement,
                        const std::string& step, const std::string& channel, const std::string& raw) {
  if (kind == "rule") return page.t("reason_rule");
  if (kind == "requirement" && !requirement.empty())
    return page.say("reason_requirement", fmt::arg("requirement", requirement), fmt::arg("step", step),
                    fmt::arg("channel", page.channel(channel)));
  if (kind == "place" && !channel.empty())
    return page.say("reason_place", fmt::arg("step", step), fmt::arg("channel", page.channel(channel)));
  return raw;
}

// A period: a whole year without decimals or separators ("1940"), anything else as written.
std::string period_text(const json& v) {
  if (v.is_number() && v.get<double>() == std::round(v.get<double>()))
    return fmt::format("{:.0f}", v.get<double>());
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string metric_name(const Page& page, const std::string& metric) {
  try {
    return page.t("metric_" + metric);
  } catch (const std::out_of_range&) {
    return metric;
  }
}

std::string standard_text(const Page& page, const json& f) {
  return page.quantity(number(f, "standard").value_or(0.0), text(f, "unit"));
}

// One finding as an escaped sentence; empty for a kind this renderer does not know.
std::string phrase(const Page& page, const json& f, const std::map<std::string, std::string>& measure_names) {
  const std::string id = text(f, "id");
  auto e = [](const std::string& s) { return esc(s); };
  if (id == "no_usable_channel" || id == "beyond_standard") {
    const bool has_reference = member(f, "reference_group").is_string();
    std::string sentence =
        page.say(id == "no_usable_channel" ? "f_no_channel" : "f_beyond_standard",
                 fmt::arg("group", e(page.name(text(f, "group")))),
                 fmt::arg("share", e(page.pct(number_or_nan(f, "share")))),
                 fmt::arg("standard", e(standard_text(page, f))),
                 fmt::arg("reference", e(page.name(text(f, "reference_group")))),
                 fmt::arg("reference_share", e(page.pct(number_or_nan(f, "reference_share")))));
    if (!has_reference)
      sentence = sentence.substr(0, sentence.rfind(page.lang() == Language::Zh ? "（" : " (")) +
                 (page.lang() == Language::Zh ? "。" : ".");
    return sentence;
  }
  if (id == "access_gap") {
    const auto it = measure_names.find(text(f, "measure"));
    const std::string measure = it != measure_names.end() ? it->second : text(f, "measure_label");
    return page.say(
        "f_access_gap", fmt::arg("measure", e(measure)),
        fmt::arg("worst", e(page.name(text(f, "worst_group")))),
        fmt::arg("worst_value", e(page.quantity(number_or_nan(f, "worst_mean"), text(f, "unit")))),
        fmt::arg("best", e(page.name(text(f, "best_group")))),
        fmt::arg("best_value", e(page.quantity(number_or_nan(f, "best_mean"), text(f, "unit")))));
  }
  if (id == "between_group_share") {
    std::string what = text(f, "what");
    const auto it = measure_names.find(text(f, "measure"));
    if (it != measure_names.end()) what = it->second;
    if (member(f, "period").is_number() || member(f, "period").is_string())
      what += " (" + period_text(member(f, "period")) + ")";
    return page.say("f_between_share", fmt::arg("what", e(what)),
                    fmt::arg("share", e(page.pct(number_or_nan(f, "share")))));
  }
  if (id == "scenario_change") {
    return page.say(text(f, "count") == "excluded" ? "f_scenario" : "f_scenario_beyond",
                    fmt::arg("scenario", e(text(f, "scenario"))),
                    fmt::arg("group", e(page.name(text(f, "group")))),
                    fmt::arg("before", e(page.people(number_or_nan(f, "before")))),
                    fmt::arg("after", e(page.people(number_or_nan(f, "after")))));
  }
  if (id == "lowest_completion") {
    const std::string matter = text(f, "matter_name").empty() ? text(f, "matter") : text(f, "matter_name");
    if (!member(f, "reason").is_string()) {
      return page.say("f_lowest_completion_no_reason", fmt::arg("matter", e(matter)),
                      fmt::arg("share", e(page.pct(number_or_nan(f, "share")))),
                      fmt::arg("group", e(page.name(text(f, "group")))));
    }
    const std::string reason =
        reason_text(page, text(f, "reason_kind"), text(f, "reason_requirement"), text(f, "reason_step"),
                    text(f, "reason_channel"), text(f, "reason"));
    return page.say("f_lowest_completion", fmt::arg("matter", e(matter)),
                    fmt::arg("share", e(page.pct(number_or_nan(f, "share")))),
                    fmt::arg("group", e(page.name(text(f, "group")))), fmt::arg("reason", e(reason)));
  }
  if (id == "audit_flags") {
    const json& largest = member(f, "largest");
    return page.say("f_audit_flags", fmt::arg("count", text(f, "count")),
                    fmt::arg("metric", e(metric_name(page, text(largest, "metric")))),
                    fmt::arg("group", e(page.name(text(largest, "group")))),
                    fmt::arg("reference", e(page.name(text(largest, "reference_group")))),
                    fmt::arg("ratio", e(page.value(number_or_nan(largest, "ratio")))));
  }
  if (id == "audit_no_flags") return esc(page.t("f_audit_none"));
  if (id == "rawls_plan") {
    return page.say("f_rawls", fmt::arg("group", e(page.name(text(f, "group")))),
                    fmt::arg("before", e(page.value(number_or_nan(f, "before")))),
                    fmt::arg("after", e(page.value(number_or_nan(f, "after")))),
                    fmt::arg("price", e(page.pct(number_or_nan(f, "price_of_fairness")))));
  }
  if (id == "convergence") {
    const bool down = member(f, "converging").is_boolean() && member(f, "converging").get<bool>();
    return page.say(down ? "f_convergence_down" : "f_convergence_up",
                    fmt::arg("variable", e(text(f, "variable"))),
                    fmt::arg("first", e(page.value(number_or_nan(f, "first")))),
                    fmt::arg("last", e(page.value(number_or_nan(f, "last")))),
                    fmt::arg("first_year", e(period_text(member(f, "first_time")))),
                    fmt::arg("last_year", e(period_text(member(f, "last_time")))));
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------------
// Access

std::map<std::string, std::string> measure_names(const Page& page, const json& access) {
  std::map<std::string, std::string> names;
  const json& measures = member(access, "measures");
  if (!measures.is_array()) return names;
  for (const auto& m : measures) names[text(m, "key")] = page.measure_name(m);
  return names;
}

Section access_section(const Page& page, const json& access) {
  Section s{"access", page.t("sec_access"), {}};
  const json& measures = member(access, "measures");
  if (measures.is_array()) {
    for (const auto& m : measures) {
      const bool cost = access_measure_is_cost(m);
      const std::string name = page.measure_name(m);
      const std::string unit = text(m, "unit");
      s.body += "<h3>" + esc(name) + "</h3>";
      s.body += paragraph(page.say(
          "access_intro", fmt::arg("direction", esc(page.t(cost ? "lower_is_better" : "higher_is_better")))));
      svg::BarChart chart{name, {}, {}, 0.0};
      Table table{{page.t("group"), page.t("people"), page.t("mean"), page.t("minimum"), page.t("maximum"),
                   page.t("share_without")},
                  {false, true, true, true, true, true},
                  {},
                  {}};
      for (const auto& g : member(m, "groups")) {
        const double mean = number_or_nan(g, "mean");
        chart.rows.push_back({page.name(text(g, "group")), {mean}, {page.quantity(mean, unit)}});
        table.rows.push_back({page.name(text(g, "group")), page.people(number_or_nan(g, "people")),
                              page.quantity(mean, unit), page.value(number_or_nan(g, "min")),
                              page.value(number_or_nan(g, "max")),
                              page.pct(number_or_nan(g, "share_without"))});
      }
      s.body += figure(page, svg::bar_chart(chart), table);
    }
    // Equity of every measure in one table.
    Table equity{{page.t("measure"), page.t("gini"), page.t("theil_t"), page.t("between"), page.t("within"),
                  page.t("concentration_index"), page.t("palma_by_income")},
                 {false, true, true, true, true, true, true},
                 {},
                 page.t("equity_caption")};
    for (const auto& m : measures) {
      const json& e = member(m, "equity");
      equity.rows.push_back({page.measure_name(m), page.value(number_or_nan(e, "gini")),
                             page.value(number_or_nan(e, "theil_t")),
                             page.value(number_or_nan(e, "theil_t_between")),
                             page.value(number_or_nan(e, "theil_t_within")),
                             page.value(number_or_nan(e, "concentration_index")),
                             page.value(number_or_nan(e, "palma_by_income"))});
    }
    s.body += html_table(equity);
  }
  const json& beyond = member(access, "beyond_standard");
  if (beyond.is_object()) {
    const std::string standard = page.quantity(number_or_nan(beyond, "standard"), text(beyond, "unit"));
    const std::string title = page.say("beyond_title", fmt::arg("standard", standard));
    s.body += "<h3>" + esc(title) + "</h3>";
    svg::BarChart chart{title, {}, {}, 0.0};
    Table table{{page.t("group"), page.t("people"), page.t("people_beyond"),
                 page.say("share_beyond", fmt::arg("standard", standard))},
                {false, true, true, true},
                {},
                {}};
    for (const auto& g : member(beyond, "groups")) {
      const double share = number_or_nan(g, "share_beyond");
      chart.rows.push_back({page.name(text(g, "group")), {share}, {page.pct(share)}});
      table.rows.push_back({page.name(text(g, "group")), page.people(number_or_nan(g, "people")),
                            page.people(number_or_nan(g, "people_beyond")), page.pct(share)});
    }
    s.body += figure(page, svg::bar_chart(chart), table);
  }
  return s;
}

Section channels_section(const Page& page, const json& channels) {
  Section s{"channels", page.t("sec_channels"), {}};
  std::vector<std::string> offered;
  for (const auto& c : member(channels, "offer")) offered.push_back(page.channel(c.get<std::string>()));
  const std::string standard = page.quantity(number_or_nan(channels, "standard"), text(channels, "unit"));
  s.body += paragraph(page.say(
      "channels_intro",
      fmt::arg("channels",
               esc(fmt::format("{}", fmt::join(offered, page.lang() == Language::Zh ? "、" : ", ")))),
      fmt::arg("standard", esc(standard))));
  const std::string title = page.t("share_excluded");
  svg::BarChart chart{title, {page.t("today"), page.t("excluded_if_closed")}, {}, 0.0};
  Table table{{page.t("group"), page.t("people"), page.t("excluded"), page.t("share_excluded"),
               page.t("excluded_if_closed"), page.t("share")},
              {false, true, true, true, true, true},
              {},
              {}};
  for (const auto& g : member(channels, "groups")) {
    const double share = number_or_nan(g, "share_excluded");
    const double closed = number_or_nan(g, "share_excluded_if_offices_closed");
    chart.rows.push_back({page.name(text(g, "group")), {share, closed}, {page.pct(share), page.pct(closed)}});
    table.rows.push_back({page.name(text(g, "group")), page.people(number_or_nan(g, "people")),
                          page.people(number_or_nan(g, "excluded")), page.pct(share),
                          page.people(number_or_nan(g, "excluded_if_offices_closed")), page.pct(closed)});
  }
  s.body += figure(page, svg::bar_chart(chart), table);
  bool illustrative = false;
  for (const auto& p : member(channels, "profiles"))
    if (member(p, "illustrative").is_array() && !member(p, "illustrative").empty()) illustrative = true;
  if (illustrative) s.body += "<p class=\"note\">" + esc(page.t("illustrative_profiles")) + "</p>";
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Maps

struct MapLayer {
  std::string title;
  std::vector<std::optional<double>> values;  // per feature
  bool low_is_good = false;
  bool share = false;  // values are shares: legend as percentages
};

std::string class_label(const Page& page, std::size_t k, const std::vector<double>& breaks, bool share) {
  auto f = [&](double v) { return share ? page.pct(v) : page.value(v); };
  if (breaks.empty()) return page.t("all_zones");
  if (k == 0) return page.say("class_up_to", fmt::arg("high", f(breaks[0])));
  if (k == breaks.size()) return page.say("class_above", fmt::arg("low", f(breaks.back())));
  return page.say("class_between", fmt::arg("low", f(breaks[k - 1])), fmt::arg("high", f(breaks[k])));
}

std::vector<svg::MapMarker> facility_markers(const Page& page) {
  std::vector<svg::MapMarker> markers;
  for (const auto& f : member(page.report(), "facilities")) {
    const auto lon = number(f, "lon");
    const auto lat = number(f, "lat");
    if (lon && lat) markers.push_back({*lon, *lat, text(f, "id")});
  }
  return markers;
}

std::string map_figure(const Page& page, const json& features, const MapLayer& layer,
                       const std::vector<svg::MapMarker>& markers,
                       const std::vector<svg::MarkerLayer>& extra_layers = {}) {
  std::vector<double> present;
  for (const auto& v : layer.values)
    if (v) present.push_back(*v);
  svg::Choropleth map;
  map.title = layer.title;
  map.breaks = svg::quantile_breaks(present, 5);
  for (std::size_t k = 0; k <= map.breaks.size(); ++k)
    map.legend_labels.push_back(class_label(page, k, map.breaks, layer.share));
  map.no_value_label = page.t("no_value");
  if (!markers.empty())
    map.marker_layers.push_back({markers, page.t("facilities"), svg::MarkerShape::Circle});
  for (const auto& extra : extra_layers) map.marker_layers.push_back(extra);
  map.low_is_good = layer.low_is_good;
  // Per class: zones and people, the map's data table.
  std::vector<double> zones(map.breaks.size() + 1, 0.0);
  std::vector<double> people(map.breaks.size() + 1, 0.0);
  double zones_without = 0.0;
  for (std::size_t i = 0; i < features.size(); ++i) {
    const json& feature = features[i];
    const json& props = member(feature, "properties");
    const auto& v = layer.values[i];
    map.zones.push_back(
        {&member(feature, "geometry"), v,
         fmt::format("{}: {}", text(props, "id"),
                     v ? (layer.share ? page.pct(*v) : page.value(*v)) : page.t("no_value"))});
    if (!v) {
      zones_without += 1.0;
      continue;
    }
    std::size_t k = 0;
    while (k < map.breaks.size() && *v > map.breaks[k]) ++k;
    zones[k] += 1.0;
    people[k] += number(props, "population").value_or(0.0);
  }
  Table table{{page.t("class"), page.t("zones"), page.t("people")}, {false, true, true}, {}, {}};
  for (std::size_t k = 0; k < zones.size(); ++k)
    table.rows.push_back({map.legend_labels[k], page.value(zones[k]), page.people(people[k])});
  table.rows.push_back({page.t("no_value"), page.value(zones_without), ""});
  return "<h3>" + esc(layer.title) + "</h3>" + figure(page, svg::choropleth(map), table);
}

Section maps_section(const Page& page, const json& access, const json& geojson) {
  Section s{"maps", page.t("sec_maps"), {}};
  const json& features = member(geojson, "features");
  if (!features.is_array() || features.empty()) return s;
  s.body += "<p class=\"note\">" + esc(page.t("map_note")) + "</p>";
  const auto markers = facility_markers(page);
  auto values_of = [&](const std::function<std::optional<double>(const json&)>& get) {
    std::vector<std::optional<double>> values;
    for (const auto& feature : features) values.push_back(get(member(feature, "properties")));
    return values;
  };
  for (const auto& m : member(access, "measures")) {
    const std::string key = text(m, "key");
    auto values = values_of([&](const json& p) { return number(p, key.c_str()); });
    if (std::none_of(values.begin(), values.end(), [](const auto& v) { return v.has_value(); })) continue;
    s.body += map_figure(page, features,
                         {page.say("map_title", fmt::arg("measure", page.measure_name(m))), std::move(values),
                          access_measure_is_cost(m), false},
                         markers);
  }
  // The share with no usable channel: everyone, then each group.
  const json& channels = member(access, "channels");
  if (channels.is_object()) {
    auto share = [](const json& p, const std::string& excluded_key,
                    const std::string& people_key) -> std::optional<double> {
      const auto excluded = number(p, excluded_key.c_str());
      const auto people = number(p, people_key.c_str());
      if (!excluded || !people || *people <= 0.0) return std::nullopt;
      return *excluded / *people;
    };
    s.body +=
        map_figure(page, features,
                   {page.t("map_excluded") + " — " + page.name("all"),
                    values_of([&](const json& p) { return share(p, "excluded", "population"); }), true, true},
                   markers);
    for (const auto& g : member(member(member(access, "inputs"), "zones"), "groups")) {
      const std::string group = g.get<std::string>();
      s.body += map_figure(
          page, features,
          {page.t("map_excluded") + " — " + page.name(group),
           values_of([&](const json& p) { return share(p, "excluded_" + group, group); }), true, true},
          markers);
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Lorenz curves from the zones' values and people

struct Lorenz {
  std::vector<std::pair<double, double>> points;  // (cumulative people share, cumulative access share)
};

std::optional<Lorenz> lorenz_of(const json& zones, const std::string& key) {
  std::vector<std::pair<double, double>> cells;  // (value, people)
  for (const auto& z : zones) {
    const auto v = number(member(z, "access"), key.c_str());
    const double people = number(z, "population").value_or(0.0);
    if (!v || people <= 0.0 || *v < 0.0) continue;
    cells.emplace_back(*v, people);
  }
  if (cells.size() < 2) return std::nullopt;
  std::sort(cells.begin(), cells.end());
  double total_people = 0.0;
  double total_access = 0.0;
  for (const auto& [v, p] : cells) {
    total_people += p;
    total_access += v * p;
  }
  if (total_access <= 0.0) return std::nullopt;
  Lorenz l;
  l.points.emplace_back(0.0, 0.0);
  double people = 0.0;
  double access = 0.0;
  const std::size_t step = std::max<std::size_t>(1, cells.size() / 200);  // at most ~200 points drawn
  for (std::size_t i = 0; i < cells.size(); ++i) {
    people += cells[i].second;
    access += cells[i].first * cells[i].second;
    if ((i + 1) % step == 0 || i + 1 == cells.size())
      l.points.emplace_back(people / total_people, access / total_access);
  }
  return l;
}

// The curve's height at a people share (linear between its points).
double lorenz_at(const Lorenz& l, double x) {
  for (std::size_t i = 1; i < l.points.size(); ++i) {
    const auto& [x0, y0] = l.points[i - 1];
    const auto& [x1, y1] = l.points[i];
    if (x <= x1) return x1 > x0 ? y0 + (y1 - y0) * (x - x0) / (x1 - x0) : y1;
  }
  return 1.0;
}

Section lorenz_section(const Page& page, const json& access) {
  Section s{"lorenz", page.t("sec_lorenz"), {}};
  const json& zones = member(access, "zones");
  if (!zones.is_array()) return s;
  svg::LineChart chart{
      page.t("sec_lorenz"), page.t("cumulative_people"), page.t("cumulative_access"), {}, true, false};
  Table table{{page.t("people_share")}, {false}, {}, {}};
  std::vector<Lorenz> curves;
  for (const auto& m : member(access, "measures")) {
    if (access_measure_is_cost(m)) continue;  // a cost's Lorenz curve reads backwards; the maps show it
    auto l = lorenz_of(zones, text(m, "key"));
    if (!l) continue;
    chart.series.push_back({page.measure_name(m), l->points});
    table.headers.push_back(page.measure_name(m));
    table.numeric.push_back(true);
    curves.push_back(std::move(*l));
  }
  if (curves.empty()) return s;
  for (int d = 1; d <= 9; ++d) {
    const double x = d / 10.0;
    std::vector<std::string> row{page.say("poorest_share", fmt::arg("share", page.pct(x)))};
    for (const auto& l : curves) row.push_back(page.pct(lorenz_at(l, x)));
    table.rows.push_back(std::move(row));
  }
  s.body += paragraph(esc(page.t("lorenz_intro")));
  s.body += figure(page, svg::line_chart(chart), table);
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Between and within

Section decomposition_section(const Page& page, const json* access, const json* inequality) {
  Section s{"decomposition", page.t("sec_decomposition"), {}};
  s.body += paragraph(esc(page.t("decomposition_intro")));
  svg::BarChart chart{page.t("decomposition_title"), {page.t("between"), page.t("within")}, {}, 0.0};
  Table table{
      {page.t("variable"), page.t("total"), page.t("between"), page.t("within"), page.t("share_between")},
      {false, true, true, true, true},
      {},
      {}};
  auto add = [&](const std::string& what, double total, double between, double within) {
    chart.rows.push_back(
        {what, {between / total, within / total}, {page.pct(between / total), page.pct(within / total)}});
    table.rows.push_back(
        {what, page.value(total), page.value(between), page.value(within), page.pct(between / total)});
  };
  if (access != nullptr) {
    for (const auto& m : member(*access, "measures")) {
      const json& e = member(m, "equity");
      const auto total = number(e, "theil_t");
      const auto between = number(e, "theil_t_between");
      const auto within = number(e, "theil_t_within");
      if (total && between && within && *total > 0.0) add(page.measure_name(m), *total, *between, *within);
    }
  }
  if (inequality != nullptr) {
    for (const auto& r : member(*inequality, "results")) {
      for (const auto& d : member(member(r, "decomposition"), "ge")) {
        if (text(d, "index") != "theil_t") continue;
        const auto total = number(d, "total");
        const auto between = number(d, "between");
        const auto within = number(d, "within");
        std::string what = text(r, "indicator");
        if (member(r, "period").is_number() || member(r, "period").is_string())
          what += " (" + period_text(member(r, "period")) + ")";
        if (total && between && within && *total > 0.0) add(what, *total, *between, *within);
      }
    }
  }
  if (table.rows.empty()) return {};
  chart.scale_max = 1.0;
  s.body += figure(page, svg::bar_chart(chart), table);
  // The inequality indices with their bootstrap intervals.
  if (inequality != nullptr) {
    Table intervals{{page.t("variable"), page.t("index"), page.t("value"), page.t("interval")},
                    {false, false, true, true},
                    {},
                    {}};
    for (const auto& r : member(*inequality, "results")) {
      const json& bounds = member(member(r, "bootstrap"), "intervals");
      for (const char* index : {"gini", "ge(1)"}) {
        const json& i = member(bounds, index);
        if (!i.is_object()) continue;
        intervals.rows.push_back(
            {text(r, "indicator"), std::string(index) == "gini" ? page.t("gini") : page.t("theil_t"),
             page.value(number_or_nan(i, "estimate")),
             page.value(number_or_nan(i, "lower")) + " – " + page.value(number_or_nan(i, "upper"))});
      }
    }
    if (!intervals.rows.empty()) s.body += html_table(intervals);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Scenarios

std::string describe_changes(const Page& page, const json& changes) {
  std::string out = "<ul class=\"changes\">";
  for (const auto& [key, value] : changes.items()) {
    std::string shown;
    if (value.is_array()) {
      std::vector<std::string> items;
      for (const auto& v : value) {
        if (v.is_string())
          items.push_back(key.find("channels") != std::string::npos ? page.channel(v.get<std::string>())
                                                                    : v.get<std::string>());
        else if (v.is_object())
          items.push_back(text(v, "id"));
        else
          items.push_back(v.dump());
      }
      shown = fmt::format("{}", fmt::join(items, ", "));
    } else if (value.is_object()) {
      std::vector<std::string> items;
      for (const auto& [group, fields] : value.items())
        items.push_back(page.name(group) + ": " + fields.dump());
      shown = fmt::format("{}", fmt::join(items, "; "));
    } else {
      shown = value.dump();
    }
    std::string label;
    try {
      label = page.t("change_" + key);
    } catch (const std::out_of_range&) {
      label = key;
    }
    out += "<li>" + esc(label) + (page.lang() == Language::Zh ? "：" : ": ") + esc(shown) + "</li>";
  }
  return out + "</ul>";
}

Section scenarios_section(const Page& page, const json& scenarios) {
  Section s{"scenarios", page.t("sec_scenarios"), {}};
  s.body += paragraph(esc(page.t("scenario_intro")));
  for (const auto& sc : scenarios) {
    const std::string name = text(sc, "name");
    s.body += "<h3>" + esc(page.t("scenario")) + ": " + esc(name) + "</h3>";
    s.body += describe_changes(page, member(sc, "changes"));
    const bool channels = std::any_of(member(sc, "groups").begin(), member(sc, "groups").end(),
                                      [](const json& g) { return member(g, "excluded_before").is_number(); });
    const char* before_key = channels ? "excluded_before" : "beyond_standard_before";
    const char* after_key = channels ? "excluded_after" : "beyond_standard_after";
    svg::BarChart chart{name + " — " + page.t(channels ? "excluded" : "people_beyond"),
                        {page.t("before"), page.t("after")},
                        {},
                        0.0};
    Table table{
        {page.t("group"), page.t("people"), page.t("excluded") + " · " + page.t("before"),
         page.t("excluded") + " · " + page.t("after"), page.t("people_beyond") + " · " + page.t("before"),
         page.t("people_beyond") + " · " + page.t("after"), page.t("loses")},
        {false, true, true, true, true, true, false},
        {},
        {}};
    for (const auto& g : member(sc, "groups")) {
      const double people = number(g, "people").value_or(0.0);
      const double before = number_or_nan(g, before_key);
      const double after = number_or_nan(g, after_key);
      const double scale = people > 0.0 ? people : 1.0;
      chart.rows.push_back({page.name(text(g, "group")),
                            {before / scale, after / scale},
                            {page.pct(before / scale), page.pct(after / scale)}});
      const bool loses = member(g, "loses").is_boolean() && member(g, "loses").get<bool>();
      table.rows.push_back(
          {page.name(text(g, "group")), page.people(people), page.people(number_or_nan(g, "excluded_before")),
           page.people(number_or_nan(g, "excluded_after")),
           page.people(number_or_nan(g, "beyond_standard_before")),
           page.people(number_or_nan(g, "beyond_standard_after")), loses ? page.t("yes") : page.t("no")});
    }
    s.body += figure(page, svg::bar_chart(chart), table);
    if (number(sc, "people_losing").value_or(0.0) > 0.0) {
      s.body += paragraph(page.say("people_losing",
                                   fmt::arg("people", esc(page.people(number_or_nan(sc, "people_losing")))),
                                   fmt::arg("zones", esc(text(sc, "zones_losing")))));
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Journeys

Section journeys_section(const Page& page, const json& journeys) {
  Section s{"journeys", page.t("sec_journeys"), {}};
  s.body += paragraph(esc(page.t("journeys_intro")));
  for (const auto& matter : member(journeys, "matters")) {
    const std::string name = text(matter, "name").empty() ? text(matter, "id") : text(matter, "name");
    s.body += "<h3>" + esc(page.t("matter")) + ": " + esc(name) + "</h3>";
    const std::string title = page.say("completion_title", fmt::arg("matter", name));
    svg::BarChart chart{title, {}, {}, 1.0};
    Table table{{page.t("group"), page.t("people"), page.t("eligible"), page.t("completion"),
                 page.t("visits"), page.t("more_than_one_visit"), page.t("minutes_mean")},
                {false, true, true, true, true, true, true},
                {},
                {}};
    Table reasons{{page.t("group"), page.t("reason"), page.t("people"), page.t("share")},
                  {false, false, true, true},
                  {},
                  {}};
    const json* reasons_group = nullptr;  // the group whose reasons are drawn: the lowest completion
    for (const auto& g : member(matter, "groups")) {
      const double share = number_or_nan(g, "share_completing");
      chart.rows.push_back({page.name(text(g, "group")), {share}, {page.pct(share)}});
      table.rows.push_back({page.name(text(g, "group")), page.people(number_or_nan(g, "people")),
                            page.people(number_or_nan(g, "eligible")), page.pct(share),
                            page.value(number_or_nan(g, "visits_mean")),
                            page.pct(number_or_nan(g, "share_more_than_one_visit")),
                            page.value(number_or_nan(g, "minutes_mean"))});
      for (const auto& r : member(g, "reasons")) {
        reasons.rows.push_back({page.name(text(g, "group")),
                                reason_text(page, text(r, "kind"), text(r, "requirement"), text(r, "step"),
                                            text(r, "channel"), text(r, "reason")),
                                page.people(number_or_nan(r, "people")),
                                page.pct(number_or_nan(r, "share_of_group"))});
      }
      if (number(g, "people").value_or(0.0) > 0.0 &&
          (reasons_group == nullptr ||
           number_or_nan(g, "share_completing") < number_or_nan(*reasons_group, "share_completing")))
        reasons_group = &g;
    }
    s.body += figure(page, svg::bar_chart(chart), table);
    {
      // Trips per person (a trip is a visit to an office, terminal or helper; online steps need none).
      const std::string trips_title = page.say("trips_title", fmt::arg("matter", name));
      svg::BarChart trips{trips_title, {}, {}, 0.0};
      Table trips_table{
          {page.t("group"), page.t("visits"), page.t("more_than_one_visit")}, {false, true, true}, {}, {}};
      for (const auto& g : member(matter, "groups")) {
        const double visits = number_or_nan(g, "visits_mean");
        trips.rows.push_back({page.name(text(g, "group")), {visits}, {page.value(visits)}});
        trips_table.rows.push_back({page.name(text(g, "group")), page.value(visits),
                                    page.pct(number_or_nan(g, "share_more_than_one_visit"))});
      }
      s.body += "<h4>" + esc(trips_title) + "</h4>" + figure(page, svg::bar_chart(trips), trips_table);
    }
    if (reasons_group != nullptr && !member(*reasons_group, "reasons").empty()) {
      const std::string reasons_title = page.t("reasons") + " — " + page.name(text(*reasons_group, "group"));
      svg::BarChart bars{reasons_title, {}, {}, 0.0};
      std::vector<const json*> sorted;
      for (const auto& r : member(*reasons_group, "reasons")) sorted.push_back(&r);
      std::sort(sorted.begin(), sorted.end(), [](const json* a, const json* b) {
        return number(*a, "people").value_or(0.0) > number(*b, "people").value_or(0.0);
      });
      if (sorted.size() > 6) sorted.resize(6);
      for (const json* r : sorted) {
        const double share = number_or_nan(*r, "share_of_group");
        bars.rows.push_back({reason_text(page, text(*r, "kind"), text(*r, "requirement"), text(*r, "step"),
                                         text(*r, "channel"), text(*r, "reason")),
                             {share},
                             {page.pct(share)}});
      }
      s.body += "<h4>" + esc(reasons_title) + "</h4>" + figure(page, svg::bar_chart(bars), reasons);
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Convergence

Section convergence_section(const Page& page, const json& convergence) {
  Section s{"convergence", page.t("sec_convergence"), {}};
  const json& result = member(convergence, "result");
  const json& sigma = member(result, "sigma");
  const json& times = member(sigma, "times");
  if (!times.is_array() || times.empty()) return {};
  s.body += paragraph(esc(page.t("convergence_intro")));
  svg::LineChart chart{page.t("sigma_title"), page.t("year"), page.t("sigma"), {}, false, true};
  Table table{{page.t("year"), "CV", "SD(log)", page.t("gini")}, {false, true, true, true}, {}, {}};
  for (const char* statistic : {"cv", "sd_log", "gini"}) {
    const json& values = member(sigma, statistic);
    if (!values.is_array() || values.size() != times.size()) continue;
    svg::Series series{statistic == std::string("cv")       ? "CV"
                       : statistic == std::string("sd_log") ? "SD(log)"
                                                            : page.t("gini"),
                       {}};
    for (std::size_t i = 0; i < times.size(); ++i)
      if (times[i].is_number() && values[i].is_number())
        series.points.emplace_back(times[i].get<double>(), values[i].get<double>());
    chart.series.push_back(std::move(series));
  }
  for (std::size_t i = 0; i < times.size(); ++i) {
    auto at = [&](const char* statistic) {
      const json& values = member(sigma, statistic);
      return values.is_array() && i < values.size() && values[i].is_number()
                 ? page.value(values[i].get<double>())
                 : "–";
    };
    table.rows.push_back({period_text(times[i]), at("cv"), at("sd_log"), at("gini")});
  }
  s.body += figure(page, svg::line_chart(chart), table);
  const json& absolute = member(member(result, "beta"), "absolute");
  if (absolute.is_object()) {
    const std::string verdict = text(absolute, "verdict");
    std::string verdict_text;
    try {
      verdict_text = page.t("verdict_" + verdict);
    } catch (const std::out_of_range&) {
      verdict_text = verdict;
    }
    s.body += paragraph(
        page.say("beta_sentence", fmt::arg("beta", esc(page.value(number_or_nan(absolute, "beta")))),
                 fmt::arg("verdict", esc(verdict_text)),
                 fmt::arg("half_life", esc(page.value(number_or_nan(absolute, "half_life_years"))))));
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Composite

Section composite_section(const Page& page, const json& composite) {
  Section s{"composite", page.t("sec_composite"), {}};
  const json& result = member(composite, "result");
  const json& units = member(result, "units");
  if (!units.is_array() || units.empty()) return {};
  s.body += paragraph(esc(page.t("composite_intro")));
  Table weights{{page.t("indicator"), page.t("weight")}, {false, true}, {}, {}};
  for (const auto& w : member(result, "weights"))
    weights.rows.push_back({text(w, "indicator"), page.pct(number_or_nan(w, "weight"))});
  s.body += html_table(weights);
  std::vector<const json*> ranked;
  for (const auto& u : units) ranked.push_back(&u);
  std::stable_sort(ranked.begin(), ranked.end(), [](const json* a, const json* b) {
    return number(*a, "rank").value_or(1e18) < number(*b, "rank").value_or(1e18);
  });
  const std::size_t shown = std::min<std::size_t>(10, ranked.size() / 2 + ranked.size() % 2);
  auto block = [&](const std::string& title, std::size_t from, std::size_t to) {
    svg::BarChart chart{title, {}, {}, 0.0};
    Table table{{page.t("rank"), page.t("unit_id"), page.t("score")}, {true, false, true}, {}, {}};
    for (std::size_t i = from; i < to; ++i) {
      const json& u = *ranked[i];
      std::string id = text(u, "id");
      while (!id.empty() && id.back() == ' ') id.pop_back();
      const double score = number_or_nan(u, "score");
      chart.rows.push_back({fmt::format("{}. {}", text(u, "rank"), id), {score}, {page.value(score)}});
      table.rows.push_back({text(u, "rank"), id, page.value(score)});
    }
    s.body += "<h3>" + esc(title) + "</h3>" + figure(page, svg::bar_chart(chart), table);
  };
  block(page.t("top_units"), 0, shown);
  block(page.t("bottom_units"), ranked.size() - shown, ranked.size());
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Plan

// The new sites of the efficient and the fair plan on the zones (coloured by the access study's first cost
// measure when there is one), when the plan section says where its sites are (`plan.sites`: [{id, lon,
// lat}]).
std::string plan_map(const Page& page, const json& plan, const json& efficient, const json& fair,
                     const json& access, const json& geojson) {
  const json& features = member(geojson, "features");
  const json& where = member(plan, "sites");
  if (!features.is_array() || features.empty() || !where.is_array()) return {};
  std::map<std::string, std::pair<double, double>> located;
  for (const auto& site : where) {
    const auto lon = number(site, "lon");
    const auto lat = number(site, "lat");
    if (lon && lat) located[text(site, "id")] = {*lon, *lat};
  }
  auto new_sites = [&](const json& result) {
    std::vector<svg::MapMarker> points;
    const json& existing = member(result, "existing_sites");
    for (const auto& id : member(result, "open_sites")) {
      const std::string name = id.is_string() ? id.get<std::string>() : id.dump();
      if (existing.is_array() && std::find(existing.begin(), existing.end(), id) != existing.end()) continue;
      const auto it = located.find(name);
      if (it != located.end()) points.push_back({it->second.first, it->second.second, name});
    }
    return points;
  };
  std::vector<svg::MarkerLayer> layers;
  if (efficient.is_object())
    layers.push_back({new_sites(efficient), page.t("efficient_new_sites"), svg::MarkerShape::Square, 6.0});
  if (fair.is_object())
    layers.push_back({new_sites(fair), page.t("fair_new_sites"), svg::MarkerShape::Diamond, 6.0});
  if (std::all_of(layers.begin(), layers.end(), [](const auto& l) { return l.points.empty(); })) return {};
  MapLayer layer{page.t("plan_map_title"), {}, true, false};
  std::string cost_key;
  for (const auto& m : member(access, "measures")) {
    if (access_measure_is_cost(m)) {
      cost_key = text(m, "key");
      layer.title += " — " + page.measure_name(m);
      break;
    }
  }
  for (const auto& feature : features)
    layer.values.push_back(cost_key.empty() ? std::nullopt
                                            : number(member(feature, "properties"), cost_key.c_str()));
  return map_figure(page, features, layer, {}, layers);  // the facilities are on the access maps
}

Section plan_section(const Page& page, const json& plan, const json& access, const json& geojson) {
  Section s{"plan", page.t("sec_plan"), {}};
  s.body += paragraph(esc(page.t("plan_intro")));
  const json& efficient = member(member(plan, "efficient"), "result");
  const json& fair = member(member(plan, "fair"), "result");
  Table overview{{page.t("plan"), page.t("status"), page.t("open_sites"), page.t("total_cost"),
                  page.t("worst_group_mean")},
                 {false, false, false, true, true},
                 {},
                 {}};
  auto worst_mean = [](const json& result) {
    double worst = std::numeric_limits<double>::quiet_NaN();
    for (const auto& g : member(result, "groups")) {
      const double m = number_or_nan(g, "mean_cost");
      if (std::isfinite(m) && !(worst >= m)) worst = m;
    }
    return worst;
  };
  auto sites = [](const json& result) {
    std::vector<std::string> ids;
    for (const auto& id : member(result, "open_sites"))
      ids.push_back(id.is_string() ? id.get<std::string>() : id.dump());
    return fmt::format("{}", fmt::join(ids, ", "));
  };
  if (efficient.is_object())
    overview.rows.push_back({page.t("efficient_plan"), text(efficient, "status"), sites(efficient),
                             page.value(number_or_nan(efficient, "total_cost")),
                             page.value(worst_mean(efficient))});
  if (fair.is_object())
    overview.rows.push_back({page.t("fair_plan"), text(fair, "status"), sites(fair),
                             page.value(number_or_nan(fair, "total_cost")), page.value(worst_mean(fair))});
  if (!overview.rows.empty()) s.body += html_table(overview);
  if (efficient.is_object() && fair.is_object()) {
    svg::BarChart chart{
        page.t("plan_groups_title"), {page.t("efficient_plan"), page.t("fair_plan")}, {}, 0.0};
    Table table{{page.t("group"), page.t("efficient_plan"), page.t("fair_plan"), page.t("change")},
                {false, true, true, true},
                {},
                {}};
    std::map<std::string, double> fair_means;
    for (const auto& g : member(fair, "groups")) fair_means[text(g, "group")] = number_or_nan(g, "mean_cost");
    for (const auto& g : member(efficient, "groups")) {
      const std::string group = text(g, "group");
      const double before = number_or_nan(g, "mean_cost");
      const double after =
          fair_means.count(group) ? fair_means[group] : std::numeric_limits<double>::quiet_NaN();
      chart.rows.push_back({page.name(group), {before, after}, {page.value(before), page.value(after)}});
      table.rows.push_back(
          {page.name(group), page.value(before), page.value(after), page.value(after - before)});
    }
    s.body +=
        "<h3>" + esc(page.t("plan_groups_title")) + "</h3>" + figure(page, svg::bar_chart(chart), table);
  }
  s.body += plan_map(page, plan, efficient, fair, access, geojson);
  const json& curve = member(plan, "price_of_fairness");
  if (curve.is_array() && !curve.empty()) {
    svg::LineChart chart{
        page.t("pof_title"), page.t("aversion"), page.t("price_of_fairness"), {}, false, false};
    svg::Series series{page.t("price_of_fairness"), {}};
    Table table{{page.t("objective"), page.t("aversion"), page.t("total_cost"), page.t("price_of_fairness"),
                 page.t("worst_group_mean")},
                {false, true, true, true, true},
                {},
                {}};
    for (const auto& p : curve) {
      const double aversion = number_or_nan(p, "aversion");
      const double price = number_or_nan(p, "price_of_fairness");
      series.points.emplace_back(aversion, price * 100.0);
      table.rows.push_back({text(p, "objective"), page.value(aversion),
                            page.value(number_or_nan(p, "total_cost")), page.pct(price),
                            page.value(number_or_nan(p, "worst_group_mean"))});
    }
    chart.y_label = page.t("price_of_fairness") + " (%)";
    chart.series.push_back(std::move(series));
    s.body += "<h3>" + esc(page.t("pof_title")) + "</h3>" + figure(page, svg::line_chart(chart), table);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Audit

Section audit_section(const Page& page, const json& audit) {
  Section s{"audit", page.t("sec_audit"), {}};
  const json& families = member(member(audit, "result"), "families");
  if (!families.is_array()) return {};
  s.body += paragraph(esc(page.t("audit_intro")));
  for (const auto& family : families) {
    const std::string reference = text(member(family, "reference"), "group");
    s.body += "<h3>" + esc(page.t("attribute")) + ": " + esc(text(family, "name")) + "</h3>";
    s.body += paragraph(esc(page.t("reference")) + ": " + esc(page.name(reference)));
    svg::BarChart chart{page.t("metric_selection_rate") + " — " + text(family, "name"), {}, {}, 1.0};
    Table table{{page.t("group"), page.t("metric"), page.t("value"), page.t("interval"), page.t("difference"),
                 page.t("interval"), page.t("ratio"), page.t("flag")},
                {false, false, true, true, true, true, true, false},
                {},
                {}};
    for (const auto& g : member(family, "groups")) {
      const std::string group = text(g, "name");
      if (member(g, "suppressed").is_boolean() && member(g, "suppressed").get<bool>()) {
        table.rows.push_back({page.name(group), "", "", "", "", "", "", page.t("suppressed")});
        continue;
      }
      const json& rates = member(g, "rates");
      const double selection = number_or_nan(member(rates, "selection_rate"), "value");
      chart.rows.push_back({page.name(group), {selection}, {page.pct(selection)}});
      const bool four_fifths = member(member(g, "four_fifths"), "flag").is_boolean() &&
                               member(member(g, "four_fifths"), "flag").get<bool>();
      const json& disparities = member(g, "disparities");
      std::vector<std::string> metrics;  // selection rate first, then the error rates, then any other
      for (const char* known : {"selection_rate", "tpr", "fpr", "fnr", "ppv"})
        if (disparities.contains(known)) metrics.emplace_back(known);
      for (const auto& item : disparities.items())
        if (std::find(metrics.begin(), metrics.end(), item.key()) == metrics.end())
          metrics.push_back(item.key());
      for (const auto& metric : metrics) {
        const json& d = disparities[metric];
        const json& rate = member(rates, metric.c_str());
        const json& wilson = member(rate, "wilson");
        const json& newcombe = member(d, "newcombe");
        auto interval = [&](const json& pair) {
          return pair.is_array() && pair.size() == 2 && pair[0].is_number() && pair[1].is_number()
                     ? page.pct(pair[0].get<double>()) + " – " + page.pct(pair[1].get<double>())
                     : std::string("–");
        };
        // A difference of two rates in percentage points.
        auto points = [&](double v) {
          return std::isfinite(v) ? format_number(v * 100.0, 1, page.lang()) + page.t("pp")
                                  : std::string("–");
        };
        auto points_interval = [&](const json& pair) {
          return pair.is_array() && pair.size() == 2 && pair[0].is_number() && pair[1].is_number()
                     ? points(pair[0].get<double>()) + " – " + points(pair[1].get<double>())
                     : std::string("–");
        };
        std::vector<std::string> flags;
        if (member(d, "significant").is_boolean() && member(d, "significant").get<bool>())
          flags.push_back(page.t("significant"));
        if (metric == "selection_rate" && four_fifths) flags.push_back(page.t("four_fifths"));
        const bool is_reference = member(g, "reference").is_boolean() && member(g, "reference").get<bool>();
        table.rows.push_back({page.name(group) + (is_reference ? " (" + page.t("reference") + ")" : ""),
                              metric_name(page, metric), page.pct(number_or_nan(rate, "value")),
                              interval(wilson), points(number_or_nan(d, "difference")),
                              points_interval(newcombe), page.value(number_or_nan(d, "ratio")),
                              flags.empty() ? "" : "⚑ " + fmt::format("{}", fmt::join(flags, ", "))});
      }
    }
    s.body += html_table(table);
    if (!chart.rows.empty()) {
      Table rates{{page.t("group"), page.t("metric_selection_rate")}, {false, true}, {}, {}};
      for (const auto& row : chart.rows) rates.rows.push_back({row.label, row.value_texts[0]});
      s.body += figure(page, svg::bar_chart(chart), rates);
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Recipe

Section recipe_section(const Page& page, const json& report) {
  Section s{"recipe", page.t("sec_recipe"), {}};
  const json& study = member(report, "study");
  if (member(study, "file").is_string())
    s.body += paragraph(page.say("study_file", fmt::arg("file", esc(text(study, "file")))));
  const json& recipe = member(report, "recipe");
  Table inputs{{page.t("role"), page.t("path"), page.t("bytes"), page.t("sha256")},
               {false, false, true, false},
               {},
               page.t("inputs")};
  for (const auto& i : member(recipe, "inputs"))
    inputs.rows.push_back(
        {text(i, "role"), text(i, "path"), page.value(number_or_nan(i, "bytes")), text(i, "sha256")});
  if (!inputs.rows.empty()) s.body += html_table(inputs);
  Table defaults{{page.t("key"), page.t("value"), page.t("note")},
                 {false, false, false},
                 {},
                 page.t("defaults_applied")};
  for (const auto& d : member(recipe, "defaults_applied")) {
    const json& v = member(d, "value");
    defaults.rows.push_back(
        {text(d, "key"), v.is_string() ? v.get<std::string>() : v.dump(), text(d, "note")});
  }
  if (!defaults.rows.empty()) s.body += html_table(defaults);
  const json& options = member(recipe, "options");
  if (options.is_object() && !options.empty())
    s.body += "<details><summary>" + esc(page.t("options")) + "</summary><pre>" + esc(options.dump(2)) +
              "</pre></details>";
  const std::string version = text(member(report, "equalis"), "version");
  s.body += paragraph(page.say("generated_by", fmt::arg("version", esc(version))));
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// The page

constexpr const char* kStyle = R"css(
:root{color-scheme:light;--ink:#1a1a1a;--muted:#4d4d4d;--line:#c8c8c8;--accent:#1f4e9e;--band:#f3f5f8}
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
header,main,footer,nav{max-width:60rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.5rem}
h1{font-size:1.8rem;line-height:1.25;margin:.5rem 0}
h2{font-size:1.4rem;border-bottom:2px solid var(--accent);padding-bottom:.2rem;margin-top:2.5rem}
h3{font-size:1.15rem;margin-top:1.8rem}
h4{font-size:1rem}
a{color:var(--accent)}
nav ol{columns:2 16rem;column-gap:2rem;padding-left:1.6rem}
nav li{break-inside:avoid;margin:.15rem 0}
.findings{background:var(--band);border-left:4px solid var(--accent);padding:1rem 1rem 1rem 2rem;font-size:1.05rem}
.findings li{margin:.4rem 0}
.note{color:var(--muted)}
figure{margin:1rem 0}
svg.chart{width:100%;height:auto;display:block;max-width:44rem}
svg.chart.bars,svg.chart.lines{max-width:34rem}
svg .t{font-size:13px;fill:#1a1a1a}
svg .grid{stroke:#e0e0e0}
svg .axis{stroke:#4d4d4d}
svg .diag{stroke:#767676;stroke-dasharray:4 4}
.table{overflow-x:auto;margin:.8rem 0}
table{border-collapse:collapse;font-size:.92rem;min-width:50%}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border-bottom:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid var(--ink)}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
details{margin:.4rem 0 1.2rem}
summary{cursor:pointer;color:var(--accent)}
pre{white-space:pre-wrap;word-break:break-word;background:var(--band);padding:.6rem;font-size:.85rem}
footer{color:var(--muted);padding-bottom:2rem}
@media (max-width:30rem){h1{font-size:1.45rem}th,td{padding:.25rem .35rem}}
@media print{
 nav,summary{display:none}
 body{font-size:10.5pt}
 header,main,footer{max-width:none;padding:0}
 h2{break-before:page;break-after:avoid}
 h3,h4{break-after:avoid}
 figure,tr{break-inside:avoid}
 details{display:block}
 .table{overflow:visible}
 a{color:inherit;text-decoration:none}
 .findings{border:1px solid #999}
}
)css";

}  // namespace

std::string render_study_html(const nlohmann::json& report, const nlohmann::json& zones_geojson,
                              Language lang) {
  const Page page(report, lang);
  const json& study = member(report, "study");
  const json& sections = member(report, "sections");
  std::string title =
      text(study, lang == Language::Zh && member(study, "title_zh").is_string() ? "title_zh" : "title");
  if (title.empty()) title = page.t("report");

  json findings = member(report, "findings");
  if (!findings.is_array() || findings.empty()) findings = study_findings(report);

  const json& access = member(sections, "access");
  const auto names = measure_names(page, access);
  std::vector<Section> parts;
  {
    Section summary{"summary", page.t("summary"), {}};
    std::string items;
    for (const auto& f : findings) {
      const std::string sentence = phrase(page, f, names);
      if (!sentence.empty()) items += "<li>" + sentence + "</li>";
    }
    summary.body =
        items.empty() ? paragraph(esc(page.t("no_findings"))) : "<ul class=\"findings\">" + items + "</ul>";
    parts.push_back(std::move(summary));
  }
  if (access.is_object()) {
    parts.push_back(access_section(page, access));
    if (zones_geojson.is_object()) parts.push_back(maps_section(page, access, zones_geojson));
    if (member(access, "channels").is_object()) parts.push_back(channels_section(page, access["channels"]));
    parts.push_back(lorenz_section(page, access));
  }
  const json& inequality = member(sections, "inequality");
  if (access.is_object() || inequality.is_object())
    parts.push_back(decomposition_section(page, access.is_object() ? &access : nullptr,
                                          inequality.is_object() ? &inequality : nullptr));
  if (member(access, "scenarios").is_array() && !access["scenarios"].empty())
    parts.push_back(scenarios_section(page, access["scenarios"]));
  if (member(sections, "journeys").is_object()) parts.push_back(journeys_section(page, sections["journeys"]));
  if (member(sections, "convergence").is_object())
    parts.push_back(convergence_section(page, sections["convergence"]));
  if (member(sections, "composite").is_object())
    parts.push_back(composite_section(page, sections["composite"]));
  if (member(sections, "plan").is_object())
    parts.push_back(plan_section(page, sections["plan"], access, zones_geojson));
  if (member(sections, "audit").is_object()) parts.push_back(audit_section(page, sections["audit"]));
  parts.push_back(recipe_section(page, report));
  parts.erase(std::remove_if(parts.begin(), parts.end(), [](const Section& s) { return s.body.empty(); }),
              parts.end());

  std::string html;
  html.reserve(1 << 20);
  html += fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"equalis "
      "{}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
      lang == Language::Zh ? "zh-Hans" : "en", esc(text(member(report, "equalis"), "version")), esc(title),
      kStyle);
  html += "<header><p class=\"note\">" + esc(page.t("report")) + "</p><h1>" + esc(title) + "</h1>";
  const std::string description =
      text(study, lang == Language::Zh && member(study, "description_zh").is_string() ? "description_zh"
                                                                                      : "description");
  if (!description.empty()) html += paragraph(esc(description));
  html += "<p class=\"note\">" + esc(page.t("print_note")) + "</p></header>\n";
  html += "<nav aria-label=\"" + esc(page.t("contents")) + "\"><h2>" + esc(page.t("contents")) + "</h2><ol>";
  for (const auto& part : parts)
    html += fmt::format("<li><a href=\"#{}\">{}</a></li>", part.id, esc(part.title));
  html += "</ol></nav>\n<main>\n";
  for (const auto& part : parts)
    html += fmt::format("<section id=\"{}\" aria-labelledby=\"{}-h\"><h2 id=\"{}-h\">{}</h2>{}</section>\n",
                        part.id, part.id, part.id, esc(part.title), part.body);
  html += "</main>\n<footer>" +
          paragraph(page.say("generated_by",
                             fmt::arg("version", esc(text(member(report, "equalis"), "version"))))) +
          "</footer>\n";
  // The one script: open every data table before printing, so that the PDF carries them.
  html +=
      "<script>addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach("
      "function(d){d.open=true})});</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace equalis::report

#include "report/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace equalis::report::svg {
namespace {

using nlohmann::json;

struct Rgb {
  double r, g, b;
};

// Viridis sampled at nine even steps (its published anchor colours), interpolated between them.
constexpr std::array<Rgb, 9> kViridis{{{68, 1, 84},
                                       {71, 44, 122},
                                       {59, 81, 139},
                                       {44, 113, 142},
                                       {33, 144, 141},
                                       {39, 173, 129},
                                       {92, 200, 99},
                                       {170, 220, 50},
                                       {253, 231, 37}}};

Rgb viridis(double t) {
  t = std::clamp(t, 0.0, 1.0) * static_cast<double>(kViridis.size() - 1);
  const auto low = static_cast<std::size_t>(std::floor(t));
  const std::size_t high = std::min(low + 1, kViridis.size() - 1);
  const double f = t - static_cast<double>(low);
  const Rgb& a = kViridis[low];
  const Rgb& b = kViridis[high];
  return {a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f};
}

Rgb class_rgb(std::size_t index, std::size_t classes) {
  if (classes <= 1) return viridis(0.0);
  return viridis(static_cast<double>(index) / static_cast<double>(classes - 1));
}

std::string hex(const Rgb& c) {
  auto byte = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 255.0))); };
  return fmt::format("#{:02x}{:02x}{:02x}", byte(c.r), byte(c.g), byte(c.b));
}

// WCAG 2 relative luminance.
double luminance(const Rgb& c) {
  auto channel = [](double v) {
    v /= 255.0;
    return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

// Coordinates in the viewBox, one decimal: enough at 600 units wide and keeps the file small.
std::string num(double v) {
  if (!std::isfinite(v)) v = 0.0;
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

std::string open_svg(double width, double height, const std::string& title) {
  return fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" "
      "preserveAspectRatio=\"xMinYMin meet\"><title>{}</title>",
      num(width), num(height), escape(title), escape(title));
}

// A tick label: up to three significant decimals, no trailing zeros.
std::string tick_text(double v, bool integer) {
  if (integer) return fmt::format("{:.0f}", v);
  std::string s = fmt::format("{:.3g}", v);
  return s;
}

// "Nice" ticks covering [low, high].
std::vector<double> nice_ticks(double low, double high, int target) {
  if (!(high > low)) high = low + 1.0;
  const double raw = (high - low) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * magnitude;
    if (raw <= step) break;
  }
  std::vector<double> ticks;
  for (double v = std::floor(low / step) * step; v <= high + step * 1e-9; v += step) {
    if (v >= low - step * 1e-9) ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  return ticks;
}

// Zones without a value: near white, apart from every class of the palette (a hatch pattern would be
// clearer on screen but makes Chromium's print to PDF crawl: ~2,000 pattern fills took minutes).
constexpr const char* kNoValueFill = "#f0f0f0";

const std::array<const char*, 4> kSeriesColours{"#3b528b", "#21908d", "#b8860b", "#6a3d9a"};
const std::array<const char*, 4> kSeriesDashes{"", "6 3", "2 3", "8 3 2 3"};

// The width of a text at the charts' 13 px: ~7.3 px a Latin character, 13 px a CJK one (a guess, the
// charts leave slack for it).
double text_width(std::string_view text) {
  double w = 0.0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;                 // a continuation byte
    w += c >= 0xE3 ? 13.0 : (c >= 0x80 ? 8.0 : 7.3);  // E3+ lead bytes: CJK and beyond
  }
  return w;
}

// The text cut at a code-point boundary with "…" so that it fits `max_width`.
std::string fit_text(const std::string& text, double max_width) {
  if (text_width(text) <= max_width) return text;
  std::size_t end = 0;
  double w = 0.0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    w += c >= 0xE3 ? 13.0 : (c >= 0x80 ? 8.0 : 7.3);
    if (w > max_width - 10.0) break;
    i += len;
    end = std::min(i, text.size());
  }
  return text.substr(0, end) + "…";
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string sequential_colour(std::size_t index, std::size_t classes) {
  return hex(class_rgb(index, classes));
}

std::string text_colour_on(std::size_t index, std::size_t classes) {
  const double l = luminance(class_rgb(index, classes));
  // Contrast with black: (l + 0.05) / 0.05; with white: 1.05 / (l + 0.05). Take the larger.
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#ffffff";
}

std::string bar_chart(const BarChart& chart) {
  // Narrow on purpose (a phone shows it at nearly its own size): each row's label on a line of its own
  // above its bars, so that long labels keep the whole width; labels longer than the chart are cut with an
  // ellipsis (the data table has them whole). The bars leave room for the longest value text.
  const double width = 440.0;
  double longest_value = 30.0;
  for (const auto& row : chart.rows)
    for (const auto& v : row.value_texts) longest_value = std::max(longest_value, text_width(v));
  const double bar_area = std::max(120.0, width - longest_value - 8.0);
  const std::size_t per_row = std::max<std::size_t>(1, chart.series.size());
  const double label_height = 17.0;
  const double bar_height = 16.0;
  const double row_height = label_height + bar_height * static_cast<double>(per_row) + 8.0;
  const double legend_height = chart.series.size() > 1 ? 24.0 : 0.0;
  const double height = legend_height + row_height * static_cast<double>(chart.rows.size()) + 4.0;
  double scale = chart.scale_max;
  if (scale <= 0.0) {
    for (const auto& row : chart.rows)
      for (double v : row.values)
        if (std::isfinite(v)) scale = std::max(scale, v);
  }
  if (scale <= 0.0) scale = 1.0;
  std::string out = open_svg(width, height, chart.title);
  out.insert(out.find("class=\"chart\"") + 12, " bars");
  if (chart.series.size() > 1) {
    double x = 0.0;
    for (std::size_t s = 0; s < chart.series.size(); ++s) {
      out += fmt::format("<rect x=\"{}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{}\"/>", num(x),
                         kSeriesColours[s % kSeriesColours.size()]);
      out +=
          fmt::format("<text x=\"{}\" y=\"14\" class=\"t\">{}</text>", num(x + 16), escape(chart.series[s]));
      x += 28.0 + text_width(chart.series[s]);
    }
  }
  for (std::size_t r = 0; r < chart.rows.size(); ++r) {
    const auto& row = chart.rows[r];
    const double top = legend_height + row_height * static_cast<double>(r) + 2.0;
    out += fmt::format("<text x=\"0\" y=\"{}\" class=\"t\">{}</text>", num(top + 13.0),
                       escape(fit_text(row.label, width)));
    for (std::size_t s = 0; s < row.values.size(); ++s) {
      const double v = std::isfinite(row.values[s]) ? std::max(0.0, row.values[s]) : 0.0;
      const double w = bar_area * std::min(1.0, v / scale);
      const double y = top + label_height + bar_height * static_cast<double>(s);
      out += fmt::format("<rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", num(y), num(w),
                         num(bar_height - 2.0), kSeriesColours[s % kSeriesColours.size()]);
      const std::string text = s < row.value_texts.size() ? row.value_texts[s] : std::string();
      out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"t\">{}</text>", num(w + 4.0),
                         num(y + bar_height - 4.0), escape(text));
    }
  }
  out += "</svg>";
  return out;
}

std::string line_chart(const LineChart& chart) {
  const double width = 480.0;  // about a phone's width: its text stays near its size there
  const double height = chart.equal_axes_unit ? 440.0 : 300.0;
  const double left = 64.0;
  const double right = 16.0;
  const double top = 16.0 + 18.0 * static_cast<double>(chart.series.size());
  const double bottom = 48.0;
  double x_low = std::numeric_limits<double>::infinity();
  double x_high = -x_low;
  double y_low = x_low;
  double y_high = -x_low;
  for (const auto& s : chart.series) {
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      x_low = std::min(x_low, x);
      x_high = std::max(x_high, x);
      y_low = std::min(y_low, y);
      y_high = std::max(y_high, y);
    }
  }
  if (chart.equal_axes_unit || !std::isfinite(x_low)) {
    x_low = 0.0;
    x_high = 1.0;
    y_low = 0.0;
    y_high = 1.0;
  } else {
    if (y_low > 0.0 && y_low < 0.5 * y_high) y_low = 0.0;  // start at zero unless it squashes the lines
    if (!(x_high > x_low)) x_high = x_low + 1.0;
    if (!(y_high > y_low)) y_high = y_low + 1.0;
  }
  const auto x_ticks = nice_ticks(x_low, x_high, chart.integer_x ? 6 : 5);
  const auto y_ticks = nice_ticks(y_low, y_high, 5);
  x_low = std::min(x_low, x_ticks.front());
  x_high = std::max(x_high, x_ticks.back());
  y_low = std::min(y_low, y_ticks.front());
  y_high = std::max(y_high, y_ticks.back());
  const double plot_w = width - left - right;
  const double plot_h = height - top - bottom;
  auto px = [&](double x) { return left + plot_w * (x - x_low) / (x_high - x_low); };
  auto py = [&](double y) { return top + plot_h * (1.0 - (y - y_low) / (y_high - y_low)); };

  std::string out = open_svg(width, height, chart.title);
  out.insert(out.find("class=\"chart\"") + 12, " lines");
  for (double t : y_ticks) {
    out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" class=\"grid\"/>", num(left),
                       num(left + plot_w), num(py(t)), num(py(t)));
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"t\" text-anchor=\"end\">{}</text>", num(left - 6),
                       num(py(t) + 4), escape(tick_text(t, false)));
  }
  for (double t : x_ticks) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"t\" text-anchor=\"middle\">{}</text>", num(px(t)),
                       num(top + plot_h + 16), escape(tick_text(t, chart.integer_x)));
  }
  out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" class=\"axis\"/>", num(left),
                     num(left + plot_w), num(top + plot_h), num(top + plot_h));
  out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" class=\"axis\"/>", num(left), num(left),
                     num(top), num(top + plot_h));
  out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"t\" text-anchor=\"middle\">{}</text>",
                     num(left + plot_w / 2), num(height - 10), escape(chart.x_label));
  out += fmt::format(
      "<text x=\"14\" y=\"{}\" class=\"t\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{}</text>",
      num(top + plot_h / 2), num(top + plot_h / 2), escape(chart.y_label));
  if (chart.equal_axes_unit) {
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"diag\"/>", num(px(0)),
                       num(py(0)), num(px(1)), num(py(1)));
  }
  for (std::size_t s = 0; s < chart.series.size(); ++s) {
    const auto& series = chart.series[s];
    const char* colour = kSeriesColours[s % kSeriesColours.size()];
    const char* dash = kSeriesDashes[s % kSeriesDashes.size()];
    std::string points;
    for (const auto& [x, y] : series.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      points += num(px(x)) + "," + num(py(y)) + " ";
    }
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"{} points=\"{}\"/>", colour,
                       *dash ? fmt::format(" stroke-dasharray=\"{}\"", dash) : std::string(), points);
    if (series.points.size() <= 12) {
      for (const auto& [x, y] : series.points) {
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\"/>", num(px(x)), num(py(y)),
                           colour);
      }
    }
    const double ly = 14.0 + 18.0 * static_cast<double>(s);
    out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2.5\"{}/>",
                       num(left), num(left + 28), num(ly - 4), num(ly - 4), colour,
                       *dash ? fmt::format(" stroke-dasharray=\"{}\"", dash) : std::string());
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"t\">{}</text>", num(left + 34), num(ly),
                       escape(series.name));
  }
  out += "</svg>";
  return out;
}

namespace {

struct Box {
  double min_lon = std::numeric_limits<double>::infinity();
  double max_lon = -std::numeric_limits<double>::infinity();
  double min_lat = std::numeric_limits<double>::infinity();
  double max_lat = -std::numeric_limits<double>::infinity();
  void add(double lon, double lat) {
    min_lon = std::min(min_lon, lon);
    max_lon = std::max(max_lon, lon);
    min_lat = std::min(min_lat, lat);
    max_lat = std::max(max_lat, lat);
  }
  [[nodiscard]] bool empty() const { return !(max_lon >= min_lon); }
};

bool is_position(const json& p) {
  return p.is_array() && p.size() >= 2 && p[0].is_number() && p[1].is_number();
}

// Calls f(lon, lat) for every position of a geometry.
template <typename F>
void for_each_position(const json& coordinates, F&& f) {
  if (is_position(coordinates)) {
    f(coordinates[0].get<double>(), coordinates[1].get<double>());
    return;
  }
  if (!coordinates.is_array()) return;
  for (const auto& c : coordinates) for_each_position(c, f);
}

struct Projection {
  double lon0 = 0.0;
  double lat_top = 0.0;
  double scale = 1.0;
  double cos_lat = 1.0;
  double x(double lon) const { return (lon - lon0) * cos_lat * scale; }
  double y(double lat) const { return (lat_top - lat) * scale; }
};

void ring_path(const json& ring, const Projection& p, std::string& d) {
  if (!ring.is_array()) return;
  bool first = true;
  for (const auto& position : ring) {
    if (!is_position(position)) continue;
    d += first ? "M" : "L";
    d += num(p.x(position[0].get<double>())) + " " + num(p.y(position[1].get<double>()));
    first = false;
  }
  if (!first) d += "Z";
}

std::string geometry_path(const json& geometry, const Projection& p) {
  std::string d;
  const std::string type = geometry.value("type", "");
  const json& c = geometry.contains("coordinates") ? geometry["coordinates"] : json();
  if (type == "Polygon") {
    for (const auto& ring : c) ring_path(ring, p, d);
  } else if (type == "MultiPolygon") {
    for (const auto& polygon : c)
      for (const auto& ring : polygon) ring_path(ring, p, d);
  }
  return d;
}

// A marker centred on (x, y): white with a black outline, so it shows on every class colour.
std::string marker(MarkerShape shape, double x, double y, double r, const std::string& escaped_title) {
  const std::string title = escaped_title.empty() ? std::string() : "<title>" + escaped_title + "</title>";
  const char* style = "fill=\"#ffffff\" stroke=\"#000000\" stroke-width=\"1.5\"";
  switch (shape) {
    case MarkerShape::Square:
      return fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}>{}</rect>", num(x - r),
                         num(y - r), num(2 * r), num(2 * r), style, title);
    case MarkerShape::Diamond:
      return fmt::format(
          "<path d=\"M{} {}L{} {}L{} {}L{} {}Z\" fill=\"#000000\" stroke=\"#ffffff\" "
          "stroke-width=\"1\">{}</path>",
          num(x), num(y - r * 1.4), num(x + r * 1.4), num(y), num(x), num(y + r * 1.4), num(x - r * 1.4),
          num(y), title);
    case MarkerShape::Circle:
      break;
  }
  return fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {}>{}</circle>", num(x), num(y), num(r), style,
                     title);
}

std::size_t class_of(double value, const std::vector<double>& breaks) {
  std::size_t k = 0;
  while (k < breaks.size() && value > breaks[k]) ++k;
  return k;
}

}  // namespace

std::vector<double> quantile_breaks(std::vector<double> values, std::size_t classes) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
               values.end());
  std::vector<double> breaks;
  if (values.empty() || classes < 2) return breaks;
  std::sort(values.begin(), values.end());
  for (std::size_t k = 1; k < classes; ++k) {
    // The last value of the k-th of `classes` equal runs of the sorted values.
    const auto end = static_cast<std::size_t>(std::ceil(
        static_cast<double>(k) * static_cast<double>(values.size()) / static_cast<double>(classes)));
    const double b = values[std::min(std::max<std::size_t>(end, 1) - 1, values.size() - 1)];
    if (b >= values.back()) break;  // a break at the maximum would leave an empty top class
    if (breaks.empty() || b > breaks.back()) breaks.push_back(b);
  }
  return breaks;
}

std::string choropleth(const Choropleth& map) {
  Box box;
  for (const auto& zone : map.zones) {
    if (zone.geometry != nullptr && zone.geometry->is_object() && zone.geometry->contains("coordinates"))
      for_each_position((*zone.geometry)["coordinates"], [&](double lon, double lat) { box.add(lon, lat); });
  }
  for (const auto& layer : map.marker_layers)
    for (const auto& m : layer.points) box.add(m.lon, m.lat);
  if (box.empty()) return {};
  Projection p;
  p.lon0 = box.min_lon;
  p.lat_top = box.max_lat;
  p.cos_lat = std::cos((box.min_lat + box.max_lat) / 2.0 * 3.14159265358979323846 / 180.0);
  const double width = 600.0;
  const double span_x = std::max(1e-9, (box.max_lon - box.min_lon) * p.cos_lat);
  const double span_y = std::max(1e-9, box.max_lat - box.min_lat);
  p.scale = width / span_x;
  double map_height = span_y * p.scale;
  if (map_height > 700.0) {  // a tall region: fit the height instead
    p.scale = 700.0 / span_y;
    map_height = 700.0;
  }
  const double pad = 8.0;
  const std::size_t classes = map.breaks.size() + 1;
  const double legend_row = 20.0;
  const double legend_height = legend_row * static_cast<double>(classes + 1 + map.marker_layers.size()) + 8.0;
  const double height = map_height + 2 * pad + legend_height;
  std::string out = open_svg(width + 2 * pad, height, map.title);
  out += fmt::format("<g transform=\"translate({} {})\" stroke=\"#ffffff\" stroke-width=\"0.3\">", num(pad),
                     num(pad));
  auto colour_of_class = [&](std::size_t k) {
    return sequential_colour(map.low_is_good ? classes - 1 - k : k, classes);
  };
  for (const auto& zone : map.zones) {
    if (zone.geometry == nullptr || !zone.geometry->is_object()) continue;
    const std::string fill = zone.value && std::isfinite(*zone.value)
                                 ? colour_of_class(class_of(*zone.value, map.breaks))
                                 : kNoValueFill;
    const std::string type = zone.geometry->value("type", "");
    if (type == "Point") {
      const auto& c = (*zone.geometry)["coordinates"];
      if (!is_position(c)) continue;
      out +=
          fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"><title>{}</title></circle>",
                      num(p.x(c[0].get<double>())), num(p.y(c[1].get<double>())), fill, escape(zone.label));
      continue;
    }
    const std::string d = geometry_path(*zone.geometry, p);
    if (d.empty()) continue;
    out += fmt::format("<path d=\"{}\" fill=\"{}\"><title>{}</title></path>", d, fill, escape(zone.label));
  }
  out += "</g>";
  for (const auto& layer : map.marker_layers)
    for (const auto& m : layer.points)
      out += marker(layer.shape, pad + p.x(m.lon), pad + p.y(m.lat), layer.radius, escape(m.label));
  double y = pad + map_height + 16.0;
  for (std::size_t k = 0; k < classes; ++k) {
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"14\" fill=\"{}\" stroke=\"#333333\" "
        "stroke-width=\"0.5\"/>",
        num(pad), num(y), colour_of_class(k));
    const std::string label = k < map.legend_labels.size() ? map.legend_labels[k] : std::string();
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"t\">{}</text>", num(pad + 24), num(y + 12),
                       escape(label));
    y += legend_row;
  }
  out += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"14\" fill=\"#f0f0f0\" stroke=\"#333333\" "
      "stroke-width=\"0.5\"/>",
      num(pad), num(y));
  out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"t\">{}</text>", num(pad + 24), num(y + 12),
                     escape(map.no_value_label));
  y += legend_row;
  for (const auto& layer : map.marker_layers) {
    out += marker(layer.shape, pad + 8, y + 7, 4.5, {});
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"t\">{}</text>", num(pad + 24), num(y + 12),
                       escape(layer.label));
    y += legend_row;
  }
  out += "</svg>";
  return out;
}

}  // namespace equalis::report::svg

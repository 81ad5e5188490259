#pragma once
// Inline SVG charts for the study report (study_html.hpp): drawn as text, no scripts, no external
// resources. Every chart has a viewBox and scales to its container (width 100 %), draws its labels as real
// text, and uses a colour-blind-safe palette (viridis-like sequential classes, one dark categorical hue
// for bars). Strings that come from data are escaped here; callers pass plain text.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace equalis::report::svg {

// Escapes &, <, >, " and ' for HTML text and attribute values alike.
std::string escape(std::string_view text);

// The colour of class `index` of `classes` (2–7) of a sequential viridis-like palette, dark to light.
std::string sequential_colour(std::size_t index, std::size_t classes);
// Text drawn on that class colour with a contrast of at least 4.5:1 (black or white).
std::string text_colour_on(std::size_t index, std::size_t classes);

// Horizontal bars, one per row, value labels at the bar's end. Values are ≥ 0; `scale_max` ≤ 0 → the
// largest value. Several bars per row (a before/after pair) are drawn in the series' colours.
struct BarRow {
  std::string label;
  std::vector<double> values;            // one per series
  std::vector<std::string> value_texts;  // formatted, one per series
};
struct BarChart {
  std::string title;                // the accessible name (aria-label and <title>)
  std::vector<std::string> series;  // legend entries; one series draws no legend
  std::vector<BarRow> rows;
  double scale_max = 0.0;
};
std::string bar_chart(const BarChart& chart);

// Lines through (x, y) points on linear axes with ticks; the legend names each series.
struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;
};
struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
  bool equal_axes_unit = false;  // a Lorenz curve: both axes 0–1 with the diagonal drawn
  bool integer_x = false;        // years: ticks without decimals or separators
};
std::string line_chart(const LineChart& chart);

// A map of zones: GeoJSON geometries (Polygon, MultiPolygon, Point) projected equirectangularly with the
// cos(mean latitude) scaling, filled by the class of their value (no value: near white), with markers.
struct MapZone {
  const nlohmann::json* geometry = nullptr;
  std::optional<double> value;
  std::string label;  // the zone's tooltip
};
struct MapMarker {
  double lon = 0.0;
  double lat = 0.0;
  std::string label;
};
// Points on a map, told apart by shape (not only colour): facilities, sites of one plan, of another.
enum class MarkerShape { Circle, Square, Diamond };
struct MarkerLayer {
  std::vector<MapMarker> points;
  std::string label;
  MarkerShape shape = MarkerShape::Circle;
  double radius = 3.5;  // in the map's 600-unit-wide frame
};
struct Choropleth {
  std::string title;
  std::vector<MapZone> zones;
  std::vector<double> breaks;              // upper bounds of the classes but the last (ascending)
  std::vector<std::string> legend_labels;  // one per class
  std::string no_value_label;
  std::vector<MarkerLayer> marker_layers;  // drawn in order, each with its legend entry
  bool low_is_good = false;                // reverse the palette so that the dark class is the worse one
};
std::string choropleth(const Choropleth& map);

// Class breaks at the population-free quantiles of the values (distinct, ascending), at most classes − 1.
std::vector<double> quantile_breaks(std::vector<double> values, std::size_t classes);

}  // namespace equalis::report::svg

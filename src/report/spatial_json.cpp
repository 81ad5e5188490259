#include "report/spatial_json.hpp"

#include "io/csv_writer.hpp"
#include "report/document.hpp"

#include <fmt/format.h>

#include <array>

namespace equalis::report {

using json = nlohmann::ordered_json;

namespace {

const char* variance_name(measure::LisaVariance variance) {
  return variance == measure::LisaVariance::N ? "n" : "n-1";
}

json text_or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

// options.weights: the source and how it was read.
json weights_description(const measure::SpatialRequest& request, const measure::WeightsSummary& summary) {
  switch (request.source) {
    case measure::WeightsSource::Edges:
      return {{"source", "edges"},
              {"file", request.edges},
              {"from", summary.edge_from},
              {"to", summary.edge_to},
              {"weight", text_or_null(request.edge_weight)},
              {"endpoints", request.edge_index ? "indices" : "ids"},
              {"undirected", request.undirected}};
    case measure::WeightsSource::Polygons:
      return {{"source", "polygons"},
              {"file", request.polygons},
              {"layer", summary.layer},
              {"polygon_id", text_or_null(request.polygon_id)},
              {"contiguity", request.contiguity},
              {"features", summary.features},
              {"features_unmatched", summary.features_unmatched}};
    case measure::WeightsSource::Knn:
    case measure::WeightsSource::DistanceBand:
      break;
  }
  const bool knn = request.source == measure::WeightsSource::Knn;
  json out = knn ? json{{"source", "knn"}, {"k", request.knn}}
                 : json{{"source", "distance_band"}, {"threshold", request.distance_band}};
  out["x"] = request.x;
  out["y"] = request.y;
  out["geographic"] = request.geographic;
  if (!knn) out["threshold_units"] = request.geographic ? "metres" : "coordinate units";
  return out;
}

// Significant units per quadrant, indexed by the quadrant's number (HH = 1 … HL = 4).
std::array<std::size_t, 5> significant_by_quadrant(const measure::LocalMoranResult& local) {
  std::array<std::size_t, 5> counts{};
  for (std::size_t unit = 0; unit < local.n; ++unit) {
    if (local.significant[unit] != 0) ++counts[static_cast<std::size_t>(local.quadrant[unit])];
  }
  return counts;
}

json weights_summary(const SpatialReport& report) {
  json islands = json::array();
  for (const std::uint32_t unit : report.global.islands) islands.push_back(report.weights.ids[unit]);
  return {{"n", report.weights.n},     {"links", report.weights.link_count()},
          {"s0", report.weights.s0()}, {"mean_neighbors", report.weights.mean_neighbors()},
          {"islands", islands},        {"transform", report.transform}};
}

std::string p_text(const std::optional<double>& p) {
  return p ? fmt::format("{:.4f}", *p) : "n/a";
}

std::string z_text(const std::optional<double>& z) {
  return z ? fmt::format("{:+.3f}", *z) : "n/a";
}

}  // namespace

json to_json(const measure::MoranMoments& moments) {
  return {{"variance", moments.variance},
          {"z", optional_number(moments.z)},
          {"p_value", optional_number(moments.p_two_sided)}};
}

json to_json(const measure::MoranPermutationTest& test) {
  return {{"permutations", test.permutations},
          {"seed", test.seed},
          {"p_two_sided", test.p_two_sided},
          {"p_folded", test.p_folded},
          {"mean", test.mean},
          {"sd", test.standard_deviation},
          {"z", optional_number(test.z)},
          {"p_z", optional_number(test.p_z_two_sided)}};
}

json to_json(const measure::LocalMoranResult& local, const measure::SpatialWeights& weights,
             std::span<const double> values) {
  const auto counts = significant_by_quadrant(local);
  json units = json::array();
  for (std::size_t unit = 0; unit < local.n; ++unit) {
    units.push_back({{"id", weights.ids[unit]},
                     {"value", values[unit]},
                     {"local_i", local.local_i[unit]},
                     {"spatial_lag", local.spatial_lag[unit]},
                     {"quadrant", measure::quadrant_label(local.quadrant[unit])},
                     {"p_value", optional_number(local.p_value[unit])},
                     {"significant", local.significant[unit] != 0}});
  }
  return {{"permutations", local.permutations},
          {"seed", local.seed},
          {"alpha", local.alpha},
          {"variance", variance_name(local.variance)},
          {"m2", local.m2},
          {"significant",
           {{"HH", counts[static_cast<std::size_t>(measure::LisaQuadrant::HH)]},
            {"LL", counts[static_cast<std::size_t>(measure::LisaQuadrant::LL)]},
            {"HL", counts[static_cast<std::size_t>(measure::LisaQuadrant::HL)]},
            {"LH", counts[static_cast<std::size_t>(measure::LisaQuadrant::LH)]}}},
          {"units", units}};
}

json to_json(const SpatialReport& report) {
  const auto& g = report.global;
  json out;
  out["variable"] = report.variable;
  out["n"] = g.n;
  out["rows_dropped"] = report.rows_dropped;
  out["links_lost"] = report.links_lost;
  out["weights"] = weights_summary(report);
  out["global"] = {{"i", g.i},
                   {"expected", g.expected},
                   {"normality", to_json(g.normality)},
                   {"randomization", g.randomization ? to_json(*g.randomization) : json(nullptr)},
                   {"permutation", g.permutation ? to_json(*g.permutation) : json(nullptr)}};
  if (report.local) out["local"] = to_json(*report.local, report.weights, report.values);
  return out;
}

namespace {

// The global columns after `variable`: the layout of the CSV without --local since it was first written.
const std::vector<std::string> kGlobalColumns{"n",
                                              "links",
                                              "islands",
                                              "rows_dropped",
                                              "links_lost",
                                              "i",
                                              "expected",
                                              "z_normality",
                                              "p_normality",
                                              "z_randomization",
                                              "p_randomization",
                                              "permutations",
                                              "p_permutation",
                                              "p_folded",
                                              "z_permutation",
                                              "p_z_permutation"};

// The columns appended to both forms: the rest of the global test, the weights as used, the rows read and
// the options (the same on every row; options.weights in fixed columns, empty where the source has none).
const std::vector<std::string> kRunColumns{"variance_normality",
                                           "variance_randomization",
                                           "permutation_mean",
                                           "permutation_sd",
                                           "s0",
                                           "mean_neighbors",
                                           "island_ids",
                                           "input_rows",
                                           "id_column",
                                           "transform",
                                           "seed",
                                           "local",
                                           "alpha",
                                           "lisa_variance",
                                           "missing"};

// Column name -> key of options.weights (weights_description).
const std::vector<std::pair<std::string, std::string>> kWeightsColumns{
    {"weights", "source"},
    {"weights_file", "file"},
    {"edge_from", "from"},
    {"edge_to", "to"},
    {"edge_weight", "weight"},
    {"edge_endpoints", "endpoints"},
    {"undirected", "undirected"},
    {"layer", "layer"},
    {"polygon_id", "polygon_id"},
    {"contiguity", "contiguity"},
    {"features", "features"},
    {"features_unmatched", "features_unmatched"},
    {"k", "k"},
    {"threshold", "threshold"},
    {"threshold_units", "threshold_units"},
    {"x", "x"},
    {"y", "y"},
    {"geographic", "geographic"}};

// The LISA columns, before the global ones in the --local form (its layout since it was first written,
// then the run of the local statistics).
const std::vector<std::string> kLocalColumns{
    "variable",    "id", "value",          "local_i",        "spatial_lag",    "quadrant",      "p_value",
    "significant", "m2", "significant_hh", "significant_ll", "significant_hl", "significant_lh"};

class SpatialCsv {
 public:
  explicit SpatialCsv(std::vector<std::string> header) : csv_(std::move(header)) {}

  SpatialCsv& text(std::string_view value) {
    csv_.field(value);
    return *this;
  }
  SpatialCsv& number(const std::optional<double>& value) {
    if (value) {
      csv_.field(*value);
    } else {
      csv_.empty_field();
    }
    return *this;
  }
  SpatialCsv& count(std::uint64_t value) { return text(std::to_string(value)); }
  SpatialCsv& flag(bool value) { return text(value ? "1" : "0"); }
  // A scalar of the JSON options as a cell: words as they are, flags 0/1, null (or absent) empty.
  SpatialCsv& scalar(const json& value) {
    if (value.is_string()) return text(value.get<std::string>());
    if (value.is_boolean()) return flag(value.get<bool>());
    if (value.is_number_unsigned()) return count(value.get<std::uint64_t>());
    if (value.is_number()) return number(value.get<double>());
    return number(std::nullopt);
  }
  void end_row() { csv_.end_row(); }
  [[nodiscard]] const std::string& result() const { return csv_.text(); }

 private:
  io::CsvWriter csv_;
};

std::vector<std::string> header_of(std::vector<std::string> first) {
  first.insert(first.end(), kGlobalColumns.begin(), kGlobalColumns.end());
  first.insert(first.end(), kRunColumns.begin(), kRunColumns.end());
  for (const auto& [column, key] : kWeightsColumns) first.push_back(column);
  return first;
}

void global_fields(SpatialCsv& csv, const SpatialReport& report) {
  const auto& g = report.global;
  csv.count(g.n)
      .count(report.weights.link_count())
      .count(g.islands.size())
      .count(report.rows_dropped)
      .count(report.links_lost)
      .number(g.i)
      .number(g.expected)
      .number(g.normality.z)
      .number(g.normality.p_two_sided)
      .number(g.randomization ? g.randomization->z : std::nullopt)
      .number(g.randomization ? g.randomization->p_two_sided : std::nullopt);
  if (g.permutation) {
    csv.count(g.permutation->permutations)
        .number(g.permutation->p_two_sided)
        .number(g.permutation->p_folded)
        .number(g.permutation->z)
        .number(g.permutation->p_z_two_sided);
  } else {
    csv.count(0).number(std::nullopt).number(std::nullopt).number(std::nullopt).number(std::nullopt);
  }
}

// Island ids joined by ';' (the `islands` column counts them; with --local every unit is a row).
std::string island_ids(const SpatialReport& report) {
  std::string out;
  for (const std::uint32_t unit : report.global.islands) {
    if (!out.empty()) out += ';';
    out += report.weights.ids[unit];
  }
  return out;
}

void run_fields(SpatialCsv& csv, const measure::SpatialRequest& request, const measure::SpatialResult& result,
                const SpatialReport& report) {
  const auto& g = report.global;
  csv.number(g.normality.variance)
      .number(g.randomization ? std::optional(g.randomization->variance) : std::nullopt)
      .number(g.permutation ? std::optional(g.permutation->mean) : std::nullopt)
      .number(g.permutation ? std::optional(g.permutation->standard_deviation) : std::nullopt)
      .number(report.weights.s0())
      .number(report.weights.mean_neighbors())
      .text(island_ids(report))
      .count(result.rows)
      .text(request.id)
      .text(report.transform)
      .count(request.seed)
      .flag(request.local)
      .number(request.alpha)
      .text(request.lisa_variance)
      .text(request.missing);
  const json weights = weights_description(request, result.weights);
  for (const auto& [column, key] : kWeightsColumns) csv.scalar(weights.contains(key) ? weights[key] : json());
}

void local_fields(SpatialCsv& csv, const SpatialReport& report, std::size_t unit) {
  const auto& l = *report.local;
  const auto counts = significant_by_quadrant(l);
  csv.text(report.variable)
      .text(report.weights.ids[unit])
      .number(report.values[unit])
      .number(l.local_i[unit])
      .number(l.spatial_lag[unit])
      .text(measure::quadrant_label(l.quadrant[unit]))
      .number(l.p_value[unit])
      .flag(l.significant[unit] != 0)
      .number(l.m2);
  for (const auto quadrant : {measure::LisaQuadrant::HH, measure::LisaQuadrant::LL, measure::LisaQuadrant::HL,
                              measure::LisaQuadrant::LH})
    csv.count(counts[static_cast<std::size_t>(quadrant)]);
}

}  // namespace

std::string to_csv(const measure::SpatialRequest& request, const measure::SpatialResult& result) {
  const auto& reports = result.columns;
  const bool local = !reports.empty() && reports.front().local.has_value();
  if (local) {
    // One row per unit and value column; each repeats its variable's global test and the run, so the
    // table stands alone (join it to a map by id).
    SpatialCsv csv(header_of(kLocalColumns));
    for (const auto& report : reports) {
      for (std::size_t unit = 0; unit < report.local->n; ++unit) {
        local_fields(csv, report, unit);
        global_fields(csv, report);
        run_fields(csv, request, result, report);
        csv.end_row();
      }
    }
    return csv.result();
  }
  SpatialCsv csv(header_of({"variable"}));
  for (const auto& report : reports) {
    csv.text(report.variable);
    global_fields(csv, report);
    run_fields(csv, request, result, report);
    csv.end_row();
  }
  return csv.result();
}

namespace {

// Where the weights came from, with the unit of a distance band.
std::string weights_source_text(const measure::SpatialRequest& request) {
  const std::string points = request.geographic
                                 ? fmt::format("great-circle, lon/lat columns {}, {}", request.x, request.y)
                                 : fmt::format("coordinate columns {}, {}", request.x, request.y);
  switch (request.source) {
    case measure::WeightsSource::Edges:
      return fmt::format("edge list {}{}", request.edges, request.undirected ? " (undirected)" : "");
    case measure::WeightsSource::Polygons:
      return fmt::format("{} contiguity of {}", request.contiguity, request.polygons);
    case measure::WeightsSource::Knn:
      return fmt::format("{} nearest neighbours ({})", request.knn, points);
    case measure::WeightsSource::DistanceBand:
      break;
  }
  return fmt::format("distance band {:g} {} ({})", request.distance_band,
                     request.geographic ? "metres" : "coordinate units", points);
}

}  // namespace

std::string to_text(const measure::SpatialRequest& request, const std::vector<SpatialReport>& reports) {
  std::string out;
  for (const auto& report : reports) {
    const auto& g = report.global;
    const auto& w = report.weights;
    out += fmt::format("{}: {} units, {} links ({:.2f} neighbours on average), weights {}\n", report.variable,
                       g.n, w.link_count(), w.mean_neighbors(),
                       report.transform == "row" ? "row-standardised" : report.transform);
    out += fmt::format("  weights: {}\n", weights_source_text(request));
    if (report.rows_dropped > 0) {
      out += fmt::format("  {} rows dropped for missing cells; {} links touching them removed\n",
                         report.rows_dropped, report.links_lost);
    }
    if (!g.islands.empty()) {
      std::string names;
      for (std::size_t k = 0; k < g.islands.size(); ++k) names += (k > 0 ? ", " : "") + w.ids[g.islands[k]];
      out += fmt::format("  islands (no neighbours): {}\n", names);
    }
    out += fmt::format("  Moran's I = {:.4f} (E[I] = {:.4f})\n", g.i, g.expected);
    out += fmt::format("    normality:     z = {}, p = {}\n", z_text(g.normality.z),
                       p_text(g.normality.p_two_sided));
    if (g.randomization) {
      out += fmt::format("    randomisation: z = {}, p = {}\n", z_text(g.randomization->z),
                         p_text(g.randomization->p_two_sided));
    }
    if (g.permutation) {
      out += fmt::format(
          "    permutation:   z = {}, p = {:.4f} (two-sided), {:.4f} (folded, PySAL p_sim); {} "
          "permutations\n",
          z_text(g.permutation->z), g.permutation->p_two_sided, g.permutation->p_folded,
          g.permutation->permutations);
    }
    if (report.local) {
      const auto& l = *report.local;
      const auto counts = significant_by_quadrant(l);
      if (l.permutations == 0) {
        out += "  LISA: no permutations, so no significance\n";
      } else {
        out +=
            fmt::format("  LISA significant at {:g} ({} permutations): HH {}, LL {}, HL {}, LH {}\n", l.alpha,
                        l.permutations, counts[static_cast<std::size_t>(measure::LisaQuadrant::HH)],
                        counts[static_cast<std::size_t>(measure::LisaQuadrant::LL)],
                        counts[static_cast<std::size_t>(measure::LisaQuadrant::HL)],
                        counts[static_cast<std::size_t>(measure::LisaQuadrant::LH)]);
      }
    }
  }
  return out;
}

json to_json(const measure::SpatialRequest& request, const measure::SpatialResult& result) {
  json out = envelope("measure spatial", request.file, result.rows);
  out["options"] = {{"value", request.value},
                    {"id", request.id},
                    {"weights", weights_description(request, result.weights)},
                    {"transform", request.transform},
                    {"permutations", request.permutations},
                    {"seed", request.seed},
                    {"local", request.local},
                    {"alpha", request.alpha},
                    {"lisa_variance", request.lisa_variance},
                    {"missing", request.missing}};
  out["results"] = json::array();
  for (const auto& column : result.columns) out["results"].push_back(to_json(column));
  return out;
}

Renderers renderers(const measure::SpatialRequest& request, const measure::SpatialResult& result) {
  return {.json = [&request, &result] { return to_json(request, result); },
          .csv = [&request, &result] { return to_csv(request, result); },
          .text = [&request, &result] { return to_text(request, result.columns); }};
}

}  // namespace equalis::report

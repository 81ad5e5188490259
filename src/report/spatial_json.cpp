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

std::string to_csv(const std::vector<SpatialReport>& reports) {
  const bool local = !reports.empty() && reports.front().local.has_value();
  if (local) {
    io::CsvWriter csv(
        {"variable", "id", "value", "local_i", "spatial_lag", "quadrant", "p_value", "significant"});
    for (const auto& report : reports) {
      const auto& l = *report.local;
      for (std::size_t unit = 0; unit < l.n; ++unit) {
        csv.field(report.variable)
            .field(report.weights.ids[unit])
            .field(report.values[unit])
            .field(l.local_i[unit])
            .field(l.spatial_lag[unit])
            .field(measure::quadrant_label(l.quadrant[unit]));
        if (l.p_value[unit]) {
          csv.field(*l.p_value[unit]);
        } else {
          csv.empty_field();
        }
        csv.field(l.significant[unit] != 0 ? "1" : "0");
        csv.end_row();
      }
    }
    return csv.text();
  }
  io::CsvWriter csv({"variable", "n", "links", "islands", "rows_dropped", "links_lost", "i", "expected",
                     "z_normality", "p_normality", "z_randomization", "p_randomization", "permutations",
                     "p_permutation", "p_folded", "z_permutation", "p_z_permutation"});
  const auto optional_field = [&csv](const std::optional<double>& value) {
    if (value) {
      csv.field(*value);
    } else {
      csv.empty_field();
    }
  };
  for (const auto& report : reports) {
    const auto& g = report.global;
    csv.field(report.variable)
        .field(static_cast<double>(g.n))
        .field(static_cast<double>(report.weights.link_count()))
        .field(static_cast<double>(g.islands.size()))
        .field(static_cast<double>(report.rows_dropped))
        .field(static_cast<double>(report.links_lost))
        .field(g.i)
        .field(g.expected);
    optional_field(g.normality.z);
    optional_field(g.normality.p_two_sided);
    optional_field(g.randomization ? g.randomization->z : std::nullopt);
    optional_field(g.randomization ? g.randomization->p_two_sided : std::nullopt);
    if (g.permutation) {
      csv.field(static_cast<double>(g.permutation->permutations))
          .field(g.permutation->p_two_sided)
          .field(g.permutation->p_folded);
      optional_field(g.permutation->z);
      optional_field(g.permutation->p_z_two_sided);
    } else {
      csv.field(0.0).empty_field().empty_field().empty_field().empty_field();
    }
    csv.end_row();
  }
  return csv.text();
}

std::string to_text(const std::vector<SpatialReport>& reports) {
  std::string out;
  for (const auto& report : reports) {
    const auto& g = report.global;
    const auto& w = report.weights;
    out += fmt::format("{}: {} units, {} links ({:.2f} neighbours on average), weights {}\n", report.variable,
                       g.n, w.link_count(), w.mean_neighbors(),
                       report.transform == "row" ? "row-standardised" : report.transform);
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
          .csv = [&result] { return to_csv(result.columns); },
          .text = [&result] { return to_text(result.columns); }};
}

}  // namespace equalis::report

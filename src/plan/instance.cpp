#include "plan/instance.hpp"

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"
#include "core/parallel.hpp"
#include "core/table.hpp"
#include "core/unique_ids.hpp"
#include "io/cost_matrix.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

namespace equalis::plan {

std::string PlanInstance::client_label(std::size_t client) const {
  return client < client_ids.size() ? client_ids[client] : std::to_string(client + 1);
}

std::string PlanInstance::candidate_label(std::size_t candidate) const {
  return candidate < candidate_ids.size() ? candidate_ids[candidate] : std::to_string(candidate + 1);
}

void PlanInstance::validate() const {
  const std::size_t n = cost.clients;
  const std::size_t m = cost.candidates;
  if (cost.values.size() != n * m) {
    throw Error(ErrorCode::Internal, "cost matrix size does not match its dimensions");
  }
  if (n == 0 || m == 0) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("the instance has {} clients and {} candidate sites", n, m),
                "give at least one client and one candidate site");
  }
  if (demand.size() != n || groups.size() != n || groups.names.empty()) {
    throw Error(ErrorCode::InvalidInput, "demand weights or group ids do not match the number of clients",
                "give one weight and one group per client");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(demand[i]) || demand[i] < 0.0) {
      throw Error(ErrorCode::InvalidInput, fmt::format("client {} has demand {}", client_label(i), demand[i]),
                  "demand weights must be finite and ≥ 0");
    }
    if (groups.codes[i] >= groups.count()) {
      throw Error(ErrorCode::InvalidInput, fmt::format("client {} has an unknown group id", client_label(i)));
    }
  }
  for (const float value : cost.values) {
    if (std::isnan(value) || value < 0.0F) {
      throw Error(ErrorCode::InvalidInput, "the cost matrix has a negative or NaN cost",
                  "costs must be ≥ 0 (use a missing pair for 'unreachable')");
    }
  }
  for (const std::uint32_t site : fixed_open) {
    if (site >= m)
      throw Error(ErrorCode::InvalidInput, fmt::format("existing site index {} is out of range", site));
  }
  if (!site_cost.empty() && site_cost.size() != m) {
    throw Error(ErrorCode::InvalidInput, "site costs do not match the number of candidate sites");
  }
}

PlanInstance make_instance(CostMatrix cost) {
  PlanInstance instance;
  const std::size_t n = cost.clients;
  instance.cost = std::move(cost);
  instance.demand.assign(n, 1.0);
  instance.groups = one_group(n, "all");
  return instance;
}

void floyd_warshall(std::span<float> distance, std::size_t n, ProgressSink& progress) {
  if (distance.size() != n * n) throw Error(ErrorCode::Internal, "floyd_warshall: matrix is not n × n");
  ProgressTask task(progress, "shortest paths", n);
  float* d = distance.data();
  const auto signed_n = static_cast<long long>(n);
  // One parallel region; the implicit barrier of each `omp for` separates the k steps. Row k does not
  // change in step k (d[k][k] = 0), so it is read while other rows are written.
#pragma omp parallel if (n >= 192)
  for (std::size_t k = 0; k < n; ++k) {
    const float* row_k = d + k * n;
#pragma omp for schedule(static)
    for (long long signed_i = 0; signed_i < signed_n; ++signed_i) {
      const auto i = static_cast<std::size_t>(signed_i);
      if (i == k) continue;
      float* row_i = d + i * n;
      const float d_ik = row_i[k];
      if (d_ik == kUnreachable) continue;
      for (std::size_t j = 0; j < n; ++j) {
        const float through = d_ik + row_k[j];
        row_i[j] = through < row_i[j] ? through : row_i[j];
      }
    }
#pragma omp master
    task.tick();
  }
  task.throw_if_stopped();
}

void all_pairs_dijkstra(std::span<float> distance, std::size_t n, ProgressSink& progress) {
  if (distance.size() != n * n) throw Error(ErrorCode::Internal, "all_pairs_dijkstra: matrix is not n × n");
  // CSR adjacency from the finite off-diagonal entries.
  std::vector<std::uint32_t> first(n + 1, 0);
  std::vector<std::uint32_t> head;
  std::vector<float> weight;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const float c = distance[i * n + j];
      if (i != j && c != kUnreachable) {
        head.push_back(static_cast<std::uint32_t>(j));
        weight.push_back(c);
      }
    }
    first[i + 1] = static_cast<std::uint32_t>(head.size());
  }
  ProgressTask task(progress, "shortest paths", n);
  parallel_for(n, [&](std::size_t source) {
    // Dijkstra (1959) with a binary heap; distances written straight into the source's row.
    float* row = distance.data() + source * n;
    std::fill(row, row + n, kUnreachable);
    row[source] = 0.0F;
    std::vector<std::pair<float, std::uint32_t>> heap{{0.0F, static_cast<std::uint32_t>(source)}};
    const auto greater = [](const auto& a, const auto& b) { return a.first > b.first; };
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), greater);
      const auto [d, v] = heap.back();
      heap.pop_back();
      if (d > row[v]) continue;
      for (std::uint32_t e = first[v]; e < first[v + 1]; ++e) {
        const float candidate = d + weight[e];
        if (candidate < row[head[e]]) {
          row[head[e]] = candidate;
          heap.emplace_back(candidate, head[e]);
          std::push_heap(heap.begin(), heap.end(), greater);
        }
      }
    }
    task.tick();
  });
  task.throw_if_stopped();
}

namespace {

// Whitespace-separated numeric tokens with line tracking for messages.
class TokenReader {
 public:
  TokenReader(const std::string& text, const std::string& source) : text_(text), source_(source) {}

  bool next(std::string_view& token) {
    while (pos_ < text_.size() && (std::isspace(static_cast<unsigned char>(text_[pos_])) != 0)) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    const std::size_t start = pos_;
    while (pos_ < text_.size() && (std::isspace(static_cast<unsigned char>(text_[pos_])) == 0)) ++pos_;
    token = std::string_view(text_).substr(start, pos_ - start);
    return true;
  }

  double number(const char* what) {
    std::string_view token;
    if (!next(token)) {
      throw Error(ErrorCode::Parse, fmt::format("the file ends where {} was expected", what),
                  "check that the header's edge count matches the edge lines",
                  SourceLocation{source_, line_, 0});
    }
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec != std::errc() || ptr != token.data() + token.size() || !std::isfinite(value)) {
      throw Error(ErrorCode::Parse, fmt::format("'{}' is not a number ({})", excerpt(token), what),
                  "OR-Library files hold only numbers: 'n edges p', then 'i j cost' lines",
                  SourceLocation{source_, line_, 0});
    }
    return value;
  }

  std::size_t index(const char* what, std::size_t upper) {
    const double value = number(what);
    if (value < 1.0 || value > static_cast<double>(upper) || value != std::floor(value)) {
      throw Error(ErrorCode::Parse, fmt::format("{} {} is not an integer in 1..{}", what, value, upper),
                  "vertex numbers are 1-based and at most n", SourceLocation{source_, line_, 0});
    }
    return static_cast<std::size_t>(value);
  }

  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

 private:
  const std::string& text_;
  const std::string& source_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

}  // namespace

OrlibInstance parse_orlib(const std::string& text, const std::string& source_name, ProgressSink& progress) {
  TokenReader reader(text, source_name);
  const double n_value = reader.number("the vertex count n");
  const double m_value = reader.number("the edge count");
  const double p_value = reader.number("p");
  if (n_value < 1.0 || n_value != std::floor(n_value) || m_value < 0.0 || m_value != std::floor(m_value) ||
      p_value < 0.0 || p_value != std::floor(p_value)) {
    throw Error(ErrorCode::Parse, fmt::format("bad header '{} {} {}'", n_value, m_value, p_value),
                "the first line is 'n edges p' with integers n ≥ 1, edges ≥ 0, p ≥ 0",
                SourceLocation{source_name, 1, 0});
  }
  // The reader builds the dense n × n shortest-path matrix: beyond kMaxOrlibVertices it would not fit in
  // memory (100 000 vertices, the former limit, asked for 40 GB and ended in an out-of-memory crash).
  if (n_value > static_cast<double>(kMaxOrlibVertices)) {
    throw Error(
        ErrorCode::Unsupported,
        fmt::format("{} vertices: the {} × {} cost matrix would need {:.0f} GB", n_value, n_value, n_value,
                    n_value * n_value * sizeof(float) / 1e9),
        fmt::format("OR-Library p-median files have at most 900 vertices and this reader takes {}; give "
                    "a larger network as a long cost matrix instead",
                    kMaxOrlibVertices),
        SourceLocation{source_name, 1, 1});
  }
  // p facilities among n vertices: a larger p is a corrupt header (and would not convert to an integer).
  if (p_value > n_value) {
    throw Error(ErrorCode::Parse,
                fmt::format("the header asks for p = {} facilities among {} vertices", p_value, n_value),
                "p must be at most the vertex count n", SourceLocation{source_name, 1, 0});
  }
  // Every edge line takes at least 6 bytes ("1 2 0\n"): a larger count is a corrupt header (and would not
  // convert to an integer).
  if (m_value > static_cast<double>(text.size() / 6)) {
    throw Error(
        ErrorCode::Parse,
        fmt::format("the header announces {} edges but the file has only {} bytes", m_value, text.size()),
        "the header's edge count must match the number of edge lines", SourceLocation{source_name, 1, 0});
  }
  const auto n = static_cast<std::size_t>(n_value);
  const auto edge_count = static_cast<std::size_t>(m_value);
  // No shortest path (at most n - 1 edges) may overflow a float to +inf, which means unreachable.
  const double max_edge_cost =
      static_cast<double>(std::numeric_limits<float>::max()) / static_cast<double>(n);
  CostMatrix cost(n, n, kUnreachable);
  for (std::size_t i = 0; i < n; ++i) cost.at(i, i) = 0.0F;
  for (std::size_t e = 0; e < edge_count; ++e) {
    const std::size_t a = reader.index("vertex", n) - 1;
    const std::size_t b = reader.index("vertex", n) - 1;
    const double c = reader.number("edge cost");
    if (c < 0.0) {
      throw Error(ErrorCode::Parse, fmt::format("negative edge cost {}", c), "edge costs must be ≥ 0",
                  SourceLocation{source_name, reader.line(), 0});
    }
    if (c > max_edge_cost) {
      throw Error(ErrorCode::Parse, fmt::format("edge cost {} is too large for the float cost matrix", c),
                  fmt::format("edge costs of a {}-vertex graph must be at most {:.3g}, so that no path "
                              "overflows (rescale the costs)",
                              n, max_edge_cost),
                  SourceLocation{source_name, reader.line(), 0});
    }
    if (a == b) continue;  // a self-loop never shortens a path
    // OR-Library rule: the last occurrence of an edge wins (not the minimum).
    cost.at(a, b) = static_cast<float>(c);
    cost.at(b, a) = static_cast<float>(c);
  }
  std::string_view extra;
  if (reader.next(extra)) {
    throw Error(ErrorCode::Parse, fmt::format("unexpected '{}' after the {} edges", extra, edge_count),
                "the header's edge count must match the number of edge lines",
                SourceLocation{source_name, reader.line(), 0});
  }
  // The graph is sparse (OR-Library: ≤ 2% dense), so n Dijkstra runs in parallel beat Floyd–Warshall
  // (measured 0.65 s for n = 900 serial FW vs the table in docs/plan.md); both give the same matrix.
  std::size_t edges_kept = 0;
  for (const float c : cost.values) edges_kept += (c != kUnreachable) ? 1U : 0U;
  if (edges_kept * 16 < n * n) {
    all_pairs_dijkstra(cost.values, n, progress);
  } else {
    floyd_warshall(cost.values, n, progress);
  }
  OrlibInstance result;
  result.instance = make_instance(std::move(cost));
  result.instance.name = source_name;
  result.p = static_cast<std::size_t>(p_value);
  return result;
}

OrlibInstance read_orlib(const std::string& path, ProgressSink& progress) {
  require_input_file(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::Io, fmt::format("cannot open '{}'", path), "check the path");
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto result = parse_orlib(buffer.str(), path, progress);
  const auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.size() > 4 && name.ends_with(".txt")) name.resize(name.size() - 4);
  result.instance.name = name;
  return result;
}

namespace {

std::optional<std::size_t> optional_column(const CsvTable& table, const std::string& given,
                                           std::initializer_list<const char*> defaults) {
  if (!given.empty()) return table.column_index(given);
  for (const char* name : defaults) {
    if (table.has_column(name)) return table.column_index(name);
  }
  return std::nullopt;
}

// With no weight column, a header that looks like one is almost surely a typo: planning unweighted
// would silently count a hamlet like a city.
void reject_lookalike_weight_column(const CsvTable& demand, const MatrixCsvSpec& spec) {
  static const std::vector<std::string> kWeightNames{"weight", "population"};
  for (std::size_t column = 0; column < demand.column_count(); ++column) {
    const std::string& name = demand.header()[column];
    if (name == spec.demand_id_column || name == spec.group_column) continue;
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string nearest = nearest_name(lower, kWeightNames);
    if (nearest.empty() && (lower.starts_with("pop") || lower.starts_with("weight"))) {
      nearest = lower.starts_with("pop") ? "population" : "weight";
    }
    if (nearest.empty()) continue;
    throw Error(ErrorCode::InvalidInput,
                fmt::format("the demand file has no weight column, but '{}' looks like one", name),
                fmt::format("did you mean '{}'? rename the column, or set `weight_column` to '{}' to use it, "
                            "or set `unweighted` to give every client weight 1",
                            nearest, name),
                SourceLocation{demand.source(), 1, 0});
  }
}

}  // namespace

PlanInstance read_demand_csv(const std::string& path, const MatrixCsvSpec& spec) {
  return read_demand_table(CsvTable::read_file(path), spec);
}

PlanInstance read_demand_table(const CsvTable& demand, const MatrixCsvSpec& spec) {
  PlanInstance instance;
  instance.name = demand.source();
  const std::size_t id_col = demand.column_index(spec.demand_id_column);
  if (spec.unweighted && !spec.weight_column.empty()) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("`unweighted` and `weight_column` ('{}') contradict each other", spec.weight_column),
        "give one of them");
  }
  std::optional<std::size_t> weight_col;
  if (!spec.unweighted) {
    weight_col = optional_column(demand, spec.weight_column, {"weight", "population"});
    if (!weight_col) reject_lookalike_weight_column(demand, spec);
  }
  if (weight_col) instance.weight_column = demand.header()[*weight_col];
  std::optional<CategoryColumn> groups;
  if (!spec.group_column.empty()) groups = read_category_column(demand, spec.group_column);
  std::optional<NumericColumn> weights;
  if (weight_col) weights = read_numeric_column(demand, demand.header()[*weight_col]);
  require_unique_ids(demand, id_col, "client id", "make ids unique");
  std::vector<std::uint32_t> codes;  // each kept client's code in the group column
  for (std::size_t row = 0; row < demand.row_count(); ++row) {
    if (groups && groups->valid[row] == 0U) {
      if (spec.drop_missing_group) continue;
      throw Error(ErrorCode::InvalidInput, fmt::format("client '{}' has no group", demand.cell(row, id_col)),
                  "fill the group cell or pass the option that drops such clients",
                  demand.location(row, demand.column_index(spec.group_column)));
    }
    if (weights && weights->valid[row] == 0U) {
      throw Error(ErrorCode::InvalidInput, fmt::format("client '{}' has no weight", demand.cell(row, id_col)),
                  "fill the weight cell", demand.location(row, *weight_col));
    }
    if (weights && weights->values[row] < 0.0) {
      throw Error(ErrorCode::InvalidInput, "negative demand weight", "weights are populations ≥ 0",
                  demand.location(row, *weight_col));
    }
    const std::string_view id = demand.cell(row, id_col);
    instance.client_ids.emplace_back(id);
    instance.demand.push_back(weights ? weights->values[row] : 1.0);
    if (groups) codes.push_back(groups->codes[row]);
  }
  // The groups of the clients kept (a client without a group may have been dropped), densely numbered.
  instance.groups =
      groups ? dense_groups(std::move(codes), groups->labels) : one_group(instance.client_ids.size(), "all");
  return instance;
}

PlanInstance read_matrix_csv(const std::string& matrix_path, const std::optional<std::string>& demand_path,
                             const MatrixCsvSpec& spec) {
  const io::LongMatrix matrix =
      io::read_long_matrix(matrix_path, {spec.from_column, spec.to_column, spec.cost_column});
  PlanInstance instance;
  // Client of each origin id: the demand file's order, or the matrix's when there is none.
  std::vector<std::uint32_t> client_of(matrix.origin_ids.size(), UINT32_MAX);
  if (demand_path) {
    instance = read_demand_csv(*demand_path, spec);
    std::unordered_map<std::string_view, std::uint32_t> client_index;
    for (std::size_t k = 0; k < instance.client_ids.size(); ++k)
      client_index.emplace(instance.client_ids[k], static_cast<std::uint32_t>(k));
    for (std::size_t origin = 0; origin < matrix.origin_ids.size(); ++origin) {
      const auto found = client_index.find(matrix.origin_ids[origin]);
      if (found != client_index.end()) client_of[origin] = found->second;  // else not a demand point: ignored
    }
  } else {
    instance.client_ids = matrix.origin_ids;
    for (std::size_t origin = 0; origin < client_of.size(); ++origin)
      client_of[origin] = static_cast<std::uint32_t>(origin);
    instance.demand.assign(instance.client_ids.size(), 1.0);
    instance.groups = one_group(instance.client_ids.size(), "all");
  }
  instance.name = matrix_path;
  instance.candidate_ids = matrix.destination_ids;
  instance.cost = CostMatrix(instance.client_ids.size(), instance.candidate_ids.size(), kUnreachable);
  for (std::size_t entry = 0; entry < matrix.size(); ++entry) {
    const std::uint32_t client = client_of[matrix.origin[entry]];
    if (client == UINT32_MAX) continue;
    float& cell = instance.cost.at(client, matrix.destination[entry]);
    cell = std::min(cell, matrix.cost[entry]);  // a repeated pair keeps its cheapest cost
  }
  instance.validate();
  return instance;
}

std::vector<std::uint32_t> find_candidates(const PlanInstance& instance,
                                           const std::vector<std::string>& labels) {
  std::vector<std::uint32_t> result;
  for (const std::string& label : labels) {
    bool found = false;
    for (std::size_t j = 0; j < instance.candidate_count(); ++j) {
      if (instance.candidate_label(j) == label) {
        result.push_back(static_cast<std::uint32_t>(j));
        found = true;
        break;
      }
    }
    if (!found) {
      throw Error(ErrorCode::InvalidInput, fmt::format("'{}' is not a candidate site", label),
                  "existing sites must be candidate ids of the matrix (or 1-based vertex numbers for an "
                  "`orlib` file)");
    }
  }
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

std::vector<double> read_site_values(const std::string& path, const std::string& id_column,
                                     const std::string& value_column, const PlanInstance& instance) {
  const CsvTable table = CsvTable::read_file(path);
  const std::size_t id_index = table.column_index(id_column);
  const std::size_t value_index = table.column_index(value_column);
  std::unordered_map<std::string, std::size_t> candidate;
  for (std::size_t j = 0; j < instance.candidate_count(); ++j)
    candidate.emplace(instance.candidate_label(j), j);
  std::vector<double> values(instance.candidate_count(), std::numeric_limits<double>::quiet_NaN());
  require_unique_ids(table, id_index, "site", "give one row per site");
  for (std::size_t r = 0; r < table.row_count(); ++r) {
    const auto found = candidate.find(std::string(table.cell(r, id_index)));
    if (found == candidate.end()) continue;  // a site that is not a candidate of this instance
    const std::optional<double> value = parse_number(table.cell(r, value_index));
    if (!value || *value < 0.0) {
      throw Error(
          ErrorCode::Parse,
          fmt::format("{}: '{}' is not a number ≥ 0", value_column, excerpt(table.cell(r, value_index))),
          "give a finite value ≥ 0 for every site", table.location(r, value_index));
    }
    values[found->second] = *value;
  }
  for (std::size_t j = 0; j < values.size(); ++j) {
    if (std::isnan(values[j])) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("{}: no {} for candidate site '{}'", path, value_column, instance.candidate_label(j)),
          "give one row per candidate site");
    }
  }
  return values;
}

}  // namespace equalis::plan

#include "access/cost_cache.hpp"

#include "access/access_run.hpp"
#include "core/atomic_file.hpp"
#include "core/sha256.hpp"
#include "core/version.hpp"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace equalis::access {

namespace {

constexpr std::string_view kMagic = "EQCOSTS1";

// A file's bytes enter the key through their hash; a missing file (the run will fail on it) as its name.
std::string file_digest(const std::string& path) {
  if (path.empty()) return "-";
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return "missing:" + path;
  return sha256_file_hex(path);
}

void describe_sites(const std::vector<NewSite>& sites, std::string& out) {
  for (const auto& site : sites) {
    out +=
        fmt::format("{}|{}|{}|{}\n", site.id, site.capacity, site.lon.value_or(1e9), site.lat.value_or(1e9));
  }
}

class Writer {
 public:
  template <typename T>
  void value(const T& v) {
    bytes_.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  template <typename Vector>
  void array(const Vector& v) {
    value<std::uint64_t>(v.size());
    bytes_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(typename Vector::value_type));
  }
  void strings(const std::vector<std::string>& list) {
    value<std::uint64_t>(list.size());
    for (const auto& s : list) {
      value<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
      bytes_ += s;
    }
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

// Reads what Writer wrote; any inconsistency makes ok() false (the entry is then a miss).
class Reader {
 public:
  explicit Reader(std::string bytes) : bytes_(std::move(bytes)) {}
  template <typename T>
  T value() {
    T v{};
    if (!take(sizeof(T))) return v;
    std::memcpy(&v, bytes_.data() + at_ - sizeof(T), sizeof(T));
    return v;
  }
  template <typename Vector>
  void array(Vector& v) {
    const auto n = value<std::uint64_t>();
    if (!ok_ || n > (bytes_.size() - at_) / sizeof(typename Vector::value_type)) {
      ok_ = false;
      return;
    }
    v.resize(n);
    const std::size_t size = n * sizeof(typename Vector::value_type);
    if (take(size) && size > 0) std::memcpy(v.data(), bytes_.data() + at_ - size, size);
  }
  void strings(std::vector<std::string>& list) {
    const auto n = value<std::uint64_t>();
    if (!ok_ || n > bytes_.size()) {
      ok_ = false;
      return;
    }
    list.resize(n);
    for (auto& s : list) {
      const auto size = value<std::uint32_t>();
      if (!take(size)) return;
      s.assign(bytes_.data() + at_ - size, size);
    }
  }
  bool magic(std::string_view expected) {
    if (!take(expected.size())) return false;
    ok_ = bytes_.compare(0, expected.size(), expected) == 0;
    return ok_;
  }
  [[nodiscard]] bool ok() const { return ok_ && at_ == bytes_.size(); }

 private:
  bool take(std::size_t size) {
    if (!ok_ || size > bytes_.size() - at_) {
      ok_ = false;
      return false;
    }
    at_ += size;
    return true;
  }
  std::string bytes_;
  std::size_t at_ = 0;
  bool ok_ = true;
};

void write_summary(Writer& out, const SnapSummary& summary) {
  out.value<std::uint64_t>(summary.count);
  out.value(summary.median_m);
  out.value(summary.max_m);
  out.value<std::uint64_t>(summary.beyond);
}

void read_summary(Reader& in, SnapSummary& summary) {
  summary.count = static_cast<std::size_t>(in.value<std::uint64_t>());
  summary.median_m = in.value<double>();
  summary.max_m = in.value<double>();
  summary.beyond = static_cast<std::size_t>(in.value<std::uint64_t>());
}

void write_snapping(Writer& out, const Snapping& snapping) {
  out.strings({snapping.mode, snapping.zone_places});
  out.value(snapping.threshold_m);
  out.array(snapping.zone_m);
  write_summary(out, snapping.zones);
  write_summary(out, snapping.sites);
}

void read_snapping(Reader& in, Snapping& snapping) {
  std::vector<std::string> names;
  in.strings(names);
  if (names.size() == 2) {
    snapping.mode = names[0];
    snapping.zone_places = names[1];
  }
  snapping.threshold_m = in.value<double>();
  in.array(snapping.zone_m);
  read_summary(in, snapping.zones);
  read_summary(in, snapping.sites);
}

std::string entry_path(const std::string& directory, const std::string& key, std::string_view kind) {
  return (std::filesystem::path(directory) / fmt::format("{}-{}.eqcosts", kind, key)).string();
}

std::optional<std::string> read_entry(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void write_entry(const std::string& directory, const std::string& path, const std::string& bytes) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  write_file_atomically(path, bytes);
}

}  // namespace

std::string cost_cache_key(const AccessRequest& request) {
  const CostSpec& costs = request.costs;
  std::string text = fmt::format("equalis {}\n", version());
  text += fmt::format("matrix {} {} {} {} unit {}\n", file_digest(costs.matrix), costs.columns.from_column,
                      costs.columns.to_column, costs.columns.cost_column, cost_unit_name(costs.unit));
  if (!costs.graph.empty()) {
    // Routed costs depend on the places and on how far the searches go.
    text += fmt::format("graph {} snap {} {} {}\n", file_digest(costs.graph), costs.snap, costs.max_snap_m,
                        costs.snap_threshold_m);
    text += fmt::format("zones {} layer {} id {} points {} polygons {} {}\n", file_digest(request.zones.file),
                        request.zones.layer, request.zones.id_column, file_digest(request.zones.points),
                        file_digest(request.zone_polygons), request.polygon_id);
    text += fmt::format("facilities {} id {} capacity {}\n", file_digest(request.facilities.file),
                        request.facilities.id_column, request.facilities.capacity_column);
    if (request.channels) {
      text += fmt::format("sites {} {} {} reach {}\n", file_digest(request.channels->terminals),
                          file_digest(request.channels->assisted), file_digest(request.channels->outreach),
                          request.channels->outreach_reach);
    }
    text += fmt::format("measures {} decay {} standard {}\n", fmt::join(request.measures, ";"), request.decay,
                        request.standard);
    text += fmt::format("scenarios {}\n", file_digest(request.scenarios_file));
    for (const auto& scenario : request.scenarios) {
      for (const auto* list : {&scenario.open_facilities, &scenario.add_terminals, &scenario.add_assisted,
                               &scenario.add_outreach})
        describe_sites(*list, text);
    }
  }
  return sha256_hex(text);
}

std::optional<io::LongMatrix> load_cached_matrix(const std::string& directory, const std::string& key) {
  auto bytes = read_entry(entry_path(directory, key, "matrix"));
  if (!bytes) return std::nullopt;
  Reader in(std::move(*bytes));
  io::LongMatrix matrix;
  if (!in.magic(kMagic)) return std::nullopt;
  matrix.source = [&] {
    std::vector<std::string> source;
    in.strings(source);
    return source.empty() ? std::string() : source.front();
  }();
  in.strings(matrix.origin_ids);
  in.strings(matrix.destination_ids);
  in.array(matrix.origin);
  in.array(matrix.destination);
  in.array(matrix.cost);
  if (!in.ok() || matrix.origin.size() != matrix.cost.size() ||
      matrix.destination.size() != matrix.cost.size())
    return std::nullopt;
  return matrix;
}

void store_cached_matrix(const std::string& directory, const std::string& key, const io::LongMatrix& matrix) {
  Writer out;
  out.bytes() += kMagic;
  out.strings({matrix.source});
  out.strings(matrix.origin_ids);
  out.strings(matrix.destination_ids);
  out.array(matrix.origin);
  out.array(matrix.destination);
  out.array(matrix.cost);
  write_entry(directory, entry_path(directory, key, "matrix"), out.bytes());
}

std::optional<GraphCosts> load_cached_graph_costs(const std::string& directory, const std::string& key,
                                                  Snapping& snapping) {
  auto bytes = read_entry(entry_path(directory, key, "graph"));
  if (!bytes) return std::nullopt;
  Reader in(std::move(*bytes));
  GraphCosts costs;
  if (!in.magic(kMagic)) return std::nullopt;
  in.strings(costs.destination_ids);
  costs.times.cols = static_cast<std::size_t>(in.value<std::uint64_t>());
  in.array(costs.times.offsets);
  in.array(costs.times.destination);
  in.array(costs.times.time);
  read_snapping(in, snapping);
  if (!in.ok() || costs.times.destination.size() != costs.times.time.size() ||
      (!costs.times.offsets.empty() && costs.times.offsets.back() != costs.times.time.size()))
    return std::nullopt;
  return costs;
}

void store_cached_graph_costs(const std::string& directory, const std::string& key, const GraphCosts& costs,
                              const Snapping& snapping) {
  Writer out;
  out.bytes() += kMagic;
  out.strings(costs.destination_ids);
  out.value<std::uint64_t>(costs.times.cols);
  out.array(costs.times.offsets);
  out.array(costs.times.destination);
  out.array(costs.times.time);
  write_snapping(out, snapping);
  write_entry(directory, entry_path(directory, key, "graph"), out.bytes());
}

}  // namespace equalis::access

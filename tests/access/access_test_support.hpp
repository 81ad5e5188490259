#pragma once
// Fixtures shared by the access tests: a scratch directory for the small input files each test writes,
// and the bundled Belo Horizonte data (Ipea's `accessibility` package, MIT) as an access request.

#include "access/access_run.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace equalis::access::test {

// A directory of its own (the prefix and the process id: ctest runs test processes in parallel),
// removed with everything in it when the object goes.
class Scratch {
 public:
  explicit Scratch(std::string_view prefix)
      : dir_(std::filesystem::temp_directory_path() / fmt::format("{}_{}", prefix, ::getpid())) {
    std::filesystem::create_directories(dir_);
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  Scratch(Scratch&&) = delete;
  Scratch& operator=(Scratch&&) = delete;

  // Writes `text` to the file `name` in the directory and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const auto file = path(name);
    std::ofstream(file) << text;
    return file;
  }
  [[nodiscard]] std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

inline const std::string kBho = std::string(EQUALIS_TEST_DATA_DIR) + "/bho";

// Belo Horizonte's 898 hexagons as zones and as facilities with `capacity_column` (jobs, schools…), the
// public-transport travel times in minutes, incomes for the concentration index; no measure chosen.
inline AccessRequest bho_request(const std::string& capacity_column) {
  AccessRequest request;
  request.zones.file = kBho + "/hexagons.csv";
  request.zones.id_column = "idx";
  request.zones.income_column = "income_per_capita";
  request.facilities.file = kBho + "/hexagons.csv";
  request.facilities.id_column = "idx";
  request.facilities.capacity_column = capacity_column;
  request.costs.matrix = kBho + "/ttm_full.csv.gz";
  request.costs.unit = io::CostUnit::Minutes;
  return request;
}

}  // namespace equalis::access::test

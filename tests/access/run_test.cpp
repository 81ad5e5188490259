// run_access end to end: the worked example through files (groups, the access standard, warnings), the
// Belo Horizonte matrix against a direct transcription of the formulas written here, and bad input.

#include "access_test_support.hpp"
#include "test_support.hpp"

#include "access/access_run.hpp"
#include "core/csv.hpp"
#include "core/table.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <unistd.h>

namespace equalis::access {
namespace {

using test::kBho;
using test::Scratch;
using test_support::error_of;

// The worked example of measures_test, as files: zone A (100 people: 60 aged 60+, 40 under 60), B (300:
// 30 and 270); facilities X (10 windows), Y (20), Z (0: dropped and said); minutes A–X 5, A–Y 20, B–X 15,
// B–Y 8, and a pair from an unknown zone C.
AccessRequest example_request(const Scratch& scratch) {
  AccessRequest request;
  request.zones.file = scratch.write(
      "zones.csv", "id,population,pop_60plus,pop_under60,income\nA,100,60,40,900\nB,300,30,270,2500\n");
  request.zones.group_columns = {"pop_60plus", "pop_under60"};
  request.zones.income_column = "income";
  request.measures = {"closest"};
  request.facilities.file = scratch.write("facilities.csv", "id,windows\nX,10\nY,20\nZ,0\n");
  request.facilities.capacity_column = "windows";
  request.costs.matrix =
      scratch.write("matrix.csv", "from,to,minutes\nA,X,5\nA,Y,20\nB,X,15\nB,Y,8\nC,X,1\n");
  request.costs.columns.cost_column = "minutes";
  request.costs.unit = io::CostUnit::Minutes;
  return request;
}

TEST(AccessRun, WorkedExampleWithGroupsAndTheStandard) {
  const Scratch scratch("equalis_access");
  auto request = example_request(scratch);
  request.measures = {"cumulative=10min", "2sfca=linear:20min", "closest"};
  request.standard = "6min";
  request.poverty_lines = {"cumulative_10=15"};
  const AccessResult result = run_access(request);
  ASSERT_EQ(result.measures.size(), 3U);
  EXPECT_EQ(result.measures[0].key, "cumulative_10");
  EXPECT_EQ(result.measures[0].values, (std::vector<double>{10.0, 20.0}));
  EXPECT_EQ(result.measures[1].unit, "windows per person");
  EXPECT_NEAR(result.measures[1].values[0], 0.05, 1e-7);
  ASSERT_TRUE(result.measures[1].capacity_check.has_value());
  EXPECT_NEAR(*result.measures[1].capacity_check, 1.0, 1e-9);
  EXPECT_EQ(result.measures[2].values, (std::vector<double>{5.0, 8.0}));
  // Group means weight zones by the group's people: 60+ → (60·10 + 30·20)/90.
  const auto& groups = result.measures[0].groups;
  ASSERT_EQ(groups.size(), 3U);
  EXPECT_EQ(groups[1].group, "pop_60plus");
  EXPECT_DOUBLE_EQ(groups[1].mean, (60.0 * 10.0 + 30.0 * 20.0) / 90.0);
  EXPECT_TRUE(result.groups_partition);
  // Theil T between + within = total (the measure engine's decomposition).
  const auto& equity = result.measures[0].equity;
  ASSERT_TRUE(equity.between && equity.within);
  EXPECT_NEAR(*equity.between + *equity.within, equity.theil_t, 1e-12);
  ASSERT_TRUE(equity.concentration_index.has_value());
  EXPECT_GT(*equity.concentration_index, 0.0);  // the richer zone B reaches more
  // FGT below 15 windows: only A (10) is poor, gap 1/3 (Foster, Greer & Thorbecke 1984).
  ASSERT_TRUE(groups[0].fgt.has_value());
  EXPECT_DOUBLE_EQ((*groups[0].fgt)[0], 0.25);
  EXPECT_DOUBLE_EQ((*groups[0].fgt)[1], 100.0 / 3.0 / 400.0);
  EXPECT_DOUBLE_EQ((*groups[0].fgt)[2], 100.0 / 9.0 / 400.0);
  EXPECT_DOUBLE_EQ((*groups[1].fgt)[0], 60.0 / 90.0);
  EXPECT_FALSE(result.measures[1].groups[0].fgt.has_value());  // no line for 2sfca
  // Beyond 6 minutes: B's nearest is 8 → its 300 people, 30 of them aged 60+.
  ASSERT_TRUE(result.exclusion.has_value());
  EXPECT_EQ(result.exclusion->by_zone, (std::vector<double>{0.0, 300.0}));
  EXPECT_EQ(result.exclusion->groups[0].people_without, 300.0);
  EXPECT_EQ(result.exclusion->groups[1].people_without, 30.0);
  // What the join skipped is said.
  ASSERT_EQ(result.warnings.size(), 2U);
  EXPECT_NE(result.warnings[0].find("1 matrix origin"), std::string::npos) << result.warnings[0];
  EXPECT_NE(result.warnings[1].find("capacity 0"), std::string::npos) << result.warnings[1];
}

// The long group table gives the same groups as wide columns; its mistakes name the line.
// The snapping summary: the middle distance (mean of the two middle ones for an even count), the largest,
// and the places strictly further than the threshold.
TEST(AccessRun, SnappingSummaryByHand) {
  const SnapSummary odd = summarise_snapping({40.0, 5.0, 250.0, 12.0, 200.0}, 200.0);
  EXPECT_EQ(odd.count, 5U);
  EXPECT_EQ(odd.median_m, 40.0);
  EXPECT_EQ(odd.max_m, 250.0);
  EXPECT_EQ(odd.beyond, 1U);  // 200 m is at the threshold, not beyond it
  const SnapSummary even = summarise_snapping({3.0, 1.0, 10.0, 7.0}, 5.0);
  EXPECT_EQ(even.median_m, 5.0);
  EXPECT_EQ(even.beyond, 2U);
  EXPECT_EQ(summarise_snapping({}, 5.0).count, 0U);
}

TEST(AccessRun, LongGroupTableEqualsWideColumns) {
  const Scratch scratch("equalis_access");
  auto wide = example_request(scratch);
  wide.measures = {"cumulative=10min"};
  auto long_form = wide;
  long_form.zones.group_columns.clear();
  long_form.zones.groups_file = scratch.write(
      "groups.csv",
      "zone,group,population\nA,pop_60plus,60\nB,pop_60plus,30\nA,pop_under60,40\nB,pop_under60,270\n");
  const auto a = run_access(wide);
  const auto b = run_access(long_form);
  EXPECT_EQ(a.zones.group_names, b.zones.group_names);
  EXPECT_EQ(a.zones.group_people, b.zones.group_people);
  EXPECT_EQ(a.measures[0].equity.between, b.measures[0].equity.between);
  long_form.zones.groups_file = scratch.write("groups_bad.csv", "zone,group,population\nA,old,60\nC,old,3\n");
  const Error unknown = error_of([&] { (void)run_access(long_form); });
  EXPECT_NE(std::string(unknown.what()).find("zone 'C' is not in"), std::string::npos) << unknown.what();
  EXPECT_EQ(unknown.where()->line, 3U);
  long_form.zones.groups_file =
      scratch.write("groups_twice.csv", "zone,group,population\nA,old,60\nA,old,3\n");
  EXPECT_NE(std::string(error_of([&] { (void)run_access(long_form); }).what()).find("twice"),
            std::string::npos);
  long_form.zones.groups_file = scratch.write("groups_big.csv", "zone,group,population\nA,old,600\n");
  EXPECT_NE(
      std::string(error_of([&] { (void)run_access(long_form); }).what()).find("more than its population"),
      std::string::npos);
}

TEST(AccessRun, BadInputIsAClearError) {
  const Scratch scratch("equalis_access");
  const auto expect_error = [&](AccessRequest request, const std::string& needle) {
    const Error error = error_of([&] { (void)run_access(request); });
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    return error;
  };
  auto request = example_request(scratch);
  request.zones.file = scratch.write(
      "dup.csv", "id,population,pop_60plus,pop_under60,income\nA,100,60,40,1\nA,300,30,270,1\n");
  auto error = expect_error(request, "appears twice");
  ASSERT_TRUE(error.where().has_value());
  EXPECT_EQ(error.where()->line, 3U);
  request = example_request(scratch);
  request.zones.file = scratch.write(
      "big.csv", "id,population,pop_60plus,pop_under60,income\nA,100,160,40,1\nB,300,30,270,1\n");
  expect_error(request, "more than its population");
  request = example_request(scratch);
  request.zones.file = scratch.write("neg.csv", "id,population,pop_60plus,pop_under60,income\nA,-1,0,0,1\n");
  expect_error(request, "the population");
  request = example_request(scratch);
  request.facilities.file = scratch.write("negcap.csv", "id,windows\nX,-2\n");
  expect_error(request, "the capacity");
  request = example_request(scratch);
  request.costs.matrix = scratch.write("nomatch.csv", "from,to,minutes\na,X,5\n");
  expect_error(request, "no origin id of the matrix");
  request = example_request(scratch);
  request.costs.matrix = scratch.write("nan.csv", "from,to,minutes\nA,X,nan\n");
  expect_error(request, "not a number");
  request = example_request(scratch);
  request.costs.unit = io::CostUnit::Given;
  request.measures = {"cumulative=10min"};
  expect_error(request, "is a duration");
  request = example_request(scratch);
  request.measures = {"2sfca"};
  expect_error(request, "needs a decay");
  request.measures = {"closest", "closest"};
  expect_error(request, "twice");
  // Two 2SFCA with different decays get distinct columns; a key that merely starts like another does not.
  request.measures = {"2sfca=linear:20", "2sfca=binary:20", "cumulative=3", "cumulative=30"};
  const auto keys = run_access(request).measures;
  EXPECT_EQ(keys[0].key, "2sfca");
  EXPECT_EQ(keys[1].key, "2sfca_2");
  EXPECT_EQ(keys[2].key, "cumulative_3");
  EXPECT_EQ(keys[3].key, "cumulative_30");
  request.measures = {"interval=30..10"};
  expect_error(request, "above its start");
  request.measures = {"closest"};
  request.poverty_lines = {"closest_1=10"};
  expect_error(request, "is a cost");
  request.poverty_lines = {"nosuch=10"};
  expect_error(request, "not KEY=VALUE");
}

// Capacity-limited coverage of the worked example, where capacity counts people: Y (20) goes first and
// covers 20 of B's 300 (B is 8 min away, A 20); X (10) covers 10 of A's 100. Groups are covered in
// proportion to their share of each zone.
TEST(AccessRun, CoverageByFacilityZoneAndGroup) {
  const Scratch scratch("equalis_access");
  auto request = example_request(scratch);
  request.measures = {"coverage=30min", "coverage=30min,order=file"};
  const AccessResult result = run_access(request);
  const MeasureResult& largest = result.measures[0];
  EXPECT_EQ(largest.key, "coverage_30");
  EXPECT_EQ(result.measures[1].key, "coverage_30_2");
  ASSERT_TRUE(largest.coverage.has_value());
  EXPECT_EQ(largest.coverage->order, (std::vector<std::uint32_t>{1, 0}));
  EXPECT_NEAR(largest.coverage->covered_by_zone[0], 10.0, 1e-9);
  EXPECT_NEAR(largest.coverage->covered_by_zone[1], 20.0, 1e-9);
  EXPECT_NEAR(largest.values[0], 0.1, 1e-12);
  EXPECT_NEAR(largest.values[1], 20.0 / 300.0, 1e-12);
  // Group shares: aged 60+ 60·0.1 + 30/15 = 8 of 90; under 60, 4 + 18 = 22 of 310.
  EXPECT_NEAR(largest.groups[0].mean * largest.groups[0].people, 30.0, 1e-9);
  EXPECT_NEAR(largest.groups[1].mean * largest.groups[1].people, 8.0, 1e-9);
  EXPECT_NEAR(largest.groups[2].mean * largest.groups[2].people, 22.0, 1e-9);
  // In file order X goes first: A's 10, then Y serves B's 20: the same here (their catchments differ).
  EXPECT_EQ(result.measures[1].coverage->order, (std::vector<std::uint32_t>{0, 1}));
}

// AccessMod's order by a field of the facility table: a priority column, ascending (1 first) or not.
TEST(AccessRun, CoverageOrderedByAColumnOfTheFacilitiesFile) {
  const Scratch scratch("equalis_access");
  auto request = example_request(scratch);
  request.facilities.file = scratch.write("priority.csv", "id,windows,priority\nX,10,2\nY,20,1\nZ,0,3\n");
  request.measures = {"coverage=30min,order=column:priority-asc", "coverage=30min,order=column:priority"};
  const auto result = run_access(request);
  EXPECT_EQ(result.measures[0].coverage->order, (std::vector<std::uint32_t>{1, 0}));
  EXPECT_EQ(result.measures[1].coverage->order, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(result.measures[0].order_values, (std::vector<double>{2.0, 1.0}));
  EXPECT_EQ(coverage_order_name(result.measures[0].spec), "column:priority-asc");
  request.measures = {"coverage=30min,order=column:rank"};
  Error error = error_of([&] { (void)run_access(request); });
  EXPECT_NE(std::string(error.what()).find("has no column 'rank'"), std::string::npos) << error.what();
  EXPECT_NE(error.fix().find("priority"), std::string::npos) << error.fix();
  request.facilities.file = scratch.write("gap.csv", "id,windows,priority\nX,10,\nY,20,1\n");
  request.measures = {"coverage=30min,order=column:priority"};
  error = error_of([&] { (void)run_access(request); });
  EXPECT_NE(std::string(error.what()).find("facility 'X' has no value in 'priority'"), std::string::npos)
      << error.what();
  ASSERT_TRUE(error.where().has_value());
  EXPECT_EQ(error.where()->line, 2U);
}

TEST(AccessRun, NoAccessAsMissingInsteadOfZero) {
  const Scratch scratch("equalis_access");
  auto request = example_request(scratch);
  request.measures = {"cumulative=6min", "2sfca=linear:6min", "closest"};
  auto zero = run_access(request);
  EXPECT_EQ(zero.measures[0].values, (std::vector<double>{10.0, 0.0}));
  EXPECT_EQ(zero.measures[0].zones_without_access, 0U);
  request.no_access = NoAccess::Missing;
  const auto missing = run_access(request);
  for (std::size_t m = 0; m < 2; ++m) {
    EXPECT_TRUE(std::isnan(missing.measures[m].values[1])) << m;  // B's nearest is 8 min away
    EXPECT_TRUE(std::isfinite(missing.measures[m].values[0])) << m;
    EXPECT_EQ(missing.measures[m].zones_without_access, 1U);
    // The mean is over the people with a value (PySAL's NaN convention), the 300 are counted as without.
    EXPECT_DOUBLE_EQ(missing.measures[m].groups[0].mean, missing.measures[m].values[0]);
    EXPECT_EQ(missing.measures[m].groups[0].people_without, 300.0);
  }
  EXPECT_DOUBLE_EQ(zero.measures[0].groups[0].mean, 100.0 * 10.0 / 400.0);
  EXPECT_EQ(missing.measures[2].values, (std::vector<double>{5.0, 8.0}));  // a cost: unchanged
}

// Closest costs A 5, B 8; people 100 and 300; incomes rank A (fractional rank 1/8) below B (5/8). The
// textbook index is 2 Σ s (a − μ)(R − ½)/μ = 0.0775862…; with the ranks centred on their unweighted mean
// 3/8 and access uncentred, 2 Σ s a (R − 3/8)/μ = 0.3275862…: the two differ by 2 (½ − 3/8) = 0.25.
TEST(AccessRun, ConcentrationIndexForms) {
  const Scratch scratch("equalis_access");
  auto request = example_request(scratch);
  request.measures = {"closest"};
  const auto textbook = run_access(request);
  request.concentration = ConcentrationForm::UnweightedRankMean;
  const auto variant = run_access(request);
  const double mean = (100.0 * 5.0 + 300.0 * 8.0) / 400.0;
  EXPECT_NEAR(*textbook.measures[0].equity.concentration_index,
              2.0 * (0.25 * (5.0 - mean) * (0.125 - 0.5) + 0.75 * (8.0 - mean) * (0.625 - 0.5)) / mean,
              1e-12);
  EXPECT_NEAR(*variant.measures[0].equity.concentration_index,
              2.0 * (0.25 * 5.0 * (0.125 - 0.375) + 0.75 * 8.0 * (0.625 - 0.375)) / mean, 1e-12);
  EXPECT_NEAR(
      *variant.measures[0].equity.concentration_index - *textbook.measures[0].equity.concentration_index,
      0.25, 1e-12);
}

TEST(AccessRun, RaamAndItsParameters) {
  const Scratch scratch("equalis_access");
  auto request = example_request(scratch);
  request.measures = {"raam=10min,rho=2,max_cycles=500,initial_step=0.5,min_step=0.01,half_life=20"};
  const auto result = run_access(request);
  const auto& measure = result.measures[0];
  EXPECT_EQ(measure.key, "raam");
  ASSERT_TRUE(measure.raam.has_value());
  EXPECT_EQ(measure.raam->rho, 2.0);
  EXPECT_EQ(measure.spec.raam.max_cycles, 500);
  EXPECT_EQ(measure.spec.raam.half_life, 20.0);
  // At the end no one can lower their cost: each zone's value is the cheapest c/τ + load/(ρ S) it has
  // (minutes A–X 5, A–Y 20, B–X 15, B–Y 8; τ 10; capacity X 10, Y 20).
  const auto& load = measure.raam->load;
  const auto cost = [&](double minutes, std::size_t j) {
    return minutes / 10.0 + load[j] / (2.0 * (j == 0 ? 10.0 : 20.0));
  };
  EXPECT_NEAR(load[0] + load[1], 400.0, 1e-9);
  EXPECT_NEAR(measure.values[0], std::min(cost(5, 0), cost(20, 1)), 1e-3);
  EXPECT_NEAR(measure.values[1], std::min(cost(15, 0), cost(8, 1)), 1e-3);
  EXPECT_GT(measure.raam->cycles, 0);  // B's people moved towards X
  request.measures = {"raam"};         // τ defaults to PySAL's 60 (minutes)
  EXPECT_EQ(run_access(request).measures[0].spec.raam.tau, 60.0);
}

TEST(AccessRun, BadMeasureOptionsNameTheFieldAndTheFix) {
  const Scratch scratch("equalis_access");
  auto request = example_request(scratch);
  const auto message = [&](const std::string& measure) {
    request.measures = {measure};
    return std::string(error_of([&] { (void)run_access(request); }).what());
  };
  EXPECT_NE(message("coverage").find("needs a time limit"), std::string::npos);
  EXPECT_NE(message("coverage=30min,order=biggest").find("order 'biggest' is none of"), std::string::npos);
  EXPECT_NE(message("coverage=30min,ordr=file").find("unknown option 'ordr'"), std::string::npos);
  EXPECT_NE(message("raam=0").find("τ must be > 0"), std::string::npos);
  EXPECT_NE(message("raam=10,rho=-1").find("rho must be"), std::string::npos);
  EXPECT_NE(message("raam=10,max_cycles=2.5").find("whole number"), std::string::npos);
  EXPECT_NE(message("raam=10,initial_step=2").find("initial_step must be"), std::string::npos);
  EXPECT_NE(message("3sfca=linear:10,selection=some").find("selection is catchment"), std::string::npos);
  EXPECT_NE(message("2sfca=linear:10,selection=all").find("unknown option 'selection'"), std::string::npos);
  EXPECT_NE(message("3sfca=linear:10,max_cost=10,max_cost=20").find("given twice"), std::string::npos);
  EXPECT_NE(message("raam=10,tau=10").find("twice"), std::string::npos);
  EXPECT_NE(message("raam=10,tau=10").find("`measures`"), std::string::npos);
  // A stepped decay keeps its commas beside the options.
  const auto spec =
      parse_measure("3sfca=stepped:10=0.6,20=0.2,40=0,max_cost=30,selection=all", io::CostUnit::Minutes, "");
  EXPECT_EQ(spec.decay->steps.size(), 3U);
  EXPECT_EQ(spec.catchment.max_cost, 30.0);
  EXPECT_TRUE(spec.catchment.selection_over_all_pairs);
}

// ----- Belo Horizonte: every measure against a direct transcription written here (maps, no sparse rows).

struct Direct {
  std::map<std::string, double> population;
  std::map<std::string, double> jobs;
  std::vector<std::tuple<std::string, std::string, double>> pairs;
};

const Direct& bho_direct() {
  static const Direct direct = [] {
    Direct d;
    const CsvTable hexagons = CsvTable::read_file(kBho + "/hexagons.csv");
    const auto idx = read_category_column(hexagons, "idx");
    const auto population = read_numeric_column(hexagons, "population");
    const auto jobs = read_numeric_column(hexagons, "jobs");
    for (std::size_t row = 0; row < hexagons.row_count(); ++row) {
      d.population[idx.labels[idx.codes[row]]] = population.values[row];
      d.jobs[idx.labels[idx.codes[row]]] = jobs.values[row];
    }
    const CsvTable matrix = CsvTable::read_file(kBho + "/ttm_full.csv.gz");
    const auto from = read_category_column(matrix, "from_idx");
    const auto to = read_category_column(matrix, "to_idx");
    const auto time = read_numeric_column(matrix, "travel_time");
    for (std::size_t row = 0; row < matrix.row_count(); ++row) {
      d.pairs.emplace_back(from.labels[from.codes[row]], to.labels[to.codes[row]], time.values[row]);
    }
    return d;
  }();
  return direct;
}

AccessRequest bho_request() {
  return test::bho_request("jobs");
}

TEST(AccessRun, BeloHorizonteMatchesTheFormulasTranscribedDirectly) {
  const Direct& d = bho_direct();
  ASSERT_EQ(d.pairs.size(), 748437U);
  auto request = bho_request();
  request.measures = {"cumulative=30min", "gravity=exponential:0.05", "2sfca=gaussian:60min", "closest=10000",
                      "spatial-availability=linear:45min"};
  const AccessResult result = run_access(request);
  ASSERT_EQ(result.zones.size(), 898U);
  // The direct way: per origin sums over the pair list, per destination demand in a map.
  std::map<std::string, double> cumulative;
  std::map<std::string, double> gravity;
  std::map<std::string, double> demand;
  std::map<std::string, double> two_step;
  const auto gaussian = [](double t) {
    return t > 60.0 ? 0.0
                    : (std::exp(-0.5 * (t / 60.0) * (t / 60.0)) - std::exp(-0.5)) / (1.0 - std::exp(-0.5));
  };
  for (const auto& [from, to, time] : d.pairs) {
    const double jobs = d.jobs.at(to);
    if (time <= 30.0) cumulative[from] += jobs;
    gravity[from] += jobs * std::exp(-0.05 * time);
    if (jobs > 0.0) demand[to] += d.population.at(from) * gaussian(time);
  }
  for (const auto& [from, to, time] : d.pairs) {
    const double jobs = d.jobs.at(to);
    if (jobs > 0.0 && demand[to] > 0.0) two_step[from] += jobs / demand[to] * gaussian(time);
  }
  const auto& ids = result.zones.ids;
  for (std::size_t z = 0; z < ids.size(); ++z) {
    EXPECT_NEAR(result.measures[0].values[z], cumulative[ids[z]], 1e-9) << ids[z];
    EXPECT_NEAR(result.measures[1].values[z], gravity[ids[z]], 1e-6 * std::max(1.0, gravity[ids[z]]))
        << ids[z];
    // Weights are kept as float: agreement to 1e-6 relative.
    EXPECT_NEAR(result.measures[2].values[z], two_step[ids[z]], 1e-6 * std::max(1e-3, two_step[ids[z]]))
        << ids[z];
  }
  // Σ P·A = the jobs that someone reaches; Σ V = the same for spatial availability.
  EXPECT_NEAR(*result.measures[2].capacity_check, 1.0, 1e-6);
  const auto& available = result.measures[4].values;
  double reached = 0.0;
  for (std::size_t j = 0; j < result.facilities.size(); ++j) reached += result.facilities.capacity[j];
  EXPECT_LE(std::accumulate(available.begin(), available.end(), 0.0), reached * (1.0 + 1e-9));
  // Jobs at 0 in a hexagon are dropped from the facilities, and said.
  EXPECT_FALSE(result.warnings.empty());
  // The richer zones reach more jobs: a positive concentration index and a Palma ratio above 1.
  ASSERT_TRUE(result.measures[0].equity.palma_income.has_value() || !result.measures[0].equity.note.empty());
}

// With every weight 1 (a catchment wider than any trip), 2SFCA gives every zone the same ratio: the
// capacity over the population of the zones that reach it (Ipea's "custom decay" check, on five
// hexagons of its test). The matrix's 5.8-minute self-trips are within a 5.8-minute cutoff.
TEST(AccessRun, UniformWeightsGiveOneRatioAndCutoffsIncludeTheirBoundary) {
  const Scratch scratch("equalis_access");
  const std::vector<std::string> selected{"827", "833", "839", "845", "326"};
  std::string matrix = "from_idx,to_idx,travel_time\n";
  for (const auto& [from, to, time] : bho_direct().pairs) {
    if (std::find(selected.begin(), selected.end(), from) != selected.end() &&
        std::find(selected.begin(), selected.end(), to) != selected.end()) {
      matrix += fmt::format("{},{},{}\n", from, to, time);
    }
  }
  auto request = bho_request();
  request.costs.matrix = scratch.write("five.csv", matrix);
  request.measures = {"2sfca=binary:1000", "cumulative=5.8", "closest"};
  const AccessResult result = run_access(request);
  double jobs = 0.0;
  double people = 0.0;
  for (std::size_t z = 0; z < result.zones.size(); ++z) {
    if (std::find(selected.begin(), selected.end(), result.zones.ids[z]) == selected.end()) continue;
    people += result.zones.population[z];
    const auto f = std::find(result.facilities.ids.begin(), result.facilities.ids.end(), result.zones.ids[z]);
    if (f != result.facilities.ids.end())
      jobs += result.facilities.capacity[static_cast<std::size_t>(f - result.facilities.ids.begin())];
  }
  for (std::size_t z = 0; z < result.zones.size(); ++z) {
    const bool in = std::find(selected.begin(), selected.end(), result.zones.ids[z]) != selected.end();
    EXPECT_NEAR(result.measures[0].values[z], in ? jobs / people : 0.0, 1e-12) << result.zones.ids[z];
    if (in && result.zones.ids[z] != "326") {
      EXPECT_GT(result.measures[1].values[z], 0.0) << "the 5.8-minute self-trip counts";
      EXPECT_EQ(result.measures[2].values[z], 5.8);  // reported as the matrix wrote it
      EXPECT_EQ(result.nearest[z], 5.8);
    }
  }
}

}  // namespace
}  // namespace equalis::access

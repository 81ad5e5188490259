#pragma once
// Physical accessibility measures on sparse cost rows, named and defined as in the R package
// `accessibility` (Ipea) and PySAL `access`; each function cites its paper. Values are per zone.
//   cumulative, cumulative interval, cost to the n-th opportunity, gravity — "active" measures;
//   2SFCA, BFCA, 3SFCA, M2SFCA and spatial availability — competition for capacity by population;
//   capacity-limited coverage (WHO AccessMod) and RAAM (PySAL access) — capacity used up by people.

#include "access/decay.hpp"
#include "access/inputs.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace equalis::access {

// Opportunities (capacity) reachable within `cutoff` (Ipea cumulative_cutoff).
std::vector<double> cumulative(const CostRows& rows, std::span<const double> capacity, double cutoff);

enum class IntervalSummary : std::uint8_t { Median, Mean };

// Cumulative opportunities at every cutoff from `from` to `to` by `step`, summarised per zone by the
// median (Ipea cumulative_interval's default) or the mean (Tomasiello et al. 2023).
std::vector<double> cumulative_interval(const CostRows& rows, std::span<const double> capacity, double from,
                                        double to, double step, IntervalSummary summary);

// The cost of reaching `n` opportunities, the nearest first (Ipea cost_to_closest); +inf when the zone
// reaches fewer than n within the matrix.
std::vector<double> cost_to_closest(const CostRows& rows, std::span<const double> capacity, double n);

// Σ_j capacity_j f(c_ij) (Hansen 1959; Ipea gravity).
std::vector<double> gravity(const CostRows& rows, std::span<const double> capacity,
                            const DecayFunction& decay);

enum class CatchmentMethod : std::uint8_t {
  TwoStep,    // 2SFCA, Luo & Wang (2003); E2SFCA (Luo & Qi 2009) with a stepped decay, KD2SFCA (Dai 2010)
              // Gaussian
  Balanced,   // BFCA, Paez, Higgins & Vivona (2019), as Ipea's floating_catchment_area(fca_metric = "bfca")
  ThreeStep,  // 3SFCA, Wan, Zou & Sternberg (2012): selection weights over the facilities in reach
  Modified,   // M2SFCA, Delamater (2013): the decay applied twice
};

// What a floating-catchment run leaves beside the access values, for checks and reports.
struct CatchmentDetail {
  std::vector<double> demand;                 // per facility: the population competing for it
  std::vector<double> ratio;                  // per facility: capacity per person of that demand (0 if none)
  std::size_t facilities_without_demand = 0;  // no population within reach: their capacity reaches no one
};

// Where the reference tools differ on 3SFCA. PySAL `access` (three_stage_fca) cuts the catchment at a
// maximum cost but normalises the selection weights over every destination of the matrix; Wan et al.
// normalise over the facilities in the catchment. The two coincide when the decay is 0 beyond max_cost.
struct CatchmentOptions {
  double max_cost =
      std::numeric_limits<double>::infinity();  // pairs costlier than it weigh 0 in the catchment
  bool selection_over_all_pairs = false;        // PySAL's normalisation (3SFCA only)
};

// Access per zone (capacity per person). For 2SFCA and 3SFCA Σ_i P_i A_i equals the capacity of the
// facilities that some population reaches; M2SFCA is below it by design; BFCA balances each facility's
// weights over the zones it serves instead (see docs/access.md).
std::vector<double> floating_catchment(CatchmentMethod method, const CostRows& rows,
                                       std::span<const double> population, std::span<const double> capacity,
                                       const DecayFunction& decay, CatchmentDetail* detail = nullptr,
                                       const CatchmentOptions& options = {});

// Spatial availability (Soukhov et al. 2023): facility j's capacity shared among the zones in reach in
// proportion to P_i^α f(c_ij); Σ_i V_i = the capacity that someone reaches. Per zone, in capacity units
// (not per person: divide by the population for a rate).
std::vector<double> spatial_availability(const CostRows& rows, std::span<const double> population,
                                         std::span<const double> capacity, const DecayFunction& decay,
                                         double alpha);

// ----- capacity-limited coverage (WHO AccessMod 5 "geographic coverage analysis"; Ray & Ebener 2008)

// The order in which facilities take their people: by capacity, by the people within the time limit
// (AccessMod's order by "population within a travel time", here the coverage limit itself), or the
// facilities file's row order; largest first unless ascending.
enum class CoverageOrder : std::uint8_t {
  CapacityDescending,
  CapacityAscending,
  PopulationDescending,
  PopulationAscending,
  File,
  ColumnDescending,  // a column of the facilities file (AccessMod's order by a table field), largest first
  ColumnAscending,   // the same, smallest first (e.g. a priority rank, 1 first)
};

struct CoverageResult {
  std::vector<std::uint32_t> order;         // facilities, in the order they were processed
  std::vector<double> population_in_reach;  // per facility: people within the limit before any coverage
  std::vector<double> covered_by_facility;  // per facility: people it covers (≤ its capacity)
  std::vector<std::size_t> zones_served;    // per facility: zones it covers some people of
  std::vector<double> covered_by_zone;      // per zone: people covered (≤ its population)
};

// Each facility in turn covers the people not yet covered within `limit` of it, nearest first, until its
// capacity (in people) is used up: zones at the same cost form one ring, and the ring where the
// capacity runs out is covered in proportion to each zone's uncovered people (AccessMod's outer ring).
// `column` holds each facility's value of the order column (Column orders only; NaN sorts last).
CoverageResult capacity_coverage(const CostRows& rows, std::span<const double> population,
                                 std::span<const double> capacity, double limit, CoverageOrder order,
                                 std::span<const double> column = {});

// ----- RAAM, the rational agent access model (Saxon & Snow 2020), parameters named as in PySAL `access`

struct RaamParameters {
  double tau = 60.0;          // the travel cost worth as much as congestion at ρ (cost unit)
  std::optional<double> rho;  // demand per unit of capacity counted as congestion 1 (default: Σ P / Σ S)
  int max_cycles = 150;       // PySAL's default
  double initial_step = 0.2;  // the largest share of a zone's people moved in the first cycle
  double min_step = 0.005;    // the step never falls below this share
  double half_life = 50.0;    // cycles for the step to halve
  int limit_initial = 20;     // cycles during which no facility takes more than its capacity at once
};

struct RaamDetail {
  double rho = 0.0;               // as used
  std::vector<double> load;       // per facility: the people assigned to it at the end
  int cycles = 0;                 // cycles in which someone moved (it stops at the first with none)
  double moved_last_cycle = 0.0;  // people moved in the last cycle (0: at equilibrium)
};

// Per zone, the people-weighted cost c_ij/τ + load_j/(ρ S_j) of the facilities its people end up using
// (lower is better): each cycle, every zone moves people from its costliest used facility towards its
// cheapest one, at most the amount that equalises the two and a shrinking share of the zone; +inf for a
// zone that reaches no facility; for a zone without people, the cheapest cost one person would face.
std::vector<double> raam(const CostRows& rows, std::span<const double> population,
                         std::span<const double> capacity, const RaamParameters& parameters,
                         RaamDetail* detail = nullptr);

}  // namespace equalis::access

#pragma once
// Physical accessibility measures on sparse cost rows, named and defined as in the R package
// `accessibility` (Ipea) and PySAL `access`; each function cites its paper. Values are per zone.
//   cumulative, cumulative interval, cost to the n-th opportunity, gravity — "active" measures;
//   2SFCA, BFCA, 3SFCA, M2SFCA and spatial availability — competition for capacity by population.

#include "access/decay.hpp"
#include "access/inputs.hpp"

#include <cstdint>
#include <limits>
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

// Access per zone (capacity per person). For 2SFCA and 3SFCA Σ_i P_i A_i equals the capacity of the
// facilities that some population reaches; M2SFCA is below it by design; BFCA balances each facility's
// weights over the zones it serves instead (see docs/access.md).
std::vector<double> floating_catchment(CatchmentMethod method, const CostRows& rows,
                                       std::span<const double> population, std::span<const double> capacity,
                                       const DecayFunction& decay, CatchmentDetail* detail = nullptr);

// Spatial availability (Soukhov et al. 2023): facility j's capacity shared among the zones in reach in
// proportion to P_i^α f(c_ij); Σ_i V_i = the capacity that someone reaches. Per zone, in capacity units
// (not per person: divide by the population for a rate).
std::vector<double> spatial_availability(const CostRows& rows, std::span<const double> population,
                                         std::span<const double> capacity, const DecayFunction& decay,
                                         double alpha);

}  // namespace equalis::access

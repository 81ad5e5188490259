// Journeys speed goal (docs/PERFORMANCE.md): 10 000 zones × 10 groups × 50 matters × 6 steps × 4 channels
// in under 1 s. Synthetic catalogue (10 requirements, two to three per channel, a rule on a third of the
// matters), groups with random abilities, zones with an office, terminal or assisted site within reach or
// not, coverage between 0.7 and 1, and random travel times. The third argument 1 adds two office kinds (the
// in-person options of every other matter at one of them) and makes r8 and r9 paper proofs they issue.
// Usage: journeys_bench [--benchmark_… flags]

#include "journeys/journeys.hpp"

#include "core/random.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

namespace {

using equalis::access::Channel;
using equalis::access::kChannelCount;
namespace j = equalis::journeys;

j::Catalogue catalogue(std::size_t matters, bool offices, equalis::Rng& rng) {
  j::Catalogue out;
  out.source = "synthetic";
  for (std::size_t r = 0; r < 10; ++r)
    out.requirements.push_back({fmt::format("r{}", r), "", std::nullopt, 0.0, 0.0, {}});
  if (offices) {
    out.offices = {{"police", "", 0, 0}, {"civil", "", 0, 0}};
    out.requirements[8].issued_by = 0;
    out.requirements[8].minutes = 20.0;
    out.requirements[9].issued_by = 1;
  }
  const std::array<Channel, 6> kinds{Channel::InPerson, Channel::Terminal, Channel::Online,
                                     Channel::Phone,    Channel::Assisted, Channel::Outreach};
  for (std::size_t m = 0; m < matters; ++m) {
    j::Matter matter;
    matter.id = fmt::format("m{}", m);
    matter.name = matter.id;
    if (m % 3 == 0) matter.rule = fmt::format("r{} or r{}", rng.uniform_index(10), rng.uniform_index(10));
    for (std::size_t s = 0; s < 6; ++s) {
      j::Step step;
      step.id = fmt::format("s{}", s);
      for (std::size_t o = 0; o < 4; ++o) {
        j::ChannelOption option;
        option.channel = kinds[(s + o) % kinds.size()];
        // A matter draws on a handful of the requirements (services need an e-ID, a phone, a bank
        // account…), two or three per channel.
        const std::size_t needs = 2 + rng.uniform_index(2);
        for (std::size_t k = 0; k < needs; ++k) {
          const std::size_t r = (m + rng.uniform_index(5)) % 10;
          if (std::find(option.needs.begin(), option.needs.end(), r) == option.needs.end())
            option.needs.push_back(r);
        }
        option.minutes = static_cast<double>(5 + rng.uniform_index(40));
        option.money = static_cast<double>(rng.uniform_index(3));
        if (offices && m % 2 == 0 && option.channel == Channel::InPerson) option.office = (m / 2) % 2;
        step.channels.push_back(option);
      }
      matter.steps.push_back(step);
    }
    out.matters.push_back(matter);
  }
  return out;
}

void BM_Journeys(benchmark::State& state) {
  const auto zones = static_cast<std::size_t>(state.range(0));
  const auto matters = static_cast<std::size_t>(state.range(1));
  equalis::Rng rng(42);
  const bool offices = state.range(2) != 0;
  const j::Catalogue cat = catalogue(matters, offices, rng);
  j::GroupAbilities abilities;
  abilities.file = "synthetic";
  j::JourneyInputs in;
  for (std::size_t g = 0; g < 10; ++g) {
    const std::string name = g == 0 ? "all" : fmt::format("g{}", g);
    in.groups.push_back(name);
    abilities.groups.push_back(name);
    abilities.figures.emplace_back();
    for (std::size_t r = 0; r < 10; ++r)
      abilities.figures.back().push_back({0.3 + 0.65 * rng.uniform01(), "", false, true});
    in.people.emplace_back();
  }
  for (std::size_t z = 0; z < zones; ++z) {
    in.zone_ids.push_back(fmt::format("z{}", z));
    for (auto& people : in.people) people.push_back(static_cast<double>(100 + rng.uniform_index(1000)));
    std::array<double, kChannelCount> available{};
    std::array<double, kChannelCount> travel{};
    for (const Channel c : {Channel::InPerson, Channel::Terminal, Channel::Assisted, Channel::Outreach}) {
      available[static_cast<std::size_t>(c)] = rng.uniform_index(3) == 0 ? 0.0 : 1.0;
      travel[static_cast<std::size_t>(c)] = static_cast<double>(rng.uniform_index(60));
    }
    available[static_cast<std::size_t>(Channel::Online)] = 0.7 + 0.3 * rng.uniform01();
    available[static_cast<std::size_t>(Channel::Phone)] = 1.0;
    in.place.available.push_back(available);
    in.place.travel_minutes.push_back(travel);
    if (offices) {
      in.place.office_available.push_back(
          {rng.uniform_index(3) == 0 ? 0.0 : 1.0, rng.uniform_index(3) == 0 ? 0.0 : 1.0});
      in.place.office_travel_minutes.push_back(
          {static_cast<double>(rng.uniform_index(60)), static_cast<double>(rng.uniform_index(60))});
    }
  }
  for (auto _ : state) {
    const auto result = j::evaluate_journeys(cat, abilities, in);
    benchmark::DoNotOptimize(result.matters.data());
  }
  state.counters["cells"] = static_cast<double>(zones * 10 * matters);
}
BENCHMARK(BM_Journeys)
    ->Args({1000, 50, 0})
    ->Args({10000, 50, 0})
    ->Args({10000, 50, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

// Service journeys on a worked example by hand (docs/journeys.md shows the arithmetic), the properties the
// issue names (reasons add up to failures; removing a requirement never lowers completion; an online-only
// step hurts those without devices and helps nobody), the catalogue's and the abilities' checks, and the
// whole run from files.

#include "journeys/journeys_reference.hpp"
#include "journeys/journeys_run.hpp"
#include "test_support.hpp"

#include "core/random.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <stdexcept>
#include <unistd.h>

namespace equalis::journeys {
namespace {

using access::Channel;
using test_support::error_of;

std::string write(const std::string& name, const std::string& text) {
  const auto path =
      (std::filesystem::temp_directory_path() / fmt::format("equalis_journeys_{}_{}", ::getpid(), name))
          .string();
  std::ofstream(path) << text;
  return path;
}

// The allowance: only people with local household registration may claim it; apply online (smartphone
// and e-ID, 10 min) or at the office (30 min); receive online (smartphone, 5 min) or at the office (20).
const char* kCatalogue = R"(
[requirements]
smartphone = "a smartphone"
e_id = "an electronic ID"
local_hukou = "local household registration"

[[matter]]
id = "allowance"
name = "Elderly allowance"
rule = "local_hukou"
  [[matter.step]]
  id = "apply"
  channels = [
    { channel = "online", requires = ["smartphone", "e_id"], minutes = 10 },
    { channel = "in-person", minutes = 30 },
  ]
  [[matter.step]]
  id = "receive"
  channels = [
    { channel = "online", requires = ["smartphone"], minutes = 5 },
    { channel = "in-person", minutes = 20, money = 2 },
  ]
)";

std::string abilities_file() {
  return write(
      "abilities.csv",
      "group,requirement,probability,source,illustrative\nall,smartphone,0.5,test,1\nall,e_id,0.4,test,1\n"
      "all,local_hukou,0.9,test,0\n");
}

// Zone A: an office 10 minutes away (within the standard); zone B: none within it. 100 people each.
JourneyInputs two_zones() {
  JourneyInputs in;
  in.zone_ids = {"A", "B"};
  in.groups = {"all"};
  in.people = {{100.0, 100.0}};
  std::array<double, access::kChannelCount> a{};
  a[static_cast<std::size_t>(Channel::InPerson)] = 1.0;
  a[static_cast<std::size_t>(Channel::Online)] = 1.0;
  std::array<double, access::kChannelCount> b = a;
  b[static_cast<std::size_t>(Channel::InPerson)] = 0.0;
  std::array<double, access::kChannelCount> travel{};
  travel[static_cast<std::size_t>(Channel::InPerson)] = 10.0;
  in.place.available = {a, b};
  in.place.travel_minutes = {travel, travel};
  return in;
}

double reason_people(const MatterResult& matter, std::size_t group, const std::string& needle) {
  double people = 0.0;
  for (std::size_t k = 0; k < matter.reasons.size(); ++k) {
    if (matter.reasons[k].text.find(needle) != std::string::npos)
      people += matter.groups[group].failing_by_reason[k];
  }
  return people;
}

TEST(Journeys, WorkedExampleByHand) {
  const Catalogue catalogue = parse_catalogue(kCatalogue, "catalogue.toml");
  const GroupAbilities abilities = read_abilities(abilities_file(), catalogue);
  const JourneyResult result = evaluate_journeys(catalogue, abilities, two_zones());
  ASSERT_EQ(result.matters.size(), 1U);
  const MatterResult& m = result.matters[0];
  // Zone A, local residents (0.9): phone and e-ID (0.2) all online, 15 min; phone only (0.3) apply at the
  // office (30 + 2 × 10) then receive online; no phone (0.5) both at the office in one trip (30 + 20 + 20).
  const JourneyCell& a = m.cells[0][0];
  EXPECT_NEAR(a.eligible, 0.9, 1e-12);
  EXPECT_NEAR(a.completion, 0.9, 1e-12);
  EXPECT_NEAR(a.visits, 0.8, 1e-12);
  EXPECT_NEAR(a.more_than_one, 0.0, 1e-12);
  EXPECT_NEAR(a.minutes, 0.2 * 15 + 0.3 * 55 + 0.5 * 70, 1e-9);
  EXPECT_NEAR(a.money, 0.5 * 2, 1e-12);
  // Zone B has no office: only phone + e-ID finish (0.9 × 0.2). Reasons, for the channel that came closest
  // (fewest things missing; online, listed first, on a tie): the rule 0.1; phone without e-ID 0.27 (e-ID);
  // e-ID without phone 0.18 (smartphone); neither 0.27 (online lacks two: the office is missing).
  const JourneyCell& b = m.cells[1][0];
  EXPECT_NEAR(b.completion, 0.18, 1e-12);
  EXPECT_NEAR(reason_people(m, 0, "matter's rule"), 10.0 + 10.0, 1e-9);
  EXPECT_NEAR(reason_people(m, 0, "lacks 'e_id'"), 27.0, 1e-9);
  EXPECT_NEAR(reason_people(m, 0, "lacks 'smartphone'"), 18.0, 1e-9);
  EXPECT_NEAR(reason_people(m, 0, "no in-person channel"), 27.0, 1e-9);
  EXPECT_NE(m.reasons[b.main_reason].kind, "rule");
  // The reasons add up to the failures.
  const MatterGroup& all = m.groups[0];
  const double failing = std::accumulate(all.failing_by_reason.begin(), all.failing_by_reason.end(), 0.0);
  EXPECT_NEAR(failing, all.people - all.completing, 1e-9);
  EXPECT_NEAR(all.completing, 90.0 + 18.0, 1e-9);
  EXPECT_EQ(result.illustrative, (std::vector<std::string>{"all: e_id", "all: smartphone"}));
}

TEST(Journeys, ChoiceRulesAndTripsBetweenOnlineSteps) {
  // Apply at the office, check online, collect at the office: two trips; prefer-offline keeps all three
  // at the office when it can (one trip).
  const Catalogue catalogue = parse_catalogue(R"(
[requirements]
smartphone = "a smartphone"
[[matter]]
id = "licence"
  [[matter.step]]
  id = "apply"
  channels = [{ channel = "in-person", minutes = 10 }]
  [[matter.step]]
  id = "check"
  channels = [{ channel = "online", requires = ["smartphone"], minutes = 1 }, { channel = "in-person", minutes = 10 }]
  [[matter.step]]
  id = "collect"
  channels = [{ channel = "in-person", minutes = 10 }]
)",
                                              "c.toml");
  const auto abilities =
      read_abilities(write("one.csv", "group,requirement,probability\nall,smartphone,1\n"), catalogue);
  JourneyInputs in = two_zones();
  auto result = evaluate_journeys(catalogue, abilities, in);
  EXPECT_NEAR(result.matters[0].cells[0][0].visits, 2.0, 1e-12);
  EXPECT_NEAR(result.matters[0].cells[0][0].more_than_one, 1.0, 1e-12);
  EXPECT_NEAR(result.matters[0].at_most_one_visit, 0.0, 1e-12);
  JourneyOptions offline;
  offline.choice = ChoiceRule::PreferOffline;
  result = evaluate_journeys(catalogue, abilities, in, offline);
  EXPECT_NEAR(result.matters[0].cells[0][0].visits, 1.0, 1e-12);
  EXPECT_NEAR(result.matters[0].cells[0][0].minutes, 30.0 + 20.0, 1e-12);
}

// Removing a requirement never lowers anyone's completion; making a step online-only lowers it for those
// without a phone and raises it for nobody.
TEST(Journeys, RemovingARequirementHelpsAndOnlineOnlyHurts) {
  const Catalogue base = parse_catalogue(kCatalogue, "catalogue.toml");
  const auto abilities = read_abilities(abilities_file(), base);
  const auto before = evaluate_journeys(base, abilities, two_zones());
  std::string relaxed_text = kCatalogue;
  const std::string needs = R"(requires = ["smartphone", "e_id"])";
  relaxed_text.replace(relaxed_text.find(needs), needs.size(), R"(requires = ["smartphone"])");
  const auto relaxed = evaluate_journeys(parse_catalogue(relaxed_text, "r.toml"), abilities, two_zones());
  std::string online_only = kCatalogue;
  const std::string counter = R"(    { channel = "in-person", minutes = 30 },)";
  online_only.erase(online_only.find(counter), counter.size());
  const auto cut = evaluate_journeys(parse_catalogue(online_only, "o.toml"), abilities, two_zones());
  for (std::size_t z = 0; z < 2; ++z) {
    EXPECT_GE(relaxed.matters[0].cells[z][0].completion, before.matters[0].cells[z][0].completion - 1e-12)
        << z;
    EXPECT_LE(cut.matters[0].cells[z][0].completion, before.matters[0].cells[z][0].completion + 1e-12) << z;
  }
  EXPECT_GT(relaxed.matters[0].cells[1][0].completion, before.matters[0].cells[1][0].completion);
  EXPECT_NEAR(cut.matters[0].cells[0][0].completion, 0.9 * 0.2, 1e-12);  // zone A loses those without both
}

// A rule changes only the people it excludes: relaxing it raises eligibility, nothing else fails more.
TEST(Journeys, RelaxingTheRuleOnlyChangesThoseItExcluded) {
  const Catalogue strict = parse_catalogue(kCatalogue, "catalogue.toml");
  std::string text = kCatalogue;
  text.replace(text.find(R"(rule = "local_hukou")"), 20, R"(rule = "local_hukou or true")");
  const Catalogue relaxed = parse_catalogue(text, "relaxed.toml");
  const auto abilities = read_abilities(abilities_file(), strict);
  const auto a = evaluate_journeys(strict, abilities, two_zones()).matters[0];
  const auto b = evaluate_journeys(relaxed, abilities, two_zones()).matters[0];
  EXPECT_NEAR(b.groups[0].eligible, 200.0, 1e-9);
  EXPECT_NEAR(reason_people(b, 0, "rule"), 0.0, 1e-12);
  // The newly eligible fail (or finish) like everyone else: completion rises by a tenth over 0.9.
  EXPECT_NEAR(b.groups[0].completing, a.groups[0].completing / 0.9, 1e-9);
  EXPECT_NEAR(reason_people(b, 0, "lacks 'e_id'"), reason_people(a, 0, "lacks 'e_id'") / 0.9, 1e-9);
}

// The engine groups zones by their place channels and the order of options and adds travel per trip;
// a direct transcription — every combination of requirements and place channels enumerated per zone, the
// cheapest usable option taken step by step — must give the same numbers on random instances.
TEST(Journeys, AgreesWithADirectEnumerationOnRandomInstances) {
  Rng rng(7);
  const std::array<Channel, 4> kinds{Channel::InPerson, Channel::Online, Channel::Terminal,
                                     Channel::Assisted};
  for (int instance = 0; instance < 25; ++instance) {
    Catalogue catalogue;
    catalogue.source = "random";
    for (const char* id : {"r0", "r1", "r2"})
      catalogue.requirements.push_back({id, id, std::nullopt, 0.0, 0.0, {}});
    Matter matter;
    matter.id = "m";
    matter.rule = instance % 3 == 0 ? "r0 or r1" : "";
    const std::size_t steps = 1 + rng.uniform_index(3);
    for (std::size_t s = 0; s < steps; ++s) {
      Step step;
      step.id = fmt::format("s{}", s);
      const std::size_t options = 1 + rng.uniform_index(3);
      for (std::size_t o = 0; o < options; ++o) {
        ChannelOption option;
        option.channel = kinds[rng.uniform_index(kinds.size())];
        for (std::size_t r = 0; r < 3; ++r) {
          if (rng.uniform_index(3) == 0) option.needs.push_back(r);
        }
        option.minutes = static_cast<double>(rng.uniform_index(40));
        option.money = static_cast<double>(rng.uniform_index(3));
        step.channels.push_back(option);
      }
      matter.steps.push_back(step);
    }
    catalogue.matters.push_back(matter);
    GroupAbilities abilities;
    abilities.file = "random";
    abilities.groups = {"all"};
    abilities.figures.assign(1, std::vector<AbilityFigure>(3));
    std::vector<double> p(3);
    for (std::size_t r = 0; r < 3; ++r) {
      p[r] = rng.uniform_index(4) == 0 ? 1.0 : 0.1 + 0.8 * rng.uniform01();
      abilities.figures[0][r] = {p[r], "", false, true};
    }
    JourneyInputs in;
    in.groups = {"all"};
    in.people = {{}};
    for (std::size_t z = 0; z < 4; ++z) {
      in.zone_ids.push_back(fmt::format("z{}", z));
      in.people[0].push_back(100.0);
      std::array<double, access::kChannelCount> available{};
      std::array<double, access::kChannelCount> travel{};
      for (std::size_t c = 0; c < access::kChannelCount; ++c) {
        const std::size_t draw = rng.uniform_index(3);
        available[c] = draw == 0 ? 0.0 : draw == 1 ? 1.0 : rng.uniform01();
        travel[c] = static_cast<double>(rng.uniform_index(30));
      }
      in.place.available.push_back(available);
      in.place.travel_minutes.push_back(travel);
    }
    const JourneyResult result = evaluate_journeys(catalogue, abilities, in);
    for (std::size_t z = 0; z < in.zone_ids.size(); ++z) {
      double eligible = 0.0, done = 0.0, visits = 0.0, minutes = 0.0, money = 0.0;
      for (unsigned combo = 0; combo < (1U << 3U); ++combo) {
        for (unsigned place = 0; place < (1U << access::kChannelCount); ++place) {
          double prob = 1.0;
          for (std::size_t r = 0; r < 3; ++r) prob *= ((combo >> r) & 1U) != 0 ? p[r] : 1.0 - p[r];
          for (std::size_t c = 0; c < access::kChannelCount; ++c)
            prob *= ((place >> c) & 1U) != 0 ? in.place.available[z][c] : 1.0 - in.place.available[z][c];
          if (prob == 0.0) continue;
          const auto met = [&](std::size_t r) { return ((combo >> r) & 1U) != 0; };
          const bool rule_ok = matter.rule.empty() || met(0) || met(1);
          if (rule_ok) eligible += prob;
          if (!rule_ok) continue;
          bool ok = true;
          double trips = 0.0, time = 0.0, fees = 0.0;
          int previous = -1;
          for (const auto& step : matter.steps) {
            const ChannelOption* best = nullptr;
            double best_time = 0.0;
            for (const auto& option : step.channels) {
              const auto c = static_cast<std::size_t>(option.channel);
              bool usable = ((place >> c) & 1U) != 0;
              for (const std::size_t r : option.needs) usable = usable && met(r);
              if (!usable) continue;
              const bool trip = option.channel != Channel::Online;
              const double t = option.minutes + (trip ? 2.0 * in.place.travel_minutes[z][c] : 0.0);
              if (best == nullptr || t < best_time || (t == best_time && option.money < best->money)) {
                best = &option;
                best_time = t;
              }
            }
            if (best == nullptr) {
              ok = false;
              break;
            }
            const auto c = static_cast<int>(best->channel);
            if (best->channel != Channel::Online) {
              if (previous != c) {
                trips += 1.0;
                time += 2.0 * in.place.travel_minutes[z][static_cast<std::size_t>(c)];
              }
              previous = c;
            } else {
              previous = -1;
            }
            time += best->minutes;
            fees += best->money;
          }
          if (!ok) continue;
          done += prob;
          visits += prob * trips;
          minutes += prob * time;
          money += prob * fees;
        }
      }
      const JourneyCell& cell = result.matters[0].cells[z][0];
      EXPECT_NEAR(cell.eligible, eligible, 1e-9) << instance << " zone " << z;
      EXPECT_NEAR(cell.completion, done, 1e-9) << instance << " zone " << z;
      if (done > 1e-12) {
        EXPECT_NEAR(cell.visits, visits / done, 1e-7) << instance << " zone " << z;
        EXPECT_NEAR(cell.minutes, minutes / done, 1e-6) << instance << " zone " << z;
        EXPECT_NEAR(cell.money, money / done, 1e-7) << instance << " zone " << z;
      }
    }
  }
}

// The engine reduces the requirement combinations to usability profiles and picks each zone's options from
// them (docs/PERFORMANCE.md); the engine as it was before (tests/journeys/journeys_reference.cpp, every
// combination evaluated per zone order) must give the same cells, totals and reasons on random instances:
// several groups and matters, rules on matters and steps, every channel, every choice rule, 0/1 and
// uncertain figures and place channels, travel times with ties.
TEST(Journeys, ProfilesAgreeWithTheFormerEngineOnRandomInstances) {
  Rng rng(2026);
  const std::array<Channel, 6> kinds{Channel::InPerson, Channel::Terminal, Channel::Online,
                                     Channel::Phone,    Channel::Assisted, Channel::Outreach};
  const std::array<ChoiceRule, 3> choices{ChoiceRule::Cheapest, ChoiceRule::PreferOnline,
                                          ChoiceRule::PreferOffline};
  const std::array<const char*, 5> rules{"", "r0 or r1", "r2", "not r3", "r1 and r0"};
  const auto close = [](double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b)); };
  for (int instance = 0; instance < 200; ++instance) {
    Catalogue catalogue;
    catalogue.source = "random";
    for (const char* id : {"r0", "r1", "r2", "r3", "r4"})
      catalogue.requirements.push_back({id, id, std::nullopt, 0.0, 0.0, {}});
    // From instance 100 on, two office kinds: some in-person options at them, r3 and r4 paper proofs that
    // they issue (fetched with a trip when missing, blocking when their office is out of reach).
    const bool offices = instance >= 100;
    if (offices) {
      catalogue.offices = {{"police", "", 0, 0}, {"civil", "", 0, 0}};
      catalogue.requirements[3].issued_by = 0;
      catalogue.requirements[3].minutes = 7.0;
      catalogue.requirements[3].money = 1.0;
      catalogue.requirements[4].issued_by = 1;
      catalogue.requirements[4].minutes = 3.0;
    }
    // Up to 8 matters: with many, the engine runs one matter per thread; with few, the zones in parallel.
    const std::size_t matters = 1 + rng.uniform_index(instance % 2 == 0 ? 3 : 8);
    for (std::size_t m = 0; m < matters; ++m) {
      Matter matter;
      matter.id = fmt::format("m{}", m);
      matter.rule = rules[rng.uniform_index(rules.size())];
      const std::size_t steps = 1 + rng.uniform_index(5);
      for (std::size_t s = 0; s < steps; ++s) {
        Step step;
        step.id = fmt::format("s{}", s);
        if (rng.uniform_index(4) == 0) step.rule = rules[rng.uniform_index(rules.size())];
        const std::size_t options = 1 + rng.uniform_index(5);
        for (std::size_t o = 0; o < options; ++o) {
          ChannelOption option;
          option.channel = kinds[rng.uniform_index(kinds.size())];
          for (std::size_t r = 0; r < 5; ++r) {
            if (rng.uniform_index(4) == 0) option.needs.push_back(r);
          }
          option.minutes = static_cast<double>(rng.uniform_index(20));
          option.money = static_cast<double>(rng.uniform_index(3));
          if (offices && option.channel == Channel::InPerson && rng.uniform_index(3) != 0)
            option.office = rng.uniform_index(2);
          step.channels.push_back(option);
        }
        matter.steps.push_back(step);
      }
      catalogue.matters.push_back(matter);
    }
    GroupAbilities abilities;
    abilities.file = "random";
    JourneyInputs in;
    const std::size_t groups = 1 + rng.uniform_index(3);
    for (std::size_t g = 0; g < groups; ++g) {
      const std::string name = g == 0 ? "all" : fmt::format("g{}", g);
      in.groups.push_back(name);
      abilities.groups.push_back(name);
      abilities.figures.emplace_back();
      for (std::size_t r = 0; r < 5; ++r) {
        const std::size_t draw = rng.uniform_index(5);
        const double p = draw == 0 ? 0.0 : draw == 1 ? 1.0 : 0.05 + 0.9 * rng.uniform01();
        abilities.figures.back().push_back({p, "", false, true});
      }
      in.people.emplace_back();
    }
    const std::size_t zones = 1 + rng.uniform_index(12);
    for (std::size_t z = 0; z < zones; ++z) {
      in.zone_ids.push_back(fmt::format("z{}", z));
      for (auto& people : in.people) people.push_back(static_cast<double>(rng.uniform_index(200)));
      std::array<double, access::kChannelCount> available{};
      std::array<double, access::kChannelCount> travel{};
      for (std::size_t c = 0; c < access::kChannelCount; ++c) {
        const std::size_t draw = rng.uniform_index(4);
        available[c] = draw == 0 ? 0.0 : draw == 1 ? rng.uniform01() : 1.0;
        travel[c] = static_cast<double>(rng.uniform_index(8));
      }
      in.place.available.push_back(available);
      in.place.travel_minutes.push_back(travel);
      if (offices) {
        in.place.office_available.emplace_back();
        in.place.office_travel_minutes.emplace_back();
        for (std::size_t k = 0; k < 2; ++k) {
          const std::size_t draw = rng.uniform_index(4);
          in.place.office_available.back().push_back(draw == 0 ? 0.0 : draw == 1 ? rng.uniform01() : 1.0);
          in.place.office_travel_minutes.back().push_back(static_cast<double>(rng.uniform_index(8)));
        }
      }
    }
    JourneyOptions options;
    options.choice = choices[rng.uniform_index(choices.size())];
    const JourneyResult fast = evaluate_journeys(catalogue, abilities, in, options);
    const JourneyResult slow = reference::evaluate_journeys_reference(catalogue, abilities, in, options);
    ASSERT_EQ(fast.matters.size(), slow.matters.size());
    EXPECT_EQ(fast.illustrative, slow.illustrative);
    for (std::size_t m = 0; m < fast.matters.size(); ++m) {
      const MatterResult& a = fast.matters[m];
      const MatterResult& b = slow.matters[m];
      ASSERT_EQ(a.reasons.size(), b.reasons.size()) << instance;
      for (std::size_t k = 0; k < a.reasons.size(); ++k) EXPECT_EQ(a.reasons[k].text, b.reasons[k].text);
      EXPECT_TRUE(close(a.at_most_one_visit, b.at_most_one_visit)) << instance;
      for (std::size_t z = 0; z < zones; ++z) {
        for (std::size_t g = 0; g < groups; ++g) {
          const JourneyCell& x = a.cells[z][g];
          const JourneyCell& y = b.cells[z][g];
          const std::string where = fmt::format("instance {} matter {} zone {} group {}", instance, m, z, g);
          EXPECT_TRUE(close(x.eligible, y.eligible)) << where;
          EXPECT_TRUE(close(x.completion, y.completion)) << where;
          EXPECT_TRUE(close(x.visits, y.visits)) << where << ": " << x.visits << " vs " << y.visits;
          EXPECT_TRUE(close(x.more_than_one, y.more_than_one)) << where;
          EXPECT_TRUE(close(x.minutes, y.minutes)) << where << ": " << x.minutes << " vs " << y.minutes;
          EXPECT_TRUE(close(x.money, y.money)) << where;
          EXPECT_EQ(x.main_reason, y.main_reason) << where;
        }
      }
      for (std::size_t g = 0; g < groups; ++g) {
        const MatterGroup& x = a.groups[g];
        const MatterGroup& y = b.groups[g];
        EXPECT_TRUE(close(x.people, y.people) && close(x.eligible, y.eligible) &&
                    close(x.completing, y.completing) && close(x.visits, y.visits) &&
                    close(x.more_than_one, y.more_than_one) && close(x.minutes, y.minutes) &&
                    close(x.money, y.money))
            << instance << " matter " << m << " group " << g;
        ASSERT_EQ(x.failing_by_reason.size(), y.failing_by_reason.size());
        for (std::size_t k = 0; k < x.failing_by_reason.size(); ++k)
          EXPECT_TRUE(close(x.failing_by_reason[k], y.failing_by_reason[k])) << instance << " reason " << k;
      }
    }
  }
}

// Office kinds: a transfer of household registration done at the police station (steps a and b, one trip),
// then at the civil-affairs office (c), then at the police again (d: another trip). By hand, in zone A
// (police 10 min away, civil affairs 15): 3 trips, 10 + 5 + 20 + 8 = 43 min at the desks plus travel
// 2 × 10 + 2 × 15 + 2 × 10 = 70, so 113 min. Zone B has no civil-affairs office in reach: nobody finishes,
// all for "no civil office where they live for step 'c'".
TEST(Journeys, OfficeKindsMakeTheirOwnTrips) {
  const Catalogue catalogue = parse_catalogue(R"(
[offices]
police = "the police station"
civil = "the civil-affairs office"
[requirements]
smartphone = "a smartphone"
[[matter]]
id = "transfer"
  [[matter.step]]
  id = "a"
  channels = [{ channel = "in-person", office = "police", minutes = 10 }]
  [[matter.step]]
  id = "b"
  channels = [{ channel = "in-person", office = "police", minutes = 5 }]
  [[matter.step]]
  id = "c"
  channels = [{ channel = "in-person", office = "civil", minutes = 20 }]
  [[matter.step]]
  id = "d"
  channels = [{ channel = "in-person", office = "police", minutes = 8, money = 3 }]
)",
                                              "kinds.toml");
  ASSERT_EQ(catalogue.offices.size(), 2U);
  EXPECT_EQ(catalogue.offices[1].id, "civil");
  EXPECT_EQ(catalogue.offices[1].line, 4U);
  GroupAbilities abilities;
  abilities.file = "none";
  abilities.groups = {"all"};
  abilities.figures.assign(1, std::vector<AbilityFigure>(1, AbilityFigure{1.0, "", false, true}));
  JourneyInputs in = two_zones();
  // The in-person channel of --facilities is 10 min away but no step uses it.
  in.place.office_available = {{1.0, 1.0}, {1.0, 0.0}};
  in.place.office_travel_minutes = {{10.0, 15.0}, {10.0, 0.0}};
  const JourneyResult result = evaluate_journeys(catalogue, abilities, in);
  const MatterResult& m = result.matters[0];
  EXPECT_NEAR(m.cells[0][0].completion, 1.0, 1e-12);
  EXPECT_NEAR(m.cells[0][0].visits, 3.0, 1e-12);
  EXPECT_NEAR(m.cells[0][0].more_than_one, 1.0, 1e-12);
  EXPECT_NEAR(m.cells[0][0].minutes, 113.0, 1e-9);
  EXPECT_NEAR(m.cells[0][0].money, 3.0, 1e-12);
  EXPECT_NEAR(m.cells[1][0].completion, 0.0, 1e-12);
  EXPECT_NEAR(reason_people(m, 0, "no civil office where they live for step 'c'"), 100.0, 1e-9);
  const auto civil =
      std::find_if(m.reasons.begin(), m.reasons.end(), [](const Reason& r) { return r.office == "civil"; });
  ASSERT_NE(civil, m.reasons.end());
  EXPECT_EQ(civil->kind, "place");
  // The inputs must carry one row per office kind.
  in.place.office_available.clear();
  const Error error = error_of([&] { (void)evaluate_journeys(catalogue, abilities, in); });
  EXPECT_NE(std::string(error.what()).find("2 office kinds"), std::string::npos) << error.what();
}

// Enrolment with a household certificate the police issue (ProofsAreFetchedWithAnExtraTripOrBlock).
const char* kProofCatalogue = R"(
[offices]
police = "the police station"
[requirements]
smartphone = "a smartphone"
certificate = { description = "a household certificate", issued_by = "police", minutes = 20, money = 5 }
[[matter]]
id = "enrol"
  [[matter.step]]
  id = "apply"
  channels = [
    { channel = "online", requires = ["smartphone", "certificate"], minutes = 10 },
    { channel = "in-person", requires = ["certificate"], minutes = 30 },
  ]
)";

GroupAbilities proof_abilities(const Catalogue& catalogue) {
  return read_abilities(write("proof_abilities.csv",
                              "group,requirement,probability\nall,smartphone,0.5\nall,certificate,0.4\n"),
                        catalogue);
}

// Zone A: the school office 10 min away, the police 15; zone B: the school office, no police in reach.
JourneyInputs proof_inputs() {
  JourneyInputs in = two_zones();
  in.place.available[1][static_cast<std::size_t>(Channel::InPerson)] = 1.0;
  in.place.office_available = {{1.0}, {0.0}};
  in.place.office_travel_minutes = {{15.0}, {0.0}};
  return in;
}

// A paper proof issued by the police: enrolment online (smartphone and the certificate, 10 min) or at the
// school office (the certificate, 30 min; 10 min away); fetching the certificate takes 20 min and 5 yuan
// at the police station, 15 min away. Smartphone 0.5, certificate held 0.4, independent. By hand, zone A
// (police in reach):
//   phone, certificate (0.2): online, 0 trips, 10 min;
//   phone, no certificate (0.3): nothing usable as they are, so they fetch it: online after one trip to the
//     police, 10 + 20 + 2 × 15 = 60 min, 5 yuan;
//   no phone, certificate (0.2): the school office, 1 trip, 30 + 2 × 10 = 50 min;
//   neither (0.3): the police then the school office, 2 trips, 50 + 20 + 30 = 100 min, 5 yuan.
//   All finish: trips 0.3 + 0.2 + 0.6 = 1.1, more than one 0.3, minutes 2 + 18 + 10 + 30 = 60, money 3.
// Zone B (no police in reach): the 0.4 holding it finish (trips (0 + 0.2) / 0.4 = 0.5, minutes
// (2 + 10) / 0.4 = 30); the 0.6 without fail at "proof 'certificate' from police out of reach", for the
// online channel (phone: online lacks one thing, listed first) 0.3 and for the in-person channel 0.3.
TEST(Journeys, ProofsAreFetchedWithAnExtraTripOrBlock) {
  const Catalogue catalogue = parse_catalogue(kProofCatalogue, "proofs.toml");
  ASSERT_TRUE(catalogue.requirements[1].issued_by.has_value());
  const GroupAbilities abilities = proof_abilities(catalogue);
  const JourneyInputs in = proof_inputs();
  const JourneyResult result = evaluate_journeys(catalogue, abilities, in);
  const MatterResult& m = result.matters[0];
  const JourneyCell& a = m.cells[0][0];
  EXPECT_NEAR(a.completion, 1.0, 1e-12);
  EXPECT_NEAR(a.visits, 1.1, 1e-12);
  EXPECT_NEAR(a.more_than_one, 0.3, 1e-12);
  EXPECT_NEAR(a.minutes, 60.0, 1e-9);
  EXPECT_NEAR(a.money, 3.0, 1e-12);
  const JourneyCell& b = m.cells[1][0];
  EXPECT_NEAR(b.completion, 0.4, 1e-12);
  EXPECT_NEAR(b.visits, 0.5, 1e-12);
  EXPECT_NEAR(b.minutes, 30.0, 1e-9);
  EXPECT_NEAR(reason_people(m, 0, "proof 'certificate' from police out of reach for step 'apply' (online)"),
              30.0, 1e-9);
  EXPECT_NEAR(
      reason_people(m, 0, "proof 'certificate' from police out of reach for step 'apply' (in-person)"), 30.0,
      1e-9);
  EXPECT_NEAR(m.groups[0].people - m.groups[0].completing, 60.0, 1e-9);
  // The same numbers from the former engine, extended alike.
  const JourneyResult slow = reference::evaluate_journeys_reference(catalogue, abilities, in);
  EXPECT_NEAR(slow.matters[0].cells[0][0].minutes, 60.0, 1e-9);
  EXPECT_NEAR(slow.matters[0].cells[1][0].visits, 0.5, 1e-12);
}

TEST(Journeys, OfficeKindProblemsAreAllReportedAtOnce) {
  const Error error = error_of([] {
    (void)parse_catalogue(R"([offices]
police = "the police station"
[requirements]
certificate = { description = "a certificate", issued_by = "polise" }
permit = { description = "a permit", issued_at = "police" }
[[matter]]
id = "m"
  [[matter.step]]
  id = "a"
  channels = [{ channel = "in-person", office = "civil_affairs" }, { channel = "online", office = "police" }]
)",
                          "kinds.toml");
  });
  const std::string text = error.what();
  EXPECT_NE(text.find("kinds.toml:4:"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown office kind 'polise'"), std::string::npos) << text;
  EXPECT_NE(text.find("did you mean 'police'"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown requirement key 'issued_at'"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown office kind 'civil_affairs'"), std::string::npos) << text;
  EXPECT_NE(text.find("only an in-person channel is at an office kind"), std::string::npos) << text;
  EXPECT_NE(text.find("kinds.toml:10:"), std::string::npos) << text;
  // More office kinds than the engine's places hold, and more proofs in a matter than a usability holds.
  std::string many = "[offices]\n";
  for (int k = 0; k < 11; ++k) many += fmt::format("k{} = \"an office\"\n", k);
  const Error kinds =
      error_of([&] { (void)parse_catalogue(many + "[[matter]]\nid = \"m\"\n", "many.toml"); });
  EXPECT_NE(std::string(kinds.what()).find("11 office kinds (at most 10)"), std::string::npos)
      << kinds.what();
  std::string proofs = "[offices]\npolice = \"the police\"\n[requirements]\n";
  std::string needs;
  for (int r = 0; r < 16; ++r) {
    proofs += fmt::format("p{} = {{ description = \"a proof\", issued_by = \"police\" }}\n", r);
    needs += fmt::format("{}\"p{}\"", r == 0 ? "" : ", ", r);
  }
  const Catalogue catalogue = parse_catalogue(
      proofs + fmt::format("[[matter]]\nid = \"m\"\n[[matter.step]]\nid = \"a\"\nchannels = [{{ channel = "
                           "\"online\", requires = [{}] }}]\n",
                           needs),
      "proofs.toml");
  GroupAbilities abilities;
  abilities.file = "none";
  abilities.groups = {"all"};
  abilities.figures.assign(1, std::vector<AbilityFigure>(16, AbilityFigure{1.0, "", false, true}));
  JourneyInputs in = two_zones();
  in.place.office_available = {{1.0}, {1.0}};
  in.place.office_travel_minutes = {{1.0}, {1.0}};
  const Error limit = error_of([&] { (void)evaluate_journeys(catalogue, abilities, in); });
  EXPECT_NE(std::string(limit.what()).find("more than 15 proofs"), std::string::npos) << limit.what();
}

TEST(Journeys, CatalogueProblemsAreAllReportedAtOnce) {
  const Error error = error_of([] {
    (void)parse_catalogue(R"([requirements]
smartphone = "a smartphone"
[[matter]]
id = "m"
rule = "smartfone and"
  [[matter.step]]
  id = "apply"
  channels = [{ channel = "online", requires = ["smartfone"] }, { channel = "fax" }]
  [[matter.step]]
  id = "wait"
)",
                          "bad.toml");
  });
  const std::string text = error.what();
  EXPECT_NE(text.find("problems in the catalogue"), std::string::npos) << text;
  EXPECT_NE(text.find("bad.toml:5:"), std::string::npos) << text;  // the rule
  EXPECT_NE(text.find("did you mean 'smartphone'"), std::string::npos) << text;
  EXPECT_NE(text.find("'fax' is no channel"), std::string::npos) << text;
  EXPECT_NE(text.find("step 'wait' has no channel"), std::string::npos) << text;
  const Error toml = error_of([] { (void)parse_catalogue("[[matter]\n", "broken.toml"); });
  EXPECT_EQ(toml.code(), ErrorCode::Parse);
  ASSERT_TRUE(toml.where().has_value());
  EXPECT_EQ(toml.where()->line, 1U);
}

TEST(Journeys, AbilitiesAreCheckedRowByRow) {
  const Catalogue catalogue = parse_catalogue(kCatalogue, "catalogue.toml");
  const auto expect_error = [&](const std::string& text, const std::string& needle, std::size_t line) {
    const Error error = error_of([&] { (void)read_abilities(write("bad_abilities.csv", text), catalogue); });
    EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    ASSERT_TRUE(error.where().has_value()) << error.what();
    EXPECT_EQ(error.where()->line, line);
  };
  const std::string header = "group,requirement,probability\n";
  expect_error(header + "all,smartphon,0.5\n", "did you mean 'smartphone'", 2);
  expect_error(header + "all,e_id,40\n", "divide percentages", 2);
  expect_error(header + "all,e_id,0.4\nall,e_id,0.5\n", "two rows", 3);
  // A group without a figure and no "all" row for it is an error naming both.
  const auto partial = read_abilities(write("partial.csv", header + "pop_60plus,e_id,0.2\n"), catalogue);
  const Error missing = error_of([&] { (void)partial.of("pop_60plus", 0, catalogue); });
  EXPECT_NE(std::string(missing.what()).find("smartphone"), std::string::npos) << missing.what();
}

// Journey scenarios (scenario.hpp) on the worked example with three groups: everyone (the example's
// figures), people without devices or skills, and people with everything.
struct ScenarioFixture {
  Catalogue catalogue = parse_catalogue(kCatalogue, "catalogue.toml");
  GroupAbilities abilities = read_abilities(
      write("scenario_abilities.csv",
            "group,requirement,probability\nall,smartphone,0.5\nall,e_id,0.4\nall,local_hukou,0.9\n"
            "offline,smartphone,0\noffline,e_id,0.4\noffline,local_hukou,0.9\n"
            "connected,smartphone,1\nconnected,e_id,1\nconnected,local_hukou,0.9\n"),
      catalogue);
  JourneyInputs inputs = [] {
    JourneyInputs in = two_zones();
    in.groups = {"all", "offline", "connected"};
    in.people = {{100.0, 100.0}, {40.0, 60.0}, {60.0, 40.0}};
    for (auto& available : in.place.available) available[static_cast<std::size_t>(Channel::Phone)] = 1.0;
    return in;
  }();
  JourneyResult baseline = evaluate_journeys(catalogue, abilities, inputs);

  std::vector<ScenarioOutcome> run(const std::string& toml) const {
    const auto scenarios = parse_journey_scenarios(toml, "scenarios.toml");
    check_journey_scenarios(scenarios, catalogue, "scenarios.toml");
    return evaluate_scenarios(scenarios, catalogue, abilities, inputs, baseline);
  }
};

const ScenarioChange& change_of(const ScenarioOutcome& outcome, const std::string& group) {
  for (const auto& change : outcome.changes) {
    if (change.group == group) return change;
  }
  throw std::runtime_error("no change for group " + group);
}

TEST(JourneyScenarios, OnlineOnlyHurtsThoseWithoutDevicesAndHelpsNobody) {
  const ScenarioFixture f;
  const auto outcomes = f.run(R"([[scenario]]
name = "online only"
online_only = ["allowance"]
)");
  ASSERT_EQ(outcomes.size(), 1U);
  ASSERT_EQ(outcomes[0].changes.size(), 3U);
  for (const auto& change : outcomes[0].changes)
    EXPECT_LE(change.completion_after, change.completion_before + 1e-12) << change.group;
  EXPECT_NEAR(change_of(outcomes[0], "offline").completion_after, 0.0, 1e-12);
  EXPECT_TRUE(change_of(outcomes[0], "offline").loses);
  EXPECT_TRUE(change_of(outcomes[0], "all").loses);
  // Those with a phone and an e-ID finish as before, now without a trip: they do not lose.
  const ScenarioChange& connected = change_of(outcomes[0], "connected");
  EXPECT_NEAR(connected.completion_after, connected.completion_before, 1e-12);
  EXPECT_NEAR(connected.visits_after, 0.0, 1e-12);
  EXPECT_FALSE(connected.loses);
}

TEST(JourneyScenarios, RemovingARequirementNeverLowersCompletion) {
  const ScenarioFixture f;
  const auto outcomes = f.run(R"([[scenario]]
name = "no e-ID"
remove_requirement = ["e_id"]
[[scenario]]
name = "no e-ID to apply"
remove_requirement = [{ requirement = "e_id", within = "allowance.apply" }]
)");
  ASSERT_EQ(outcomes.size(), 2U);
  for (const auto& outcome : outcomes) {
    for (const auto& change : outcome.changes) {
      EXPECT_GE(change.completion_after, change.completion_before - 1e-12) << outcome.name << change.group;
      EXPECT_FALSE(change.completion_after < change.completion_before - 1e-12);
    }
    // Zone B has no office: without the e-ID, everyone eligible with a phone finishes online.
    EXPECT_GT(change_of(outcome, "all").completion_after, change_of(outcome, "all").completion_before);
  }
}

TEST(JourneyScenarios, RelaxingARuleChangesOnlyTheGroupsItExcluded) {
  const ScenarioFixture f;
  const auto outcomes = f.run(R"([[scenario]]
name = "no registration rule"
relax_rule = ["allowance"]
)");
  ASSERT_EQ(outcomes.size(), 1U);
  for (const auto& change : outcomes[0].changes) {
    // The rule excluded a tenth of every group; those people now fail or finish like the rest.
    EXPECT_NEAR(change.completion_after, change.completion_before / 0.9, 1e-12) << change.group;
    EXPECT_NEAR(change.visits_after, change.visits_before, 1e-12) << change.group;
    EXPECT_FALSE(change.loses);
  }
  // A rule everybody meets excludes nobody: relaxing it changes nothing.
  ScenarioFixture all_local;
  all_local.abilities = read_abilities(
      write("local_abilities.csv",
            "group,requirement,probability\nall,smartphone,0.5\nall,e_id,0.4\nall,local_hukou,1\n"),
      all_local.catalogue);
  all_local.inputs = two_zones();
  all_local.baseline = evaluate_journeys(all_local.catalogue, all_local.abilities, all_local.inputs);
  const auto relaxed = all_local.run("[[scenario]]\nname = \"r\"\nrelax_rule = [\"allowance\"]\n");
  for (const auto& change : relaxed[0].changes)
    EXPECT_NEAR(change.completion_after, change.completion_before, 1e-15);
}

TEST(JourneyScenarios, AddedChannelsAndClosedChannels) {
  const ScenarioFixture f;
  const auto outcomes = f.run(R"([[scenario]]
name = "phone line"
add_channel = [{ step = "allowance.apply", channel = "phone", requires = [], minutes = 20 },
               { step = "allowance.receive", channel = "phone", minutes = 5 }]
[[scenario]]
name = "offices closed"
close_channels = ["in-person"]
)");
  ASSERT_EQ(outcomes.size(), 2U);
  // The phone is everywhere: every eligible person finishes; nobody loses (more finish).
  EXPECT_NEAR(change_of(outcomes[0], "offline").completion_after, 0.9, 1e-12);
  for (const auto& change : outcomes[0].changes) EXPECT_FALSE(change.loses) << change.group;
  // Without offices, zone A is like zone B: those without a phone and an e-ID fail.
  EXPECT_NEAR(change_of(outcomes[1], "all").completion_after, 0.18, 1e-12);
  EXPECT_TRUE(change_of(outcomes[1], "all").loses);
}

// Scenarios on proofs and office kinds (the enrolment above). "Data run instead of people run": the school
// office fetches the certificate itself (remove_requirement), so in zone B (no police in reach) everyone
// finishes: from (100 + 40) / 200 to 1. "A police desk": the apply step can also be done in person at the
// police (office = "police", 25 min, no certificate needed); worked out by hand below.
TEST(JourneyScenarios, ProofsAndOfficeKinds) {
  const Catalogue catalogue = parse_catalogue(kProofCatalogue, "proofs.toml");
  const GroupAbilities abilities = proof_abilities(catalogue);
  const JourneyInputs in = proof_inputs();
  const JourneyResult baseline = evaluate_journeys(catalogue, abilities, in);
  const auto scenarios = parse_journey_scenarios(R"([[scenario]]
name = "data run"
remove_requirement = ["certificate"]
[[scenario]]
name = "police desk"
add_channel = [{ step = "enrol.apply", channel = "in-person", office = "police", minutes = 25 }]
)",
                                                 "s.toml");
  check_journey_scenarios(scenarios, catalogue, "s.toml");
  const auto outcomes = evaluate_scenarios(scenarios, catalogue, abilities, in, baseline);
  ASSERT_EQ(outcomes.size(), 2U);
  EXPECT_NEAR(outcomes[0].changes[0].completion_before, 0.7, 1e-12);
  EXPECT_NEAR(outcomes[0].changes[0].completion_after, 1.0, 1e-12);
  EXPECT_FALSE(outcomes[0].changes[0].loses);
  // Police desk, zone A: phone and certificate (0.2) online, 10 min, no trip; phone only (0.3): the desk is
  // usable as they are (25 + 2 × 15 = 55 min, 1 trip), taken before fetching anything; certificate only
  // (0.2): the school office (50 min) before the desk (55), 1 trip; neither (0.3): the desk, 1 trip. So 0.8
  // trips in A; zone B is unchanged (40 finish, 0.5 trips): the mean over both, (80 + 20) / 140.
  const Catalogue with_desk = apply_scenario(scenarios[1], catalogue);
  const JourneyResult desk = evaluate_journeys(with_desk, abilities, in);
  EXPECT_NEAR(desk.matters[0].cells[0][0].visits, 0.8, 1e-12);
  EXPECT_NEAR(desk.matters[0].cells[0][0].minutes, 0.2 * 10 + 0.3 * 55 + 0.2 * 50 + 0.3 * 55, 1e-9);
  EXPECT_NEAR(desk.matters[0].cells[1][0].completion, 0.4, 1e-12);
  EXPECT_NEAR(outcomes[1].changes[0].visits_after, (80.0 + 20.0) / 140.0, 1e-12);
  // The police closed: zone A is then like zone B — only those who hold the certificate finish (40 of
  // 100 in each zone): from 140 / 200 to 80 / 200, and the group loses.
  const auto closed = parse_journey_scenarios(
      "[[scenario]]\nname = \"no police\"\nclose_offices = [\"police\"]\n", "closed.toml");
  check_journey_scenarios(closed, catalogue, "closed.toml");
  const auto without_police = evaluate_scenarios(closed, catalogue, abilities, in, baseline);
  EXPECT_NEAR(without_police[0].changes[0].completion_after, 0.4, 1e-12);
  EXPECT_TRUE(without_police[0].changes[0].loses);
  // An unknown office kind, and one on a channel that is not in person: both at their places.
  const auto bad = parse_journey_scenarios(R"([[scenario]]
name = "bad"
add_channel = [{ step = "enrol.apply", channel = "online", office = "polise" }]
close_offices = ["polis"]
)",
                                           "bad.toml");
  const Error error = error_of([&] { check_journey_scenarios(bad, catalogue, "bad.toml"); });
  const std::string text = error.what();
  EXPECT_NE(text.find("only an in-person channel is at an office kind"), std::string::npos) << text;
  EXPECT_NE(text.find("did you mean 'police'"), std::string::npos) << text;
  EXPECT_NE(text.find("bad.toml:3:"), std::string::npos) << text;
  EXPECT_NE(text.find("close_offices: unknown office kind 'polis'"), std::string::npos) << text;
  EXPECT_NE(text.find("bad.toml:4:"), std::string::npos) << text;
}

TEST(JourneyScenarios, ProblemsAreReportedAtOnceWithTheirPlaces) {
  const Catalogue catalogue = parse_catalogue(kCatalogue, "catalogue.toml");
  const auto scenarios = parse_journey_scenarios(R"([[scenario]]
name = "typos"
online_only = ["alowance"]
add_channel = [{ step = "allowance.aply", channel = "fax", requires = ["smartfone"] }]
remove_requirement = ["e_ib"]
relax_rule = ["allowance.apply"]
close_channels = ["in person"]
)",
                                                 "s.toml");
  const Error error = error_of([&] { check_journey_scenarios(scenarios, catalogue, "s.toml"); });
  const std::string text = error.what();
  EXPECT_NE(text.find("7 problems in the scenarios"), std::string::npos) << text;
  EXPECT_NE(text.find("s.toml:3:16: online_only: 'alowance'"), std::string::npos) << text;
  EXPECT_NE(text.find("did you mean 'allowance'"), std::string::npos) << text;
  EXPECT_NE(text.find("did you mean 'allowance.apply'"), std::string::npos) << text;
  EXPECT_NE(text.find("'fax' is no channel"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown requirement 'smartfone'"), std::string::npos) << text;
  EXPECT_NE(text.find("did you mean 'e_id'"), std::string::npos) << text;
  EXPECT_NE(text.find("'allowance.apply' has no rule"), std::string::npos) << text;
  EXPECT_NE(text.find("'in person' is no channel"), std::string::npos) << text;
  const Error keys =
      error_of([] { (void)parse_journey_scenarios("[[scenario]]\nonline = [\"m\"]\n", "k.toml"); });
  EXPECT_NE(std::string(keys.what()).find("unknown scenario key 'online'"), std::string::npos) << keys.what();
  EXPECT_NE(std::string(keys.what()).find("a scenario without a name"), std::string::npos) << keys.what();
}

// The whole run from files: the access module finds the office within the standard for A, not for B.
// Each office kind gets its own access run over the same costs: police station P is 5 min from A and 40 min
// from B (beyond the 30 min standard). Transfer: apply at the office X (A: 10 min away, 15 min at the desk),
// then stamp at the police (10 min): zone A, 2 trips, 15 + 20 + 10 + 10 = 55 min; zone B: nobody, "no
// police office where they live".
TEST(Journeys, OfficeKindsThroughTheRun) {
  JourneyRequest request;
  request.access.zones.file = write("kind_zones.csv", "id,population\nA,100\nB,100\n");
  request.access.facilities.file = write("kind_offices.csv", "id,capacity\nX,5\n");
  request.access.costs.matrix = write("kind_matrix.csv", "from,to,cost\nA,X,10\nB,X,10\nA,P,5\nB,P,40\n");
  request.access.costs.unit = io::CostUnit::Minutes;
  request.access.standard = "30min";
  request.catalogue = write("kind_catalogue.toml", R"([offices]
police = "the police station"
[requirements]
smartphone = "a smartphone"
[[matter]]
id = "transfer"
  [[matter.step]]
  id = "apply"
  channels = [{ channel = "in-person", minutes = 15 }]
  [[matter.step]]
  id = "stamp"
  channels = [{ channel = "in-person", office = "police", minutes = 10 }]
)");
  request.abilities = write("kind_abilities.csv", "group,requirement,probability\nall,smartphone,0.5\n");
  // Without the police's file: the kind is named at its line in the catalogue.
  const Error missing = error_of([&] { (void)run_journeys(request); });
  EXPECT_NE(std::string(missing.what()).find("kind_catalogue.toml:2:"), std::string::npos) << missing.what();
  EXPECT_NE(std::string(missing.what()).find("office kind 'police' has no facilities file"),
            std::string::npos)
      << missing.what();
  // A misspelt kind and the missing one, together.
  request.offices = {{"polise", "x.csv"}};
  const Error both = error_of([&] { (void)run_journeys(request); });
  EXPECT_NE(std::string(both.what()).find("did you mean 'police'"), std::string::npos) << both.what();
  EXPECT_NE(std::string(both.what()).find("has no facilities file"), std::string::npos) << both.what();
  request.offices = {{"police", write("kind_police.csv", "id\nP\n")}};
  const JourneyRunResult result = run_journeys(request);
  ASSERT_EQ(result.office_access.size(), 1U);
  const MatterResult& m = result.journeys.matters[0];
  EXPECT_NEAR(m.cells[0][0].completion, 1.0, 1e-12);
  EXPECT_NEAR(m.cells[0][0].visits, 2.0, 1e-12);
  EXPECT_NEAR(m.cells[0][0].minutes, 55.0, 1e-9);
  EXPECT_NEAR(m.cells[1][0].completion, 0.0, 1e-12);
  EXPECT_NEAR(reason_people(m, 0, "no police office where they live for step 'stamp'"), 100.0, 1e-9);
}

TEST(Journeys, RunFromFilesUsesTheAccessModule) {
  JourneyRequest request;
  request.access.zones.file = write("zones.csv", "id,population,pop_60plus\nA,100,30\nB,100,50\n");
  request.access.zones.group_columns = {"pop_60plus"};
  request.access.facilities.file = write("offices.csv", "id,capacity\nX,5\n");
  request.access.costs.matrix = write("matrix.csv", "from,to,cost\nA,X,600\nB,X,3600\n");
  request.access.costs.unit = io::CostUnit::Seconds;
  request.access.standard = "30min";
  request.catalogue = write("catalogue.toml", kCatalogue);
  request.abilities =
      write("abilities_groups.csv",
            "group,requirement,probability\nall,smartphone,0.5\nall,e_id,0.4\nall,local_hukou,0.9\n"
            "pop_60plus,smartphone,0.3\n");
  const JourneyRunResult result = run_journeys(request);
  const MatterResult& m = result.journeys.matters[0];
  EXPECT_NEAR(m.cells[0][0].completion, 0.9, 1e-12);
  EXPECT_NEAR(m.cells[0][0].minutes, 0.2 * 15 + 0.3 * 55 + 0.5 * 70, 1e-9);  // 600 s = 10 min each way
  EXPECT_NEAR(m.cells[1][0].completion, 0.18, 1e-12);
  EXPECT_NEAR(m.cells[1][1].completion, 0.9 * 0.3 * 0.4, 1e-12);  // older: fewer phones
  // Scenarios from a file and in memory, reported in that order.
  request.scenarios =
      write("scenarios.toml", "[[scenario]]\nname = \"online\"\nonline_only = [\"allowance\"]\n");
  JourneyScenario relaxed;
  relaxed.name = "no rule";
  relaxed.relax_rule.push_back({"allowance", 0, 0});
  request.scenario_list = {relaxed};
  const JourneyRunResult with = run_journeys(request);
  ASSERT_EQ(with.scenarios.size(), 2U);
  EXPECT_EQ(with.scenarios[0].name, "online");
  EXPECT_EQ(with.scenarios[1].changes[0].group, "all");
  EXPECT_NEAR(with.scenarios[1].changes[0].completion_after, (90.0 + 18.0) / 0.9 / 200.0, 1e-12);
  relaxed.relax_rule[0].text = "allowanse";
  request.scenario_list = {relaxed};
  const Error unknown = error_of([&] { (void)run_journeys(request); });
  EXPECT_NE(std::string(unknown.what()).find("`scenario_list`: relax_rule: 'allowanse'"), std::string::npos)
      << unknown.what();
  request.scenario_list.clear();
  request.access.costs.unit = io::CostUnit::Given;
  const Error error = error_of([&] { (void)run_journeys(request); });
  EXPECT_NE(std::string(error.what()).find("`cost_unit`"), std::string::npos) << error.what();
}

}  // namespace
}  // namespace equalis::journeys

namespace equalis::journeys {
namespace {

// Joint requirements, by hand: in zone B (no office) the allowance needs a smartphone and an e-ID online.
// Independently 0.5 × 0.4 of the 90 % the rule admits finish: 0.18. Jointly, when every e-ID holder also
// has a smartphone (shares 0.4 both, 0.1 smartphone only, 0.5 neither: the same marginals), 0.9 × 0.4 =
// 0.36. Zone A (an office) does not depend on them: 0.9 either way.
TEST(JointRequirements, ReplaceIndependenceAmongTheirRequirements) {
  const Catalogue catalogue = parse_catalogue(kCatalogue, "catalogue.toml");
  GroupAbilities abilities = read_abilities(abilities_file(), catalogue);
  const JourneyResult independent = evaluate_journeys(catalogue, abilities, two_zones());
  EXPECT_NEAR(independent.matters[0].cells[1][0].completion, 0.18, 1e-12);
  read_joint_requirements(
      write("joint.csv", "group,share,smartphone,e_id\nall,0.4,1,1\nall,0.1,1,0\nall,0.5,0,0\n"), catalogue,
      abilities);
  const JourneyResult joint = evaluate_journeys(catalogue, abilities, two_zones());
  EXPECT_NEAR(joint.matters[0].cells[1][0].completion, 0.36, 1e-12);
  EXPECT_NEAR(joint.matters[0].cells[0][0].completion, 0.9, 1e-12);
  EXPECT_NE(joint.assumption.find("joint table"), std::string::npos);
}

// A joint table that is the product of the marginals gives the independent result, cell for cell; one that
// covers a single requirement is that requirement's figure.
TEST(JointRequirements, TheProductTableIsIndependence) {
  const Catalogue catalogue = parse_catalogue(kCatalogue, "catalogue.toml");
  const GroupAbilities plain = read_abilities(abilities_file(), catalogue);
  const JourneyResult independent = evaluate_journeys(catalogue, plain, two_zones());
  for (const char* table :
       {"group,share,smartphone,e_id\nall,0.2,1,1\nall,0.3,1,0\nall,0.2,0,1\nall,0.3,0,0\n",
        "group,share,e_id\nall,0.4,1\nall,0.6,0\n"}) {
    GroupAbilities abilities = plain;
    read_joint_requirements(write("product.csv", table), catalogue, abilities);
    const JourneyResult joint = evaluate_journeys(catalogue, abilities, two_zones());
    for (std::size_t z = 0; z < 2; ++z) {
      const JourneyCell& a = independent.matters[0].cells[z][0];
      const JourneyCell& b = joint.matters[0].cells[z][0];
      EXPECT_NEAR(a.completion, b.completion, 1e-12) << table;
      EXPECT_NEAR(a.visits, b.visits, 1e-12) << table;
      EXPECT_NEAR(a.minutes, b.minutes, 1e-9) << table;
    }
  }
}

TEST(JointRequirements, BadTablesAreRefusedAtTheirPlace) {
  const Catalogue catalogue = parse_catalogue(kCatalogue, "catalogue.toml");
  const auto fails = [&](const std::string& text, const std::string& expected) {
    GroupAbilities abilities = read_abilities(abilities_file(), catalogue);
    const Error error =
        error_of([&] { read_joint_requirements(write("bad_joint.csv", text), catalogue, abilities); });
    EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
  };
  fails("group,share,smartfone\nall,1,1\n", "did you mean 'smartphone'");
  fails("group,share,smartphone\nall,0.5,1\nall,0.4,0\n", "sum to 0.9");
  fails("group,share,smartphone\nall,0.5,2\nall,0.5,0\n", "bad_joint.csv:2:");
  fails("group,share,smartphone\nall,50,1\nall,50,0\n", "not in [0, 1]");
  fails("group,share,smartphone\nall,0.5,1\nall,0.5,1\n", "combination twice");
}

}  // namespace
}  // namespace equalis::journeys

namespace equalis::journeys {
namespace {

// A proof the police issue only to local residents: in zone A (police in reach) 0.4 hold the certificate,
// and of the 0.6 without it those with local registration (0.5) fetch it: 0.4 + 0.3 = 0.7 finish; the other
// 0.3 fail for the proof, the reason saying what the office asks. Zone B (no police): 0.4.
TEST(ProofRequirements, AnOfficeIssuesAProofOnlyToThoseWhoMeetItsOwnRequirements) {
  const Catalogue catalogue = parse_catalogue(R"(
[offices]
police = "the police station"
[requirements]
certificate = { description = "a household certificate", issued_by = "police", minutes = 20, requires = ["local_hukou"] }
local_hukou = "local household registration"
[[matter]]
id = "enrol"
  [[matter.step]]
  id = "apply"
  channels = [{ channel = "in-person", requires = ["certificate"], minutes = 30 }]
)",
                                              "proofs.toml");
  ASSERT_EQ(catalogue.requirements[0].fetch_needs, std::vector<std::size_t>{1});
  const GroupAbilities abilities = read_abilities(
      write("proof_hukou.csv", "group,requirement,probability\nall,certificate,0.4\nall,local_hukou,0.5\n"),
      catalogue);
  JourneyInputs in = two_zones();
  in.place.available[1][static_cast<std::size_t>(Channel::InPerson)] = 1.0;
  in.place.office_available = {{1.0}, {0.0}};
  in.place.office_travel_minutes = {{15.0}, {0.0}};
  const JourneyResult result = evaluate_journeys(catalogue, abilities, in);
  const MatterResult& enrol = result.matters[0];
  EXPECT_NEAR(enrol.cells[0][0].completion, 0.7, 1e-12);
  EXPECT_NEAR(enrol.cells[1][0].completion, 0.4, 1e-12);
  const Reason& reason = enrol.reasons[enrol.cells[0][0].main_reason];
  EXPECT_NE(reason.text.find("it asks for local_hukou"), std::string::npos) << reason.text;
}

TEST(ProofRequirements, BadOnesAreReportedAtOnceWithTheirPlaces) {
  const Error error = error_of([] {
    (void)parse_catalogue(R"([offices]
police = "the police station"
[requirements]
certificate = { issued_by = "police", requires = ["local_hukuo", "id_card"] }
id_card = { issued_by = "police" }
local_hukou = "local household registration"
e_id = { description = "an e-ID", requires = ["local_hukou"] }
[[matter]]
id = "m"
  [[matter.step]]
  id = "s"
  channels = [{ channel = "in-person", requires = ["certificate"] }]
)",
                          "bad_proofs.toml");
  });
  const std::string text = error.what();
  EXPECT_NE(text.find("did you mean 'local_hukou'"), std::string::npos) << text;
  EXPECT_NE(text.find("'id_card', itself a proof"), std::string::npos) << text;
  EXPECT_NE(text.find("only a proof issued by an office has requirements of its own"), std::string::npos)
      << text;
  EXPECT_NE(text.find("bad_proofs.toml:4:"), std::string::npos) << text;
  EXPECT_NE(text.find("bad_proofs.toml:7:"), std::string::npos) << text;
}

}  // namespace
}  // namespace equalis::journeys

namespace equalis::journeys {
namespace {

// Assisted help with a capacity, rationed on the journey's own need, by hand: 100 people in zone A, no
// office within the standard, an assisted site 10 min away. Half have a smartphone and apply online; the
// other half finish only with help: a need of 50. A site with capacity 20 serves 20 / 50 = 0.4 of them, so
// 0.5 + 0.5 × 0.4 = 0.7 finish (1.0 with unlimited help, 0.5 without any).
TEST(JourneyRun, HelpWithACapacityIsRationedOnThoseWhoNeedItForTheJourney) {
  JourneyRequest request;
  request.access.zones.file = write("help_zones.csv", "id,population\nA,100\n");
  request.access.facilities.file = write("help_offices.csv", "id,capacity\nX,5\n");
  request.access.costs.matrix = write("help_matrix.csv", "from,to,cost\nA,X,100\nA,S,10\n");
  request.access.costs.unit = io::CostUnit::Minutes;
  request.access.standard = "30min";
  request.catalogue = write("help_catalogue.toml", R"([requirements]
smartphone = "a smartphone"
[[matter]]
id = "claim"
  [[matter.step]]
  id = "apply"
  channels = [{ channel = "online", requires = ["smartphone"], minutes = 10 },
              { channel = "assisted", minutes = 30 }, { channel = "in-person", minutes = 20 }]
)");
  request.abilities = write("help_abilities.csv", "group,requirement,probability\nall,smartphone,0.5\n");
  access::ChannelOffer sites;
  sites.assisted = write("help_sites.csv", "id,capacity\nS,20\n");
  request.access.channels = sites;
  const JourneyRunResult rationed = run_journeys(request);
  EXPECT_NEAR(rationed.journeys.matters[0].cells[0][0].completion, 0.7, 1e-12);
  ASSERT_EQ(rationed.rationed.size(), 1U);
  EXPECT_EQ(rationed.rationed[0].channel, "assisted");
  EXPECT_NEAR(rationed.rationed[0].need, 50.0, 1e-9);
  EXPECT_NEAR(rationed.rationed[0].capacity, 20.0, 1e-12);
  EXPECT_NEAR(rationed.rationed[0].served, 20.0, 1e-9);
  sites.assisted = write("help_sites_unlimited.csv", "id\nS\n");
  request.access.channels = sites;
  const JourneyRunResult unlimited = run_journeys(request);
  EXPECT_NEAR(unlimited.journeys.matters[0].cells[0][0].completion, 1.0, 1e-12);
  EXPECT_TRUE(unlimited.rationed.empty());
}

}  // namespace
}  // namespace equalis::journeys

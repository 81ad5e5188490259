// The journeys engine as it was before the usability profiles (docs/PERFORMANCE.md, "Journeys"): every
// requirement combination evaluated per distinct (place mask, option order). Kept for the tests only, as
// the reference the faster engine must agree with on every number and reason. Its loops run on one
// thread here (a test on a loaded machine pays dearly for OpenMP regions over a few zones).

#include "journeys/journeys_reference.hpp"

#include "audit/rules.hpp"
#include "core/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <span>

namespace equalis::journeys::reference {

namespace {

using access::Channel;
using access::kChannelCount;

constexpr std::size_t kMaxUncertain = 20;

template <typename T>
using PerPlace = std::array<T, kPlaceSlots>;  // per channel, then per office kind

// A trip is made to a site: in person, a terminal, an assisted site. Outreach comes to the person.
constexpr bool is_trip(Channel channel) {
  return channel == Channel::InPerson || channel == Channel::Terminal || channel == Channel::Assisted;
}

std::string_view spelled(Channel channel) {
  switch (channel) {
    case Channel::InPerson:
      return "in-person";
    case Channel::Terminal:
      return "terminal";
    case Channel::Online:
      return "online";
    case Channel::Phone:
      return "phone";
    case Channel::Assisted:
      return "assisted";
    case Channel::Outreach:
      return "outreach";
  }
  return "";
}

// The rules of one matter, bound to the requirements as 0/1 fields.
struct BoundRules {
  std::unique_ptr<audit::Rule> matter;
  std::vector<std::unique_ptr<audit::Rule>> steps;  // null where a step has none
};

std::unique_ptr<audit::Rule> bind_rule(const std::string& text, const std::vector<std::string>& header,
                                       const std::string& source) {
  if (text.empty()) return nullptr;
  auto rule = std::make_unique<audit::Rule>(audit::Rule::parse(text));
  rule->bind(header, source);
  return rule;
}

// The reasons of a matter, each registered once, in the order first met.
class ReasonBook {
 public:
  std::uint32_t rule(const std::string& step) {
    return add({step.empty() ? "not eligible under the matter's rule"
                             : fmt::format("not eligible under the rule of step '{}'", step),
                "rule", step, "", "", ""});
  }
  std::uint32_t requirement(const std::string& step, const std::string& requirement, Channel channel) {
    return add({fmt::format("lacks '{}' for step '{}' ({})", requirement, step, spelled(channel)),
                "requirement", step, requirement, std::string(spelled(channel)), ""});
  }
  std::uint32_t place(const std::string& step, Channel channel, const std::string& office) {
    if (!office.empty()) {
      return add({fmt::format("no {} office where they live for step '{}'", office, step), "place", step, "",
                  std::string(spelled(channel)), office});
    }
    return add({fmt::format("no {} channel where they live for step '{}'", spelled(channel), step), "place",
                step, "", std::string(spelled(channel)), ""});
  }
  std::uint32_t proof(const std::string& step, const std::string& requirement, const std::string& office,
                      Channel channel) {
    return add({fmt::format("proof '{}' from {} out of reach for step '{}' ({})", requirement, office, step,
                            spelled(channel)),
                "proof", step, requirement, std::string(spelled(channel)), office});
  }
  std::vector<Reason> take() { return std::move(reasons_); }
  [[nodiscard]] std::size_t size() const { return reasons_.size(); }

 private:
  std::uint32_t add(Reason reason) {
    const auto found = index_.find(reason.text);
    if (found != index_.end()) return found->second;
    const auto at = static_cast<std::uint32_t>(reasons_.size());
    index_.emplace(reason.text, at);
    reasons_.push_back(std::move(reason));
    return at;
  }
  std::vector<Reason> reasons_;
  std::map<std::string, std::uint32_t> index_;
};

// What one combination of requirements met and channels present gives for a matter.
struct Outcome {
  bool eligible = true;
  bool done = false;
  std::uint32_t reason = 0;  // when not done
  double visits = 0.0;
  double step_minutes = 0.0;  // the steps' own time, travel excluded
  double money = 0.0;
  PerPlace<double> trips{};  // trips per kind of site (travel is added per zone)
};

// The options of every step in the order a person tries them (the choice rule applied to one zone's
// travel times); zones with the same order share their results.
using Ranking = std::vector<std::uint8_t>;

class MatterEvaluator {
 public:
  MatterEvaluator(const Matter& matter, const Catalogue& catalogue) : matter_(matter), catalogue_(catalogue) {
    std::vector<std::string> header;
    for (const auto& r : catalogue.requirements) header.push_back(r.id);
    rules_.matter = bind_rule(matter.rule, header, catalogue.source);
    for (const auto& step : matter.steps)
      rules_.steps.push_back(bind_rule(step.rule, header, catalogue.source));
    // The requirements and channels this matter depends on: only those are enumerated.
    std::vector<std::uint8_t> used(catalogue.requirements.size(), 0);
    const auto mark_rule = [&](const audit::Rule* rule) {
      if (rule == nullptr) return;
      for (const auto& column : rule->columns()) used[catalogue.requirement_index(column)] = 1;
    };
    mark_rule(rules_.matter.get());
    for (std::size_t s = 0; s < matter.steps.size(); ++s) {
      mark_rule(rules_.steps[s].get());
      for (const auto& option : matter.steps[s].channels) {
        channels_used_[place_slot(option)] = 1;
        for (const std::size_t r : option.needs) {
          used[r] = 1;
          const auto issuer = catalogue.requirements[r].issued_by;
          if (issuer) channels_used_[kChannelCount + *issuer] = 1;
        }
      }
    }
    for (std::size_t r = 0; r < used.size(); ++r) {
      if (used[r] != 0) requirements_used_.push_back(r);
    }
    // Every reason registered up front (their order follows the catalogue); evaluation only reads them.
    if (rules_.matter) matter_rule_reason_ = book_.rule("");
    for (std::size_t s = 0; s < matter.steps.size(); ++s) {
      const Step& step = matter.steps[s];
      step_rule_reason_.push_back(rules_.steps[s] ? book_.rule(step.id) : 0);
      place_reason_.emplace_back();
      requirement_reason_.emplace_back();
      for (const auto& option : step.channels) {
        place_reason_.back().push_back(
            book_.place(step.id, option.channel, option.office ? catalogue.offices[*option.office].id : ""));
        requirement_reason_.back().emplace_back();
        for (const std::size_t r : option.needs) {
          const Requirement& need = catalogue.requirements[r];
          requirement_reason_.back().back().push_back(
              need.issued_by
                  ? book_.proof(step.id, need.id, catalogue.offices[*need.issued_by].id, option.channel)
                  : book_.requirement(step.id, need.id, option.channel));
        }
      }
    }
  }

  [[nodiscard]] const std::vector<std::size_t>& requirements_used() const { return requirements_used_; }
  [[nodiscard]] bool channel_used(std::size_t c) const { return channels_used_[c] != 0; }
  std::vector<Reason> take_reasons() { return book_.take(); }
  [[nodiscard]] std::size_t reason_count() const { return book_.size(); }

  // The order in which a person in a zone with these travel times tries each step's options.
  [[nodiscard]] Ranking rank(const PerPlace<double>& travel, ChoiceRule choice) const {
    Ranking out;
    std::vector<std::uint8_t> order;
    for (const Step& step : matter_.steps) {
      order.resize(step.channels.size());
      std::iota(order.begin(), order.end(), std::uint8_t{0});
      const auto preference = [&](const ChannelOption& option) {
        if (choice == ChoiceRule::PreferOnline) {
          if (option.channel == Channel::Online) return 0;
          if (option.channel == Channel::Phone) return 1;
        } else if (choice == ChoiceRule::PreferOffline && option.channel == Channel::InPerson) {
          return 0;
        }
        return 2;
      };
      std::stable_sort(order.begin(), order.end(), [&](std::uint8_t a, std::uint8_t b) {
        const ChannelOption& x = step.channels[a];
        const ChannelOption& y = step.channels[b];
        const int px = preference(x);
        const int py = preference(y);
        if (px != py) return px < py;
        if (px < 2) return false;  // preferred channels keep the catalogue's order
        const double tx = time_of(x, travel);
        const double ty = time_of(y, travel);
        if (tx != ty) return tx < ty;
        return x.money < y.money;
      });
      out.insert(out.end(), order.begin(), order.end());
    }
    return out;
  }

  // `met[r]`: requirement r met (catalogue index); `present[c]`: channel c there. `fields`: scratch of
  // one string view per requirement (the rules read "1" or "0").
  // A person who lacks a proof fetches it from its office (within reach) when no option of a step is usable
  // without it: one trip per office, before the steps.
  Outcome evaluate(const std::vector<std::uint8_t>& met, const PerPlace<std::uint8_t>& present,
                   const Ranking& ranking, std::vector<std::string_view>& fields) const {
    for (const std::size_t r : requirements_used_) fields[r] = met[r] != 0 ? "1" : "0";
    Outcome out;
    const auto passes = [&](const std::unique_ptr<audit::Rule>& rule) {
      return !rule || rule->evaluate(fields) == audit::Truth::True;
    };
    std::optional<std::uint32_t> failure;
    if (!passes(rules_.matter)) {
      out.eligible = false;
      failure = matter_rule_reason_;
    }
    // The kind of site of the previous step's trip (kChannelCount: the previous step made none).
    std::size_t previous_trip = kPlaceSlots;
    std::size_t offset = 0;
    std::vector<std::uint8_t> fetched(met.size(), 0);
    for (std::size_t s = 0; s < matter_.steps.size(); ++s) {
      const Step& step = matter_.steps[s];
      const std::span<const std::uint8_t> order(ranking.data() + offset, step.channels.size());
      offset += step.channels.size();
      if (!passes(rules_.steps[s])) {
        out.eligible = false;
        if (!failure) failure = step_rule_reason_[s];
      }
      if (failure) continue;  // the first failure is the reason; eligibility still reads every rule
      const ChannelOption* chosen = nullptr;
      for (const bool fetching : {false, true}) {
        for (const std::uint8_t o : order) {
          if (chosen == nullptr && usable(step.channels[o], met, present, fetching))
            chosen = &step.channels[o];
        }
      }
      if (chosen == nullptr) {
        failure = closest_miss(s, met, present);
        continue;
      }
      for (const std::size_t r : chosen->needs) fetched[r] = fetched[r] != 0 || met[r] == 0 ? 1 : 0;
      const std::size_t c = place_slot(*chosen);
      if (is_trip(chosen->channel)) {
        if (previous_trip != c) {  // consecutive steps at the same kind of site: one trip
          out.visits += 1.0;
          out.trips[c] += 1.0;
        }
        previous_trip = c;
      } else {
        previous_trip = kPlaceSlots;
      }
      out.step_minutes += chosen->minutes;
      out.money += chosen->money;
    }
    if (!failure) {
      PerPlace<std::uint8_t> offices{};
      for (std::size_t r = 0; r < fetched.size(); ++r) {
        if (fetched[r] == 0) continue;
        const Requirement& proof = catalogue_.requirements[r];
        out.step_minutes += proof.minutes;
        out.money += proof.money;
        offices[kChannelCount + *proof.issued_by] = 1;
      }
      for (std::size_t c = 0; c < kPlaceSlots; ++c) {
        out.visits += offices[c];
        out.trips[c] += offices[c];
      }
    }
    out.done = !failure;
    if (failure) out.reason = *failure;
    return out;
  }

 private:
  // Usable with what the person holds, or (`fetching`) also with proofs fetched from offices in reach.
  bool usable(const ChannelOption& option, const std::vector<std::uint8_t>& met,
              const PerPlace<std::uint8_t>& present, bool fetching) const {
    if (present[place_slot(option)] == 0) return false;
    return std::all_of(option.needs.begin(), option.needs.end(),
                       [&](std::size_t r) { return met[r] != 0 || (fetching && fetchable(r, present)); });
  }

  [[nodiscard]] bool fetchable(std::size_t r, const PerPlace<std::uint8_t>& present) const {
    const auto issuer = catalogue_.requirements[r].issued_by;
    return issuer && present[kChannelCount + *issuer] != 0;
  }

  static double time_of(const ChannelOption& option, const PerPlace<double>& travel) {
    return option.minutes + (is_trip(option.channel) ? 2.0 * travel[place_slot(option)] : 0.0);
  }

  // The channel that came closest (fewest things missing; the first listed on a tie) and the first thing
  // it lacked: the channel's absence where the person lives, else its first unmet requirement.
  std::uint32_t closest_miss(std::size_t s, const std::vector<std::uint8_t>& met,
                             const PerPlace<std::uint8_t>& present) const {
    const Step& step = matter_.steps[s];
    const auto lacks = [&](std::size_t r) { return met[r] == 0 && !fetchable(r, present); };
    std::size_t closest = 0;
    std::size_t fewest = std::numeric_limits<std::size_t>::max();
    for (std::size_t o = 0; o < step.channels.size(); ++o) {
      const ChannelOption& option = step.channels[o];
      std::size_t missing = present[place_slot(option)] == 0 ? 1U : 0U;
      for (const std::size_t r : option.needs) missing += lacks(r) ? 1U : 0U;
      if (missing < fewest) {
        closest = o;
        fewest = missing;
      }
    }
    const ChannelOption& option = step.channels[closest];
    if (present[place_slot(option)] == 0) return place_reason_[s][closest];
    for (std::size_t k = 0; k < option.needs.size(); ++k) {
      if (lacks(option.needs[k])) return requirement_reason_[s][closest][k];
    }
    return place_reason_[s][closest];  // not reached: an unusable channel misses something
  }

  const Matter& matter_;
  const Catalogue& catalogue_;
  BoundRules rules_;
  ReasonBook book_;
  std::vector<std::size_t> requirements_used_;
  PerPlace<std::uint8_t> channels_used_{};
  std::uint32_t matter_rule_reason_ = 0;
  std::vector<std::uint32_t> step_rule_reason_;
  std::vector<std::vector<std::uint32_t>> place_reason_;                     // [step][option]
  std::vector<std::vector<std::vector<std::uint32_t>>> requirement_reason_;  // [step][option][need]
};

// What a group gets from a matter where the place channels are fixed (present or not) and the options are
// tried in one order: every sum weighted by the probability of the requirement combination.
struct Stats {
  double eligible = 0.0;
  double completion = 0.0;
  double visits = 0.0;
  double more_than_one = 0.0;
  double step_minutes = 0.0;
  double money = 0.0;
  PerPlace<double> trips{};
  std::vector<double> failing;  // per reason
};

Stats group_stats(const MatterEvaluator& evaluator, const std::vector<double>& requirement_p,
                  const PerPlace<std::uint8_t>& present, const Ranking& ranking,
                  const std::string& matter_id) {
  std::vector<std::uint8_t> met(requirement_p.size(), 0);
  std::vector<std::size_t> uncertain;
  for (const std::size_t r : evaluator.requirements_used()) {
    if (requirement_p[r] >= 1.0)
      met[r] = 1;
    else if (requirement_p[r] > 0.0)
      uncertain.push_back(r);
  }
  if (uncertain.size() > kMaxUncertain) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("matter '{}' depends on {} uncertain requirements (at most {})", matter_id,
                            uncertain.size(), kMaxUncertain),
                "split the matter, or give 0/1 figures for requirements that everyone (or no one) meets");
  }
  Stats stats;
  stats.failing.assign(evaluator.reason_count(), 0.0);
  std::vector<std::string_view> fields(requirement_p.size(), "0");
  const std::uint64_t combinations = std::uint64_t{1} << uncertain.size();
  for (std::uint64_t mask = 0; mask < combinations; ++mask) {
    double probability = 1.0;
    for (std::size_t u = 0; u < uncertain.size(); ++u) {
      const bool on = ((mask >> u) & 1U) != 0;
      probability *= on ? requirement_p[uncertain[u]] : 1.0 - requirement_p[uncertain[u]];
      met[uncertain[u]] = on ? 1 : 0;
    }
    const Outcome outcome = evaluator.evaluate(met, present, ranking, fields);
    if (outcome.eligible) stats.eligible += probability;
    if (!outcome.done) {
      stats.failing[outcome.reason] += probability;
      continue;
    }
    stats.completion += probability;
    stats.visits += probability * outcome.visits;
    stats.more_than_one += outcome.visits > 1.0 ? probability : 0.0;
    stats.step_minutes += probability * outcome.step_minutes;
    stats.money += probability * outcome.money;
    for (std::size_t c = 0; c < kPlaceSlots; ++c) stats.trips[c] += probability * outcome.trips[c];
  }
  return stats;
}

// A zone's place channels as weighted masks: each uncertain channel (0 < p < 1) present or not.
struct PlaceMask {
  PerPlace<std::uint8_t> present{};
  double probability = 1.0;
  std::uint32_t stats_key = 0;  // index of (mask, ranking) among the distinct ones
};

std::vector<PlaceMask> place_masks(const MatterEvaluator& evaluator, const PerPlace<double>& available) {
  std::vector<PlaceMask> masks(1);
  for (std::size_t c = 0; c < kPlaceSlots; ++c) {
    if (!evaluator.channel_used(c)) continue;
    const double p = available[c];
    if (p >= 1.0) {
      for (auto& m : masks) m.present[c] = 1;
    } else if (p > 0.0) {
      std::vector<PlaceMask> both;
      for (const auto& m : masks) {
        PlaceMask with = m;
        with.present[c] = 1;
        with.probability *= p;
        PlaceMask without = m;
        without.probability *= 1.0 - p;
        both.push_back(with);
        both.push_back(without);
      }
      masks = std::move(both);
    }
  }
  return masks;
}

// A zone's channels, then its office kinds, in one array.
PerPlace<double> joined(const std::array<double, kChannelCount>& channels,
                        const std::vector<std::vector<double>>& offices, std::size_t z) {
  PerPlace<double> out{};
  std::copy(channels.begin(), channels.end(), out.begin());
  if (!offices.empty()) std::copy(offices[z].begin(), offices[z].end(), out.begin() + kChannelCount);
  return out;
}
PerPlace<double> available_of(const JourneyInputs& in, std::size_t z) {
  return joined(in.place.available[z], in.place.office_available, z);
}
PerPlace<double> travel_of(const JourneyInputs& in, std::size_t z) {
  return joined(in.place.travel_minutes[z], in.place.office_travel_minutes, z);
}

void check_inputs(const JourneyInputs& in) {
  const std::size_t zones = in.zone_ids.size();
  const bool consistent = in.place.available.size() == zones && in.place.travel_minutes.size() == zones &&
                          in.people.size() == in.groups.size() && !in.groups.empty() &&
                          std::all_of(in.people.begin(), in.people.end(),
                                      [&](const std::vector<double>& p) { return p.size() == zones; });
  if (!consistent) {
    throw Error(ErrorCode::InvalidInput, "journey inputs: zones, groups and place channels disagree in size",
                "give one place row and one population per zone and group");
  }
  for (std::size_t z = 0; z < zones; ++z) {
    for (std::size_t c = 0; c < kChannelCount; ++c) {
      const double p = in.place.available[z][c];
      const double t = in.place.travel_minutes[z][c];
      if (!(p >= 0.0 && p <= 1.0) || !(t >= 0.0 && std::isfinite(t))) {
        throw Error(ErrorCode::InvalidInput,
                    fmt::format("zone '{}': the {} channel has probability {} and travel {} min",
                                excerpt(in.zone_ids[z]), spelled(static_cast<Channel>(c)), p, t),
                    "give probabilities in [0, 1] and finite travel times ≥ 0");
      }
    }
  }
}

}  // namespace

JourneyResult evaluate_journeys_reference(const Catalogue& catalogue, const GroupAbilities& abilities,
                                          const JourneyInputs& inputs, const JourneyOptions& options,
                                          ProgressSink& progress) {
  check_inputs(inputs);
  JourneyResult result;
  result.assumption =
      "a person meets each requirement independently with the group's probability, and finds each channel "
      "with the zone's probability; shared requirements make the steps of a matter dependent (enumerated)";
  const std::size_t zones = inputs.zone_ids.size();
  const std::size_t groups = inputs.groups.size();
  // Per group, the probability of every requirement (a requirement nobody uses is not asked for).
  std::vector<std::vector<double>> requirement_p(groups,
                                                 std::vector<double>(catalogue.requirements.size(), 0.0));
  std::vector<std::uint8_t> used(catalogue.requirements.size(), 0);
  for (const auto& matter : catalogue.matters) {
    const MatterEvaluator probe(matter, catalogue);
    for (const std::size_t r : probe.requirements_used()) used[r] = 1;
  }
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t r = 0; r < used.size(); ++r) {
      if (used[r] == 0) continue;
      const AbilityFigure& figure = abilities.of(inputs.groups[g], r, catalogue);
      requirement_p[g][r] = figure.probability;
      if (figure.illustrative) {
        result.illustrative.push_back(fmt::format("{}: {}", inputs.groups[g], catalogue.requirements[r].id));
      }
    }
  }
  ProgressTask task(progress, "journeys", catalogue.matters.size());
  for (const auto& matter : catalogue.matters) {
    MatterEvaluator evaluator(matter, catalogue);
    // 1. Each zone's order of options and its place masks; distinct (mask, order) pairs are evaluated once.
    std::map<std::pair<PerPlace<std::uint8_t>, Ranking>, std::uint32_t> key_of;
    std::vector<std::pair<PerPlace<std::uint8_t>, Ranking>> keys;
    std::vector<std::vector<PlaceMask>> masks(zones);
    for (std::size_t z = 0; z < zones; ++z) {
      const Ranking ranking = evaluator.rank(travel_of(inputs, z), options.choice);
      masks[z] = place_masks(evaluator, available_of(inputs, z));
      for (auto& mask : masks[z]) {
        auto key = std::make_pair(mask.present, ranking);
        const auto [at, inserted] = key_of.emplace(key, static_cast<std::uint32_t>(keys.size()));
        if (inserted) keys.push_back(std::move(key));
        mask.stats_key = at->second;
      }
    }
    // 2. Per group and distinct key, the requirement combinations enumerated (one thread).
    std::vector<Stats> stats(groups * keys.size());
    const auto each = [](std::size_t count, const auto& body) {
      for (std::size_t i = 0; i < count; ++i) body(i);
    };
    each(stats.size(), [&](std::size_t i) {
      const std::size_t g = i / keys.size();
      const auto& key = keys[i % keys.size()];
      stats[i] = group_stats(evaluator, requirement_p[g], key.first, key.second, matter.id);
    });
    // 3. Per zone and group: the masks mixed by their probability, travel added per trip.
    MatterResult out;
    out.id = matter.id;
    out.name = matter.name;
    out.cells.assign(zones, std::vector<JourneyCell>(groups));
    out.groups.assign(groups, MatterGroup{});
    std::vector<std::vector<double>> weight(groups,
                                            std::vector<double>(keys.size(), 0.0));  // people × p(mask)
    each(zones, [&](std::size_t z) {
      std::vector<double> failing(evaluator.reason_count());
      for (std::size_t g = 0; g < groups; ++g) {
        JourneyCell cell;
        std::fill(failing.begin(), failing.end(), 0.0);
        for (const auto& mask : masks[z]) {
          const Stats& s = stats[g * keys.size() + mask.stats_key];
          const double p = mask.probability;
          double travel = 0.0;
          const PerPlace<double> minutes = travel_of(inputs, z);
          for (std::size_t c = 0; c < kPlaceSlots; ++c) travel += s.trips[c] * 2.0 * minutes[c];
          cell.eligible += p * s.eligible;
          cell.completion += p * s.completion;
          cell.visits += p * s.visits;
          cell.more_than_one += p * s.more_than_one;
          cell.minutes += p * (s.step_minutes + travel);
          cell.money += p * s.money;
          for (std::size_t k = 0; k < failing.size(); ++k) failing[k] += p * s.failing[k];
        }
        if (cell.completion > 0.0) {
          cell.visits /= cell.completion;
          cell.more_than_one /= cell.completion;
          cell.minutes /= cell.completion;
          cell.money /= cell.completion;
        }
        const auto largest = std::max_element(failing.begin(), failing.end());
        if (largest != failing.end())
          cell.main_reason = static_cast<std::uint32_t>(largest - failing.begin());
        out.cells[z][g] = cell;
      }
    });
    // 4. Group totals, in zone order (deterministic sums); reasons through the keys' weights.
    double completers = 0.0;
    double one_visit = 0.0;
    for (std::size_t z = 0; z < zones; ++z) {
      for (std::size_t g = 0; g < groups; ++g) {
        const JourneyCell& cell = out.cells[z][g];
        const double people = inputs.people[g][z];
        MatterGroup& sum = out.groups[g];
        const double done = people * cell.completion;
        sum.people += people;
        sum.eligible += people * cell.eligible;
        sum.completing += done;
        sum.visits += done * cell.visits;
        sum.more_than_one += done * cell.more_than_one;
        sum.minutes += done * cell.minutes;
        sum.money += done * cell.money;
        for (const auto& mask : masks[z]) weight[g][mask.stats_key] += people * mask.probability;
        if (g == 0) {
          completers += done;
          one_visit += done * (1.0 - cell.more_than_one);
        }
      }
    }
    for (std::size_t g = 0; g < groups; ++g) {
      MatterGroup& sum = out.groups[g];
      sum.failing_by_reason.assign(evaluator.reason_count(), 0.0);
      for (std::size_t k = 0; k < keys.size(); ++k) {
        const Stats& s = stats[g * keys.size() + k];
        for (std::size_t r = 0; r < s.failing.size(); ++r)
          sum.failing_by_reason[r] += weight[g][k] * s.failing[r];
      }
      if (sum.completing > 0.0) {
        sum.visits /= sum.completing;
        sum.more_than_one /= sum.completing;
        sum.minutes /= sum.completing;
        sum.money /= sum.completing;
      }
    }
    out.at_most_one_visit = completers > 0.0 ? one_visit / completers : 0.0;
    out.reasons = evaluator.take_reasons();
    result.matters.push_back(std::move(out));
    if (!task.tick()) task.throw_if_stopped();
  }
  std::sort(result.illustrative.begin(), result.illustrative.end());
  result.illustrative.erase(std::unique(result.illustrative.begin(), result.illustrative.end()),
                            result.illustrative.end());
  return result;
}

}  // namespace equalis::journeys::reference

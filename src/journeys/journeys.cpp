#include "journeys/journeys.hpp"

#include "audit/rules.hpp"
#include "core/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>

namespace equalis::journeys {

namespace {

using access::Channel;
using access::kChannelCount;

constexpr std::size_t kMaxUncertain = 20;

constexpr std::size_t index(Channel channel) {
  return static_cast<std::size_t>(channel);
}

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
                "rule", step, "", ""});
  }
  std::uint32_t requirement(const std::string& step, const std::string& requirement, Channel channel) {
    return add({fmt::format("lacks '{}' for step '{}' ({})", requirement, step, spelled(channel)),
                "requirement", step, requirement, std::string(spelled(channel))});
  }
  std::uint32_t place(const std::string& step, Channel channel) {
    return add({fmt::format("no {} channel where they live for step '{}'", spelled(channel), step), "place",
                step, "", std::string(spelled(channel))});
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

// What a matter needs to know about one combination of requirements met and channels present.
struct Outcome {
  bool eligible = true;
  bool done = false;
  std::uint32_t reason = 0;  // when not done
  double visits = 0.0;
  double minutes = 0.0;
  double money = 0.0;
};

class MatterEvaluator {
 public:
  MatterEvaluator(const Matter& matter, const Catalogue& catalogue, const JourneyOptions& options)
      : matter_(matter), catalogue_(catalogue), options_(options) {
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
        for (const std::size_t r : option.needs) used[r] = 1;
        channels_used_[index(option.channel)] = 1;
      }
    }
    for (std::size_t r = 0; r < used.size(); ++r) {
      if (used[r] != 0) requirements_used_.push_back(r);
    }
    fields_.assign(catalogue.requirements.size(), "0");
    // Register every reason up front, so that their order follows the catalogue, not the data.
    if (rules_.matter) (void)book_.rule("");
    for (std::size_t s = 0; s < matter.steps.size(); ++s) {
      const Step& step = matter.steps[s];
      if (rules_.steps[s]) (void)book_.rule(step.id);
      for (const auto& option : step.channels) {
        (void)book_.place(step.id, option.channel);
        for (const std::size_t r : option.needs)
          (void)book_.requirement(step.id, catalogue.requirements[r].id, option.channel);
      }
    }
  }

  [[nodiscard]] const std::vector<std::size_t>& requirements_used() const { return requirements_used_; }
  [[nodiscard]] bool channel_used(std::size_t c) const { return channels_used_[c] != 0; }
  std::vector<Reason> take_reasons() { return book_.take(); }
  [[nodiscard]] std::size_t reason_count() const { return book_.size(); }

  // `met[r]`: requirement r met (catalogue index); `present[c]`: channel c there; `travel`: minutes.
  Outcome evaluate(const std::vector<std::uint8_t>& met,
                   const std::array<std::uint8_t, kChannelCount>& present,
                   const std::array<double, kChannelCount>& travel) {
    for (const std::size_t r : requirements_used_) fields_[r] = met[r] != 0 ? "1" : "0";
    Outcome out;
    const auto passes = [&](const std::unique_ptr<audit::Rule>& rule) {
      return !rule || rule->evaluate(fields_) == audit::Truth::True;
    };
    std::optional<std::uint32_t> failure;
    if (!passes(rules_.matter)) {
      out.eligible = false;
      failure = book_.rule("");
    }
    // The kind of site of the previous step's trip (kChannelCount: the previous step made none).
    std::size_t previous_trip = kChannelCount;
    for (std::size_t s = 0; s < matter_.steps.size(); ++s) {
      const Step& step = matter_.steps[s];
      if (!passes(rules_.steps[s])) {
        out.eligible = false;
        if (!failure) failure = book_.rule(step.id);
      }
      if (failure) continue;  // the first failure is the reason; eligibility still looks at every rule
      const ChannelOption* chosen = choose(step, met, present, travel);
      if (chosen == nullptr) {
        failure = closest_miss(step, met, present);
        continue;
      }
      if (is_trip(chosen->channel)) {
        if (previous_trip !=
            index(chosen->channel)) {  // consecutive steps at the same kind of site: one trip
          out.visits += 1.0;
          out.minutes += 2.0 * travel[index(chosen->channel)];
        }
        previous_trip = index(chosen->channel);
      } else {
        previous_trip = kChannelCount;
      }
      out.minutes += chosen->minutes;
      out.money += chosen->money;
    }
    out.done = !failure;
    if (failure) out.reason = *failure;
    return out;
  }

 private:
  bool usable(const ChannelOption& option, const std::vector<std::uint8_t>& met,
              const std::array<std::uint8_t, kChannelCount>& present) const {
    if (present[index(option.channel)] == 0) return false;
    return std::all_of(option.needs.begin(), option.needs.end(), [&](std::size_t r) { return met[r] != 0; });
  }

  static double time_of(const ChannelOption& option, const std::array<double, kChannelCount>& travel) {
    return option.minutes + (is_trip(option.channel) ? 2.0 * travel[index(option.channel)] : 0.0);
  }

  const ChannelOption* choose(const Step& step, const std::vector<std::uint8_t>& met,
                              const std::array<std::uint8_t, kChannelCount>& present,
                              const std::array<double, kChannelCount>& travel) const {
    const auto first_usable = [&](Channel channel) -> const ChannelOption* {
      for (const auto& option : step.channels) {
        if (option.channel == channel && usable(option, met, present)) return &option;
      }
      return nullptr;
    };
    if (options_.choice == ChoiceRule::PreferOnline) {
      for (const Channel channel : {Channel::Online, Channel::Phone}) {
        if (const auto* option = first_usable(channel)) return option;
      }
    } else if (options_.choice == ChoiceRule::PreferOffline) {
      if (const auto* option = first_usable(Channel::InPerson)) return option;
    }
    const ChannelOption* best = nullptr;
    for (const auto& option : step.channels) {
      if (!usable(option, met, present)) continue;
      if (best == nullptr || time_of(option, travel) < time_of(*best, travel) ||
          (time_of(option, travel) == time_of(*best, travel) && option.money < best->money)) {
        best = &option;
      }
    }
    return best;
  }

  // The channel that came closest (fewest things missing; the first listed on a tie) and the first thing
  // it lacked: the channel's absence where the person lives, else its first unmet requirement.
  std::uint32_t closest_miss(const Step& step, const std::vector<std::uint8_t>& met,
                             const std::array<std::uint8_t, kChannelCount>& present) {
    const ChannelOption* closest = nullptr;
    std::size_t fewest = 0;
    for (const auto& option : step.channels) {
      std::size_t missing = present[index(option.channel)] == 0 ? 1U : 0U;
      for (const std::size_t r : option.needs) missing += met[r] == 0 ? 1U : 0U;
      if (closest == nullptr || missing < fewest) {
        closest = &option;
        fewest = missing;
      }
    }
    if (present[index(closest->channel)] == 0) return book_.place(step.id, closest->channel);
    for (const std::size_t r : closest->needs) {
      if (met[r] == 0) return book_.requirement(step.id, catalogue_.requirements[r].id, closest->channel);
    }
    return book_.place(step.id, closest->channel);  // not reached: an unusable channel misses something
  }

  const Matter& matter_;
  const Catalogue& catalogue_;
  const JourneyOptions& options_;
  BoundRules rules_;
  ReasonBook book_;
  std::vector<std::size_t> requirements_used_;
  std::array<std::uint8_t, kChannelCount> channels_used_{};
  std::vector<std::string_view> fields_;
};

// A binary variable of the enumeration: a requirement (catalogue index) or a place channel.
struct Uncertain {
  bool requirement = true;
  std::size_t index = 0;
  double p = 0.0;
};

struct CellTotals {
  JourneyCell cell;
  std::vector<double> failing;  // probability per reason
};

CellTotals evaluate_cell(MatterEvaluator& evaluator, const std::vector<double>& requirement_p,
                         const std::array<double, kChannelCount>& available,
                         const std::array<double, kChannelCount>& travel, const std::string& matter_id) {
  std::vector<std::uint8_t> met(requirement_p.size(), 0);
  std::array<std::uint8_t, kChannelCount> present{};
  std::vector<Uncertain> uncertain;
  for (const std::size_t r : evaluator.requirements_used()) {
    const double p = requirement_p[r];
    if (p >= 1.0)
      met[r] = 1;
    else if (p > 0.0)
      uncertain.push_back({true, r, p});
  }
  for (std::size_t c = 0; c < kChannelCount; ++c) {
    if (!evaluator.channel_used(c)) continue;
    const double p = available[c];
    if (p >= 1.0)
      present[c] = 1;
    else if (p > 0.0)
      uncertain.push_back({false, c, p});
  }
  if (uncertain.size() > kMaxUncertain) {
    throw Error(ErrorCode::InvalidInput,
                fmt::format("matter '{}' depends on {} uncertain requirements and channels (at most {})",
                            matter_id, uncertain.size(), kMaxUncertain),
                "split the matter, or give 0/1 figures for requirements that everyone (or no one) meets");
  }
  CellTotals totals;
  totals.failing.assign(evaluator.reason_count(), 0.0);
  JourneyCell& cell = totals.cell;
  const std::uint64_t combinations = std::uint64_t{1} << uncertain.size();
  for (std::uint64_t mask = 0; mask < combinations; ++mask) {
    double probability = 1.0;
    for (std::size_t u = 0; u < uncertain.size(); ++u) {
      const bool on = ((mask >> u) & 1U) != 0;
      probability *= on ? uncertain[u].p : 1.0 - uncertain[u].p;
      if (uncertain[u].requirement)
        met[uncertain[u].index] = on ? 1 : 0;
      else
        present[uncertain[u].index] = on ? 1 : 0;
    }
    const Outcome outcome = evaluator.evaluate(met, present, travel);
    if (outcome.eligible) cell.eligible += probability;
    if (!outcome.done) {
      totals.failing[outcome.reason] += probability;
      continue;
    }
    cell.completion += probability;
    cell.visits += probability * outcome.visits;
    cell.more_than_one += outcome.visits > 1.0 ? probability : 0.0;
    cell.minutes += probability * outcome.minutes;
    cell.money += probability * outcome.money;
  }
  if (cell.completion > 0.0) {
    cell.visits /= cell.completion;
    cell.more_than_one /= cell.completion;
    cell.minutes /= cell.completion;
    cell.money /= cell.completion;
  }
  const auto largest = std::max_element(totals.failing.begin(), totals.failing.end());
  if (largest != totals.failing.end())
    cell.main_reason = static_cast<std::uint32_t>(largest - totals.failing.begin());
  return totals;
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
  for (const auto& row : in.place.available) {
    for (const double p : row) {
      if (!(p >= 0.0 && p <= 1.0)) {
        throw Error(ErrorCode::InvalidInput, fmt::format("a place channel's probability is {}", p),
                    "give probabilities in [0, 1]");
      }
    }
  }
}

}  // namespace

JourneyResult evaluate_journeys(const Catalogue& catalogue, const GroupAbilities& abilities,
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
    MatterEvaluator probe(matter, catalogue, options);
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
  ProgressTask task(progress, "journeys", catalogue.matters.size() * zones);
  for (const auto& matter : catalogue.matters) {
    MatterEvaluator evaluator(matter, catalogue, options);
    MatterResult out;
    out.id = matter.id;
    out.name = matter.name;
    out.cells.assign(zones, std::vector<JourneyCell>(groups));
    out.groups.assign(groups, MatterGroup{});
    for (auto& g : out.groups) g.failing_by_reason.assign(evaluator.reason_count(), 0.0);
    double completers = 0.0;
    double one_visit = 0.0;
    for (std::size_t z = 0; z < zones; ++z) {
      for (std::size_t g = 0; g < groups; ++g) {
        const CellTotals totals = evaluate_cell(evaluator, requirement_p[g], inputs.place.available[z],
                                                inputs.place.travel_minutes[z], matter.id);
        out.cells[z][g] = totals.cell;
        const double people = inputs.people[g][z];
        MatterGroup& sum = out.groups[g];
        const double done = people * totals.cell.completion;
        sum.people += people;
        sum.eligible += people * totals.cell.eligible;
        sum.completing += done;
        sum.visits += done * totals.cell.visits;
        sum.more_than_one += done * totals.cell.more_than_one;
        sum.minutes += done * totals.cell.minutes;
        sum.money += done * totals.cell.money;
        for (std::size_t k = 0; k < totals.failing.size(); ++k)
          sum.failing_by_reason[k] += people * totals.failing[k];
        if (g == 0) {
          completers += done;
          one_visit += done * (1.0 - totals.cell.more_than_one);
        }
      }
      if (!task.tick()) task.throw_if_stopped();
    }
    for (auto& sum : out.groups) {
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
  }
  std::sort(result.illustrative.begin(), result.illustrative.end());
  result.illustrative.erase(std::unique(result.illustrative.begin(), result.illustrative.end()),
                            result.illustrative.end());
  return result;
}

}  // namespace equalis::journeys

#include "journeys/journeys.hpp"

#include "audit/rules.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <span>

namespace equalis::journeys {

namespace {

using access::Channel;
using access::kChannelCount;

constexpr std::size_t kMaxUncertain = 20;
// A step option's usability is 0 (unusable), 1 (usable as the person is) or 1 | proofs << 1: usable once
// the person has fetched these paper proofs (bits over the matter's proofs) from their offices.
using Usability = std::uint16_t;
constexpr std::size_t kMaxProofs = 15;

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
  std::uint32_t proof(const std::string& step, const Requirement& proof, const Catalogue& catalogue,
                      Channel channel) {
    const std::string& office = catalogue.offices[*proof.issued_by].id;
    std::string why = "out of reach";
    if (!proof.fetch_needs.empty()) {  // the office may be near and still not issue it
      std::vector<std::string> asked;
      for (const std::size_t f : proof.fetch_needs) asked.push_back(catalogue.requirements[f].id);
      why = fmt::format("out of reach or not issued (it asks for {})", fmt::join(asked, ", "));
    }
    return add({fmt::format("proof '{}' from {} {} for step '{}' ({})", proof.id, office, why, step,
                            spelled(channel)),
                "proof", step, proof.id, std::string(spelled(channel)), office});
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

// What one combination of requirements met and channels present gives for a matter, whatever the order
// in which the options are tried: eligibility, completion and the reason of a failure do not depend on it.
struct Verdict {
  bool eligible = true;
  bool done = false;
  std::uint32_t reason = 0;  // when not done
};

// The options of every step in the order a person tries them (the choice rule applied to one zone's
// travel times), step after step.
using Ranking = std::vector<std::uint8_t>;

class MatterEvaluator {
 public:
  MatterEvaluator(const Matter& matter, const Catalogue& catalogue)
      : matter_(matter), catalogue_(catalogue), proof_bit_(catalogue.requirements.size(), 0) {
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
      step_offset_.push_back(option_count_);
      option_count_ += matter.steps[s].channels.size();
      for (const auto& option : matter.steps[s].channels) {
        channels_used_[place_slot(option)] = 1;
        for (const std::size_t r : option.needs) {
          used[r] = 1;
          const auto issuer = catalogue.requirements[r].issued_by;
          if (!issuer) continue;
          channels_used_[kChannelCount + *issuer] = 1;  // where the proof is fetched
          for (const std::size_t f : catalogue.requirements[r].fetch_needs) used[f] = 1;  // asked there
          if (proof_bit_[r] == 0) add_proof(r, matter.id);
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
              need.issued_by ? book_.proof(step.id, need, catalogue, option.channel)
                             : book_.requirement(step.id, need.id, option.channel));
        }
      }
    }
  }

  [[nodiscard]] const Matter& matter() const { return matter_; }
  [[nodiscard]] std::size_t step_count() const { return matter_.steps.size(); }
  [[nodiscard]] std::size_t step_offset(std::size_t s) const { return step_offset_[s]; }
  [[nodiscard]] const std::vector<std::size_t>& requirements_used() const { return requirements_used_; }
  [[nodiscard]] bool channel_used(std::size_t c) const { return channels_used_[c] != 0; }
  std::vector<Reason> take_reasons() { return book_.take(); }
  [[nodiscard]] std::size_t reason_count() const { return book_.size(); }

  // The order in which a person in a zone with these travel times tries each step's options, written to
  // `out` step after step. A stable insertion sort in place: steps have a handful of options, and this runs
  // once per zone and matter (no allocation once `out` has grown).
  void rank(const PerPlace<double>& travel, ChoiceRule choice, Ranking& out) const {
    out.resize(option_count_);
    for (std::size_t s = 0; s < matter_.steps.size(); ++s) {
      const Step& step = matter_.steps[s];
      std::uint8_t* order = out.data() + step_offset_[s];
      const std::size_t n = step.channels.size();
      for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint8_t>(i);
      for (std::size_t i = 1; i < n; ++i) {
        const std::uint8_t moving = order[i];
        std::size_t j = i;
        for (; j > 0 && tried_before(step.channels[moving], step.channels[order[j - 1]], travel, choice); --j)
          order[j] = order[j - 1];
        order[j] = moving;
      }
    }
  }

  // `met[r]`: requirement r met (catalogue index); `present[c]`: channel c there. `fields`: scratch of
  // one string view per requirement (the rules read "1" or "0"). `usable[s][o]` is set to whether option
  // o of step s is usable (up to the first step that fails; when the matter is done, for every step).
  Verdict classify(const std::vector<std::uint8_t>& met, const PerPlace<std::uint8_t>& present,
                   std::vector<std::string_view>& fields, std::vector<std::vector<Usability>>& usable) const {
    for (const std::size_t r : requirements_used_) fields[r] = met[r] != 0 ? "1" : "0";
    Verdict out;
    const auto passes = [&](const std::unique_ptr<audit::Rule>& rule) {
      return !rule || rule->evaluate(fields) == audit::Truth::True;
    };
    std::optional<std::uint32_t> failure;
    if (!passes(rules_.matter)) {
      out.eligible = false;
      failure = matter_rule_reason_;
    }
    for (std::size_t s = 0; s < matter_.steps.size(); ++s) {
      const Step& step = matter_.steps[s];
      if (!passes(rules_.steps[s])) {
        out.eligible = false;
        if (!failure) failure = step_rule_reason_[s];
      }
      if (failure) continue;  // the first failure is the reason; eligibility still reads every rule
      bool any = false;
      usable[s].resize(step.channels.size());
      for (std::size_t o = 0; o < step.channels.size(); ++o) {
        usable[s][o] = usability(step.channels[o], met, present);
        any = any || usable[s][o] != 0;
      }
      if (!any) failure = closest_miss(s, met, present);
    }
    out.done = !failure;
    if (failure) out.reason = *failure;
    return out;
  }

 public:
  // The fetched proofs of a Usability: their minutes and money, and one trip per office they come from
  // (a separate trip, before the steps).
  void add_fetching(Usability usability, const PerPlace<double>& travel, double& visits, double& minutes,
                    double& money) const {
    std::uint32_t offices = 0;
    for (std::size_t b = 0; b < proofs_.size(); ++b) {
      if (((usability >> (b + 1)) & 1U) == 0) continue;
      const Requirement& proof = catalogue_.requirements[proofs_[b]];
      minutes += proof.minutes;
      money += proof.money;
      offices |= 1U << *proof.issued_by;
    }
    for (std::size_t k = 0; k < kMaxOfficeKinds; ++k) {
      if (((offices >> k) & 1U) == 0) continue;
      visits += 1.0;
      minutes += 2.0 * travel[kChannelCount + k];
    }
  }

 private:
  void add_proof(std::size_t r, const std::string& matter_id) {
    if (proofs_.size() == kMaxProofs) {
      throw Error(
          ErrorCode::InvalidInput,
          fmt::format("matter '{}' needs more than {} proofs issued by offices", matter_id, kMaxProofs),
          "split the matter");
    }
    proofs_.push_back(r);
    proof_bit_[r] = static_cast<Usability>(1U << proofs_.size());  // bit b + 1 for proof b
  }

  // Whether the person can take `option`: the place is there and every requirement is met, or is a proof
  // whose office is within reach (then fetched first).
  Usability usability(const ChannelOption& option, const std::vector<std::uint8_t>& met,
                      const PerPlace<std::uint8_t>& present) const {
    if (present[place_slot(option)] == 0) return 0;
    Usability out = 1;
    for (const std::size_t r : option.needs) {
      if (met[r] != 0) continue;
      if (!fetchable(r, met, present)) return 0;
      out |= proof_bit_[r];
    }
    return out;
  }

  // A proof the person lacks can be fetched when its office is within reach and they meet what the office
  // asks for it.
  [[nodiscard]] bool fetchable(std::size_t r, const std::vector<std::uint8_t>& met,
                               const PerPlace<std::uint8_t>& present) const {
    const Requirement& proof = catalogue_.requirements[r];
    if (!proof.issued_by || present[kChannelCount + *proof.issued_by] == 0) return false;
    return std::all_of(proof.fetch_needs.begin(), proof.fetch_needs.end(),
                       [&](std::size_t f) { return met[f] != 0; });
  }

  // Whether the choice rule tries `x` strictly before `y` (the catalogue's order breaks ties).
  static bool tried_before(const ChannelOption& x, const ChannelOption& y, const PerPlace<double>& travel,
                           ChoiceRule choice) {
    const int px = preference(x, choice);
    const int py = preference(y, choice);
    if (px != py) return px < py;
    if (px < 2) return false;  // preferred channels keep the catalogue's order
    const double tx = time_of(x, travel);
    const double ty = time_of(y, travel);
    if (tx != ty) return tx < ty;
    return x.money < y.money;
  }

  static int preference(const ChannelOption& option, ChoiceRule choice) {
    if (choice == ChoiceRule::PreferOnline) {
      if (option.channel == Channel::Online) return 0;
      if (option.channel == Channel::Phone) return 1;
    } else if (choice == ChoiceRule::PreferOffline && option.channel == Channel::InPerson) {
      return 0;
    }
    return 2;
  }

  static double time_of(const ChannelOption& option, const PerPlace<double>& travel) {
    return option.minutes + (is_trip(option.channel) ? 2.0 * travel[place_slot(option)] : 0.0);
  }

  // The channel that came closest (fewest things missing; the first listed on a tie) and the first thing
  // it lacked: the channel's absence where the person lives, else its first unmet requirement (a proof
  // counts as met when its office is within reach: it is fetched).
  std::uint32_t closest_miss(std::size_t s, const std::vector<std::uint8_t>& met,
                             const PerPlace<std::uint8_t>& present) const {
    const Step& step = matter_.steps[s];
    const auto lacks = [&](std::size_t r) { return met[r] == 0 && !fetchable(r, met, present); };
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
  std::vector<std::size_t> proofs_;       // the proofs (issued by an office) the matter's channels need
  std::vector<Usability> proof_bit_;      // per requirement of the catalogue: its bit in a Usability, or 0
  std::vector<std::size_t> step_offset_;  // first entry of each step in a Ranking
  std::size_t option_count_ = 0;
  std::uint32_t matter_rule_reason_ = 0;
  std::vector<std::uint32_t> step_rule_reason_;
  std::vector<std::vector<std::uint32_t>> place_reason_;                     // [step][option]
  std::vector<std::vector<std::vector<std::uint32_t>>> requirement_reason_;  // [step][option][need]
};

// "Usability profiles" (docs/PERFORMANCE.md, "Journeys") of a matter where the place channels are fixed
// (present or not): every combination of requirements that completes the matter, reduced to which options
// of each step are usable; combinations with the same usable options at every step are one profile, their
// probabilities summed per group. Completion, eligibility and the reasons of failure do not depend on the
// order in which a zone tries the options, so they are kept per group here once; a zone only has to pick
// each step's option from a profile (a lookup per distinct usable set) and add its travel.
struct MaskProfiles {
  std::size_t profile_count = 0;
  std::vector<std::size_t> set_offset;       // [step]: the step's first usable set in `sets`
  std::vector<std::vector<Usability>> sets;  // distinct usable-option flags, step after step
  std::vector<std::uint32_t> profile_sets;   // [profile × steps + step]: the step's set in `sets`
  std::vector<double> probability;           // [profile × groups + group]
  std::vector<double> eligible;              // [group]
  std::vector<double> completion;            // [group]
  std::vector<std::vector<std::pair<std::uint32_t, double>>> failing;  // [group]: (reason, probability > 0)
};

// The requirements of a matter a group meets for sure (p = 1) and the uncertain ones (0 < p < 1), which
// are enumerated; throws when there are too many.
std::vector<std::size_t> uncertain_requirements(const MatterEvaluator& evaluator,
                                                const std::vector<double>& requirement_p,
                                                std::vector<std::uint8_t>& met,
                                                const std::string& matter_id) {
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
  return uncertain;
}

// Orders usable-option flags (written out: GCC 12 warns about the memcmp of the library's comparison).
struct FlagsLess {
  bool operator()(const std::vector<Usability>& a, const std::vector<Usability>& b) const {
    if (a.size() != b.size()) return a.size() < b.size();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) return a[i] < b[i];
    }
    return false;
  }
};

constexpr std::size_t kIndependent = std::numeric_limits<std::size_t>::max();

// The share of a group's joint table agreeing with `mask` on the uncertain requirements it covers
// (`column[u]`: the table's column of uncertain requirement u, or kIndependent); the table's other
// requirements are summed over.
double joint_share(const JointRequirements& table, const std::vector<std::size_t>& column,
                   std::uint64_t mask) {
  double sum = 0.0;
  for (std::size_t row = 0; row < table.met.size(); ++row) {
    bool agrees = true;
    for (std::size_t u = 0; u < column.size() && agrees; ++u) {
      if (column[u] != kIndependent) agrees = table.met[row][column[u]] == ((mask >> u) & 1U);
    }
    if (agrees) sum += table.share[row];
  }
  return sum;
}

MaskProfiles build_profiles(const MatterEvaluator& evaluator,
                            const std::vector<std::vector<double>>& requirement_p,
                            const std::vector<const JointRequirements*>& joint,
                            const PerPlace<std::uint8_t>& present, const std::string& matter_id) {
  const std::size_t steps = evaluator.step_count();
  const std::size_t groups = requirement_p.size();
  MaskProfiles out;
  out.eligible.assign(groups, 0.0);
  out.completion.assign(groups, 0.0);
  out.failing.resize(groups);
  std::vector<std::map<std::vector<Usability>, std::uint32_t, FlagsLess>> set_of(steps);
  std::map<std::vector<std::uint32_t>, std::uint32_t> profile_of;
  std::vector<std::vector<Usability>> usable(steps);
  std::vector<std::uint32_t> key(steps);
  std::vector<double> failing(evaluator.reason_count());
  for (std::size_t g = 0; g < groups; ++g) {
    std::vector<std::uint8_t> met(requirement_p[g].size(), 0);
    const std::vector<std::size_t> uncertain =
        uncertain_requirements(evaluator, requirement_p[g], met, matter_id);
    std::vector<std::string_view> fields(requirement_p[g].size(), "0");
    std::fill(failing.begin(), failing.end(), 0.0);
    // Requirements in the group's joint table take their combinations' shares from it; the rest are
    // independent.
    std::vector<std::size_t> column(uncertain.size(), kIndependent);
    bool any_joint = false;
    if (joint[g] != nullptr) {
      for (std::size_t u = 0; u < uncertain.size(); ++u) {
        const std::size_t c = joint[g]->column_of(uncertain[u]);
        if (c < joint[g]->requirements.size()) column[u] = c;
        any_joint = any_joint || column[u] != kIndependent;
      }
    }
    const std::uint64_t combinations = std::uint64_t{1} << uncertain.size();
    for (std::uint64_t mask = 0; mask < combinations; ++mask) {
      double probability = any_joint ? joint_share(*joint[g], column, mask) : 1.0;
      for (std::size_t u = 0; u < uncertain.size(); ++u) {
        const bool on = ((mask >> u) & 1U) != 0;
        if (column[u] == kIndependent)
          probability *= on ? requirement_p[g][uncertain[u]] : 1.0 - requirement_p[g][uncertain[u]];
        met[uncertain[u]] = on ? 1 : 0;
      }
      if (any_joint && probability == 0.0) continue;  // a combination nobody has (a joint table's zero row)
      const Verdict verdict = evaluator.classify(met, present, fields, usable);
      if (verdict.eligible) out.eligible[g] += probability;
      if (!verdict.done) {
        failing[verdict.reason] += probability;
        continue;
      }
      out.completion[g] += probability;
      for (std::size_t s = 0; s < steps; ++s)
        key[s] = set_of[s].emplace(usable[s], static_cast<std::uint32_t>(set_of[s].size())).first->second;
      const auto [at, inserted] = profile_of.emplace(key, static_cast<std::uint32_t>(out.profile_count));
      if (inserted) {
        ++out.profile_count;
        out.profile_sets.insert(out.profile_sets.end(), key.begin(), key.end());
        out.probability.resize(out.profile_count * groups, 0.0);
      }
      out.probability[at->second * groups + g] += probability;
    }
    for (std::size_t k = 0; k < failing.size(); ++k) {
      if (failing[k] != 0.0) out.failing[g].emplace_back(static_cast<std::uint32_t>(k), failing[k]);
    }
  }
  for (std::size_t s = 0; s < steps; ++s) {
    out.set_offset.push_back(out.sets.size());
    out.sets.resize(out.sets.size() + set_of[s].size());
    for (const auto& [flags, at] : set_of[s]) out.sets[out.set_offset[s] + at] = flags;
  }
  for (std::size_t p = 0; p < out.profile_count; ++p) {
    for (std::size_t s = 0; s < steps; ++s)
      out.profile_sets[p * steps + s] += static_cast<std::uint32_t>(out.set_offset[s]);
  }
  return out;
}

// A zone's place channels as weighted masks: each uncertain channel (0 < p < 1) present or not.
struct PlaceMask {
  PerPlace<std::uint8_t> present{};
  double probability = 1.0;
  std::uint32_t profiles = 0;  // index of the mask's profiles among the distinct masks
};

// Appends the zone's masks to `masks` (the order of the former engine: channel by channel, each mask
// split into present, then absent).
void append_place_masks(const MatterEvaluator& evaluator, const PerPlace<double>& available,
                        std::vector<PlaceMask>& masks) {
  const std::size_t first = masks.size();
  masks.emplace_back();
  for (std::size_t c = 0; c < kPlaceSlots; ++c) {
    if (!evaluator.channel_used(c)) continue;
    const double p = available[c];
    if (p >= 1.0) {
      for (std::size_t m = first; m < masks.size(); ++m) masks[m].present[c] = 1;
    } else if (p > 0.0) {
      const std::size_t count = masks.size() - first;
      masks.resize(first + 2 * count);
      for (std::size_t m = count; m-- > 0;) {  // from the back, so no mask is overwritten before it is read
        PlaceMask with = masks[first + m];
        PlaceMask without = with;
        with.present[c] = 1;
        with.probability *= p;
        without.probability *= 1.0 - p;
        masks[first + 2 * m] = with;
        masks[first + 2 * m + 1] = without;
      }
    }
  }
}

// Per-thread buffers for the zones of one matter.
struct ZoneScratch {
  Ranking ranking;
  std::vector<std::uint32_t> choice;   // per usable set of a mask: the option taken
  std::vector<Usability> fetch;        // per usable set of a mask: the proofs that option fetches (<< 1)
  std::vector<double> sums;            // [field × groups + group]
  std::vector<double> failing;         // per reason, for one group
  std::vector<std::uint32_t> touched;  // reasons with a failure, for one group
};

enum Field : std::size_t { kEligible, kCompletion, kVisits, kMoreThanOne, kMinutes, kMoney, kFieldCount };

// The largest failure of a zone and group (the first reason on a tie, reason 0 when nobody fails): the
// masks' failures mixed by their probabilities, summed in mask order like the former engine, so that ties
// fall the same way. Through a scratch vector indexed by reason, left zero for the next call.
std::uint32_t main_reason(const std::vector<MaskProfiles>& profiles, std::span<const PlaceMask> masks,
                          std::size_t g, ZoneScratch& scratch) {
  for (const PlaceMask& mask : masks) {
    for (const auto& [reason, probability] : profiles[mask.profiles].failing[g]) {
      if (scratch.failing[reason] == 0.0) scratch.touched.push_back(reason);
      scratch.failing[reason] += mask.probability * probability;
    }
  }
  std::uint32_t largest = 0;
  double most = 0.0;
  for (const std::uint32_t reason : scratch.touched) {
    const double value = scratch.failing[reason];
    if (value > most || (value == most && reason < largest)) {
      largest = reason;
      most = value;
    }
    scratch.failing[reason] = 0.0;
  }
  scratch.touched.clear();
  return largest;
}

// The same for one or two masks (most zones): their failure lists, sorted by reason, walked together.
std::uint32_t main_reason_of_two(const std::vector<MaskProfiles>& profiles, std::span<const PlaceMask> masks,
                                 std::size_t g) {
  using Failures = std::vector<std::pair<std::uint32_t, double>>;
  static const Failures kNone;
  const Failures& a = profiles[masks[0].profiles].failing[g];
  const Failures& b = masks.size() > 1 ? profiles[masks[1].profiles].failing[g] : kNone;
  const double pa = masks[0].probability;
  const double pb = masks.size() > 1 ? masks[1].probability : 0.0;
  std::uint32_t largest = 0;
  double most = 0.0;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    const bool take_a = j == b.size() || (i < a.size() && a[i].first <= b[j].first);
    const bool take_b = i == a.size() || (j < b.size() && b[j].first <= a[i].first);
    const std::uint32_t reason = take_a ? a[i].first : b[j].first;
    double value = 0.0;
    if (take_a) value += pa * a[i++].second;
    if (take_b) value += pb * b[j++].second;
    if (value > most) {  // reasons come in increasing order: the first of equal values stays
      largest = reason;
      most = value;
    }
  }
  return largest;
}

// One zone's cells of a matter: each place mask's profiles walked with the zone's option order and travel.
void evaluate_zone(const MatterEvaluator& evaluator, const std::vector<MaskProfiles>& profiles,
                   std::span<const PlaceMask> masks, const PerPlace<double>& travel, ChoiceRule choice,
                   std::vector<JourneyCell>& cells, ZoneScratch& scratch) {
  const Matter& matter = evaluator.matter();
  const std::size_t steps = evaluator.step_count();
  const std::size_t groups = cells.size();
  evaluator.rank(travel, choice, scratch.ranking);
  scratch.sums.assign(kFieldCount * groups, 0.0);
  double* sums = scratch.sums.data();
  for (const PlaceMask& mask : masks) {
    const MaskProfiles& mp = profiles[mask.profiles];
    const double pm = mask.probability;
    // The option each distinct usable set leads to: the first usable one in the zone's order.
    // An option usable only after fetching a proof is taken when nothing else of the step is usable.
    scratch.choice.resize(mp.sets.size());
    scratch.fetch.resize(mp.sets.size());
    for (std::size_t s = 0; s < steps; ++s) {
      const std::size_t options = matter.steps[s].channels.size();
      const std::uint8_t* order = scratch.ranking.data() + evaluator.step_offset(s);
      const std::size_t end = s + 1 < steps ? mp.set_offset[s + 1] : mp.sets.size();
      for (std::size_t k = mp.set_offset[s]; k < end; ++k) {
        const std::vector<Usability>& set = mp.sets[k];
        std::size_t taken = options;
        for (std::size_t i = 0; i < options && taken == options; ++i) {
          if (set[order[i]] == 1) taken = i;
        }
        for (std::size_t i = 0; i < options && taken == options; ++i) {
          if (set[order[i]] != 0) taken = i;
        }
        scratch.choice[k] = order[taken];
        scratch.fetch[k] = static_cast<Usability>(set[order[taken]] & ~Usability{1});
      }
    }
    for (std::size_t p = 0; p < mp.profile_count; ++p) {
      double visits = 0.0;
      double minutes = 0.0;
      double money = 0.0;
      std::size_t previous_trip = kPlaceSlots;  // the kind of site of the previous step's trip
      Usability fetched = 0;
      const std::uint32_t* set = mp.profile_sets.data() + p * steps;
      for (std::size_t s = 0; s < steps; ++s) {
        const ChannelOption& option = matter.steps[s].channels[scratch.choice[set[s]]];
        fetched |= scratch.fetch[set[s]];
        const std::size_t c = place_slot(option);
        if (is_trip(option.channel)) {
          if (previous_trip != c) {  // consecutive steps at the same kind of site (or office): one trip
            visits += 1.0;
            minutes += 2.0 * travel[c];
          }
          previous_trip = c;
        } else {
          previous_trip = kPlaceSlots;
        }
        minutes += option.minutes;
        money += option.money;
      }
      if (fetched != 0) evaluator.add_fetching(fetched, travel, visits, minutes, money);
      const double more_than_one = visits > 1.0 ? 1.0 : 0.0;
      const double* weight = mp.probability.data() + p * groups;
      for (std::size_t g = 0; g < groups; ++g) {
        const double w = pm * weight[g];
        sums[kVisits * groups + g] += w * visits;
        sums[kMoreThanOne * groups + g] += w * more_than_one;
        sums[kMinutes * groups + g] += w * minutes;
        sums[kMoney * groups + g] += w * money;
      }
    }
    for (std::size_t g = 0; g < groups; ++g) {
      sums[kEligible * groups + g] += pm * mp.eligible[g];
      sums[kCompletion * groups + g] += pm * mp.completion[g];
    }
  }
  scratch.failing.resize(evaluator.reason_count(), 0.0);
  for (std::size_t g = 0; g < groups; ++g) {
    JourneyCell cell;
    cell.eligible = sums[kEligible * groups + g];
    cell.completion = sums[kCompletion * groups + g];
    cell.visits = sums[kVisits * groups + g];
    cell.more_than_one = sums[kMoreThanOne * groups + g];
    cell.minutes = sums[kMinutes * groups + g];
    cell.money = sums[kMoney * groups + g];
    if (cell.completion > 0.0) {
      cell.visits /= cell.completion;
      cell.more_than_one /= cell.completion;
      cell.minutes /= cell.completion;
      cell.money /= cell.completion;
    }
    cell.main_reason =
        masks.size() <= 2 ? main_reason_of_two(profiles, masks, g) : main_reason(profiles, masks, g, scratch);
    cells[g] = cell;
  }
}

// Below this many requirement combinations (over the distinct place masks and groups), or with a single
// block of zones, the loops run on the calling thread: an OpenMP region costs more than the work, and far
// more when the machine is loaded.
constexpr std::size_t kParallelWork = std::size_t{1} << 14;

template <typename Body>
void in_parallel_if(bool worth_it, std::size_t count, const Body& body) {
  if (worth_it) {
    parallel_for(count, body);
  } else {
    for (std::size_t i = 0; i < count; ++i) body(i);
  }
}

// The requirement combinations one place mask costs to enumerate, summed over the groups.
std::size_t enumeration_work(const MatterEvaluator& evaluator,
                             const std::vector<std::vector<double>>& requirement_p) {
  std::size_t work = 0;
  for (const auto& p : requirement_p) {
    std::size_t uncertain = 0;
    for (const std::size_t r : evaluator.requirements_used()) uncertain += p[r] > 0.0 && p[r] < 1.0 ? 1U : 0U;
    work += std::size_t{1} << std::min(uncertain, kMaxUncertain + 1);
  }
  return work;
}

void check_inputs(const JourneyInputs& in, std::size_t office_kinds) {
  const std::size_t zones = in.zone_ids.size();
  const auto rows_fit = [&](const std::vector<std::vector<double>>& rows) {
    return office_kinds == 0 ? rows.empty()
                             : rows.size() == zones &&
                                   std::all_of(rows.begin(), rows.end(),
                                               [&](const auto& row) { return row.size() == office_kinds; });
  };
  const bool consistent = in.place.available.size() == zones && in.place.travel_minutes.size() == zones &&
                          in.people.size() == in.groups.size() && !in.groups.empty() &&
                          std::all_of(in.people.begin(), in.people.end(),
                                      [&](const std::vector<double>& p) { return p.size() == zones; });
  if (!consistent) {
    throw Error(ErrorCode::InvalidInput, "journey inputs: zones, groups and place channels disagree in size",
                "give one place row and one population per zone and group");
  }
  if (!rows_fit(in.place.office_available) || !rows_fit(in.place.office_travel_minutes)) {
    throw Error(
        ErrorCode::InvalidInput,
        fmt::format("journey inputs: the catalogue has {} office kinds, the place rows do not", office_kinds),
        "give each zone one availability and one travel time per office kind of the catalogue");
  }
  const auto check = [&](std::size_t z, std::string_view what, double p, double t) {
    if (!(p >= 0.0 && p <= 1.0) || !(t >= 0.0 && std::isfinite(t))) {
      throw Error(ErrorCode::InvalidInput,
                  fmt::format("zone '{}': the {} channel has probability {} and travel {} min",
                              excerpt(in.zone_ids[z]), what, p, t),
                  "give probabilities in [0, 1] and finite travel times ≥ 0");
    }
  };
  for (std::size_t z = 0; z < zones; ++z) {
    for (std::size_t c = 0; c < kChannelCount; ++c)
      check(z, spelled(static_cast<Channel>(c)), in.place.available[z][c], in.place.travel_minutes[z][c]);
    for (std::size_t k = 0; k < office_kinds; ++k)
      check(z, "office", in.place.office_available[z][k], in.place.office_travel_minutes[z][k]);
  }
}

// Each zone's channels and office kinds in one fixed array (absent slots 0).
struct ZonePlaces {
  std::vector<PerPlace<double>> available;
  std::vector<PerPlace<double>> travel;
};

ZonePlaces zone_places(const JourneyInputs& in) {
  const std::size_t zones = in.zone_ids.size();
  ZonePlaces out;
  out.available.assign(zones, PerPlace<double>{});
  out.travel.assign(zones, PerPlace<double>{});
  for (std::size_t z = 0; z < zones; ++z) {
    std::copy(in.place.available[z].begin(), in.place.available[z].end(), out.available[z].begin());
    std::copy(in.place.travel_minutes[z].begin(), in.place.travel_minutes[z].end(), out.travel[z].begin());
    if (in.place.office_available.empty()) continue;
    std::copy(in.place.office_available[z].begin(), in.place.office_available[z].end(),
              out.available[z].begin() + kChannelCount);
    std::copy(in.place.office_travel_minutes[z].begin(), in.place.office_travel_minutes[z].end(),
              out.travel[z].begin() + kChannelCount);
  }
  return out;
}

// One matter over every zone and group; `parallel`: its loops may run on several threads.
MatterResult evaluate_matter(const Matter& matter, const Catalogue& catalogue,
                             const std::vector<std::vector<double>>& requirement_p,
                             const std::vector<const JointRequirements*>& joint, const JourneyInputs& inputs,
                             const ZonePlaces& places, const JourneyOptions& options, bool parallel) {
  const std::size_t zones = inputs.zone_ids.size();
  const std::size_t groups = inputs.groups.size();
  MatterEvaluator evaluator(matter, catalogue);
  // 1. Each zone's place masks (flat, zone after zone); distinct masks get their profiles once.
  std::map<PerPlace<std::uint8_t>, std::uint32_t> profiles_of;
  std::vector<PerPlace<std::uint8_t>> distinct;
  std::vector<PlaceMask> masks;
  std::vector<std::size_t> mask_offset(zones + 1, 0);
  for (std::size_t z = 0; z < zones; ++z) {
    append_place_masks(evaluator, places.available[z], masks);
    for (std::size_t m = mask_offset[z]; m < masks.size(); ++m) {
      const auto [at, inserted] =
          profiles_of.emplace(masks[m].present, static_cast<std::uint32_t>(distinct.size()));
      if (inserted) distinct.push_back(masks[m].present);
      masks[m].profiles = at->second;
    }
    mask_offset[z + 1] = masks.size();
  }
  // 2. Per distinct mask, the requirement combinations enumerated into profiles (in parallel).
  std::vector<MaskProfiles> profiles(distinct.size());
  const auto build = [&](std::size_t k) {
    profiles[k] = build_profiles(evaluator, requirement_p, joint, distinct[k], matter.id);
  };
  in_parallel_if(parallel && enumeration_work(evaluator, requirement_p) * distinct.size() >= kParallelWork,
                 distinct.size(), build);
  // 3. Per zone, every group's cell (in parallel over blocks of zones; each cell is written by one thread
  //    and its sums run in a fixed order, so the results do not depend on the threads).
  MatterResult out;
  out.id = matter.id;
  out.name = matter.name;
  out.cells.assign(zones, std::vector<JourneyCell>(groups));
  out.groups.assign(groups, MatterGroup{});
  constexpr std::size_t kBlock = 64;
  const std::size_t blocks = (zones + kBlock - 1) / kBlock;
  in_parallel_if(parallel && blocks > 1, blocks, [&](std::size_t block) {
    ZoneScratch scratch;
    for (std::size_t z = block * kBlock; z < std::min(zones, (block + 1) * kBlock); ++z) {
      const std::span<const PlaceMask> zone_masks(masks.data() + mask_offset[z],
                                                  mask_offset[z + 1] - mask_offset[z]);
      evaluate_zone(evaluator, profiles, zone_masks, places.travel[z], options.choice, out.cells[z], scratch);
    }
  });
  // 4. Group totals, in zone order (deterministic sums); reasons through the masks' weights.
  std::vector<std::vector<double>> weight(groups, std::vector<double>(distinct.size(), 0.0));  // people × p
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
      for (std::size_t m = mask_offset[z]; m < mask_offset[z + 1]; ++m)
        weight[g][masks[m].profiles] += people * masks[m].probability;
      if (g == 0) {
        completers += done;
        one_visit += done * (1.0 - cell.more_than_one);
      }
    }
  }
  for (std::size_t g = 0; g < groups; ++g) {
    MatterGroup& sum = out.groups[g];
    sum.failing_by_reason.assign(evaluator.reason_count(), 0.0);
    for (std::size_t k = 0; k < distinct.size(); ++k) {
      for (const auto& [reason, probability] : profiles[k].failing[g])
        sum.failing_by_reason[reason] += weight[g][k] * probability;
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
  return out;
}

}  // namespace

JourneyResult evaluate_journeys(const Catalogue& catalogue, const GroupAbilities& abilities,
                                const JourneyInputs& inputs, const JourneyOptions& options,
                                ProgressSink& progress) {
  check_inputs(inputs, catalogue.offices.size());
  const ZonePlaces places = zone_places(inputs);
  JourneyResult result;
  result.assumption =
      "a person meets each requirement independently with the group's probability, and finds each channel "
      "with the zone's probability; shared requirements make the steps of a matter dependent (enumerated)";
  if (!abilities.joint_groups.empty()) {
    result.assumption = fmt::format(
        "requirements in a group's joint table ({}) are met together with the table's shares, the others "
        "independently with the group's probability; each channel is found with the zone's probability; "
        "shared "
        "requirements make the steps of a matter dependent (enumerated)",
        abilities.joint_file);
  }
  const std::size_t groups = inputs.groups.size();
  // Per group, the probability of every requirement (a requirement nobody uses is not asked for).
  std::vector<std::vector<double>> requirement_p(groups,
                                                 std::vector<double>(catalogue.requirements.size(), 0.0));
  std::vector<std::uint8_t> used(catalogue.requirements.size(), 0);
  for (const auto& matter : catalogue.matters) {
    const MatterEvaluator probe(matter, catalogue);
    for (const std::size_t r : probe.requirements_used()) used[r] = 1;
  }
  std::vector<const JointRequirements*> joint(groups, nullptr);  // per group: its joint table, if any
  for (std::size_t g = 0; g < groups; ++g) {
    joint[g] = abilities.joint_of(inputs.groups[g]);
    for (std::size_t r = 0; r < used.size(); ++r) {
      if (used[r] == 0) continue;
      if (joint[g] != nullptr && joint[g]->column_of(r) < joint[g]->requirements.size()) {
        requirement_p[g][r] = joint[g]->marginal(joint[g]->column_of(r));
        continue;
      }
      const AbilityFigure& figure = abilities.of(inputs.groups[g], r, catalogue);
      requirement_p[g][r] = figure.probability;
      if (figure.illustrative) {
        result.illustrative.push_back(fmt::format("{}: {}", inputs.groups[g], catalogue.requirements[r].id));
      }
    }
  }
  // Many matters: one matter per thread at a time (one OpenMP region for the whole call, which matters on a
  // loaded machine); few: each matter's zones in parallel. Either way every number is summed in the same
  // order, and the first failing matter in catalogue order gives the error.
  const std::size_t matters = catalogue.matters.size();
  result.matters.resize(matters);
  ProgressTask task(progress, "journeys", matters);
  if (matters >= 2 * static_cast<std::size_t>(std::max(1, worker_count()))) {
    std::vector<std::exception_ptr> errors(matters);
    parallel_for(matters, [&](std::size_t m) {
      if (task.stopped()) return;
      try {
        result.matters[m] = evaluate_matter(catalogue.matters[m], catalogue, requirement_p, joint, inputs,
                                            places, options, false);
      } catch (...) {
        errors[m] = std::current_exception();
      }
      task.tick();
    });
    task.throw_if_stopped();
    for (const auto& error : errors) {
      if (error) std::rethrow_exception(error);
    }
  } else {
    for (std::size_t m = 0; m < matters; ++m) {
      result.matters[m] = evaluate_matter(catalogue.matters[m], catalogue, requirement_p, joint, inputs,
                                          places, options, true);
      if (!task.tick()) task.throw_if_stopped();
    }
  }
  std::sort(result.illustrative.begin(), result.illustrative.end());
  result.illustrative.erase(std::unique(result.illustrative.begin(), result.illustrative.end()),
                            result.illustrative.end());
  return result;
}

}  // namespace equalis::journeys

#include "access/decay.hpp"

#include "core/duration.hpp"
#include "core/error.hpp"
#include "core/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace equalis::access {

namespace {

// Costs are stored as float (4 bytes a pair): a cost and a limit are compared as floats, so a trip of
// 5.8 minutes is within a 5.8-minute cutoff although float(5.8) > 5.8 as doubles.
bool within(double cost, double limit) noexcept {
  return static_cast<float>(cost) <= static_cast<float>(limit);
}

constexpr double kExpHalf = 0.6065306597126334;  // e^{−½}

[[noreturn]] void bad(std::string_view field, std::string message, std::string fix) {
  throw Error(ErrorCode::InvalidInput, fmt::format("`{}`: {}", field, message), std::move(fix));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto at = text.find(separator);
    parts.push_back(trim(text.substr(0, at)));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

double parse_fraction(std::string_view text, std::string_view field) {
  const auto value = parse_number(text);
  if (!value || *value < 0.0 || *value > 1.0) {
    bad(field, fmt::format("the step weight '{}' is not a number in [0, 1]", excerpt(text)),
        "write steps as COST=WEIGHT with weights between 0 and 1, e.g. "
        "stepped:10min=0.67,20min=0.33,30min=0");
  }
  return *value;
}

double parse_positive(std::string_view text, std::string_view field, std::string_view what) {
  const auto value = parse_number(text);
  if (!value || *value <= 0.0) {
    bad(field, fmt::format("{} '{}' is not a number > 0", what, excerpt(text)),
        fmt::format("give {} as a positive number", what));
  }
  return *value;
}

}  // namespace

double parse_cost(std::string_view text, io::CostUnit unit, std::string_view field) {
  text = trim(text);
  if (const auto plain = parse_number(text)) {
    if (*plain < 0.0) bad(field, fmt::format("the cost {} is negative", *plain), "give a cost ≥ 0");
    return *plain;
  }
  if (unit == io::CostUnit::Metres) {
    const bool km = text.ends_with("km");
    if (km || text.ends_with("m")) {
      const auto number = parse_number(trim(text.substr(0, text.size() - (km ? 2 : 1))));
      if (number && *number >= 0.0) return *number * (km ? 1000.0 : 1.0);
    }
    bad(field, fmt::format("'{}' is not a distance", excerpt(text)),
        "the costs are in metres: give a number of metres, or a distance such as 800m or 2.5km");
  }
  const auto seconds = parse_duration_seconds(text);
  if (!seconds) {
    bad(field, fmt::format("'{}' is neither a number nor a duration", excerpt(text)),
        "give a number in the cost unit, or a duration such as 30min, 1800s or 1h");
  }
  switch (unit) {
    case io::CostUnit::Seconds:
      return *seconds;
    case io::CostUnit::Minutes:
      return *seconds / 60.0;
    case io::CostUnit::Metres:
    case io::CostUnit::Given:
      break;
  }
  bad(field, fmt::format("'{}' is a duration, but the costs are {}", excerpt(text), io::cost_unit_name(unit)),
      "say what the matrix's costs are (`cost_unit` seconds or minutes), or give a bare number in its unit");
}

double DecayFunction::weight(double cost) const noexcept {
  switch (kind) {
    case DecayKind::Binary:
      return within(cost, cutoff) ? 1.0 : 0.0;
    case DecayKind::Linear:
      return within(cost, cutoff) ? std::max(0.0, 1.0 - cost / cutoff) : 0.0;
    case DecayKind::Exponential:
      return std::exp(-beta * cost);
    case DecayKind::Power:
      return cost <= 1.0 ? 1.0 : std::pow(cost, -beta);
    case DecayKind::Stepped: {
      double value = 1.0;
      for (const auto& step : steps) {
        if (!within(step.at, cost)) break;  // cost < step
        value = step.value;
      }
      return value;
    }
    case DecayKind::Logistic: {
      const double scale = std::numbers::pi / (sd * std::numbers::sqrt3);
      // g(0)/g(c) with g(c) = 1 + e^{scale (c − T)}; for a large exponent the ratio underflows to 0.
      const double exponent = scale * (cost - cutoff);
      if (exponent > 700.0) return 0.0;
      return (1.0 + std::exp(-scale * cutoff)) / (1.0 + std::exp(exponent));
    }
    case DecayKind::Gaussian: {
      if (!within(cost, cutoff)) return 0.0;
      const double ratio = std::min(1.0, cost / cutoff);
      return (std::exp(-0.5 * ratio * ratio) - kExpHalf) / (1.0 - kExpHalf);
    }
  }
  return 0.0;
}

double DecayFunction::reach() const noexcept {
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  switch (kind) {
    case DecayKind::Binary:
    case DecayKind::Linear:
    case DecayKind::Gaussian:
      return cutoff;
    case DecayKind::Stepped: {
      // The first step from which every later weight is 0.
      double from = kInfinity;
      for (auto step = steps.rbegin(); step != steps.rend() && step->value == 0.0; ++step) from = step->at;
      // Costs equal to that step already weigh 0; reach() is inclusive, so any cost below it counts.
      return from == kInfinity ? kInfinity : std::nextafter(from, 0.0);
    }
    case DecayKind::Exponential:
    case DecayKind::Power:
    case DecayKind::Logistic:
      break;
  }
  return kInfinity;
}

std::string DecayFunction::describe() const {
  switch (kind) {
    case DecayKind::Binary:
      return fmt::format("binary:{}", cutoff);
    case DecayKind::Linear:
      return fmt::format("linear:{}", cutoff);
    case DecayKind::Exponential:
      return fmt::format("exponential:{}", beta);
    case DecayKind::Power:
      return fmt::format("power:{}", beta);
    case DecayKind::Stepped: {
      std::string text = "stepped:";
      for (std::size_t k = 0; k < steps.size(); ++k) {
        text += fmt::format("{}{}={}", k == 0 ? "" : ",", steps[k].at, steps[k].value);
      }
      return text;
    }
    case DecayKind::Logistic:
      return fmt::format("logistic:{},{}", cutoff, sd);
    case DecayKind::Gaussian:
      return fmt::format("gaussian:{}", cutoff);
  }
  return {};
}

DecayFunction parse_decay(std::string_view text, io::CostUnit unit, std::string_view field) {
  text = trim(text);
  const auto colon = text.find(':');
  const std::string_view name = trim(text.substr(0, colon));
  const std::string_view argument = colon == std::string_view::npos ? "" : trim(text.substr(colon + 1));
  const auto need_argument = [&](std::string_view example) {
    if (argument.empty()) {
      bad(field, fmt::format("the decay '{}' needs a parameter", excerpt(name)),
          fmt::format("write it as {}", example));
    }
  };
  DecayFunction decay;
  if (name == "binary" || name == "linear" || name == "gaussian") {
    need_argument(fmt::format("{}:30min (the cutoff)", name));
    decay.kind = name == "binary"   ? DecayKind::Binary
                 : name == "linear" ? DecayKind::Linear
                                    : DecayKind::Gaussian;
    decay.cutoff = parse_cost(argument, unit, field);
    if (decay.cutoff <= 0.0 && decay.kind != DecayKind::Binary) {
      bad(field, fmt::format("the {} cutoff must be > 0", name), "give a positive cutoff, e.g. 30min");
    }
  } else if (name == "exponential" || name == "power") {
    need_argument(fmt::format("{}:0.1 (β per cost unit)", name));
    decay.kind = name == "exponential" ? DecayKind::Exponential : DecayKind::Power;
    decay.beta = parse_positive(argument, field, "β");
  } else if (name == "logistic") {
    need_argument("logistic:30min,10min (inflection point, standard deviation)");
    const auto parts = split(argument, ',');
    if (parts.size() != 2) {
      bad(field, fmt::format("the logistic decay takes two parameters, got '{}'", excerpt(argument)),
          "write it as logistic:30min,10min (inflection point, standard deviation)");
    }
    decay.kind = DecayKind::Logistic;
    decay.cutoff = parse_cost(parts[0], unit, field);
    decay.sd = parse_cost(parts[1], unit, field);
    if (decay.sd <= 0.0)
      bad(field, "the logistic standard deviation must be > 0", "give a positive sd, e.g. 10min");
  } else if (name == "stepped") {
    need_argument("stepped:10min=0.67,20min=0.33,30min=0");
    decay.kind = DecayKind::Stepped;
    for (const auto part : split(argument, ',')) {
      const auto equals = part.find('=');
      if (equals == std::string_view::npos) {
        bad(field, fmt::format("the step '{}' has no weight", excerpt(part)),
            "write each step as COST=WEIGHT, e.g. stepped:10min=0.67,20min=0.33,30min=0");
      }
      const DecayStep step{parse_cost(part.substr(0, equals), unit, field),
                           parse_fraction(trim(part.substr(equals + 1)), field)};
      if (!decay.steps.empty() && step.at <= decay.steps.back().at) {
        bad(field, "the steps are not in increasing order of cost",
            "list the steps from the nearest to the farthest");
      }
      decay.steps.push_back(step);
    }
  } else {
    bad(field, fmt::format("unknown decay '{}'", excerpt(name)),
        "use binary, linear, exponential, power, stepped, logistic or gaussian (see docs/access.md)");
  }
  return decay;
}

}  // namespace equalis::access

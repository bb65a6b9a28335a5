#include "models/param_distribution.hpp"

#include <boost/random/beta_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/triangle_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace districtcast::models {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

constexpr std::array<ParamFamily, 5> kFamilies = {ParamFamily::normal, ParamFamily::uniform, ParamFamily::triangular,
                                                  ParamFamily::lognormal, ParamFamily::beta};

/// "a, b, c" with fmt's shortest round-trip formatting of each number.
std::string join(const std::vector<double>& values) {
  std::string text;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ", ";
    text += fmt::format("{}", values[i]);
  }
  return text;
}

/// Alpha, beta, low, high of a stored beta distribution.
struct BetaArgs {
  double alpha;
  double beta;
  double low;
  double high;
};
BetaArgs beta_args(const std::vector<double>& args) { return {args[0], args[1], args[2], args[3]}; }

/// Mean of beta(alpha, beta) on [0, 1].
double unit_beta_mean(const BetaArgs& b) { return b.alpha / (b.alpha + b.beta); }

/// Standard deviation of beta(alpha, beta) on [0, 1].
double unit_beta_sd(const BetaArgs& b) {
  const double sum = b.alpha + b.beta;
  return std::sqrt(b.alpha * b.beta / (sum * sum * (sum + 1.0)));
}

/// The arity error of `family`, or "" when `count` numbers are the right number.
std::string arity_error(ParamFamily family, std::size_t count) {
  switch (family) {
    case ParamFamily::normal:
      if (count == 2) return {};
      return fmt::format("normal takes [mean, sd] (2 numbers), got {}", count);
    case ParamFamily::uniform:
      if (count == 2) return {};
      return fmt::format("uniform takes [low, high] (2 numbers), got {}", count);
    case ParamFamily::triangular:
      if (count == 3) return {};
      return fmt::format("triangular takes [low, mode, high] (3 numbers), got {}", count);
    case ParamFamily::lognormal:
      if (count == 2) return {};
      return fmt::format("lognormal takes [m, s] (2 numbers), got {}", count);
    case ParamFamily::beta:
      if (count == 2 || count == 4) return {};
      return fmt::format("beta takes [alpha, beta] or [alpha, beta, low, high] (2 or 4 numbers), got {}", count);
  }
  return "unknown distribution family";
}

/// The first violated constraint of `family` with arguments of the right arity, or "" when all hold.
/// Comparisons are written so that a NaN fails them.
std::string constraint_error(ParamFamily family, const std::vector<double>& args) {
  switch (family) {
    case ParamFamily::normal:
      if (!(args[1] >= 0.0)) return fmt::format("sd must be >= 0 (got {})", args[1]);
      return {};
    case ParamFamily::uniform:
      if (!(args[0] < args[1])) return fmt::format("uniform needs low < high (got [{}])", join(args));
      return {};
    case ParamFamily::triangular:
      if (!(args[0] < args[2])) return fmt::format("triangular needs low < high (got [{}])", join(args));
      if (!(args[0] <= args[1] && args[1] <= args[2])) {
        return fmt::format("triangular needs low <= mode <= high (got [{}])", join(args));
      }
      return {};
    case ParamFamily::lognormal:
      if (!(args[1] >= 0.0)) return fmt::format("s must be >= 0 (got {})", args[1]);
      return {};
    case ParamFamily::beta:
      // Below 0.05 Boost's gamma-ratio sampler can return 0/0 (both gammas round to 0).
      if (!(args[0] >= kMinBetaShape)) return fmt::format("alpha must be >= {} (got {})", kMinBetaShape, args[0]);
      if (!(args[1] >= kMinBetaShape)) return fmt::format("beta must be >= {} (got {})", kMinBetaShape, args[1]);
      if (args.size() == 4 && !(args[2] < args[3])) {
        return fmt::format("beta needs low < high (got [{}, {}])", args[2], args[3]);
      }
      return {};
  }
  return {};
}

double draw_beta(const BetaArgs& b, RandomStream& stream) {
  const double unit = boost::random::beta_distribution<double>(b.alpha, b.beta)(stream);
  // low + (high - low) * 1 can round past high: keep the draw inside the support.
  return std::clamp(b.low + (b.high - b.low) * unit, b.low, b.high);
}

}  // namespace

double ParamDistribution::mean() const noexcept {
  switch (family) {
    case ParamFamily::normal: return args[0];
    case ParamFamily::uniform: return (args[0] + args[1]) / 2.0;
    case ParamFamily::triangular: return (args[0] + args[1] + args[2]) / 3.0;
    case ParamFamily::lognormal: return std::exp(args[0] + args[1] * args[1] / 2.0);
    case ParamFamily::beta: {
      const BetaArgs b = beta_args(args);
      return b.low + (b.high - b.low) * unit_beta_mean(b);
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double ParamDistribution::standard_deviation() const noexcept {
  switch (family) {
    case ParamFamily::normal: return args[1];
    case ParamFamily::uniform: return (args[1] - args[0]) / std::sqrt(12.0);
    case ParamFamily::triangular: {
      const double a = args[0];
      const double c = args[1];
      const double b = args[2];
      return std::sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18.0);
    }
    case ParamFamily::lognormal: {
      const double m = args[0];
      const double s2 = args[1] * args[1];
      return std::sqrt(std::expm1(s2) * std::exp(2.0 * m + s2));
    }
    case ParamFamily::beta: {
      const BetaArgs b = beta_args(args);
      return (b.high - b.low) * unit_beta_sd(b);
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double ParamDistribution::support_low() const noexcept {
  switch (family) {
    case ParamFamily::normal: return args[1] == 0.0 ? args[0] : -kInfinity;
    case ParamFamily::uniform:
    case ParamFamily::triangular: return args[0];  // both are [low, ...]
    case ParamFamily::lognormal: return args[1] == 0.0 ? std::exp(args[0]) : 0.0;
    case ParamFamily::beta: return args[2];
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double ParamDistribution::support_high() const noexcept {
  switch (family) {
    case ParamFamily::normal: return args[1] == 0.0 ? args[0] : kInfinity;
    case ParamFamily::uniform: return args[1];
    case ParamFamily::triangular: return args[2];
    case ParamFamily::lognormal: return args[1] == 0.0 ? std::exp(args[0]) : kInfinity;
    case ParamFamily::beta: return args[3];
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double ParamDistribution::draw(RandomStream& stream) const {
  switch (family) {
    case ParamFamily::normal:
      if (args[1] == 0.0) return args[0];
      return boost::random::normal_distribution<double>(args[0], args[1])(stream);
    case ParamFamily::uniform:
      return boost::random::uniform_real_distribution<double>(args[0], args[1])(stream);
    case ParamFamily::triangular: {
      // Boost computes low + sqrt(...) or high - sqrt(...): rounding may step just outside [low, high].
      const double x = boost::random::triangle_distribution<double>(args[0], args[1], args[2])(stream);
      return std::clamp(x, args[0], args[2]);
    }
    case ParamFamily::lognormal:
      if (args[1] == 0.0) return std::exp(args[0]);
      return boost::random::lognormal_distribution<double>(args[0], args[1])(stream);
    case ParamFamily::beta:
      return draw_beta(beta_args(args), stream);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::string ParamDistribution::describe() const {
  if (family == ParamFamily::beta) {
    const BetaArgs b = beta_args(args);
    std::string text = fmt::format("beta({}, {})", b.alpha, b.beta);
    if (b.low != 0.0 || b.high != 1.0) text += fmt::format(" on [{}, {}]", b.low, b.high);
    return text;
  }
  return fmt::format("{}({})", to_string(family), join(args));
}

const std::vector<std::string>& param_family_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const ParamFamily family : kFamilies) out.emplace_back(to_string(family));
    return out;
  }();
  return names;
}

std::string_view to_string(ParamFamily family) noexcept {
  switch (family) {
    case ParamFamily::normal: return "normal";
    case ParamFamily::uniform: return "uniform";
    case ParamFamily::triangular: return "triangular";
    case ParamFamily::lognormal: return "lognormal";
    case ParamFamily::beta: return "beta";
  }
  return "unknown";
}

std::optional<ParamFamily> param_family_from_string(std::string_view name) noexcept {
  for (const ParamFamily family : kFamilies) {
    if (to_string(family) == name) return family;
  }
  return std::nullopt;
}

ParamDistributionResult make_param_distribution(ParamFamily family, const std::vector<double>& args) {
  if (std::string error = arity_error(family, args.size()); !error.empty()) return {std::nullopt, std::move(error)};
  if (std::string error = constraint_error(family, args); !error.empty()) return {std::nullopt, std::move(error)};
  ParamDistribution distribution{family, args};
  if (family == ParamFamily::beta && args.size() == 2) distribution.args = {args[0], args[1], 0.0, 1.0};
  return {std::move(distribution), {}};
}

}  // namespace districtcast::models

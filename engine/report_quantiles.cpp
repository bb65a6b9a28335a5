#include "engine/report_quantiles.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>

namespace districtcast::report_detail {
namespace {

/// "1st", "2nd", "5th", "2.5th", "97.5th" for a percentile.
std::string ordinal(double percentile) {
  std::string s = fmt::format("{}", percentile);
  if (percentile != std::floor(percentile)) return s + "th";
  const auto n = static_cast<long long>(percentile);
  if (n % 100 >= 11 && n % 100 <= 13) return s + "th";
  switch (n % 10) {
    case 1: return s + "st";
    case 2: return s + "nd";
    case 3: return s + "rd";
    default: return s + "th";
  }
}

/// Percentile of a quantile column name ("p2.5" -> 2.5), nullopt if it is not one.
std::optional<double> percentile_of(const std::string& name) {
  if (name.size() < 2 || name[0] != 'p') return std::nullopt;
  try {
    std::size_t used = 0;
    const double p = std::stod(name.substr(1), &used);
    if (used != name.size() - 1) return std::nullopt;
    return p;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

QuantileChoice choose_quantiles(const std::vector<std::string>& names) {
  std::vector<std::pair<double, std::size_t>> lows, highs;
  QuantileChoice c;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto p = percentile_of(names[i]);
    if (!p) continue;
    if (*p < 50) lows.emplace_back(*p, i);
    if (*p > 50) highs.emplace_back(*p, i);
    if (*p == 50) c.median = i;
  }
  std::sort(lows.begin(), lows.end());
  std::sort(highs.begin(), highs.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  auto find = [](const std::vector<std::pair<double, std::size_t>>& v, double p) {
    return std::find_if(v.begin(), v.end(), [p](const auto& e) { return e.first == p; });
  };
  auto pick_pair = [&](double want_low, double want_high, std::size_t& low_pos, std::size_t& high_pos) {
    const auto l = find(lows, want_low);
    const auto h = find(highs, want_high);
    if (l != lows.end() && h != highs.end()) {
      low_pos = static_cast<std::size_t>(l - lows.begin());
      high_pos = static_cast<std::size_t>(h - highs.begin());
      return true;
    }
    return false;
  };
  if (lows.empty() || highs.empty()) {
    c.caption = "no percentile band (the run has no percentiles on both sides of the median)";
  } else {
    std::size_t ol = 0, oh = 0;
    pick_pair(5, 95, ol, oh);  // else the outermost pair (positions 0, 0)
    c.outer_low = lows[ol].second;
    c.outer_high = highs[oh].second;
    c.outer_label = ordinal(lows[ol].first) + "\u2013" + ordinal(highs[oh].first) + " percentile";
    c.caption = ordinal(lows[ol].first) + "\u2013" + ordinal(highs[oh].first);
    std::size_t il = 0, ih = 0;
    bool inner = pick_pair(25, 75, il, ih) && il > ol && ih > oh;
    if (!inner && ol + 1 < lows.size() && oh + 1 < highs.size()) {
      il = ol + 1;
      ih = oh + 1;
      inner = true;
    }
    if (inner) {
      c.inner_low = lows[il].second;
      c.inner_high = highs[ih].second;
      c.inner_label = ordinal(lows[il].first) + "\u2013" + ordinal(highs[ih].first) + " percentile";
      c.caption += " and " + ordinal(lows[il].first) + "\u2013" + ordinal(highs[ih].first);
    }
    c.caption += " percentiles";
  }
  if (!c.median) c.centre_label = "mean (no median in this run)";
  return c;
}

}  // namespace districtcast::report_detail

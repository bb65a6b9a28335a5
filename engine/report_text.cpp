#include "engine/report_text.hpp"

#include "engine/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace districtcast::report_detail {

using svg::escape;
using svg::format_number;
using svg::format_percent;

std::string units_suffix(const RunData& run) { return run.units.empty() ? "" : " " + run.units; }

std::string metric_title(Metric metric) {
  switch (metric) {
    case Metric::gdp: return "GDP";
    case Metric::firm_stock: return "active firms";
    case Metric::firm_births: return "firm births";
    case Metric::firm_exits: return "firm exits";
    case Metric::gdp_growth: return "real GDP growth";
    case Metric::gdp_share: return "share of district GDP";
  }
  return "?";
}

int value_decimals(Metric metric, double typical) {
  if (is_firm_metric(metric)) return 0;
  typical = std::fabs(typical);
  if (typical >= 1000) return 0;
  if (typical >= 10) return 1;
  if (typical >= 0.1) return 2;
  return 4;
}

std::string threshold_text(const Threshold& t, const RunData& run) {
  const std::string condition =
      fmt::format("{} \u2265 {}{}", metric_title(t.metric), format_number(t.value, value_decimals(t.metric, t.value)),
                  t.metric == Metric::gdp ? units_suffix(run) : "");
  return t.label.empty() ? condition : t.label + " (" + condition + ")";
}

std::string heading(int level, const std::string& id, const std::string& text) {
  level = std::clamp(level, 1, 6);
  return fmt::format("<h{0}{1}>{2}</h{0}>\n", level, id.empty() ? "" : fmt::format(" id=\"{}\"", escape(id)),
                     escape(text));
}

std::string probability_cell(double p, double se) {
  const double pp = se * 100.0;
  const std::string se_text = pp > 0 && pp < 0.005 ? "<0.01" : format_number(pp, 2);
  return fmt::format("{} <span class=\"se\">\u00b1{}</span>", escape(format_percent(p)), escape(se_text));
}

std::string paths_text(const RunData& run) { return format_number(static_cast<double>(run.tables.paths), 0); }

}  // namespace districtcast::report_detail

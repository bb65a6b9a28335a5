#include "engine/report_data.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace districtcast::report_detail {

int last_year(const RunData& run) { return run.base_year + run.horizon; }

int middle_year(const RunData& run) { return run.base_year + (run.horizon + 1) / 2; }

std::vector<const SummaryRow*> series_rows(const RunData& run, const std::string& district, const std::string& sector,
                                           Metric metric) {
  std::vector<const SummaryRow*> rows;
  for (const auto& r : run.tables.summary) {
    if (r.district == district && r.sector == sector && r.metric == metric) rows.push_back(&r);
  }
  std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) { return a->year < b->year; });
  return rows;
}

const RunDistrictInfo* find_district(const RunData& run, const std::string& id) {
  for (const auto& d : run.districts) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

std::string display_name(const RunDistrictInfo& d) { return d.name.empty() ? d.id : d.name; }

std::vector<std::pair<std::string, std::string>> all_districts(const std::vector<Member>& members) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  for (const auto& m : members) {
    for (const auto& d : m.run->districts) {
      if (seen.insert(d.id).second) out.emplace_back(d.id, display_name(d));
    }
  }
  return out;
}

std::optional<double> base_firm_stock(const RunData& run, const std::string& district) {
  const auto& m = run.manifest;
  if (!m.is_object() || !m.contains("resolved_scenario")) return std::nullopt;
  const auto& rs = m["resolved_scenario"];
  if (!rs.is_object() || !rs.contains("districts") || !rs["districts"].is_array()) return std::nullopt;
  for (const auto& d : rs["districts"]) {
    if (!d.is_object() || d.value("id", std::string()) != district) continue;
    auto stock_of = [](const nlohmann::ordered_json& unit) -> std::optional<double> {
      if (unit.contains("firms") && unit["firms"].is_object() && unit["firms"].contains("stock") &&
          unit["firms"]["stock"].is_number())
        return unit["firms"]["stock"].get<double>();
      return std::nullopt;
    };
    if (d.contains("sectors") && d["sectors"].is_array() && !d["sectors"].empty()) {
      std::optional<double> total;
      for (const auto& s : d["sectors"]) {
        if (const auto v = stock_of(s)) total = total.value_or(0.0) + *v;
      }
      return total;
    }
    return stock_of(d);
  }
  return std::nullopt;
}

std::vector<Threshold> all_thresholds(const std::vector<Member>& members) {
  std::vector<Threshold> out;
  auto add = [&](Metric metric, double value, const std::string& label) {
    for (const auto& t : out) {
      if (t.metric == metric && t.value == value) return;
    }
    out.push_back({metric, value, label});
  };
  for (const auto& m : members) {
    for (const auto& r : m.run->tables.thresholds) add(r.metric, r.threshold, r.label);
  }
  return out;
}

const ThresholdRow* threshold_row(const RunData& run, const std::string& district, const Threshold& t, int year) {
  for (const auto& r : run.tables.thresholds) {
    if (r.district == district && r.metric == t.metric && r.threshold == t.value && r.year == year) return &r;
  }
  return nullptr;
}

std::vector<const FirstCrossingRow*> crossing_rows(const RunData& run, const std::string& district,
                                                   const Threshold& t) {
  std::vector<const FirstCrossingRow*> rows;
  for (const auto& r : run.tables.first_crossing) {
    if (r.district == district && r.metric == t.metric && r.threshold == t.value) rows.push_back(&r);
  }
  // Years ascending, "never" last.
  std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    return a->first_year.value_or(1 << 30) < b->first_year.value_or(1 << 30);
  });
  return rows;
}

std::string median_first_year(const RunData& run, const std::vector<const FirstCrossingRow*>& rows) {
  double sum = 0.0;
  for (const auto* r : rows) {
    if (!r->first_year) break;
    sum += r->probability;
    if (sum >= 0.5 - 1e-12) return std::to_string(*r->first_year);
  }
  return "after " + std::to_string(last_year(run));
}

double binomial_se(double p, std::uint64_t paths) {
  return paths == 0 ? 0.0 : std::sqrt(std::max(0.0, p * (1.0 - p)) / static_cast<double>(paths));
}

bool any_rows(const std::vector<Member>& members, const std::string& district, Metric metric) {
  for (const auto& m : members) {
    if (!series_rows(*m.run, district, "", metric).empty()) return true;
  }
  return false;
}

}  // namespace districtcast::report_detail

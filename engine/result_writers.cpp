#include "engine/result_writers.hpp"

#include "engine/output_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <stdexcept>

namespace districtcast {
namespace {

using Json = nlohmann::ordered_json;

Json number_or_null(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

void write_summary_csv(const std::filesystem::path& dir, const ResultTables& t) {
  OutputFile f(dir / "summary.csv");
  f.print("district,sector,metric,year,mean,sd,mc_se");
  for (const auto& name : t.quantile_names) f.print(",{}", name);
  f.print("\n");
  for (const auto& r : t.summary) {
    f.print("{},{},{},{},{},{},{}", r.district, r.sector, to_string(r.metric), r.year, r.mean, r.sd, r.mc_se);
    for (double q : r.quantiles) f.print(",{}", q);
    f.print("\n");
  }
  f.close();
}

void write_histograms_csv(const std::filesystem::path& dir, const ResultTables& t) {
  OutputFile f(dir / "histograms.csv");
  f.print("district,sector,metric,year,bin_lower,bin_upper,probability\n");
  for (const auto& r : t.histograms) {
    f.print("{},{},{},{},{},{},{}\n", r.district, r.sector, to_string(r.metric), r.year, r.lower, r.upper,
            r.probability);
  }
  f.close();
}

void write_thresholds_csv(const std::filesystem::path& dir, const ResultTables& t) {
  OutputFile f(dir / "thresholds.csv");
  f.print("district,metric,threshold,year,p_above,p_reached_by,mc_se\n");
  for (const auto& r : t.thresholds) {
    f.print("{},{},{},{},{},{},{}\n", r.district, to_string(r.metric), r.threshold, r.year, r.p_above,
            r.p_reached_by, r.mc_se);
  }
  f.close();
}

void write_first_crossing_csv(const std::filesystem::path& dir, const ResultTables& t) {
  OutputFile f(dir / "first_crossing.csv");
  f.print("district,metric,threshold,first_year,probability\n");
  for (const auto& r : t.first_crossing) {
    f.print("{},{},{},{},{}\n", r.district, to_string(r.metric), r.threshold,
            r.first_year ? fmt::to_string(*r.first_year) : std::string("never"), r.probability);
  }
  f.close();
}

void write_events_csv(const std::filesystem::path& dir, const ResultTables& t) {
  OutputFile f(dir / "events.csv");
  f.print("event,district,other,metric,threshold,year,districts,probability,mc_se\n");
  for (const auto& r : t.events) {
    f.print("{},{},{},{},{},{},{},{},{}\n", r.event, r.district, r.other, to_string(r.metric),
            r.threshold ? fmt::to_string(*r.threshold) : std::string(), r.year,
            r.districts ? fmt::to_string(*r.districts) : std::string(), r.probability, r.mc_se);
  }
  f.close();
}

void write_regimes_csv(const std::filesystem::path& dir, const ResultTables& t) {
  OutputFile f(dir / "regimes.csv");
  f.print("chain,regime,year,probability,mc_se\n");
  for (const auto& r : t.regimes) f.print("{},{},{},{},{}\n", r.chain, r.regime, r.year, r.probability, r.mc_se);
  f.close();
}

void write_shocks_csv(const std::filesystem::path& dir, const ResultTables& t) {
  OutputFile f(dir / "shocks.csv");
  f.print("kind,shock,year,frequency,mc_se\n");
  for (const auto& r : t.shocks) f.print("{},{},{},{},{}\n", r.kind, r.shock, r.year, r.frequency, r.mc_se);
  f.close();
}

void write_parameters_csv(const std::filesystem::path& dir, const ResultTables& t) {
  OutputFile f(dir / "parameters.csv");
  f.print("parameter,family,args,target_mean,target_sd,mean,sd,mc_se");
  for (const auto& name : t.quantile_names) f.print(",{}", name);
  f.print("\n");
  for (const auto& r : t.parameters) {
    f.print("{},{},{},{},{},{},{},{}", r.parameter, r.family, fmt::join(r.args, " "), r.target_mean, r.target_sd,
            r.mean, r.sd, r.mc_se);
    for (double q : r.quantiles) f.print(",{}", q);
    f.print("\n");
  }
  f.close();
}

void write_summary_json(const std::filesystem::path& dir, const Scenario& s, const ResultTables& t) {
  Json doc;
  doc["scenario"] = s.name;
  doc["units"] = s.units;
  doc["base_year"] = s.base_year;
  doc["horizon"] = s.horizon;
  doc["paths"] = t.paths;
  doc["seed"] = s.seed;
  doc["quantiles"] = t.quantile_names;
  Json districts = Json::array();
  for (const auto& d : s.districts) {
    Json district{{"id", d.id}, {"name", d.name}, {"base_gdp", d.gdp}};
    if (!d.sectors.empty()) {
      Json sectors = Json::array();
      for (const auto& sector : d.sectors) sectors.push_back(Json{{"id", sector.id}, {"name", sector.name}, {"share", sector.share}});
      district["sectors"] = std::move(sectors);
    }
    if (!d.history.empty()) {
      Json history = Json::object();
      for (const auto& [year, gdp] : d.history) history[std::to_string(year)] = gdp;
      district["history"] = std::move(history);
    }
    districts.push_back(std::move(district));
  }
  doc["districts"] = districts;
  Json summary = Json::array();
  for (const auto& r : t.summary) {
    Json row{{"district", r.district}, {"sector", r.sector.empty() ? Json(nullptr) : Json(r.sector)},
             {"metric", std::string(to_string(r.metric))}, {"year", r.year},
             {"mean", r.mean}, {"sd", r.sd}, {"mc_se", r.mc_se}};
    for (std::size_t i = 0; i < r.quantiles.size(); ++i) row[t.quantile_names[i]] = r.quantiles[i];
    summary.push_back(std::move(row));
  }
  doc["summary"] = std::move(summary);
  Json thresholds = Json::array();
  for (const auto& r : t.thresholds) {
    thresholds.push_back(Json{{"district", r.district}, {"metric", std::string(to_string(r.metric))},
                              {"threshold", r.threshold}, {"label", r.label}, {"year", r.year},
                              {"p_above", r.p_above}, {"p_reached_by", r.p_reached_by}, {"mc_se", r.mc_se}});
  }
  doc["thresholds"] = std::move(thresholds);
  Json crossings = Json::array();
  for (const auto& r : t.first_crossing) {
    crossings.push_back(Json{{"district", r.district}, {"metric", std::string(to_string(r.metric))},
                             {"threshold", r.threshold}, {"label", r.label},
                             {"first_year", r.first_year ? Json(*r.first_year) : Json("never")},
                             {"probability", r.probability}});
  }
  doc["first_crossing"] = std::move(crossings);
  Json events = Json::array();
  for (const auto& r : t.events) {
    Json row{{"event", r.event}};
    if (r.threshold) {
      row.update(Json{{"metric", std::string(to_string(r.metric))}, {"threshold", *r.threshold}, {"label", r.label},
                      {"year", r.year}, {"districts", *r.districts}});
    } else {
      row.update(Json{{"district", r.district}, {"other", r.other}, {"metric", std::string(to_string(r.metric))},
                      {"year", r.year}});
    }
    row.update(Json{{"probability", r.probability}, {"mc_se", r.mc_se}});
    events.push_back(std::move(row));
  }
  doc["events"] = std::move(events);
  Json regimes = Json::array();
  for (const auto& r : t.regimes) {
    regimes.push_back(Json{{"chain", r.chain}, {"regime", r.regime}, {"year", r.year}, {"probability", r.probability},
                           {"mc_se", r.mc_se}});
  }
  doc["regimes"] = std::move(regimes);
  Json shocks = Json::array();
  for (const auto& r : t.shocks) {
    shocks.push_back(Json{{"kind", r.kind}, {"shock", r.shock}, {"year", r.year}, {"frequency", r.frequency},
                          {"mc_se", r.mc_se}});
  }
  doc["shocks"] = std::move(shocks);
  Json parameters = Json::array();
  for (const auto& r : t.parameters) {
    Json row{{"parameter", r.parameter}, {"family", r.family}, {"args", r.args}, {"target_mean", r.target_mean},
             {"target_sd", r.target_sd}, {"mean", r.mean}, {"sd", r.sd}, {"mc_se", r.mc_se}};
    for (std::size_t i = 0; i < r.quantiles.size(); ++i) row[t.quantile_names[i]] = r.quantiles[i];
    parameters.push_back(std::move(row));
  }
  doc["parameters"] = std::move(parameters);
  Json histograms = Json::array();
  for (const auto& r : t.histograms) {
    histograms.push_back(Json{{"district", r.district}, {"sector", r.sector.empty() ? Json(nullptr) : Json(r.sector)},
                              {"metric", std::string(to_string(r.metric))},
                              {"year", r.year}, {"bin_lower", number_or_null(r.lower)},
                              {"bin_upper", number_or_null(r.upper)}, {"probability", r.probability}});
  }
  doc["histograms"] = std::move(histograms);
  OutputFile f(dir / "summary.json");
  f.print("{}\n", doc.dump(1));
  f.close();
}

}  // namespace

const std::vector<std::string>& result_file_names() {
  static const std::vector<std::string> names{"summary.csv",    "histograms.csv", "thresholds.csv",
                                              "first_crossing.csv", "events.csv",  "regimes.csv",
                                              "shocks.csv",     "parameters.csv", "summary.json"};
  return names;
}

void write_result_files(const std::filesystem::path& dir, const Scenario& scenario, const ResultTables& tables) {
  check_finite_tables(tables);
  write_summary_csv(dir, tables);
  write_histograms_csv(dir, tables);
  write_thresholds_csv(dir, tables);
  write_first_crossing_csv(dir, tables);
  write_events_csv(dir, tables);
  write_regimes_csv(dir, tables);
  write_shocks_csv(dir, tables);
  write_parameters_csv(dir, tables);
  write_summary_json(dir, scenario, tables);
}

}  // namespace districtcast

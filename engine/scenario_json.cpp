#include "engine/scenario_json.hpp"

#include "engine/sha256.hpp"

namespace districtcast {
namespace {

using Json = nlohmann::ordered_json;

/// A fixed parameter as its number; an uncertain one as {family: [args]} (the resolved scenario).
class ParamWriter {
public:
  explicit ParamWriter(const Scenario& s) : scenario_(s) {}
  [[nodiscard]] Json operator()(const models::Param& p) const {
    if (!p.uncertain()) return p.value;
    const models::ParamDistribution& d = scenario_.parameters.at(static_cast<std::size_t>(p.slot)).distribution;
    return Json{{std::string(models::to_string(d.family)), d.args}};
  }

private:
  const Scenario& scenario_;
};

Json shocks_json(const models::ShockSpec& s, Json j) {
  j["shocks"] = std::string(models::to_string(s.kind));
  if (s.kind == models::ShockKind::student_t) j["dof"] = s.dof;
  return j;
}

Json ar1_json(const models::Ar1Spec& s, const ParamWriter& param) {
  Json j;
  j["mean"] = param(s.mean);
  j["volatility"] = param(s.volatility);
  j["persistence"] = param(s.persistence);
  j["initial"] = param(s.initial ? *s.initial : s.mean);
  return shocks_json(s.shocks, std::move(j));
}

Json chain_json(const models::RegimeChainSpec& c) {
  Json transition = Json::object();
  for (std::size_t k = 0; k < c.regimes.size(); ++k) transition[c.regimes[k]] = c.transition[k];
  Json initial = Json::object();
  for (std::size_t k = 0; k < c.regimes.size(); ++k) initial[c.regimes[k]] = c.initial[k];
  return Json{{"transition", transition}, {"initial", initial}};
}

Json jumps_json(const models::JumpSpec& jumps, const ParamWriter& param) {
  return Json{{"rate", param(jumps.rate)}, {"size_mean", param(jumps.size_mean)}, {"size_sd", param(jumps.size_sd)}};
}

Json growth_json(const models::GrowthSpec& g, const ParamWriter& param) {
  Json j;
  j["model"] = g.model;
  if (g.model == "regime_switching") {
    Json regimes = Json::object();
    for (const auto& r : g.regimes) {
      regimes[r.name] = Json{{"mean", param(r.mean)}, {"volatility", param(r.volatility)},
                             {"persistence", param(r.persistence)}};
    }
    j["regimes"] = regimes;
    j["chain"] = g.national_chain ? Json("national") : chain_json(g.chain);
  } else {
    j["mean"] = param(g.mean);
    j["volatility"] = param(g.volatility);
  }
  if (g.model == "ar1") {
    j["persistence"] = param(g.persistence);
    j["initial"] = g.initial ? param(*g.initial) : Json(nullptr);
  }
  j["national_beta"] = param(g.national_beta);
  if (g.jumps) j["jumps"] = jumps_json(*g.jumps, param);
  return shocks_json(g.shocks, std::move(j));
}

Json firms_json(const models::FirmSpec& f, const ParamWriter& param) {
  Json births;
  births["model"] = f.births.model;
  births["rate"] = param(f.births.rate);
  births["trend"] = param(f.births.trend);
  births["gdp_elasticity"] = param(f.births.gdp_elasticity);
  if (f.births.dispersion) births["dispersion"] = *f.births.dispersion;
  Json j;
  j["stock"] = f.stock;
  j["births"] = births;
  j["exit_hazard"] = f.exit_hazard;
  if (f.feedback) j["firm_feedback"] = Json{{"elasticity", param(f.feedback->elasticity)}, {"lag", f.feedback->lag}};
  return j;
}

}  // namespace

nlohmann::ordered_json to_json(const Scenario& s) {
  Json j;
  j["name"] = s.name;
  j["description"] = s.description;
  j["base_year"] = s.base_year;
  j["horizon"] = s.horizon;
  j["paths"] = s.paths;
  j["seed"] = s.seed;
  j["units"] = s.units;
  const ParamWriter param(s);
  Json national = Json::object();
  if (s.national.growth) national["growth"] = ar1_json(*s.national.growth, param);
  if (s.national.inflation) national["inflation"] = ar1_json(*s.national.inflation, param);
  if (s.national.regimes) national["regimes"] = chain_json(*s.national.regimes);
  if (s.national.jumps) national["jumps"] = jumps_json(*s.national.jumps, param);
  j["national"] = national;
  Json districts = Json::array();
  for (const auto& d : s.districts) {
    Json dj;
    dj["id"] = d.id;
    dj["name"] = d.name;
    dj["gdp"] = d.gdp;
    if (d.sectors.empty()) {
      dj["growth"] = growth_json(d.growth, param);
      if (d.firms) dj["firms"] = firms_json(*d.firms, param);
    } else {
      Json sectors = Json::array();
      for (const auto& sector : d.sectors) {
        Json sj{{"id", sector.id}, {"name", sector.name}, {"share", sector.share}};
        sj["growth"] = growth_json(sector.growth, param);
        if (sector.firms) sj["firms"] = firms_json(*sector.firms, param);
        sectors.push_back(std::move(sj));
      }
      dj["sectors"] = std::move(sectors);
      dj["sector_correlation"] = d.sector_correlation;
    }
    districts.push_back(dj);
  }
  j["districts"] = districts;
  Json correlation = Json::array();
  for (const auto& c : s.correlation) correlation.push_back(Json::array({c.a, c.b, c.rho}));
  j["correlation"] = correlation;
  Json thresholds = Json::array();
  for (const auto& t : s.thresholds) {
    thresholds.push_back(Json{{"metric", std::string(to_string(t.metric))}, {"value", t.value}, {"label", t.label}});
  }
  j["thresholds"] = thresholds;
  Json overtaking = Json::array();
  for (const auto& o : s.overtaking) overtaking.push_back(Json::array({o.district, o.other}));
  j["overtaking"] = overtaking;
  j["antithetic"] = s.antithetic;
  if (!s.scheduled_shocks.empty()) {
    Json shocks = Json::array();
    for (const auto& shock : s.scheduled_shocks) {
      shocks.push_back(Json{{"name", shock.name}, {"year", shock.year}, {"probability", param(shock.probability)},
                            {"growth_impact", param(shock.growth_impact)}, {"persistence", param(shock.persistence)},
                            {"districts", shock.targets}});
    }
    j["scheduled_shocks"] = std::move(shocks);
  }
  j["outputs"] = Json{{"quantiles", s.outputs.quantiles}, {"histogram_bins", s.outputs.histogram_bins}};
  if (s.precision) {
    Json metrics = Json::array();
    for (Metric m : s.precision->metrics) metrics.push_back(std::string(to_string(m)));
    j["precision"] = Json{{"target", s.precision->target}, {"metrics", metrics}, {"max_paths", s.precision->max_paths}};
  }
  return j;
}

std::string scenario_sha256(const Scenario& scenario) {
  Json j = to_json(scenario);
  j.erase("paths");
  j.erase("seed");
  return sha256_hex(j.dump());
}

}  // namespace districtcast

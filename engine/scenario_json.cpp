#include "engine/scenario_json.hpp"

#include "engine/sha256.hpp"

namespace districtcast {
namespace {

using Json = nlohmann::ordered_json;

Json shocks_json(const models::ShockSpec& s, Json j) {
  j["shocks"] = std::string(models::to_string(s.kind));
  if (s.kind == models::ShockKind::student_t) j["dof"] = s.dof;
  return j;
}

Json ar1_json(const models::Ar1Spec& s, double initial) {
  Json j;
  j["mean"] = s.mean;
  j["volatility"] = s.volatility;
  j["persistence"] = s.persistence;
  j["initial"] = initial;
  return shocks_json(s.shocks, std::move(j));
}

Json growth_json(const models::GrowthSpec& g) {
  Json j;
  j["model"] = g.model;
  j["mean"] = g.mean;
  j["volatility"] = g.volatility;
  if (g.model == "ar1") {
    j["persistence"] = g.persistence;
    j["initial"] = g.initial ? Json(*g.initial) : Json(nullptr);
  }
  j["national_beta"] = g.national_beta;
  return shocks_json(g.shocks, std::move(j));
}

Json firms_json(const models::FirmSpec& f) {
  Json births;
  births["model"] = f.births.model;
  births["rate"] = f.births.rate;
  births["trend"] = f.births.trend;
  births["gdp_elasticity"] = f.births.gdp_elasticity;
  if (f.births.dispersion) births["dispersion"] = *f.births.dispersion;
  Json j;
  j["stock"] = f.stock;
  j["births"] = births;
  j["exit_hazard"] = f.exit_hazard;
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
  Json national = Json::object();
  if (s.national.growth) national["growth"] = ar1_json(*s.national.growth, s.national.growth->initial.value_or(s.national.growth->mean));
  if (s.national.inflation) {
    national["inflation"] = ar1_json(*s.national.inflation, s.national.inflation->initial.value_or(s.national.inflation->mean));
  }
  j["national"] = national;
  Json districts = Json::array();
  for (const auto& d : s.districts) {
    Json dj;
    dj["id"] = d.id;
    dj["name"] = d.name;
    dj["gdp"] = d.gdp;
    dj["growth"] = growth_json(d.growth);
    if (d.firms) dj["firms"] = firms_json(*d.firms);
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

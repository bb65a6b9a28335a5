#include "engine/scenario_models.hpp"
#include "engine/numeric_faults.hpp"

#include <numeric>
#include <regex>

namespace districtcast::scenario_detail {

/// A base-year GDP the simulation can carry: positive, normal (not below the smallest normal double) and at
/// most kMaxGdpLevel, where a path's level is reported as an overflow (docs/models.md, "Numerical safety").
inline const Range kGdpLevel{kMinGdpLevel, kMaxGdpLevel};
namespace {

const std::regex kIdPattern{"[a-z0-9_]+"};

/// Largest expected number of jumps a year (bounds the work of one draw).
constexpr double kMaxJumpRate = 1000.0;
/// Longest firm_feedback lag, in years.
constexpr std::uint64_t kMaxFeedbackLag = 100;
/// How far sector shares may sum from 1.
constexpr double kShareTolerance = 1e-6;

const Range kJumpRate{0.0, kMaxJumpRate};

/// Reads shocks/dof into `spec`; "dof" is only allowed with student_t.
void read_shocks(Validator& v, const YAML::Node& map, const std::string& path, models::ShockSpec& spec) {
  if (auto node = Validator::optional(map, "shocks")) {
    if (auto kind = v.choice(*node, Validator::join(path, "shocks"), {"normal", "student_t"})) {
      spec.kind = *kind == "normal" ? models::ShockKind::normal : models::ShockKind::student_t;
    }
  }
  if (auto node = Validator::optional(map, "dof")) {
    if (spec.kind != models::ShockKind::student_t) {
      v.error(*node, Validator::join(path, "dof"), "only applies with shocks: student_t");
    } else if (auto dof = v.number(*node, Validator::join(path, "dof"), Range{2.0, kInf, true})) {
      spec.dof = *dof;
    }
  }
}

std::optional<models::Ar1Spec> read_ar1(Validator& v, const YAML::Node& node, const std::string& path) {
  if (!v.check_map(node, path, to_strings({"mean", "volatility", "persistence", "initial", "shocks", "dof"}))) {
    return std::nullopt;
  }
  models::Ar1Spec spec;
  spec.mean = read_param(v, node, path, path, "mean", kAnyNumber, true);
  spec.volatility = read_param(v, node, path, path, "volatility", kNonNegative, true);
  spec.persistence = read_param(v, node, path, path, "persistence", kOpenUnit, false);
  if (Validator::optional(node, "initial")) spec.initial = read_param(v, node, path, path, "initial", kAnyNumber, false);
  read_shocks(v, node, path, spec.shocks);
  return spec;
}

std::optional<models::JumpSpec> read_jumps(Validator& v, const YAML::Node& node, const std::string& path,
                                           const std::string& key) {
  if (node.IsNull()) return std::nullopt;
  if (!v.check_map(node, path, to_strings({"rate", "size_mean", "size_sd"}))) return std::nullopt;
  models::JumpSpec spec;
  spec.rate = read_param(v, node, path, key, "rate", kJumpRate, true);
  spec.size_mean = read_param(v, node, path, key, "size_mean", kAnyNumber, true);
  spec.size_sd = read_param(v, node, path, key, "size_sd", kNonNegative, false);
  return spec;
}

/// A list of `size` probabilities (one per regime) that must sum to 1; reported at `node` otherwise.
std::optional<std::vector<double>> read_probabilities(Validator& v, const YAML::Node& node, const std::string& path,
                                                      const std::vector<std::string>& regimes, const char* what) {
  if (!v.sequence(node, path)) return std::nullopt;
  if (node.size() != regimes.size()) {
    v.error(node, path,
            fmt::format("{} has {} entries, expected {} (one per regime: {})", what, node.size(), regimes.size(),
                        fmt::join(regimes, ", ")));
    return std::nullopt;
  }
  std::vector<double> row;
  for (std::size_t j = 0; j < node.size(); ++j) {
    const auto p = v.number(node[j], Validator::index(path, j), kProbability);
    if (!p) return std::nullopt;
    row.push_back(*p);
  }
  const double sum = std::accumulate(row.begin(), row.end(), 0.0);
  if (std::abs(sum - 1.0) > models::kProbabilitySumTolerance) {
    v.error(node, path, fmt::format("{} sums to {}, must sum to 1", what, sum));
    return std::nullopt;
  }
  return row;
}

/// A chain from `transition: {regime: [p...], ...}` (names = its keys, in order) and an optional initial
/// regime (`name` or `{name: p, ...}`); without one, the chain starts from its stationary distribution.
std::optional<models::RegimeChainSpec> read_chain(Validator& v, const YAML::Node& transition,
                                                  const std::string& transition_path,
                                                  const std::optional<YAML::Node>& initial,
                                                  const std::string& initial_path) {
  if (!transition.IsMap()) {
    v.error(transition, transition_path,
            fmt::format("expected one row per regime, e.g. {{expansion: [0.9, 0.1], slowdown: [0.3, 0.7]}}, got {}",
                        describe_type(transition)));
    return std::nullopt;
  }
  const std::size_t errors_before = v.error_count();
  models::RegimeChainSpec chain;
  for (auto it = transition.begin(); it != transition.end(); ++it) {
    const std::string name = it->first.Scalar();
    if (!is_valid_id(name)) {
      v.error(it->first, Validator::join(transition_path, name),
              fmt::format("'{}' is not a valid regime name: use lower-case letters, digits and _", name));
    }
    if (std::find(chain.regimes.begin(), chain.regimes.end(), name) == chain.regimes.end()) chain.regimes.push_back(name);
  }
  // Registers where each row's key is (an empty row is reported there) and reports duplicate rows.
  v.check_map(transition, transition_path, chain.regimes);
  if (chain.regimes.empty() || chain.regimes.size() > models::kMaxRegimes) {
    v.error(transition, transition_path,
            fmt::format("must list between 1 and {} regimes (got {})", models::kMaxRegimes, chain.regimes.size()));
    return std::nullopt;
  }
  if (v.error_count() != errors_before) return std::nullopt;
  for (auto it = transition.begin(); it != transition.end(); ++it) {
    const std::string name = it->first.Scalar();
    const auto row = read_probabilities(v, it->second, Validator::join(transition_path, name), chain.regimes,
                                        "this transition row");
    chain.transition.push_back(row.value_or(std::vector<double>{}));
  }
  if (v.error_count() != errors_before) return std::nullopt;
  if (!initial || initial->IsNull()) {
    chain.initial.assign(chain.regimes.size(), 1.0 / static_cast<double>(chain.regimes.size()));
    chain.initial = models::RegimeChain(chain).stationary();
  } else if (initial->IsScalar()) {
    const auto name = v.choice(*initial, initial_path, chain.regimes);
    if (!name) return std::nullopt;
    chain.initial.assign(chain.regimes.size(), 0.0);
    chain.initial[static_cast<std::size_t>(std::find(chain.regimes.begin(), chain.regimes.end(), *name) -
                                           chain.regimes.begin())] = 1.0;
  } else {
    if (!initial->IsMap()) {
      v.error(*initial, initial_path,
              fmt::format("expected a regime name ({}) or probabilities such as {{{}: 1}}, got {}",
                          fmt::join(chain.regimes, ", "), chain.regimes.front(), describe_type(*initial)));
      return std::nullopt;
    }
    if (!v.check_map(*initial, initial_path, chain.regimes)) return std::nullopt;
    if (v.error_count() != errors_before) return std::nullopt;  // an unknown name: its probability is unknown
    chain.initial.assign(chain.regimes.size(), 0.0);
    for (std::size_t k = 0; k < chain.regimes.size(); ++k) {
      if (auto p = Validator::optional(*initial, chain.regimes[k])) {
        chain.initial[k] = v.number(*p, Validator::join(initial_path, chain.regimes[k]), kProbability).value_or(0);
      }
    }
    const double sum = std::accumulate(chain.initial.begin(), chain.initial.end(), 0.0);
    if (v.error_count() == errors_before && std::abs(sum - 1.0) > models::kProbabilitySumTolerance) {
      v.error(*initial, initial_path, fmt::format("initial regime probabilities sum to {}, must sum to 1", sum));
    }
  }
  if (v.error_count() != errors_before) return std::nullopt;
  if (auto problem = models::check_regime_chain(chain)) {
    v.error(transition, transition_path, *problem);
    return std::nullopt;
  }
  return chain;
}

std::optional<models::RegimeChainSpec> read_national_regimes(Validator& v, const YAML::Node& node,
                                                             const std::string& path) {
  if (!v.check_map(node, path, to_strings({"transition", "initial"}))) return std::nullopt;
  const auto transition = v.required(node, path, "transition");
  if (!transition) return std::nullopt;
  return read_chain(v, *transition, Validator::join(path, "transition"), Validator::optional(node, "initial"),
                    Validator::join(path, "initial"));
}

std::vector<std::string> registry_names_growth() {
  std::vector<std::string> names;
  for (const auto& e : models::growth_models()) names.emplace_back(e.name);
  return names;
}
std::vector<std::string> registry_names_births() {
  std::vector<std::string> names;
  for (const auto& e : models::births_models()) names.emplace_back(e.name);
  return names;
}

/// Keys some other registered model accepts, mapped to "only applies to ..." messages.
template <typename Entries>
std::map<std::string, std::string> keys_of_other_models(const Entries& entries, const std::string& field,
                                                         const std::string& chosen) {
  std::map<std::string, std::vector<std::string>> owners;
  for (const auto& e : entries) {
    for (auto key : e.extra_keys) owners[std::string(key)].emplace_back(e.name);
  }
  std::map<std::string, std::string> messages;
  for (const auto& [key, models] : owners) {
    messages[key] = fmt::format("does not apply to {} '{}' (only to {})", field, chosen, fmt::join(models, ", "));
  }
  return messages;
}

/// `regimes: {name: {mean, volatility, persistence}}` of a regime_switching model, in the chain's order.
std::vector<models::RegimeSpec> read_regime_parameters(Validator& v, const YAML::Node& node, const std::string& path,
                                                       const std::string& key, const models::RegimeChainSpec& chain) {
  std::vector<models::RegimeSpec> regimes;
  if (!v.check_map(node, path, chain.regimes)) return regimes;
  for (const std::string& name : chain.regimes) {
    models::RegimeSpec regime;
    regime.name = name;
    const auto entry = Validator::optional(node, name);
    const std::string rpath = Validator::join(path, name);
    if (!entry) {
      v.error(node, rpath, fmt::format("missing regime '{}': every regime of the chain ({}) needs a mean and volatility",
                                       name, fmt::join(chain.regimes, ", ")));
    } else if (v.check_map(*entry, rpath, to_strings({"mean", "volatility", "persistence"}))) {
      const std::string rkey = Validator::join(key, name);
      regime.mean = read_param(v, *entry, rpath, rkey, "mean", kAnyNumber, true);
      regime.volatility = read_param(v, *entry, rpath, rkey, "volatility", kNonNegative, true);
      regime.persistence = read_param(v, *entry, rpath, rkey, "persistence", kOpenUnit, false);
    }
    regimes.push_back(regime);
  }
  return regimes;
}

/// The chain and regimes of a regime_switching model: its own `transition`, or national.regimes.
void read_regime_switching(Validator& v, const YAML::Node& node, const std::string& path, const std::string& key,
                           const NationalSpec& national, models::GrowthSpec& spec) {
  for (const char* common : {"mean", "volatility", "persistence"}) {
    if (auto n = Validator::optional(node, common)) {
      v.error(*n, Validator::join(path, common),
              "regime_switching takes mean, volatility and persistence per regime, under regimes: "
              "{name: {mean, volatility, persistence}}");
    }
  }
  const auto transition = Validator::optional(node, "transition");
  if (transition) {
    auto chain = read_chain(v, *transition, Validator::join(path, "transition"),
                            Validator::optional(node, "initial_regime"), Validator::join(path, "initial_regime"));
    if (!chain) return;
    spec.chain = std::move(*chain);
  } else if (national.regimes) {
    if (auto n = Validator::optional(node, "initial_regime")) {
      v.error(*n, Validator::join(path, "initial_regime"),
              "this model follows the national chain, whose initial regime is national.regimes.initial");
    }
    spec.chain = *national.regimes;
    spec.national_chain = true;
  } else {
    // An invalid national.regimes is already reported; its followers need no second message.
    if (!v.has_error_under("national.regimes")) {
      v.error(node, Validator::join(path, "transition"),
              "missing required key: give the model its own chain (transition) or define national.regimes");
    }
    return;
  }
  if (auto regimes = v.required(node, path, "regimes")) {
    spec.regimes = read_regime_parameters(v, *regimes, Validator::join(path, "regimes"),
                                          Validator::join(key, "regimes"), spec.chain);
  }
}

models::GrowthSpec read_growth(Validator& v, const YAML::Node& node, const std::string& path, const std::string& key,
                               const NationalSpec& national) {
  models::GrowthSpec spec;
  if (!node.IsMap()) {
    v.check_map(node, path, {});
    return spec;
  }
  const models::GrowthModelEntry* entry = models::find_growth_model("lognormal");
  bool model_known = true;
  if (auto n = Validator::optional(node, "model")) {
    if (auto name = v.choice(*n, Validator::join(path, "model"), registry_names_growth())) {
      entry = models::find_growth_model(*name);
    } else {
      model_known = false;
    }
  }
  spec.model = std::string(entry->name);
  const bool regime_switching = spec.model == "regime_switching";
  std::vector<std::string> allowed = to_strings({"model", "national_beta", "shocks", "dof", "jumps"});
  if (!regime_switching) allowed.insert(allowed.end(), {"mean", "volatility"});
  // With an unknown model name (already reported), accept every model's keys rather than blaming
  // them on a model the user never chose.
  for (const auto& other : models::growth_models()) {
    if (!model_known || &other == entry) {
      for (auto extra : other.extra_keys) allowed.emplace_back(extra);
    }
  }
  auto elsewhere = keys_of_other_models(models::growth_models(), "growth model", spec.model);
  for (const auto& k : allowed) elsewhere.erase(k);
  if (regime_switching) {  // reported by read_regime_switching() with a better message
    for (const char* per_regime : {"mean", "volatility", "persistence"}) {
      elsewhere.erase(per_regime);
      allowed.emplace_back(per_regime);
    }
  }
  v.check_map(node, path, allowed, elsewhere);

  if (regime_switching) {
    read_regime_switching(v, node, path, key, national, spec);
  } else {
    spec.mean = read_param(v, node, path, key, "mean", kAnyNumber, true);
    spec.volatility = read_param(v, node, path, key, "volatility", kNonNegative, true);
  }
  spec.national_beta = read_param(v, node, path, key, "national_beta", kAnyNumber, false, 1.0);
  const auto accepts = [&](std::string_view name) {
    return std::find(entry->extra_keys.begin(), entry->extra_keys.end(), name) != entry->extra_keys.end();
  };
  if (accepts("persistence")) spec.persistence = read_param(v, node, path, key, "persistence", kOpenUnit, false);
  if (accepts("initial") && Validator::optional(node, "initial")) {
    spec.initial = read_param(v, node, path, key, "initial", kAnyNumber, false);
  }
  read_shocks(v, node, path, spec.shocks);
  if (auto n = Validator::optional(node, "jumps")) {
    spec.jumps = read_jumps(v, *n, Validator::join(path, "jumps"), Validator::join(key, "jumps"));
  }
  return spec;
}

void read_births(Validator& v, const YAML::Node& births, const std::string& bpath, const std::string& bkey,
                 models::BirthsSpec& b) {
  if (!births.IsMap()) {
    v.check_map(births, bpath, {});
    return;
  }
  const models::BirthsModelEntry* entry = models::find_births_model("poisson");
  if (auto n = Validator::optional(births, "model")) {
    if (auto name = v.choice(*n, Validator::join(bpath, "model"), registry_names_births())) {
      entry = models::find_births_model(*name);
    }
  }
  b.model = std::string(entry->name);
  std::vector<std::string> allowed = to_strings({"model", "rate", "trend", "gdp_elasticity"});
  for (auto extra : entry->extra_keys) allowed.emplace_back(extra);
  auto elsewhere = keys_of_other_models(models::births_models(), "births model", b.model);
  for (const auto& k : allowed) elsewhere.erase(k);
  v.check_map(births, bpath, allowed, elsewhere);
  // An uncertain rate may be unbounded (lognormal): the run then reports a draw above kMaxExpectedBirths.
  b.rate = read_param(v, births, bpath, bkey, "rate", kNonNegative, true);
  if (!b.rate.uncertain() && b.rate.value > models::kMaxExpectedBirths) {
    v.error(births["rate"], Validator::join(bpath, "rate"),
            fmt::format("must be in [0, {}] (got {})", models::kMaxExpectedBirths, b.rate.value));
  }
  b.trend = read_param(v, births, bpath, bkey, "trend", Range{-1.0, kInf, true}, false);
  b.gdp_elasticity = read_param(v, births, bpath, bkey, "gdp_elasticity", kAnyNumber, false);
  for (auto required_key : entry->required_extra_keys) {
    if (!Validator::optional(births, std::string(required_key))) {
      v.error(births, Validator::join(bpath, std::string(required_key)),
              fmt::format("missing required key (births model '{}' needs it)", b.model));
    }
  }
  const bool takes_dispersion =
      std::find(entry->extra_keys.begin(), entry->extra_keys.end(), "dispersion") != entry->extra_keys.end();
  if (auto n = Validator::optional(births, "dispersion"); n && takes_dispersion) {
    b.dispersion = v.number(*n, Validator::join(bpath, "dispersion"), kPositive);
  }
}

std::optional<models::FirmSpec> read_firms(Validator& v, const YAML::Node& node, const std::string& path,
                                           const std::string& key) {
  if (!v.check_map(node, path, to_strings({"stock", "births", "exit_hazard"}))) return std::nullopt;
  models::FirmSpec spec;
  if (auto n = v.required(node, path, "stock")) {
    spec.stock = v.unsigned_integer(*n, Validator::join(path, "stock"), 0, std::uint64_t{1} << 53).value_or(0);
  }
  if (auto births = v.required(node, path, "births")) {
    read_births(v, *births, Validator::join(path, "births"), Validator::join(key, "births"), spec.births);
  }
  if (auto n = v.required(node, path, "exit_hazard")) {
    const std::string hpath = Validator::join(path, "exit_hazard");
    if (v.sequence(*n, hpath)) {
      if (n->size() == 0) v.error(*n, hpath, "must list at least one hazard");
      for (std::size_t i = 0; i < n->size(); ++i) {
        if (auto h = v.number((*n)[i], Validator::index(hpath, i), kProbability)) spec.exit_hazard.push_back(*h);
      }
    }
  }
  return spec;
}

std::optional<models::FirmFeedbackSpec> read_feedback(Validator& v, const YAML::Node& node, const std::string& path,
                                                      const std::string& key) {
  if (!v.check_map(node, path, to_strings({"elasticity", "lag"}))) return std::nullopt;
  models::FirmFeedbackSpec spec;
  spec.elasticity = read_param(v, node, path, key, "elasticity", kAnyNumber, true);
  if (auto n = Validator::optional(node, "lag")) {
    spec.lag = static_cast<int>(v.unsigned_integer(*n, Validator::join(path, "lag"), 1, kMaxFeedbackLag).value_or(1));
  }
  return spec;
}

/// growth, firms and firm_feedback of a district or a sector (`key` = "district" or "district.sector").
void read_unit(Validator& v, const YAML::Node& node, const std::string& path, const std::string& key,
               const NationalSpec& national, models::GrowthSpec& growth, std::optional<models::FirmSpec>& firms) {
  if (auto n = v.required(node, path, "growth")) {
    growth = read_growth(v, *n, Validator::join(path, "growth"), Validator::join(key, "growth"), national);
  }
  if (auto n = Validator::optional(node, "firms"); n && !n->IsNull()) {
    firms = read_firms(v, *n, Validator::join(path, "firms"), Validator::join(key, "firms"));
  }
  if (auto n = Validator::optional(node, "firm_feedback"); n && !n->IsNull()) {
    const std::string fpath = Validator::join(path, "firm_feedback");
    auto feedback = read_feedback(v, *n, fpath, Validator::join(key, "firm_feedback"));
    if (!firms) {
      v.error(*n, fpath, "needs a firms block here: feedback comes from this unit's firm births");
    } else {
      firms->feedback = feedback;
    }
  }
}

std::optional<std::string> read_id(Validator& v, const YAML::Node& node, const std::string& path, const char* what) {
  auto id = v.string(node, path);
  if (!id) return std::nullopt;
  if (!is_valid_id(*id)) {
    v.error(node, path, fmt::format("'{}' is not a valid {}: use lower-case letters, digits and _", *id, what));
    return std::nullopt;
  }
  return id;
}

std::vector<SectorSpec> read_sectors(Validator& v, const YAML::Node& list, const std::string& path,
                                     const std::string& district_id, const NationalSpec& national) {
  std::vector<SectorSpec> sectors;
  if (!v.sequence(list, path)) return sectors;
  if (list.size() == 0 || list.size() > kMaxSectors) {
    v.error(list, path, fmt::format("must list between 1 and {} sectors (got {})", kMaxSectors, list.size()));
    return sectors;
  }
  const std::size_t errors_before = v.error_count();
  std::map<std::string, std::size_t> first_index;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node node = list[i];
    const std::string spath = Validator::index(path, i);
    SectorSpec sector;
    if (!v.check_map(node, spath, to_strings({"id", "name", "share", "growth", "firms", "firm_feedback"}))) continue;
    if (auto n = v.required(node, spath, "id")) {
      if (auto id = read_id(v, *n, Validator::join(spath, "id"), "sector id")) {
        if (auto [it, inserted] = first_index.emplace(*id, i); !inserted) {
          v.error(*n, Validator::join(spath, "id"), fmt::format("duplicate sector id '{}' (also {})", *id, Validator::index(path, it->second)));
        }
        sector.id = *id;
      }
    }
    if (auto n = Validator::optional(node, "name")) sector.name = v.string(*n, Validator::join(spath, "name")).value_or("");
    if (sector.name.empty()) sector.name = sector.id;
    if (auto n = v.required(node, spath, "share")) {
      sector.share = v.number(*n, Validator::join(spath, "share"), Range{0.0, 1.0, true, false}).value_or(0);
    }
    read_unit(v, node, spath, district_id + "." + sector.id, national, sector.growth, sector.firms);
    sectors.push_back(std::move(sector));
  }
  if (v.error_count() == errors_before) {
    double sum = 0.0;
    for (const auto& s : sectors) sum += s.share;
    if (std::abs(sum - 1.0) > kShareTolerance) {
      v.error(list, path, fmt::format("sector shares sum to {}, must sum to 1 (each is a share of the district's gdp)", sum));
    }
  }
  return sectors;
}

}  // namespace

models::Param read_param(Validator& v, const YAML::Node& map, const std::string& path, const std::string& key,
                         const std::string& name, const Range& range, bool required, models::Param fallback) {
  const std::optional<YAML::Node> node = required ? v.required(map, path, name) : Validator::optional(map, name);
  if (!node) return fallback;
  return v.param(*node, Validator::join(path, name), Validator::join(key, name), range).value_or(fallback);
}

bool is_valid_id(const std::string& id) { return std::regex_match(id, kIdPattern); }

NationalSpec read_national(Validator& v, const YAML::Node& node, const std::string& path) {
  NationalSpec national;
  if (node.IsNull()) return national;
  if (!v.check_map(node, path, to_strings({"growth", "inflation", "regimes", "jumps"}))) return national;
  if (auto n = Validator::optional(node, "growth"); n && !n->IsNull()) {
    national.growth = read_ar1(v, *n, Validator::join(path, "growth"));
  }
  if (auto n = Validator::optional(node, "inflation"); n && !n->IsNull()) {
    national.inflation = read_ar1(v, *n, Validator::join(path, "inflation"));
  }
  if (auto n = Validator::optional(node, "regimes"); n && !n->IsNull()) {
    national.regimes = read_national_regimes(v, *n, Validator::join(path, "regimes"));
  }
  if (auto n = Validator::optional(node, "jumps")) {
    national.jumps = read_jumps(v, *n, Validator::join(path, "jumps"), Validator::join(path, "jumps"));
  }
  return national;
}

namespace {

/// `history: {year: gdp, ...}`: observed nominal GDP for years up to the base year.
std::map<int, double> read_history(Validator& v, const YAML::Node& node, const std::string& path, int base_year) {
  std::map<int, double> history;
  if (node.IsNull()) return history;
  if (!node.IsMap()) {
    v.error(node, path, fmt::format("expected a mapping of year: observed GDP (e.g. 2023: 1046.3), got {}", describe_type(node)));
    return history;
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const std::string epath = Validator::join(path, key);
    int year = 0;
    const auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), year);
    if (ec != std::errc() || ptr != key.data() + key.size() || year < 1900 || year > base_year) {
      v.error(entry.first, epath,
              fmt::format("history keys are calendar years from 1900 to the base year {} (got '{}')", base_year, key));
      continue;
    }
    if (history.count(year) > 0) {
      v.error(entry.first, epath, fmt::format("year {} is listed twice", year));
      continue;
    }
    if (auto gdp = v.number(entry.second, epath, kPositive)) history[year] = *gdp;
  }
  return history;
}

}  // namespace

DistrictSpec read_district(Validator& v, const YAML::Node& node, const std::string& path, const NationalSpec& national,
                           int base_year) {
  DistrictSpec d;
  if (!v.check_map(node, path,
                   to_strings({"id", "name", "gdp", "history", "growth", "firms", "firm_feedback", "sectors",
                               "sector_correlation"}))) {
    return d;
  }
  if (auto n = v.required(node, path, "id")) {
    if (auto id = read_id(v, *n, Validator::join(path, "id"), "id")) {
      if (*id == "national" || *id == "scheduled_shocks") {
        v.error(*n, Validator::join(path, "id"),
                fmt::format("'{}' is reserved (it names the national block or the scheduled shocks in outputs and "
                            "parameter keys); choose another id", *id));
      }
      d.id = *id;
    }
  }
  if (auto n = Validator::optional(node, "name")) d.name = v.string(*n, Validator::join(path, "name")).value_or("");
  if (d.name.empty()) d.name = d.id;
  if (auto n = v.required(node, path, "gdp")) d.gdp = v.number(*n, Validator::join(path, "gdp"), kGdpLevel).value_or(1);
  if (auto n = Validator::optional(node, "history")) d.history = read_history(v, *n, Validator::join(path, "history"), base_year);
  auto sectors = Validator::optional(node, "sectors");
  if (sectors && sectors->IsNull()) sectors.reset();  // `sectors:` with every entry commented out: none
  if (sectors) {
    for (const char* unit_key : {"growth", "firms", "firm_feedback"}) {
      if (auto n = Validator::optional(node, unit_key)) {
        v.error(*n, Validator::join(path, unit_key),
                fmt::format("with sectors, {} belongs to each sector (districts[i].sectors[j].{})", unit_key, unit_key));
      }
    }
    d.sectors = read_sectors(v, *sectors, Validator::join(path, "sectors"), d.id, national);
    if (auto n = Validator::optional(node, "sector_correlation")) {
      d.sector_correlation = v.number(*n, Validator::join(path, "sector_correlation"), kProbability).value_or(0);
    }
  } else {
    if (auto n = Validator::optional(node, "sector_correlation")) {
      v.error(*n, Validator::join(path, "sector_correlation"), "only applies with sectors");
    }
    read_unit(v, node, path, d.id, national, d.growth, d.firms);
  }
  return d;
}

}  // namespace districtcast::scenario_detail

/// \file Tests of scenario composition (engine/scenario_compose.hpp): `extends` merge rules and chains,
/// KEY=VALUE overrides, sweeps, and the manifest's `composition` object. Fixtures: tests/data/compose/.
#include "engine/scenario_compose.hpp"

#include "engine/manifest.hpp"
#include "engine/result_tables.hpp"
#include "engine/result_writers.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_json.hpp"
#include "engine/scenario_loader.hpp"
#include "tests/test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace districtcast {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

fs::path data(const std::string& name) { return testing::source_path("tests/data/compose/" + name); }
std::string shown(const std::string& name) { return data(name).lexically_normal().string(); }

std::string all_errors(const std::vector<Diagnostic>& errors) {
  std::ostringstream out;
  for (const auto& d : errors) out << "\n  " << d.to_string();
  return out.str();
}

/// The one scenario `file` resolves to with `overrides`; fails the test when it does not load.
Scenario load_one(const fs::path& file, const std::vector<Override>& overrides = {}) {
  ScenarioSet set = load_scenario_set(file, overrides);
  EXPECT_TRUE(set.ok()) << all_errors(set.errors);
  EXPECT_EQ(set.scenarios.size(), 1u);
  if (set.scenarios.empty()) throw std::runtime_error("did not load: " + file.string() + all_errors(set.errors));
  return set.scenarios.front();
}

const DistrictSpec& district(const Scenario& s, const std::string& id) {
  const auto it = std::find_if(s.districts.begin(), s.districts.end(), [&](const DistrictSpec& d) { return d.id == id; });
  if (it == s.districts.end()) throw std::runtime_error("no district " + id);
  return *it;
}

std::vector<std::string> district_ids(const Scenario& s) {
  std::vector<std::string> ids;
  for (const auto& d : s.districts) ids.push_back(d.id);
  return ids;
}

/// An override as `--set KEY=VALUE` gives it.
Override ov(const std::string& key, const std::string& value) { return Override{key, value, "--set"}; }

// ---------------------------------------------------------------------------------------------- extends

TEST(ScenarioCompose, ExtendsDeepMergesMappingsChildWinning) {
  const Scenario s = load_one(data("child.yaml"));
  EXPECT_EQ(s.horizon, 4);                 // the child's
  EXPECT_EQ(s.base_year, 2024);            // inherited
  EXPECT_EQ(s.paths, 1000u);
  EXPECT_EQ(s.seed, 5u);
  EXPECT_EQ(s.description, "the base");
  ASSERT_TRUE(s.national.growth.has_value());
  EXPECT_DOUBLE_EQ(s.national.growth->mean.value, 0.04);         // national.growth merged key by key
  EXPECT_DOUBLE_EQ(s.national.growth->volatility.value, 0.02);
  EXPECT_DOUBLE_EQ(s.national.growth->persistence.value, 0.5);
  EXPECT_EQ(s.outputs.histogram_bins, 10);
}

TEST(ScenarioCompose, ExtendsMergesDistrictsByIdKeepingTheParentsOrderAndAppendingNewOnes) {
  const Scenario s = load_one(data("child.yaml"));
  EXPECT_EQ(district_ids(s), (std::vector<std::string>{"nanshan", "haidian", "futian"}));
  const DistrictSpec& nanshan = district(s, "nanshan");
  EXPECT_DOUBLE_EQ(nanshan.gdp, 950);                            // inherited
  EXPECT_DOUBLE_EQ(nanshan.growth.volatility.value, 0.02);       // inherited
  ASSERT_TRUE(nanshan.growth.mean.uncertain());                   // the child's distribution
  EXPECT_EQ(s.parameters.at(0).key, "nanshan.growth.mean");
  EXPECT_DOUBLE_EQ(district(s, "futian").gdp, 500);
}

TEST(ScenarioCompose, ExtendsMergesSectorsById) {
  const Scenario s = load_one(data("child.yaml"));
  const DistrictSpec& haidian = district(s, "haidian");
  EXPECT_DOUBLE_EQ(haidian.gdp, 1050);
  ASSERT_EQ(haidian.sectors.size(), 2u);
  EXPECT_EQ(haidian.sectors[0].id, "it");
  EXPECT_DOUBLE_EQ(haidian.sectors[0].growth.mean.value, 0.07);
  EXPECT_EQ(haidian.sectors[1].id, "other");
  EXPECT_DOUBLE_EQ(haidian.sectors[1].share, 0.4);
  EXPECT_DOUBLE_EQ(haidian.sectors[1].growth.mean.value, 0.035);  // the child's
  EXPECT_DOUBLE_EQ(haidian.sectors[1].growth.volatility.value, 0.02);
}

TEST(ScenarioCompose, ExtendsMergesScheduledShocksByName) {
  const Scenario s = load_one(data("child.yaml"));
  ASSERT_EQ(s.scheduled_shocks.size(), 2u);
  EXPECT_EQ(s.scheduled_shocks[0].name, "export_controls");
  EXPECT_DOUBLE_EQ(s.scheduled_shocks[0].probability.value, 0.3);
  EXPECT_EQ(s.scheduled_shocks[1].name, "stimulus");
  EXPECT_DOUBLE_EQ(s.scheduled_shocks[1].probability.value, 0.6);  // the child's
  EXPECT_EQ(s.scheduled_shocks[1].year, 2025);                     // inherited
  EXPECT_DOUBLE_EQ(s.scheduled_shocks[1].growth_impact.value, 0.01);
}

TEST(ScenarioCompose, ExtendsReplacesOtherListsWhole) {
  const Scenario s = load_one(data("child.yaml"));
  ASSERT_EQ(s.thresholds.size(), 1u);
  EXPECT_DOUBLE_EQ(s.thresholds[0].value, 1200);
  EXPECT_EQ(s.outputs.quantiles, (std::vector<double>{0.25, 0.75}));
  ASSERT_EQ(s.correlation.size(), 1u);  // not in the child: inherited as it is
  EXPECT_DOUBLE_EQ(s.correlation[0].rho, 0.5);
}

TEST(ScenarioCompose, NameAndSweepAreNotInherited) {
  const ScenarioSet set = load_scenario_set(data("child.yaml"), {});
  ASSERT_TRUE(set.ok()) << all_errors(set.errors);
  EXPECT_EQ(set.sweep_size(), 0u);
  ASSERT_EQ(set.scenarios.size(), 1u);
  EXPECT_EQ(set.scenarios[0].name, "child");  // its own file stem, not the parent's name
  const LoadResult plain = load_scenario_file(data("child.yaml"));
  ASSERT_TRUE(plain.ok()) << all_errors(plain.errors);
  EXPECT_EQ(plain.scenario->name, "child");
  EXPECT_EQ(load_scenario_set(data("base.yaml"), {}).sweep_size(), 2u);  // the parent itself has one
}

TEST(ScenarioCompose, ThreeFileChainMergesInOrderAndRecordsEveryFile) {
  const Scenario s = load_one(data("sub/leaf.yaml"));
  EXPECT_EQ(s.name, "leaf");
  EXPECT_EQ(s.paths, 2000u);  // leaf
  EXPECT_EQ(s.seed, 6u);      // middle
  EXPECT_DOUBLE_EQ(district(s, "nanshan").gdp, 960);  // middle
  EXPECT_DOUBLE_EQ(district(s, "nanshan").growth.mean.value, 0.05);  // base
  EXPECT_EQ(s.description, "the base");
  EXPECT_EQ(s.provenance.files,
            (std::vector<std::string>{data("sub/leaf.yaml").string(), shown("middle.yaml"), shown("base.yaml")}));
  EXPECT_TRUE(s.provenance.overrides.empty());
  EXPECT_TRUE(s.provenance.variant_of.empty());
}

TEST(ScenarioCompose, ExtendsCycleIsOneErrorNamingTheChain) {
  const ScenarioSet set = load_scenario_set(data("cycle_a.yaml"), {});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  const Diagnostic& d = set.errors[0];
  EXPECT_EQ(d.message, "extends cycle: cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml");
  EXPECT_EQ(d.file, shown("cycle_b.yaml"));
  EXPECT_EQ(d.path, "extends");
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 10);
  EXPECT_TRUE(set.scenarios.empty());
}

TEST(ScenarioCompose, ExtendsItselfIsACycle) {
  const TempDir dir;
  const fs::path file = dir.write("self.yaml", "extends: self.yaml\n");
  const ScenarioSet set = load_scenario_set(file, {});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  EXPECT_EQ(set.errors[0].message, "extends cycle: self.yaml -> self.yaml");
}

TEST(ScenarioCompose, MissingParentIsAnErrorAtExtends) {
  const ScenarioSet set = load_scenario_set(data("missing_parent.yaml"), {});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  const Diagnostic& d = set.errors[0];
  EXPECT_EQ(d.file, data("missing_parent.yaml").string());
  EXPECT_EQ(d.path, "extends");
  EXPECT_NE(d.message.find("no_such_base.yaml"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("no such file"), std::string::npos) << d.message;
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 10);
}

TEST(ScenarioCompose, ExtendsMustBeText) {
  const TempDir dir;
  const fs::path file = dir.write("list.yaml", "horizon: 3\nextends: [a.yaml]\n");
  const ScenarioSet set = load_scenario_set(file, {});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  EXPECT_EQ(set.errors[0].path, "extends");
  EXPECT_EQ(set.errors[0].line, 2);
  EXPECT_EQ(set.errors[0].column, 10);
}

TEST(ScenarioCompose, ExtendsChainLongerThanTheLimitIsAnError) {
  const TempDir dir;
  for (std::size_t i = 0; i < kMaxExtendsDepth + 1; ++i) {
    dir.write(fmt::format("f{}.yaml", i), fmt::format("extends: f{}.yaml\n", i + 1));
  }
  const ScenarioSet set = load_scenario_set(dir.path() / "f0.yaml", {});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  EXPECT_NE(set.errors[0].message.find("at most 16 files"), std::string::npos) << set.errors[0].message;
  EXPECT_EQ(set.errors[0].file, (dir.path() / "f15.yaml").string());
}

TEST(ScenarioCompose, AnErrorIsReportedInTheFileThatWroteTheValue) {
  const ScenarioSet set = load_scenario_set(data("bad_child.yaml"), {});
  ASSERT_EQ(set.errors.size(), 2u) << all_errors(set.errors);
  // The inherited bad volatility: the parent's file, line and column.
  const auto inherited = std::find_if(set.errors.begin(), set.errors.end(), [](const Diagnostic& d) {
    return d.path == "districts[0].growth.volatility";
  });
  ASSERT_NE(inherited, set.errors.end()) << all_errors(set.errors);
  EXPECT_EQ(inherited->file, shown("bad_parent.yaml"));
  EXPECT_EQ(inherited->line, 8);
  EXPECT_EQ(inherited->column, 38);
  EXPECT_NE(inherited->message.find("must be >= 0"), std::string::npos);
  // The child's own bad seed: the child's file.
  const auto own = std::find_if(set.errors.begin(), set.errors.end(), [](const Diagnostic& d) { return d.path == "seed"; });
  ASSERT_NE(own, set.errors.end()) << all_errors(set.errors);
  EXPECT_EQ(own->file, data("bad_child.yaml").string());
  EXPECT_EQ(own->line, 4);
  EXPECT_EQ(own->column, 7);
}

TEST(ScenarioCompose, AnUnknownKeyInAMergedBlockIsReportedInTheChild) {
  const TempDir dir;
  const fs::path file = dir.write("typo.yaml", "extends: " + data("plain.yaml").string() +
                                                   "\ndistricts:\n  - id: nanshan\n    growth: {volatilty: 0.03}\n");
  const ScenarioSet set = load_scenario_set(file, {});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  EXPECT_EQ(set.errors[0].file, file.string());
  EXPECT_EQ(set.errors[0].path, "districts[0].growth.volatilty");
  EXPECT_NE(set.errors[0].message.find("did you mean 'volatility'?"), std::string::npos);
  EXPECT_EQ(set.errors[0].line, 4);
  EXPECT_EQ(set.errors[0].column, 14);
}

TEST(ScenarioCompose, AnEmptyValueInTheChildRemovesTheInheritedKey) {
  const TempDir dir;
  // nanshan becomes a district with sectors: its inherited growth block must go.
  const fs::path file = dir.write("split.yaml", "extends: " + data("plain.yaml").string() + R"yaml(
scheduled_shocks:
districts:
  - id: nanshan
    growth:
    sectors:
      - {id: a, share: 0.5, growth: {mean: 0.05, volatility: 0.02}}
      - {id: b, share: 0.5, growth: {mean: 0.04, volatility: 0.02}}
)yaml");
  const Scenario s = load_one(file);
  EXPECT_TRUE(s.scheduled_shocks.empty());
  EXPECT_EQ(district(s, "nanshan").sectors.size(), 2u);
}

TEST(ScenarioCompose, ADistributionReplacesADistributionWhole) {
  const TempDir dir;
  const fs::path file = dir.write("uniform.yaml", "extends: " + data("child.yaml").string() + R"yaml(
districts:
  - id: nanshan
    growth: {mean: {uniform: [0.04, 0.06]}}
)yaml");
  const Scenario s = load_one(file);
  ASSERT_EQ(s.parameters.size(), 1u);
  EXPECT_EQ(s.parameters[0].distribution.family, models::ParamFamily::uniform);
}

TEST(ScenarioCompose, LoadScenarioTextFollowsExtendsFromItsDirectory) {
  const LoadResult r = load_scenario_text("extends: plain.yaml\nname: from_text\n", data("virtual.yaml").string(), "virtual");
  ASSERT_TRUE(r.ok()) << all_errors(r.errors);
  EXPECT_EQ(r.scenario->name, "from_text");
  EXPECT_EQ(r.scenario->districts.size(), 2u);
}

TEST(ScenarioCompose, KindScenarioIsAcceptedAndABatchFileIsNamedAsSuch) {
  const LoadResult ok = load_scenario_text(std::string("kind: scenario\n") + std::string(testing::kMinimalScenario), "k.yaml", "k");
  EXPECT_TRUE(ok.ok()) << all_errors(ok.errors);
  const LoadResult typo = load_scenario_text(std::string("kind: scenaro\n") + std::string(testing::kMinimalScenario), "k.yaml", "k");
  ASSERT_EQ(typo.errors.size(), 1u) << all_errors(typo.errors);
  EXPECT_NE(typo.errors[0].message.find("did you mean 'scenario'?"), std::string::npos);
  const LoadResult batch = load_scenario_file(testing::source_path("tests/data/batch/nightly.yaml"));
  ASSERT_EQ(batch.errors.size(), 1u) << all_errors(batch.errors);
  EXPECT_EQ(batch.errors[0].message, "this is a batch file: run it with 'districtcast batch FILE'");
  EXPECT_EQ(batch.errors[0].path, "kind");
  EXPECT_EQ(batch.errors[0].line, 2);
  EXPECT_EQ(batch.errors[0].column, 7);
}

TEST(ScenarioCompose, MisspeltExtendsSuggestsIt) {
  const LoadResult r = load_scenario_text(std::string("extend: x.yaml\n") + std::string(testing::kMinimalScenario), "e.yaml", "e");
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r.errors);
  EXPECT_NE(r.errors[0].message.find("did you mean 'extends'?"), std::string::npos) << r.errors[0].message;
}

// ---------------------------------------------------------------------------------------------- overrides

TEST(ScenarioOverrides, ParseOverrideSplitsAtTheFirstEquals) {
  std::string problem;
  const auto o = parse_override("districts.nanshan.growth.mean=0.06", problem);
  ASSERT_TRUE(o.has_value()) << problem;
  EXPECT_EQ(o->key, "districts.nanshan.growth.mean");
  EXPECT_EQ(o->value, "0.06");
  EXPECT_EQ(o->origin, "--set");
  const auto eq = parse_override("description=a=b", problem);
  ASSERT_TRUE(eq.has_value());
  EXPECT_EQ(eq->key, "description");
  EXPECT_EQ(eq->value, "a=b");
  const auto empty = parse_override("national.jumps=", problem);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->value, "");
}

TEST(ScenarioOverrides, ParseOverrideRejectsMalformedText) {
  for (const char* text : {"paths", "=5", "districts..gdp=1", ".paths=1", "paths.=1", "dis tricts=1"}) {
    std::string problem;
    EXPECT_FALSE(parse_override(text, problem).has_value()) << text;
    EXPECT_FALSE(problem.empty()) << text;
  }
  std::string problem;
  (void)parse_override("paths", problem);
  EXPECT_NE(problem.find("expected KEY=VALUE"), std::string::npos) << problem;
  (void)parse_override("=5", problem);
  EXPECT_NE(problem.find("empty"), std::string::npos) << problem;
}

TEST(ScenarioOverrides, ExtendsSweepAndKindCannotBeOverridden) {
  for (const char* text : {"extends=base.yaml", "sweep.seeds=distinct", "sweep={}", "kind=batch"}) {
    std::string problem;
    EXPECT_FALSE(parse_override(text, problem).has_value()) << text;
    EXPECT_NE(problem.find("cannot be overridden"), std::string::npos) << problem;
  }
  const ScenarioSet set = load_scenario_set(data("plain.yaml"), {ov("extends", "base.yaml"), ov("sweep.seeds", "distinct")});
  ASSERT_EQ(set.errors.size(), 2u) << all_errors(set.errors);
  EXPECT_EQ(set.errors[0].file, "--set extends=base.yaml");
  EXPECT_NE(set.errors[0].message.find("'extends' cannot be overridden"), std::string::npos);
  EXPECT_EQ(set.errors[1].file, "--set sweep.seeds=distinct");
}

TEST(ScenarioOverrides, ValuesAreTypedLikeTheFile) {
  const Scenario s = load_one(data("plain.yaml"), {ov("districts.nanshan.growth.mean", "0.06"), ov("antithetic", "true"),
                                                  ov("paths", "20000"), ov("seed", "7"),
                                                  ov("outputs.quantiles", "[0.05, 0.1]"),
                                                  ov("national.growth.volatility", "{uniform: [0.005, 0.015]}")});
  EXPECT_DOUBLE_EQ(district(s, "nanshan").growth.mean.value, 0.06);
  EXPECT_TRUE(s.antithetic);
  EXPECT_EQ(s.paths, 20000u);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.outputs.quantiles, (std::vector<double>{0.05, 0.1}));
  ASSERT_EQ(s.parameters.size(), 1u);
  EXPECT_EQ(s.parameters[0].key, "national.growth.volatility");
  EXPECT_EQ(s.parameters[0].distribution.family, models::ParamFamily::uniform);
}

TEST(ScenarioOverrides, AQuotedNumberIsText) {
  const ScenarioSet set = load_scenario_set(data("plain.yaml"), {ov("districts.nanshan.growth.mean", "'0.06'")});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  EXPECT_NE(set.errors[0].message.find("expected a number"), std::string::npos) << set.errors[0].message;
}

TEST(ScenarioOverrides, ListEntriesAreSelectedByIdNameOrIndex) {
  const Scenario s = load_one(data("plain.yaml"), {ov("districts.haidian.sectors.information_technology.share", "0.5"),
                                                  ov("districts.haidian.sectors.other.share", "0.5"),
                                                  ov("scheduled_shocks.export_controls.probability", "0.4"),
                                                  ov("districts.0.gdp", "900"),
                                                  ov("districts.1.sectors.1.growth.mean", "0.01")});
  const DistrictSpec& haidian = district(s, "haidian");
  EXPECT_DOUBLE_EQ(haidian.sectors[0].share, 0.5);
  EXPECT_DOUBLE_EQ(haidian.sectors[1].share, 0.5);
  EXPECT_DOUBLE_EQ(haidian.sectors[1].growth.mean.value, 0.01);
  EXPECT_DOUBLE_EQ(s.scheduled_shocks[0].probability.value, 0.4);
  EXPECT_DOUBLE_EQ(district(s, "nanshan").gdp, 900);
}

TEST(ScenarioOverrides, LaterOverridesWinAndAllAreRecorded) {
  const Scenario s = load_one(data("plain.yaml"), {ov("paths", "3000"), ov("paths", "4000"), ov("horizon", "5")});
  EXPECT_EQ(s.paths, 4000u);
  EXPECT_EQ(s.horizon, 5);
  EXPECT_EQ(s.provenance.overrides, (std::vector<std::string>{"paths=3000", "paths=4000", "horizon=5"}));
  EXPECT_EQ(s.provenance.files, (std::vector<std::string>{data("plain.yaml").string()}));
}

TEST(ScenarioOverrides, OverridesApplyAfterTheExtendsMerge) {
  const Scenario s = load_one(data("child.yaml"), {ov("districts.futian.gdp", "600"), ov("national.growth.persistence", "0.2")});
  EXPECT_DOUBLE_EQ(district(s, "futian").gdp, 600);
  EXPECT_DOUBLE_EQ(s.national.growth->persistence.value, 0.2);
  EXPECT_DOUBLE_EQ(s.national.growth->volatility.value, 0.02);
}

TEST(ScenarioOverrides, ABadValueNamesTheOverrideWithoutLineAndColumn) {
  const ScenarioSet set = load_scenario_set(data("plain.yaml"), {ov("districts.nanshan.growth.mean", "abc")});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  const Diagnostic& d = set.errors[0];
  EXPECT_EQ(d.file, "--set districts.nanshan.growth.mean=abc");
  EXPECT_EQ(d.path, "districts[0].growth.mean");
  EXPECT_EQ(d.line, 0);
  EXPECT_EQ(d.to_string().rfind("--set districts.nanshan.growth.mean=abc: districts[0].growth.mean: expected a number", 0), 0u)
      << d.to_string();
  const ScenarioSet batch = load_scenario_set(data("plain.yaml"), {Override{"paths", "-1", "batch nightly.yaml"}});
  ASSERT_EQ(batch.errors.size(), 1u) << all_errors(batch.errors);
  EXPECT_EQ(batch.errors[0].file, "batch nightly.yaml paths=-1");
}

TEST(ScenarioOverrides, UnknownDistrictIdSuggestsTheClosest) {
  const ScenarioSet set = load_scenario_set(data("plain.yaml"), {ov("districts.nanshen.growth.mean", "0.06")});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  EXPECT_EQ(set.errors[0].file, "--set districts.nanshen.growth.mean=0.06");
  EXPECT_EQ(set.errors[0].path, "districts");
  EXPECT_NE(set.errors[0].message.find("unknown district 'nanshen'; did you mean 'nanshan'?"), std::string::npos)
      << set.errors[0].message;
  const ScenarioSet sector = load_scenario_set(data("plain.yaml"), {ov("districts.haidian.sectors.informaton_technology.share", "1")});
  ASSERT_EQ(sector.errors.size(), 1u) << all_errors(sector.errors);
  EXPECT_EQ(sector.errors[0].path, "districts[1].sectors");
  EXPECT_NE(sector.errors[0].message.find("did you mean 'information_technology'?"), std::string::npos);
  const ScenarioSet shock = load_scenario_set(data("plain.yaml"), {ov("scheduled_shocks.export_control.probability", "1")});
  ASSERT_EQ(shock.errors.size(), 1u) << all_errors(shock.errors);
  EXPECT_NE(shock.errors[0].message.find("did you mean 'export_controls'?"), std::string::npos);
}

TEST(ScenarioOverrides, IndexOutOfRangeAndPathsThroughValuesAreErrors) {
  const ScenarioSet range = load_scenario_set(data("plain.yaml"), {ov("districts.5.gdp", "1")});
  ASSERT_EQ(range.errors.size(), 1u) << all_errors(range.errors);
  EXPECT_NE(range.errors[0].message.find("index 5 is out of range: the list has 2 entries"), std::string::npos);
  const ScenarioSet through = load_scenario_set(data("plain.yaml"), {ov("paths.x", "1")});
  ASSERT_EQ(through.errors.size(), 1u) << all_errors(through.errors);
  EXPECT_EQ(through.errors[0].path, "paths");
  EXPECT_NE(through.errors[0].message.find("single value"), std::string::npos) << through.errors[0].message;
}

TEST(ScenarioOverrides, AnUnknownKeyIsCreatedAndReportedWithDidYouMean) {
  const ScenarioSet set = load_scenario_set(data("plain.yaml"), {ov("districts.nanshan.growth.volatilty", "0.03")});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  EXPECT_EQ(set.errors[0].file, "--set districts.nanshan.growth.volatilty=0.03");
  EXPECT_EQ(set.errors[0].path, "districts[0].growth.volatilty");
  EXPECT_EQ(set.errors[0].message, "unknown key; did you mean 'volatility'?");
  EXPECT_EQ(set.errors[0].line, 0);
}

TEST(ScenarioOverrides, MissingMappingsAreCreated) {
  const Scenario s = load_one(data("plain.yaml"), {ov("national.inflation.mean", "0.01"), ov("national.inflation.volatility", "0.005")});
  ASSERT_TRUE(s.national.inflation.has_value());
  EXPECT_DOUBLE_EQ(s.national.inflation->mean.value, 0.01);
  const ScenarioSet half = load_scenario_set(data("plain.yaml"), {ov("national.inflation.mean", "0.01")});
  ASSERT_EQ(half.errors.size(), 1u) << all_errors(half.errors);
  EXPECT_EQ(half.errors[0].path, "national.inflation.volatility");
  EXPECT_EQ(half.errors[0].message, "missing required key");
  EXPECT_EQ(half.errors[0].file, "--set national.inflation.mean=0.01");
}

TEST(ScenarioOverrides, AnEmptyValueRemovesAKeyOrAListEntry) {
  const Scenario s = load_one(data("plain.yaml"), {ov("scheduled_shocks.export_controls", ""), ov("national.growth", "")});
  EXPECT_TRUE(s.scheduled_shocks.empty());
  EXPECT_FALSE(s.national.growth.has_value());
}

TEST(ScenarioOverrides, MalformedValueIsAnError) {
  const ScenarioSet set = load_scenario_set(data("plain.yaml"), {ov("outputs.quantiles", "[0.1, 0.5")});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  EXPECT_EQ(set.errors[0].file, "--set outputs.quantiles=[0.1, 0.5");
  EXPECT_NE(set.errors[0].message.find("not valid YAML"), std::string::npos);
}

TEST(ScenarioOverrides, SetAndTheSameEditInTheFileHaveTheSameHash) {
  const Scenario edited = load_one(data("plain_edited.yaml"));
  const Scenario same = load_one(data("plain.yaml"), {ov("districts.nanshan.growth.mean", "0.06")});
  const Scenario other = load_one(data("plain.yaml"), {ov("districts.nanshan.growth.mean", "0.07")});
  EXPECT_EQ(scenario_sha256(same), scenario_sha256(edited));
  EXPECT_NE(scenario_sha256(other), scenario_sha256(edited));
  EXPECT_NE(scenario_sha256(load_one(data("plain.yaml"))), scenario_sha256(edited));
}

// ---------------------------------------------------------------------------------------------- sweeps

TEST(ScenarioSweep, ExpandsTheCartesianProductFirstKeyOutermost) {
  const ScenarioSet set = load_scenario_set(data("swept.yaml"), {});
  ASSERT_TRUE(set.ok()) << all_errors(set.errors);
  EXPECT_EQ(set.sweep_size(), 6u);
  std::vector<std::string> names;
  for (const auto& s : set.scenarios) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "swept[nanshan.growth.mean=0.05,national.growth.mean=0.03]",
                       "swept[nanshan.growth.mean=0.05,national.growth.mean=0.04]",
                       "swept[nanshan.growth.mean=0.05,national.growth.mean=0.05]",
                       "swept[nanshan.growth.mean=0.06,national.growth.mean=0.03]",
                       "swept[nanshan.growth.mean=0.06,national.growth.mean=0.04]",
                       "swept[nanshan.growth.mean=0.06,national.growth.mean=0.05]",
                   }));
  const double nanshan[] = {0.05, 0.05, 0.05, 0.06, 0.06, 0.06};
  const double national[] = {0.03, 0.04, 0.05, 0.03, 0.04, 0.05};
  for (std::size_t i = 0; i < 6; ++i) {
    const Scenario& s = set.scenarios[i];
    EXPECT_DOUBLE_EQ(district(s, "nanshan").growth.mean.value, nanshan[i]) << i;
    EXPECT_NEAR(s.national.growth->mean.value, national[i], 1e-15) << i;
    EXPECT_EQ(s.seed, 5u) << "seeds: common is the default";
    EXPECT_EQ(s.provenance.variant_of, "swept");
    EXPECT_EQ(s.provenance.files, (std::vector<std::string>{data("swept.yaml").string(), shown("plain.yaml")}));
  }
  EXPECT_EQ(set.scenarios[4].provenance.sweep_point,
            (std::vector<std::pair<std::string, std::string>>{{"districts.nanshan.growth.mean", "0.06"},
                                                              {"national.growth.mean", "0.04"}}));
}

TEST(ScenarioSweep, RangeIncludesItsEndAndPrintsRoundedValues) {
  const TempDir dir;
  const fs::path file = dir.write("range.yaml", "extends: " + data("plain.yaml").string() + R"yaml(
sweep:
  over:
    national.growth.persistence: {range: {from: 0, to: 0.3, step: 0.1}}
)yaml");
  const ScenarioSet set = load_scenario_set(file, {});
  ASSERT_TRUE(set.ok()) << all_errors(set.errors);
  ASSERT_EQ(set.scenarios.size(), 4u);  // 0.1 * 3 is 0.30000000000000004: still the end
  std::vector<std::string> values;
  for (const auto& s : set.scenarios) values.push_back(s.provenance.sweep_point.at(0).second);
  EXPECT_EQ(values, (std::vector<std::string>{"0", "0.1", "0.2", "0.3"}));
  EXPECT_EQ(set.scenarios[3].name, "range[national.growth.persistence=0.3]");  // its own name, not plain's
  EXPECT_DOUBLE_EQ(set.scenarios[3].national.growth->persistence.value, 0.3);
}

TEST(ScenarioSweep, NonScalarValuesAreNamedInFlowStyle) {
  const TempDir dir;
  const fs::path file = dir.write("flow.yaml", "extends: " + data("plain.yaml").string() + R"yaml(
sweep:
  over:
    districts.nanshan.growth.mean:
      values:
        - 0.05
        - {normal: [0.06, 0.01]}
)yaml");
  const ScenarioSet set = load_scenario_set(file, {});
  ASSERT_TRUE(set.ok()) << all_errors(set.errors);
  ASSERT_EQ(set.scenarios.size(), 2u);
  EXPECT_EQ(set.scenarios[1].name, "flow[nanshan.growth.mean={normal: [0.06, 0.01]}]");
  EXPECT_TRUE(district(set.scenarios[1], "nanshan").growth.mean.uncertain());
}

TEST(ScenarioSweep, DistinctSeedsMixTheSeedWithTheVariantName) {
  const TempDir dir;
  const fs::path file = dir.write("distinct.yaml", "extends: " + data("plain.yaml").string() + R"yaml(
sweep:
  seeds: distinct
  over:
    districts.nanshan.growth.mean: {values: [0.05, 0.06, 0.07]}
)yaml");
  const ScenarioSet set = load_scenario_set(file, {ov("seed", "11")});
  ASSERT_TRUE(set.ok()) << all_errors(set.errors);
  std::set<std::uint64_t> seeds;
  for (const auto& s : set.scenarios) {
    EXPECT_EQ(s.seed, distinct_variant_seed(11, s.name));
    seeds.insert(s.seed);
  }
  EXPECT_EQ(seeds.size(), 3u);
  EXPECT_NE(distinct_variant_seed(11, "a"), distinct_variant_seed(12, "a"));
}

TEST(ScenarioSweep, MoreThanAThousandVariantsIsAnError) {
  const TempDir dir;
  const fs::path file = dir.write("big.yaml", "extends: " + data("plain.yaml").string() + R"yaml(
sweep:
  over:
    districts.nanshan.growth.mean: {values: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11]}
    paths: {range: {from: 1000, to: 100000, step: 1000}}
)yaml");
  const ScenarioSet set = load_scenario_set(file, {});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  EXPECT_EQ(set.errors[0].path, "sweep.over");
  EXPECT_NE(set.errors[0].message.find("1100 variants (11 x 100); at most 1000"), std::string::npos) << set.errors[0].message;
  EXPECT_EQ(set.errors[0].line, 4);
}

TEST(ScenarioSweep, InvalidSweepDefinitionsAreReportedAtTheirLine) {
  const TempDir dir;
  const auto errors_of = [&](const std::string& sweep) {
    const fs::path file = dir.write("bad.yaml", "extends: " + data("plain.yaml").string() + "\nsweep:\n" + sweep);
    return load_scenario_set(file, {}).errors;
  };
  auto e = errors_of("  over: {paths: {valeus: [1, 2]}}\n");
  ASSERT_FALSE(e.empty());
  EXPECT_NE(e[0].message.find("did you mean 'values'?"), std::string::npos) << all_errors(e);
  EXPECT_EQ(e[0].line, 3);
  e = errors_of("  over: {paths: {values: []}}\n");
  ASSERT_EQ(e.size(), 1u) << all_errors(e);
  EXPECT_NE(e[0].message.find("at least one value"), std::string::npos);
  e = errors_of("  over: {seed: {range: {from: 1, to: 5, step: 0}}}\n");
  ASSERT_EQ(e.size(), 1u) << all_errors(e);
  EXPECT_EQ(e[0].path, "sweep.over.seed.range.step");
  e = errors_of("  over: {seed: {range: {from: 5, to: 1, step: 1}}}\n");
  ASSERT_EQ(e.size(), 1u) << all_errors(e);
  EXPECT_NE(e[0].message.find("must be >= from"), std::string::npos);
  e = errors_of("  over: {seed: {values: [1], range: {from: 1, to: 2, step: 1}}}\n");
  ASSERT_EQ(e.size(), 1u) << all_errors(e);
  EXPECT_NE(e[0].message.find("not both"), std::string::npos);
  e = errors_of("  over: {paths: {values: [1000]}}\n  seeds: distinc\n");
  ASSERT_EQ(e.size(), 1u) << all_errors(e);
  EXPECT_NE(e[0].message.find("did you mean 'distinct'?"), std::string::npos);
  e = errors_of("  over: {districts.nanshen.gdp: {values: [1000]}}\n");
  ASSERT_EQ(e.size(), 1u) << all_errors(e);
  EXPECT_EQ(e[0].path, "sweep.over.districts.nanshen.gdp");
  EXPECT_NE(e[0].message.find("did you mean 'nanshan'?"), std::string::npos) << all_errors(e);
  EXPECT_EQ(e[0].line, 3);
  e = errors_of("  over: {name: {values: [a]}}\n");
  ASSERT_EQ(e.size(), 1u) << all_errors(e);
  EXPECT_NE(e[0].message.find("name cannot be swept"), std::string::npos);
}

TEST(ScenarioSweep, ABadSweptValueIsReportedOnceAtTheValue) {
  const ScenarioSet set = load_scenario_set(data("swept_bad_value.yaml"), {});
  EXPECT_EQ(set.sweep_size(), 4u);
  EXPECT_TRUE(set.scenarios.empty());
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);  // two variants have it
  const Diagnostic& d = set.errors[0];
  EXPECT_EQ(d.file, data("swept_bad_value.yaml").string());
  EXPECT_EQ(d.path, "districts[0].growth.volatility");
  EXPECT_EQ(d.line, 7);
  EXPECT_EQ(d.column, 58);
}

TEST(ScenarioSweep, AnOverrideCannotSetASweptKey) {
  const ScenarioSet set = load_scenario_set(data("swept.yaml"), {ov("districts.nanshan.growth.mean", "0.07")});
  ASSERT_EQ(set.errors.size(), 1u) << all_errors(set.errors);
  EXPECT_EQ(set.errors[0].file, "--set districts.nanshan.growth.mean=0.07");
  EXPECT_NE(set.errors[0].message.find("is swept; --set cannot also set it"), std::string::npos) << set.errors[0].message;
  const ScenarioSet other = load_scenario_set(data("swept.yaml"), {ov("paths", "500")});
  ASSERT_TRUE(other.ok()) << all_errors(other.errors);
  for (const auto& s : other.scenarios) EXPECT_EQ(s.paths, 500u);
}

TEST(ScenarioSweep, LoadScenarioFileRejectsASweep) {
  const LoadResult r = load_scenario_file(data("swept.yaml"));
  ASSERT_EQ(r.errors.size(), 1u) << all_errors(r.errors);
  EXPECT_EQ(r.errors[0].path, "sweep");
  EXPECT_NE(r.errors[0].message.find("declares a sweep of 6 variants"), std::string::npos) << r.errors[0].message;
}

TEST(ScenarioSweep, VariantDirectoryNames) {
  EXPECT_EQ(variant_directory_name("trillion_club[nanshan.growth.mean=0.06]"), "trillion_club@nanshan.growth.mean=0.06");
  EXPECT_EQ(variant_directory_name("s[a=1,b=2]"), "s@a=1@b=2");
  EXPECT_EQ(variant_directory_name("s[m={normal: [0.06, 0.01]}]"), "s@m=_normal__@0.06@_0.01_");
  EXPECT_EQ(variant_directory_name("plain"), "plain");
  const std::string long_name = "s[" + std::string(300, 'x') + "]";
  const std::string dir = variant_directory_name(long_name);
  EXPECT_EQ(dir.size(), 200u);
  EXPECT_NE(dir, variant_directory_name("s[" + std::string(301, 'x') + "]"));
}

// ---------------------------------------------------------------------------------------------- manifest

nlohmann::json manifest_of(Scenario scenario) {
  scenario.paths = 200;
  const Simulation simulation(scenario);
  RunSettings settings;
  settings.paths = scenario.paths;
  const TempDir dir;
  write_result_files(dir.path(), scenario, build_result_tables(scenario, *run_simulation(simulation, settings).totals));
  const auto t = std::chrono::system_clock::from_time_t(1795883081);
  write_manifest(dir.path(), scenario, RunFacts{"x.yaml", 1, 1024, t, t, 0.0, std::nullopt});
  return nlohmann::json::parse(testing::read_file(dir.path() / "manifest.json"));
}

TEST(ScenarioCompose, ManifestRecordsTheComposition) {
  const ScenarioSet set = load_scenario_set(data("swept.yaml"), {ov("paths", "300")});
  ASSERT_TRUE(set.ok()) << all_errors(set.errors);
  const auto m = manifest_of(set.scenarios[1]);
  ASSERT_TRUE(m.contains("composition"));
  const auto& c = m["composition"];
  EXPECT_EQ(c["extends"], nlohmann::json::array({shown("plain.yaml")}));
  EXPECT_EQ(c["overrides"], nlohmann::json::array({"paths=300"}));
  EXPECT_EQ(c["variant_of"], "swept");
  EXPECT_EQ(c["sweep"]["districts.nanshan.growth.mean"], 0.05);
  EXPECT_EQ(c["sweep"]["national.growth.mean"], 0.04);
  EXPECT_EQ(m["scenario"], "swept[nanshan.growth.mean=0.05,national.growth.mean=0.04]");
  const auto plain = manifest_of(load_one(data("plain.yaml")));
  EXPECT_FALSE(plain.contains("composition"));
}

}  // namespace
}  // namespace districtcast

/// \file manifest.json: provenance fields and file hashes.

#include "engine/manifest.hpp"
#include "engine/result_writers.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_json.hpp"
#include "engine/scenario_loader.hpp"
#include "engine/sha256.hpp"
#include "engine/version.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace districtcast {
namespace {

TEST(Manifest, Iso8601Utc) {
  EXPECT_EQ(iso8601_utc(std::chrono::system_clock::from_time_t(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601_utc(std::chrono::system_clock::from_time_t(1795883081)), "2026-11-28T16:24:41Z");
}

TEST(Manifest, RecordsProvenanceAndTheHashOfEveryResultFile) {
  LoadResult r = load_scenario_text(R"yaml(
name: m
base_year: 2024
horizon: 2
seed: 77
districts: [{id: a, gdp: 100, growth: {mean: 0.05, volatility: 0.02}}]
)yaml",
                                    "t.yaml", "t");
  ASSERT_TRUE(r.ok());
  Scenario scenario = *r.scenario;
  scenario.paths = 300;
  const Simulation simulation(scenario);
  RunSettings settings;
  settings.paths = scenario.paths;
  const testing::TempDir dir;
  write_result_files(dir.path(), scenario, build_result_tables(scenario, *run_simulation(simulation, settings).totals));
  const auto start = std::chrono::system_clock::from_time_t(1795883081);
  write_manifest(dir.path(), scenario,
                 RunFacts{"scenarios/m.yaml", 3, 1024, start, start + std::chrono::seconds(5), 4.5, std::nullopt});
  const auto m = nlohmann::json::parse(testing::read_file(dir.path() / "manifest.json"));
  EXPECT_EQ(m["engine_version"], std::string(kEngineVersion));
  EXPECT_EQ(m["scenario"], "m");
  EXPECT_EQ(m["scenario_file"], "scenarios/m.yaml");
  EXPECT_EQ(m["scenario_sha256"], scenario_sha256(scenario));
  EXPECT_EQ(m["seed"], 77u);
  EXPECT_EQ(m["paths"], 300u);
  EXPECT_EQ(m["threads"], 3u);
  EXPECT_EQ(m["block_size"], 1024u);
  EXPECT_EQ(m["started_at"], "2026-11-28T16:24:41Z");
  EXPECT_EQ(m["finished_at"], "2026-11-28T16:24:46Z");
  EXPECT_EQ(m["wall_seconds"], 4.5);
  EXPECT_GT(m["peak_rss_bytes"].get<std::uint64_t>(), 1'000'000u);
  EXPECT_EQ(m["resolved_scenario"], nlohmann::json::parse(to_json(scenario).dump()));
  ASSERT_EQ(m["files_sha256"].size(), result_file_names().size());
  for (const auto& name : result_file_names()) {
    EXPECT_EQ(m["files_sha256"][name], sha256_file_hex(dir.path() / name)) << name;
  }
}

}  // namespace
}  // namespace districtcast

/// \file The run catalog: schema and migrations, round trips, queries, recovery, deletion, concurrency.

#include "engine/catalog.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <thread>

namespace districtcast {
namespace {
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------------------
// Helpers

BatchRecord make_batch(const std::string& name, const std::string& started_at,
                       RunStatus status = RunStatus::succeeded) {
  BatchRecord batch;
  batch.name = name;
  batch.batch_file = "/srv/batches/" + name + ".yaml";
  batch.out_root = "/srv/outputs/" + name;
  batch.directory = "/srv/outputs/" + name + "/" + started_at;
  batch.status = status;
  batch.started_at = started_at;
  batch.finished_at = status == RunStatus::running ? "" : started_at;
  batch.wall_seconds = 12.5;
  batch.engine_version = "1.4.0";
  batch.command_line = "districtcast batch " + name + ".yaml";
  batch.threads = 2;
  batch.process = ProcessIdentity::current();
  batch.scenarios_total = 3;
  batch.scenarios_succeeded = status == RunStatus::succeeded ? 3 : 1;
  batch.alerts = 0;
  return batch;
}

RunRecord make_run(const std::string& scenario, const std::string& started_at,
                   std::optional<std::int64_t> batch_id = std::nullopt, RunStatus status = RunStatus::succeeded) {
  RunRecord run;
  run.batch_id = batch_id;
  run.scenario = scenario;
  run.scenario_sha256 = std::string(64, 'a');
  run.engine_version = "1.4.0";
  run.seed = 42;
  run.paths = 100000;
  run.threads = 2;
  run.started_at = started_at;
  run.finished_at = status == RunStatus::running ? "" : started_at;
  run.wall_seconds = 0.75;
  run.status = status;
  run.directory = "/srv/outputs/" + scenario + "/" + started_at;
  run.error = status == RunStatus::failed ? "boom" : "";
  run.process = ProcessIdentity::current();
  return run;
}

/// Begins and finishes a run with `stats`; returns its id.
std::int64_t add_run(Catalog& catalog, RunRecord run, const std::vector<StatRecord>& stats = {}) {
  run.id = catalog.begin_run(run);
  catalog.finish_run(run, stats);
  return run.id;
}

/// The gdp cell (district, year) of a run: mean, mc_se and p50.
std::vector<StatRecord> gdp_cell(const std::string& district, int year, double mean, double mc_se, double p50,
                                 const std::string& sector = "") {
  return {StatRecord{district, sector, "gdp", year, "mean", mean}, StatRecord{district, sector, "gdp", year, "mc_se", mc_se},
          StatRecord{district, sector, "gdp", year, "p50", p50}};
}

void expect_same_batch(const BatchRecord& actual, const BatchRecord& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.name, expected.name);
  EXPECT_EQ(actual.batch_file, expected.batch_file);
  EXPECT_EQ(actual.out_root, expected.out_root);
  EXPECT_EQ(actual.directory, expected.directory);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.started_at, expected.started_at);
  EXPECT_EQ(actual.finished_at, expected.finished_at);
  EXPECT_EQ(actual.wall_seconds, expected.wall_seconds);
  EXPECT_EQ(actual.engine_version, expected.engine_version);
  EXPECT_EQ(actual.command_line, expected.command_line);
  EXPECT_EQ(actual.threads, expected.threads);
  EXPECT_EQ(actual.process.host, expected.process.host);
  EXPECT_EQ(actual.process.pid, expected.process.pid);
  EXPECT_EQ(actual.process.start_ticks, expected.process.start_ticks);
  EXPECT_EQ(actual.scenarios_total, expected.scenarios_total);
  EXPECT_EQ(actual.scenarios_succeeded, expected.scenarios_succeeded);
  EXPECT_EQ(actual.alerts, expected.alerts);
}

void expect_same_run(const RunRecord& actual, const RunRecord& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.batch_id, expected.batch_id);
  EXPECT_EQ(actual.scenario, expected.scenario);
  EXPECT_EQ(actual.scenario_sha256, expected.scenario_sha256);
  EXPECT_EQ(actual.engine_version, expected.engine_version);
  EXPECT_EQ(actual.seed, expected.seed);
  EXPECT_EQ(actual.paths, expected.paths);
  EXPECT_EQ(actual.threads, expected.threads);
  EXPECT_EQ(actual.started_at, expected.started_at);
  EXPECT_EQ(actual.finished_at, expected.finished_at);
  EXPECT_EQ(actual.wall_seconds, expected.wall_seconds);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.directory, expected.directory);
  EXPECT_EQ(actual.staging_directory, expected.staging_directory);
  EXPECT_EQ(actual.error, expected.error);
  EXPECT_EQ(actual.process.host, expected.process.host);
  EXPECT_EQ(actual.process.pid, expected.process.pid);
  EXPECT_EQ(actual.process.start_ticks, expected.process.start_ticks);
}

std::vector<std::int64_t> run_ids(const std::vector<RunRecord>& runs) {
  std::vector<std::int64_t> ids;
  for (const auto& run : runs) ids.push_back(run.id);
  return ids;
}

std::vector<std::int64_t> batch_ids(const std::vector<BatchRecord>& batches) {
  std::vector<std::int64_t> ids;
  for (const auto& batch : batches) ids.push_back(batch.id);
  return ids;
}

/// Runs `sql` on `file` with the plain SQLite API (what a user's sqlite3 shell would do).
void raw_sql(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(code, SQLITE_OK) << message;
}

/// Count of rows `sql` (a SELECT count(*) ...) reports.
std::int64_t raw_count(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) return -1;
  sqlite3_stmt* statement = nullptr;
  std::int64_t count = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
    count = sqlite3_column_int64(statement, 0);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return count;
}

// ---------------------------------------------------------------------------------------------------------
// Statuses

TEST(Catalog, StatusNamesRoundTrip) {
  for (RunStatus status : {RunStatus::running, RunStatus::succeeded, RunStatus::failed, RunStatus::interrupted}) {
    EXPECT_EQ(run_status_from_string(to_string(status)), status);
  }
  EXPECT_EQ(to_string(RunStatus::interrupted), "interrupted");
  EXPECT_FALSE(run_status_from_string("partial"));
  EXPECT_FALSE(run_status_from_string(""));
}

// ---------------------------------------------------------------------------------------------------------
// Opening and migrations

TEST(CatalogOpen, CreatesFileAndParentDirectoriesAtCurrentSchema) {
  const testing::TempDir tmp;
  const fs::path file = tmp.path() / "deep" / "er" / "catalog.sqlite";
  Catalog catalog = Catalog::open(file);
  EXPECT_TRUE(fs::exists(file));
  EXPECT_EQ(catalog.file(), file);
  EXPECT_EQ(catalog.schema_version(), Catalog::kSchemaVersion);
  EXPECT_EQ(raw_count(file, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                            "('batches', 'runs', 'run_stats')"),
            3);
  EXPECT_EQ(raw_count(file, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                            "('runs_by_scenario', 'runs_by_batch', 'runs_by_status', 'batches_by_name')"),
            4);
}

TEST(CatalogOpen, UsesWalJournal) {
  const testing::TempDir tmp;
  const fs::path file = tmp.path() / "catalog.sqlite";
  const Catalog catalog = Catalog::open(file);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST(CatalogOpen, MigratesAnEmptyFile) {
  const testing::TempDir tmp;
  const fs::path file = tmp.write("catalog.sqlite", "");
  ASSERT_EQ(fs::file_size(file), 0u);
  Catalog catalog = Catalog::open(file);
  EXPECT_EQ(catalog.schema_version(), 1);
  const std::int64_t id = catalog.begin_batch(make_batch("nightly", "2026-11-29T02:00:00Z"));
  EXPECT_TRUE(catalog.batch(id));
}

TEST(CatalogOpen, ReopeningKeepsDataAndVersion) {
  const testing::TempDir tmp;
  const fs::path file = tmp.path() / "catalog.sqlite";
  std::int64_t run_id = 0;
  {
    Catalog catalog = Catalog::open(file);
    run_id = add_run(catalog, make_run("baseline", "2026-11-29T02:00:00Z"), gdp_cell("nanshan", 2030, 1329, 0.44, 1322));
  }
  Catalog reopened = Catalog::open(file);
  EXPECT_EQ(reopened.schema_version(), 1);
  ASSERT_TRUE(reopened.run(run_id));
  EXPECT_EQ(reopened.run(run_id)->scenario, "baseline");
  EXPECT_EQ(reopened.stats(run_id).size(), 3u);
}

TEST(CatalogOpen, RefusesAFileFromANewerEngine) {
  const testing::TempDir tmp;
  const fs::path file = tmp.path() / "catalog.sqlite";
  { const Catalog catalog = Catalog::open(file); }
  raw_sql(file, "PRAGMA user_version = 2");
  try {
    const Catalog catalog = Catalog::open(file);
    FAIL() << "opened a schema 2 file";
  } catch (const CatalogError& error) {
    EXPECT_EQ(std::string(error.what()),
              file.string() +
                  " was written by a newer districtcast (schema 2 > 1); use that version or another --catalog");
  }
}

TEST(CatalogOpen, RefusesAFileThatIsNotADatabase) {
  const testing::TempDir tmp;
  const fs::path file = tmp.write("catalog.sqlite", "district,gdp\nnanshan,1329\nthis is a CSV file, not SQLite\n");
  try {
    const Catalog catalog = Catalog::open(file);
    FAIL() << "opened a text file";
  } catch (const CatalogError& error) {
    EXPECT_EQ(std::string(error.what()), file.string() + ": not a districtcast catalog (file is not a database)");
  }
  EXPECT_EQ(testing::read_file(file), "district,gdp\nnanshan,1329\nthis is a CSV file, not SQLite\n");
}

TEST(CatalogOpen, RefusesAnotherApplicationsDatabase) {
  const testing::TempDir tmp;
  const fs::path file = tmp.path() / "other.sqlite";
  raw_sql(file, "CREATE TABLE contacts (name TEXT)");
  try {
    const Catalog catalog = Catalog::open(file);
    FAIL() << "adopted a foreign database";
  } catch (const CatalogError& error) {
    EXPECT_NE(std::string(error.what()).find("not a districtcast catalog"), std::string::npos) << error.what();
  }
}

TEST(CatalogOpen, UnopenableLocationNamesTheFile) {
  const testing::TempDir tmp;
  const fs::path blocker = tmp.write("blocker", "a file where a directory should be");
  const fs::path file = blocker / "catalog.sqlite";
  try {
    const Catalog catalog = Catalog::open(file);
    FAIL() << "opened a catalog under a regular file";
  } catch (const CatalogError& error) {
    EXPECT_EQ(std::string(error.what()).rfind(file.string() + ":", 0), 0u) << error.what();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Round trips

TEST(Catalog, RoundTripsBatchRunsAndStatsFieldByField) {
  const testing::TempDir tmp;
  Catalog catalog = Catalog::open(tmp.path() / "catalog.sqlite");

  BatchRecord batch = make_batch("nightly", "2026-11-29T02:00:00Z", RunStatus::running);
  batch.id = catalog.begin_batch(batch);
  EXPECT_GT(batch.id, 0);
  expect_same_batch(*catalog.batch(batch.id), batch);

  RunRecord run = make_run("tech_boom", "2026-11-29T02:00:01Z", batch.id, RunStatus::running);
  run.seed = 0xFEDCBA9876543210ULL;  // > 2^63: stored bit-cast through int64
  run.paths = 2000000;
  run.staging_directory = "/srv/outputs/nightly/.20261129T020000Z.partial-123/tech_boom";
  run.process.start_ticks = 0x8000000000000001ULL;
  run.id = catalog.begin_run(run);
  expect_same_run(*catalog.run(run.id), run);

  const std::vector<StatRecord> stats{
      {"nanshan", "", "gdp", 2030, "mean", 1329.02},
      {"nanshan", "", "gdp", 2030, "p50", 1321.98},
      {"nanshan", "ict", "gdp_share", 2030, "mean", 0.3125},
      {"chaoyang", "", "gdp", 2027, "p_above:1000", 0.95},
      {"chaoyang", "", "gdp", 2027, "p_reached_by:1000", 0.96},
      {"pudong", "", "firm_stock", 2026, "sd", std::numeric_limits<double>::infinity()},
  };
  run.status = RunStatus::succeeded;
  run.finished_at = "2026-11-29T02:03:00Z";
  run.wall_seconds = 179.25;
  run.paths = 1500000;
  run.staging_directory = "";
  run.directory = "/srv/outputs/nightly/20261129T020000Z/tech_boom";
  catalog.finish_run(run, stats);
  expect_same_run(*catalog.run(run.id), run);

  const std::vector<StatRecord> read_back = catalog.stats(run.id);
  ASSERT_EQ(read_back.size(), stats.size());
  for (std::size_t i = 0; i < stats.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(read_back[i].district, stats[i].district);
    EXPECT_EQ(read_back[i].sector, stats[i].sector);
    EXPECT_EQ(read_back[i].metric, stats[i].metric);
    EXPECT_EQ(read_back[i].year, stats[i].year);
    EXPECT_EQ(read_back[i].stat, stats[i].stat);
    EXPECT_EQ(read_back[i].value, stats[i].value);
  }

  batch.status = RunStatus::failed;
  batch.directory = "/srv/outputs/nightly/20261129T020000Z";
  batch.finished_at = "2026-11-29T02:10:00Z";
  batch.wall_seconds = 600.5;
  batch.scenarios_total = 4;
  batch.scenarios_succeeded = 3;
  batch.alerts = 2;
  catalog.finish_batch(batch);
  expect_same_batch(*catalog.batch(batch.id), batch);

  // A run outside any batch keeps batch_id empty.
  RunRecord lone = make_run("baseline", "2026-11-29T03:00:00Z");
  lone.id = catalog.begin_run(lone);
  ASSERT_TRUE(catalog.run(lone.id));
  EXPECT_FALSE(catalog.run(lone.id)->batch_id);
  expect_same_run(*catalog.run(lone.id), lone);

  EXPECT_FALSE(catalog.run(9999));
  EXPECT_FALSE(catalog.batch(9999));
  EXPECT_TRUE(catalog.stats(9999).empty());
}

TEST(Catalog, SeedsAndCountsKeepAllSixtyFourBits) {
  const testing::TempDir tmp;
  Catalog catalog = Catalog::open(tmp.path() / "catalog.sqlite");
  for (std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{1} << 63, ~std::uint64_t{0}, std::uint64_t{0x9E3779B97F4A7C15}}) {
    RunRecord run = make_run("baseline", "2026-11-29T02:00:00Z");
    run.seed = seed;
    const std::int64_t id = catalog.begin_run(run);
    EXPECT_EQ(catalog.run(id)->seed, seed);
  }
}

TEST(Catalog, NanStatisticReadsBackAsNan) {
  const testing::TempDir tmp;
  Catalog catalog = Catalog::open(tmp.path() / "catalog.sqlite");
  const std::int64_t id = add_run(catalog, make_run("baseline", "2026-11-29T02:00:00Z"),
                                  {StatRecord{"nanshan", "", "gdp_growth", 2025, "sd", std::nan("")}});
  ASSERT_EQ(catalog.stats(id).size(), 1u);
  EXPECT_TRUE(std::isnan(catalog.stats(id)[0].value));
}

TEST(Catalog, FinishRunReplacesStatistics) {
  const testing::TempDir tmp;
  Catalog catalog = Catalog::open(tmp.path() / "catalog.sqlite");
  RunRecord run = make_run("baseline", "2026-11-29T02:00:00Z");
  run.id = catalog.begin_run(run);
  catalog.finish_run(run, gdp_cell("nanshan", 2030, 1, 2, 3));
  catalog.finish_run(run, {StatRecord{"haidian", "", "gdp", 2030, "mean", 7}});
  const auto stats = catalog.stats(run.id);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].district, "haidian");
}

TEST(Catalog, FinishingAnUnknownRowThrows) {
  const testing::TempDir tmp;
  Catalog catalog = Catalog::open(tmp.path() / "catalog.sqlite");
  BatchRecord batch = make_batch("nightly", "2026-11-29T02:00:00Z");
  batch.id = 77;
  EXPECT_THROW(catalog.finish_batch(batch), CatalogError);
  RunRecord run = make_run("baseline", "2026-11-29T02:00:00Z");
  run.id = 78;
  EXPECT_THROW(catalog.finish_run(run, gdp_cell("nanshan", 2030, 1, 2, 3)), CatalogError);
  EXPECT_TRUE(catalog.stats(78).empty()) << "the failed transaction was rolled back";
}

TEST(Catalog, RunOfAMissingBatchIsRefused) {
  const testing::TempDir tmp;
  Catalog catalog = Catalog::open(tmp.path() / "catalog.sqlite");
  try {
    (void)catalog.begin_run(make_run("baseline", "2026-11-29T02:00:00Z", 12345));
    FAIL() << "foreign key not enforced";
  } catch (const CatalogError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind(catalog.file().string() + ": recording a new run: ", 0), 0u) << message;
    EXPECT_NE(message.find("FOREIGN KEY"), std::string::npos) << message;
  }
}

TEST(Catalog, FinishRunStoresThreeThousandStatistics) {
  const testing::TempDir tmp;
  Catalog catalog = Catalog::open(tmp.path() / "catalog.sqlite");
  std::vector<StatRecord> stats;
  for (const char* district : {"pudong", "haidian", "nanshan", "chaoyang", "futian", "binhai"}) {
    for (const char* metric : {"gdp", "gdp_growth", "firm_births", "firm_exits", "firm_stock"}) {
      for (int year = 2025; year <= 2034; ++year) {
        for (const char* stat : {"mean", "sd", "mc_se", "p5", "p10", "p25", "p50", "p75", "p90", "p95"}) {
          stats.push_back(StatRecord{district, "", metric, year, stat, year * 1.5});
        }
      }
    }
  }
  ASSERT_EQ(stats.size(), 3000u);
  RunRecord run = make_run("baseline", "2026-11-29T02:00:00Z");
  run.id = catalog.begin_run(run);
  catalog.finish_run(run, stats);  // its cost is measured by BM_CatalogFinishRun (bench/catalog_bench.cpp)
  const auto stored = catalog.stats(run.id);
  ASSERT_EQ(stored.size(), 3000u);
  EXPECT_EQ(stored.front().district, "pudong");
  EXPECT_EQ(stored.back().stat, "p95");
  EXPECT_EQ(stored.back().value, 2034 * 1.5);
}

// ---------------------------------------------------------------------------------------------------------
// Listing

TEST(CatalogQuery, RunsFilteredNewestFirstAndLimited) {
  const testing::TempDir tmp;
  Catalog catalog = Catalog::open(tmp.path() / "catalog.sqlite");
  const std::int64_t nightly = catalog.begin_batch(make_batch("nightly", "2026-11-28T02:00:00Z"));
  const std::int64_t weekly = catalog.begin_batch(make_batch("weekly", "2026-11-28T03:00:00Z"));
  const std::int64_t a = add_run(catalog, make_run("baseline", "2026-11-28T02:00:01Z", nightly));
  const std::int64_t b = add_run(catalog, make_run("tech_boom", "2026-11-28T02:00:02Z", nightly));
  const std::int64_t c = add_run(catalog, make_run("baseline", "2026-11-28T03:00:01Z", weekly, RunStatus::failed));
  const std::int64_t d = add_run(catalog, make_run("baseline", "2026-11-27T09:00:00Z"));  // oldest, no batch
  const std::int64_t e = add_run(catalog, make_run("baseline", "2026-11-28T03:00:01Z", weekly));  // ties c: by id

  RunQuery all;
  all.limit = 0;
  EXPECT_EQ(run_ids(catalog.runs(all)), (std::vector<std::int64_t>{e, c, b, a, d}));
  RunQuery two;
  two.limit = 2;
  EXPECT_EQ(run_ids(catalog.runs(two)), (std::vector<std::int64_t>{e, c}));
  RunQuery baseline;
  baseline.scenario = "baseline";
  EXPECT_EQ(run_ids(catalog.runs(baseline)), (std::vector<std::int64_t>{e, c, a, d}));
  RunQuery of_nightly;
  of_nightly.batch_name = "nightly";
  EXPECT_EQ(run_ids(catalog.runs(of_nightly)), (std::vector<std::int64_t>{b, a}));
  RunQuery failed;
  failed.status = RunStatus::failed;
  EXPECT_EQ(run_ids(catalog.runs(failed)), (std::vector<std::int64_t>{c}));
  RunQuery by_id;
  by_id.batch_id = weekly;
  by_id.scenario = "baseline";
  by_id.status = RunStatus::succeeded;
  EXPECT_EQ(run_ids(catalog.runs(by_id)), (std::vector<std::int64_t>{e}));
  RunQuery nothing;
  nothing.scenario = "nonexistent";
  EXPECT_TRUE(catalog.runs(nothing).empty());
}

TEST(CatalogQuery, BatchesFilteredNewestFirstAndLimited) {
  const testing::TempDir tmp;
  Catalog catalog = Catalog::open(tmp.path() / "catalog.sqlite");
  const std::int64_t a = catalog.begin_batch(make_batch("nightly", "2026-11-27T02:00:00Z"));
  const std::int64_t b = catalog.begin_batch(make_batch("nightly", "2026-11-29T02:00:00Z", RunStatus::failed));
  const std::int64_t c = catalog.begin_batch(make_batch("nightly", "2026-11-28T02:00:00Z"));
  BatchRecord elsewhere = make_batch("nightly", "2026-11-30T02:00:00Z");
  elsewhere.out_root = "/tmp/elsewhere";
  const std::int64_t d = catalog.begin_batch(elsewhere);
  const std::int64_t e = catalog.begin_batch(make_batch("weekly", "2026-11-26T02:00:00Z"));

  BatchQuery all;
  all.limit = 0;
  EXPECT_EQ(batch_ids(catalog.batches(all)), (std::vector<std::int64_t>{d, b, c, a, e}));
  BatchQuery nightly;
  nightly.name = "nightly";
  nightly.limit = 3;
  EXPECT_EQ(batch_ids(catalog.batches(nightly)), (std::vector<std::int64_t>{d, b, c}));
  nightly.out_root = "/srv/outputs/nightly";
  EXPECT_EQ(batch_ids(catalog.batches(nightly)), (std::vector<std::int64_t>{b, c, a}));
  nightly.status = RunStatus::succeeded;
  EXPECT_EQ(batch_ids(catalog.batches(nightly)), (std::vector<std::int64_t>{c, a}));
}

// ---------------------------------------------------------------------------------------------------------
// History

class CatalogHistory : public ::testing::Test {
protected:
  void SetUp() override {
    catalog_ = std::make_unique<Catalog>(Catalog::open(tmp_.path() / "catalog.sqlite"));
    // Added out of order: history sorts by started_at.
    day3_ = add(make_run("baseline", "2026-11-27T02:00:00Z"), 1300, 0.5, 1290);
    day1_ = add(make_run("baseline", "2026-11-25T02:00:00Z"), 1280, 0.4, 1270);
    day2_failed_ = add(make_run("baseline", "2026-11-26T02:00:00Z", std::nullopt, RunStatus::failed), 9999, 9, 9999);
    day4_ = add(make_run("baseline", "2026-11-28T02:00:00Z"), 1310, 0.45, 1305);
    other_scenario_ = add(make_run("tech_boom", "2026-11-28T02:00:00Z"), 1500, 1, 1490);
  }

  std::int64_t add(RunRecord run, double mean, double mc_se, double p50) {
    auto stats = gdp_cell("nanshan", 2030, mean, mc_se, p50);
    const auto ict = gdp_cell("nanshan", 2030, mean / 4, mc_se / 4, p50 / 4, "ict");
    stats.insert(stats.end(), ict.begin(), ict.end());
    stats.push_back(StatRecord{"nanshan", "", "gdp", 2029, "p50", p50 - 100});
    return add_run(*catalog_, std::move(run), stats);
  }

  HistoryQuery query(const std::string& stat = "p50") const {
    HistoryQuery q;
    q.scenario = "baseline";
    q.district = "nanshan";
    q.metric = "gdp";
    q.year = 2030;
    q.stat = stat;
    return q;
  }

  static std::vector<double> values(const std::vector<HistoryPoint>& points) {
    std::vector<double> v;
    for (const auto& p : points) v.push_back(p.value);
    return v;
  }

  testing::TempDir tmp_;
  std::unique_ptr<Catalog> catalog_;
  std::int64_t day1_ = 0, day2_failed_ = 0, day3_ = 0, day4_ = 0, other_scenario_ = 0;
};

TEST_F(CatalogHistory, SucceededRunsOldestFirst) {
  const auto points = catalog_->history(query());
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(values(points), (std::vector<double>{1270, 1290, 1305}));
  EXPECT_EQ(points[0].run_id, day1_);
  EXPECT_EQ(points[1].run_id, day3_);
  EXPECT_EQ(points[2].run_id, day4_);
  EXPECT_EQ(points[0].started_at, "2026-11-25T02:00:00Z");
  EXPECT_EQ(points[0].seed, 42u);
  EXPECT_EQ(points[0].paths, 100000u);
  EXPECT_EQ(points[0].engine_version, "1.4.0");
  EXPECT_EQ(points[0].scenario_sha256, std::string(64, 'a'));
  EXPECT_FALSE(points[0].batch_id);
  for (const auto& point : points) EXPECT_FALSE(point.mc_se) << "mc_se only accompanies the mean";
}

TEST_F(CatalogHistory, LimitKeepsTheNewestPointsStillOldestFirst) {
  auto q = query();
  q.limit = 2;
  const auto points = catalog_->history(q);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].run_id, day3_);
  EXPECT_EQ(points[1].run_id, day4_);
}

TEST_F(CatalogHistory, MeanComesWithItsMonteCarloError) {
  const auto points = catalog_->history(query("mean"));
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(values(points), (std::vector<double>{1280, 1300, 1310}));
  ASSERT_TRUE(points[0].mc_se);
  EXPECT_EQ(*points[0].mc_se, 0.4);
  EXPECT_EQ(*points[1].mc_se, 0.5);
  EXPECT_EQ(*points[2].mc_se, 0.45);
}

TEST_F(CatalogHistory, FailedRunsOnlyWhenAsked) {
  auto q = query();
  q.include_failed = true;
  const auto points = catalog_->history(q);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(values(points), (std::vector<double>{1270, 9999, 1290, 1305}));
  EXPECT_EQ(points[1].run_id, day2_failed_);
}

TEST_F(CatalogHistory, SectorYearAndScenarioSelectTheCell) {
  auto q = query();
  q.sector = "ict";
  EXPECT_EQ(values(catalog_->history(q)), (std::vector<double>{1270.0 / 4, 1290.0 / 4, 1305.0 / 4}));
  q = query();
  q.year = 2029;
  EXPECT_EQ(values(catalog_->history(q)), (std::vector<double>{1170, 1190, 1205}));
  q = query();
  q.scenario = "tech_boom";
  const auto points = catalog_->history(q);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].run_id, other_scenario_);
  q = query();
  q.district = "pudong";
  EXPECT_TRUE(catalog_->history(q).empty());
}

// ---------------------------------------------------------------------------------------------------------
// Previous run, recovery, deletion

TEST(Catalog, PreviousSuccessfulRunSkipsCurrentBatchOtherNamesAndFailures) {
  const testing::TempDir tmp;
  Catalog catalog = Catalog::open(tmp.path() / "catalog.sqlite");
  const std::int64_t monday = catalog.begin_batch(make_batch("nightly", "2026-11-23T02:00:00Z"));
  const std::int64_t tuesday = catalog.begin_batch(make_batch("nightly", "2026-11-24T02:00:00Z"));
  const std::int64_t weekly = catalog.begin_batch(make_batch("weekly", "2026-11-24T05:00:00Z"));
  const std::int64_t today = catalog.begin_batch(make_batch("nightly", "2026-11-25T02:00:00Z", RunStatus::running));

  const std::int64_t monday_run = add_run(catalog, make_run("baseline", "2026-11-23T02:00:01Z", monday));
  add_run(catalog, make_run("baseline", "2026-11-24T02:00:01Z", tuesday, RunStatus::failed));
  add_run(catalog, make_run("tech_boom", "2026-11-24T02:00:02Z", tuesday));
  add_run(catalog, make_run("baseline", "2026-11-24T05:00:01Z", weekly));
  add_run(catalog, make_run("baseline", "2026-11-25T02:00:01Z", today));
  add_run(catalog, make_run("baseline", "2026-11-24T06:00:00Z"));  // a lone `run`, no batch

  const auto previous = catalog.previous_successful_run("baseline", "nightly", today);
  ASSERT_TRUE(previous);
  EXPECT_EQ(previous->id, monday_run);
  EXPECT_EQ(previous->batch_id, monday);
  EXPECT_FALSE(catalog.previous_successful_run("headwinds", "nightly", today));
  EXPECT_FALSE(catalog.previous_successful_run("baseline", "monthly", today));
}

TEST(Catalog, RecoverInterruptedMarksOnlyDeadProcesses) {
  const testing::TempDir tmp;
  Catalog catalog = Catalog::open(tmp.path() / "catalog.sqlite");
  const ProcessIdentity dead = testing::reaped_child_identity();
  ASSERT_FALSE(dead.alive());

  BatchRecord dead_batch = make_batch("nightly", "2026-11-28T02:00:00Z", RunStatus::running);
  dead_batch.process = dead;
  dead_batch.id = catalog.begin_batch(dead_batch);
  RunRecord dead_run = make_run("baseline", "2026-11-28T02:00:01Z", dead_batch.id, RunStatus::running);
  dead_run.process = dead;
  dead_run.staging_directory = "/srv/outputs/.x.partial-1";
  dead_run.id = catalog.begin_run(dead_run);

  const std::int64_t live_batch = catalog.begin_batch(make_batch("nightly", "2026-11-29T02:00:00Z", RunStatus::running));
  const std::int64_t live_run = catalog.begin_run(make_run("baseline", "2026-11-29T02:00:01Z", live_batch, RunStatus::running));
  // A finished row of a dead process stays as it is.
  RunRecord finished = make_run("baseline", "2026-11-27T02:00:01Z");
  finished.process = dead;
  const std::int64_t finished_run = add_run(catalog, finished);
  // A running row on another host cannot be checked: left alone.
  RunRecord remote = make_run("baseline", "2026-11-27T03:00:00Z", std::nullopt, RunStatus::running);
  remote.process = dead;
  remote.process.host = "another-host.example";
  const std::int64_t remote_run = catalog.begin_run(remote);

  const auto recovered = catalog.recover_interrupted();
  ASSERT_EQ(recovered.batches.size(), 1u);
  ASSERT_EQ(recovered.runs.size(), 1u);
  EXPECT_EQ(recovered.batches[0].id, dead_batch.id);
  EXPECT_EQ(recovered.batches[0].status, RunStatus::interrupted);
  EXPECT_EQ(recovered.runs[0].id, dead_run.id);
  EXPECT_EQ(recovered.runs[0].staging_directory, "/srv/outputs/.x.partial-1") << "for the caller to clean up";

  const auto stored_batch = catalog.batch(dead_batch.id);
  EXPECT_EQ(stored_batch->status, RunStatus::interrupted);
  EXPECT_EQ(stored_batch->finished_at, recovered.batches[0].finished_at);
  const auto stored_run = catalog.run(dead_run.id);
  EXPECT_EQ(stored_run->status, RunStatus::interrupted);
  ASSERT_EQ(stored_run->finished_at.size(), 20u);  // 2026-11-29T02:00:00Z
  EXPECT_EQ(stored_run->finished_at[10], 'T');
  EXPECT_EQ(stored_run->finished_at.back(), 'Z');

  EXPECT_EQ(catalog.batch(live_batch)->status, RunStatus::running);
  EXPECT_EQ(catalog.run(live_run)->status, RunStatus::running);
  EXPECT_EQ(catalog.run(finished_run)->status, RunStatus::succeeded);
  EXPECT_EQ(catalog.run(remote_run)->status, RunStatus::running);

  const auto again = catalog.recover_interrupted();
  EXPECT_TRUE(again.batches.empty());
  EXPECT_TRUE(again.runs.empty());
}

TEST(Catalog, DeleteBatchCascadesToRunsAndStats) {
  const testing::TempDir tmp;
  const fs::path file = tmp.path() / "catalog.sqlite";
  Catalog catalog = Catalog::open(file);
  const std::int64_t doomed = catalog.begin_batch(make_batch("nightly", "2026-11-28T02:00:00Z"));
  const std::int64_t kept = catalog.begin_batch(make_batch("nightly", "2026-11-29T02:00:00Z"));
  const std::int64_t doomed_run = add_run(catalog, make_run("baseline", "2026-11-28T02:00:01Z", doomed),
                                          gdp_cell("nanshan", 2030, 1, 2, 3));
  const std::int64_t kept_run = add_run(catalog, make_run("baseline", "2026-11-29T02:00:01Z", kept),
                                        gdp_cell("nanshan", 2030, 1, 2, 3));
  catalog.delete_batch(doomed);
  EXPECT_FALSE(catalog.batch(doomed));
  EXPECT_FALSE(catalog.run(doomed_run));
  EXPECT_TRUE(catalog.stats(doomed_run).empty());
  EXPECT_EQ(raw_count(file, "SELECT count(*) FROM run_stats WHERE run_id = " + std::to_string(doomed_run)), 0);
  EXPECT_TRUE(catalog.batch(kept));
  EXPECT_EQ(catalog.stats(kept_run).size(), 3u);

  catalog.delete_run(kept_run);
  EXPECT_FALSE(catalog.run(kept_run));
  EXPECT_EQ(raw_count(file, "SELECT count(*) FROM run_stats"), 0);
  EXPECT_TRUE(catalog.batch(kept)) << "deleting a run leaves its batch";
  catalog.delete_batch(12345);  // nothing to delete: no error
}

// ---------------------------------------------------------------------------------------------------------
// stat_records

TEST(Catalog, StatRecordsFromResultTables) {
  ResultTables tables;
  tables.quantile_names = {"p5", "p50", "p95"};
  SummaryRow total;
  total.district = "nanshan";
  total.metric = Metric::gdp;
  total.year = 2030;
  total.mean = 1329.0;
  total.sd = 139.0;
  total.mc_se = 0.44;
  total.quantiles = {1113.0, 1322.0, 1570.0};
  SummaryRow sector;
  sector.district = "nanshan";
  sector.sector = "ict";
  sector.metric = Metric::gdp_share;
  sector.year = 2026;
  sector.mean = 0.3;
  sector.sd = 0.01;
  sector.mc_se = 0.0001;
  sector.quantiles = {0.28, 0.3, 0.32};
  tables.summary = {total, sector};
  ThresholdRow threshold;
  threshold.district = "chaoyang";
  threshold.metric = Metric::gdp;
  threshold.threshold = 1000.0;
  threshold.label = "trillion";
  threshold.year = 2027;
  threshold.p_above = 0.9;
  threshold.p_reached_by = 0.95;
  ThresholdRow fractional = threshold;
  fractional.threshold = 1500.5;
  fractional.p_above = 0.1;
  fractional.p_reached_by = 0.2;
  tables.thresholds = {threshold, fractional};

  const std::vector<StatRecord> expected{
      {"nanshan", "", "gdp", 2030, "mean", 1329.0},
      {"nanshan", "", "gdp", 2030, "sd", 139.0},
      {"nanshan", "", "gdp", 2030, "mc_se", 0.44},
      {"nanshan", "", "gdp", 2030, "p5", 1113.0},
      {"nanshan", "", "gdp", 2030, "p50", 1322.0},
      {"nanshan", "", "gdp", 2030, "p95", 1570.0},
      {"nanshan", "ict", "gdp_share", 2026, "mean", 0.3},
      {"nanshan", "ict", "gdp_share", 2026, "sd", 0.01},
      {"nanshan", "ict", "gdp_share", 2026, "mc_se", 0.0001},
      {"nanshan", "ict", "gdp_share", 2026, "p5", 0.28},
      {"nanshan", "ict", "gdp_share", 2026, "p50", 0.3},
      {"nanshan", "ict", "gdp_share", 2026, "p95", 0.32},
      {"chaoyang", "", "gdp", 2027, "p_above:1000", 0.9},
      {"chaoyang", "", "gdp", 2027, "p_reached_by:1000", 0.95},
      {"chaoyang", "", "gdp", 2027, "p_above:1500.5", 0.1},
      {"chaoyang", "", "gdp", 2027, "p_reached_by:1500.5", 0.2},
  };
  const auto records = stat_records(tables);
  ASSERT_EQ(records.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(records[i].district, expected[i].district);
    EXPECT_EQ(records[i].sector, expected[i].sector);
    EXPECT_EQ(records[i].metric, expected[i].metric);
    EXPECT_EQ(records[i].year, expected[i].year);
    EXPECT_EQ(records[i].stat, expected[i].stat);
    EXPECT_EQ(records[i].value, expected[i].value);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Concurrency

TEST(CatalogConcurrency, TwoConnectionsInterleaveWrites) {
  const testing::TempDir tmp;
  const fs::path file = tmp.path() / "catalog.sqlite";
  Catalog first = Catalog::open(file);
  Catalog second = Catalog::open(file);
  BatchRecord batch = make_batch("nightly", "2026-11-29T02:00:00Z", RunStatus::running);
  batch.id = first.begin_batch(batch);
  RunRecord a = make_run("baseline", "2026-11-29T02:00:01Z", batch.id, RunStatus::running);
  a.id = second.begin_run(a);
  RunRecord b = make_run("tech_boom", "2026-11-29T02:00:02Z", batch.id, RunStatus::running);
  b.id = first.begin_run(b);
  a.status = RunStatus::succeeded;
  first.finish_run(a, gdp_cell("nanshan", 2030, 1, 2, 3));
  b.status = RunStatus::succeeded;
  second.finish_run(b, gdp_cell("nanshan", 2030, 4, 5, 6));
  batch.status = RunStatus::succeeded;
  second.finish_batch(batch);

  EXPECT_EQ(first.batch(batch.id)->status, RunStatus::succeeded);
  RunQuery query;
  query.batch_id = batch.id;
  EXPECT_EQ(run_ids(second.runs(query)), (std::vector<std::int64_t>{b.id, a.id}));
  EXPECT_EQ(first.stats(b.id).size(), 3u);
  EXPECT_EQ(second.stats(a.id).size(), 3u);
}

TEST(CatalogConcurrency, WritersInTwoThreadsWaitForEachOther) {
  const testing::TempDir tmp;
  const fs::path file = tmp.path() / "catalog.sqlite";
  { const Catalog create = Catalog::open(file); }
  constexpr int kRunsPerThread = 40;
  const auto writer = [&](const std::string& scenario) {
    Catalog catalog = Catalog::open(file);
    for (int i = 0; i < kRunsPerThread; ++i) {
      RunRecord run = make_run(scenario, "2026-11-29T02:00:00Z", std::nullopt, RunStatus::running);
      run.id = catalog.begin_run(run);
      run.status = RunStatus::succeeded;
      std::vector<StatRecord> stats;
      for (int year = 2025; year < 2075; ++year) stats.push_back(StatRecord{"nanshan", "", "gdp", year, "mean", static_cast<double>(year)});
      catalog.finish_run(run, stats);
    }
  };
  std::thread one(writer, "one");
  std::thread two(writer, "two");
  one.join();
  two.join();
  Catalog catalog = Catalog::open(file);
  RunQuery query;
  query.limit = 0;
  query.status = RunStatus::succeeded;
  EXPECT_EQ(catalog.runs(query).size(), 2u * kRunsPerThread);
  EXPECT_EQ(raw_count(file, "SELECT count(*) FROM run_stats"), 2 * kRunsPerThread * 50);
}

TEST(CatalogConcurrency, MovedCatalogStaysUsable) {
  const testing::TempDir tmp;
  Catalog original = Catalog::open(tmp.path() / "catalog.sqlite");
  Catalog moved = std::move(original);
  const std::int64_t id = moved.begin_batch(make_batch("nightly", "2026-11-29T02:00:00Z"));
  Catalog assigned = Catalog::open(tmp.path() / "other.sqlite");
  assigned = std::move(moved);
  EXPECT_TRUE(assigned.batch(id));
  EXPECT_EQ(assigned.file(), tmp.path() / "catalog.sqlite");
}

}  // namespace
}  // namespace districtcast

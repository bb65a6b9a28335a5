/// \file Retention: the pure plan (exact id sets) and applying it to directories and catalog rows.

#include "engine/retention.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <optional>

namespace districtcast {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;
using Ids = std::vector<std::int64_t>;

/// 2026-11-30T02:00:00Z
Clock::time_point now_for_tests() { return Clock::from_time_t(1796004000); }

BatchRecord record(std::int64_t id, const std::string& started_at, RunStatus status = RunStatus::succeeded) {
  BatchRecord batch;
  batch.id = id;
  batch.name = "nightly";
  batch.status = status;
  batch.started_at = started_at;
  return batch;
}

RetentionPolicy policy(std::optional<int> keep_days, std::optional<int> keep_last) {
  RetentionPolicy p;
  p.keep_days = keep_days;
  p.keep_last = keep_last;
  return p;
}

/// Nine nightly batches, 2026-11-22 .. 2026-11-29 at 02:00 (ids deliberately not in date order), plus
/// one whose date cannot be read. Batch 5 (11-27) failed, 3 (11-29) was interrupted.
std::vector<BatchRecord> nights() {
  return {
      record(1, "2026-11-22T02:00:00Z"),
      record(2, "2026-11-23T02:00:00Z"),
      record(9, "2026-11-24T02:00:00Z"),
      record(4, "2026-11-25T02:00:00Z"),
      record(6, "2026-11-26T02:00:00Z"),
      record(5, "2026-11-27T02:00:00Z", RunStatus::failed),
      record(7, "2026-11-28T02:00:00Z"),
      record(3, "2026-11-29T02:00:00Z", RunStatus::interrupted),
      record(8, "yesterday"),
  };
}

TEST(RetentionPlan, NoRuleKeepsEverything) {
  EXPECT_EQ(retention_plan(nights(), policy(std::nullopt, std::nullopt), now_for_tests()), Ids{});
}

TEST(RetentionPlan, KeepDaysOnly) {
  // Within 3 days of 11-30T02:00: 11-27T02:00 (exactly 3 days) and later.
  EXPECT_EQ(retention_plan(nights(), policy(3, std::nullopt), now_for_tests()), (Ids{1, 2, 4, 6, 8, 9}));
  // keep_days 0: nothing is that recent, but the newest succeeded (7) is always kept.
  EXPECT_EQ(retention_plan(nights(), policy(0, std::nullopt), now_for_tests()), (Ids{1, 2, 3, 4, 5, 6, 8, 9}));
}

TEST(RetentionPlan, KeepLastOnly) {
  EXPECT_EQ(retention_plan(nights(), policy(std::nullopt, 2), now_for_tests()), (Ids{1, 2, 4, 5, 6, 8, 9}));
  // The newest succeeded one (7) is among the newest two anyway; with keep_last 1 it is kept too.
  EXPECT_EQ(retention_plan(nights(), policy(std::nullopt, 1), now_for_tests()), (Ids{1, 2, 4, 5, 6, 8, 9}));
  EXPECT_EQ(retention_plan(nights(), policy(std::nullopt, 100), now_for_tests()), Ids{});
}

TEST(RetentionPlan, BothRulesKeepTheUnion) {
  // keep_days 2 keeps 3 (11-29), 7 (11-28); keep_last 4 keeps 3, 7, 5, 6.
  EXPECT_EQ(retention_plan(nights(), policy(2, 4), now_for_tests()), (Ids{1, 2, 4, 8, 9}));
  // keep_days 5 keeps 11-25 onwards (4, 6, 5, 7, 3); keep_last 1 adds nothing.
  EXPECT_EQ(retention_plan(nights(), policy(5, 1), now_for_tests()), (Ids{1, 2, 8, 9}));
}

TEST(RetentionPlan, NewestSucceededIsKeptEvenWhenOld) {
  std::vector<BatchRecord> batches{
      record(1, "2025-01-01T02:00:00Z"),
      record(2, "2025-06-01T02:00:00Z"),  // newest succeeded, a year and a half ago
      record(3, "2026-11-28T02:00:00Z", RunStatus::failed),
      record(4, "2026-11-29T02:00:00Z", RunStatus::failed),
  };
  EXPECT_EQ(retention_plan(batches, policy(7, std::nullopt), now_for_tests()), (Ids{1}));
  EXPECT_EQ(retention_plan(batches, policy(std::nullopt, 1), now_for_tests()), (Ids{1, 3}));
}

TEST(RetentionPlan, UnparseableDatesCountAsOldest) {
  std::vector<BatchRecord> batches{
      record(1, "not a date"),
      record(2, "2026-11-29 02:00:00"),     // no T / Z
      record(3, "2026-13-01T02:00:00Z"),    // month 13
      record(4, ""),
      record(5, "2026-11-29T02:00:00Z"),
  };
  // keep_last 2: 5, then the unparseable ones by id (4 is the "newest" of them).
  EXPECT_EQ(retention_plan(batches, policy(std::nullopt, 2), now_for_tests()), (Ids{1, 2, 3}));
  // keep_days: only 5 is recent (and the newest succeeded); however many days, no unparseable one is kept.
  EXPECT_EQ(retention_plan(batches, policy(30, std::nullopt), now_for_tests()), (Ids{1, 2, 3, 4}));
  EXPECT_EQ(retention_plan(batches, policy(100000, std::nullopt), now_for_tests()), (Ids{1, 2, 3, 4}));
}

TEST(RetentionPlan, EqualStartTimesAreOrderedById) {
  std::vector<BatchRecord> batches{
      record(10, "2026-01-01T00:00:00Z", RunStatus::failed),
      record(11, "2026-01-01T00:00:00Z", RunStatus::failed),
      record(12, "2026-01-01T00:00:00Z", RunStatus::failed),
  };
  EXPECT_EQ(retention_plan(batches, policy(std::nullopt, 2), now_for_tests()), (Ids{10}));
}

// ---------------------------------------------------------------------------------------------------------
// apply_retention

class RetentionApply : public ::testing::Test {
protected:
  void SetUp() override {
    out_root_ = tmp_.path() / "outputs" / "nightly";
    fs::create_directories(out_root_);
    catalog_ = std::make_unique<Catalog>(Catalog::open(tmp_.path() / "catalog.sqlite"));
  }

  /// A committed batch directory (with batch.json and a run directory) and its catalog row.
  std::int64_t add_batch(const std::string& started_at, const std::string& directory_name,
                         RunStatus status = RunStatus::succeeded, bool write_batch_json = true) {
    const fs::path directory = out_root_ / directory_name;
    fs::create_directories(directory / "baseline");
    std::ofstream(directory / "baseline" / "summary.csv") << "x\n";
    if (write_batch_json) std::ofstream(directory / "batch.json") << "{}\n";
    return add_row(started_at, directory, status);
  }

  std::int64_t add_row(const std::string& started_at, const fs::path& directory, RunStatus status,
                       const std::string& out_root = {}, const ProcessIdentity& process = ProcessIdentity::current()) {
    BatchRecord batch;
    batch.name = "nightly";
    batch.out_root = out_root.empty() ? out_root_.string() : out_root;
    batch.directory = directory.string();
    batch.status = status;
    batch.started_at = started_at;
    batch.process = process;
    const std::int64_t id = catalog_->begin_batch(batch);
    RunRecord run;
    run.batch_id = id;
    run.scenario = "baseline";
    run.started_at = started_at;
    run.status = status;
    run.directory = (directory / "baseline").string();
    run.id = catalog_->begin_run(run);
    catalog_->finish_run(run, {StatRecord{"nanshan", "", "gdp", 2030, "p50", 1300}});
    return id;
  }

  Ids remaining_ids() const {
    BatchQuery query;
    query.limit = 0;
    Ids ids;
    for (const auto& batch : catalog_->batches(query)) ids.push_back(batch.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static Ids pruned_ids(const RetentionOutcome& outcome) {
    Ids ids;
    for (const auto& batch : outcome.pruned) ids.push_back(batch.id);
    return ids;
  }

  testing::TempDir tmp_;
  fs::path out_root_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(RetentionApply, RemovesOldDirectoriesAndRowsKeepsTheRest) {
  const auto old1 = add_batch("2026-11-20T02:00:00Z", "20261120T020000Z");
  const auto old2 = add_batch("2026-11-21T02:00:00Z", "20261121T020000Z", RunStatus::failed);
  const auto recent = add_batch("2026-11-29T02:00:00Z", "20261129T020000Z");
  const auto outcome = apply_retention(*catalog_, "nightly", out_root_, policy(3, std::nullopt), 0, now_for_tests());
  EXPECT_TRUE(outcome.problems.empty()) << outcome.problems.front();
  EXPECT_EQ(pruned_ids(outcome), (Ids{old1, old2}));
  EXPECT_FALSE(fs::exists(out_root_ / "20261120T020000Z"));
  EXPECT_FALSE(fs::exists(out_root_ / "20261121T020000Z"));
  EXPECT_TRUE(fs::exists(out_root_ / "20261129T020000Z" / "baseline" / "summary.csv"));
  EXPECT_EQ(remaining_ids(), (Ids{recent}));
  RunQuery runs;
  runs.limit = 0;
  EXPECT_EQ(catalog_->runs(runs).size(), 1u) << "the pruned batches' runs went with them";
}

TEST_F(RetentionApply, NeverTheCurrentBatchNorALiveRunningOne) {
  const auto old = add_batch("2026-11-20T02:00:00Z", "20261120T020000Z");
  const auto current = add_batch("2026-11-01T02:00:00Z", "20261101T020000Z", RunStatus::running);
  const auto other_live = add_batch("2026-11-02T02:00:00Z", "20261102T020000Z", RunStatus::running);
  const auto newest = add_batch("2026-11-29T02:00:00Z", "20261129T020000Z");
  const auto outcome =
      apply_retention(*catalog_, "nightly", out_root_, policy(std::nullopt, 1), current, now_for_tests());
  EXPECT_TRUE(outcome.problems.empty());
  EXPECT_EQ(pruned_ids(outcome), (Ids{old}));
  EXPECT_TRUE(fs::exists(out_root_ / "20261101T020000Z"));
  EXPECT_TRUE(fs::exists(out_root_ / "20261102T020000Z"));
  EXPECT_EQ(remaining_ids(), (Ids{current, other_live, newest}));
}

TEST_F(RetentionApply, PrunesARunningRowWhoseProcessDiedWithItsStagingDirectory) {
  const fs::path staging = out_root_ / ".20261101T020000Z.partial-4242";
  fs::create_directories(staging / "baseline");
  const auto dead = add_row("2026-11-01T02:00:00Z", staging, RunStatus::running, {}, testing::reaped_child_identity());
  const auto newest = add_batch("2026-11-29T02:00:00Z", "20261129T020000Z");
  const auto outcome =
      apply_retention(*catalog_, "nightly", out_root_, policy(std::nullopt, 1), 0, now_for_tests());
  EXPECT_TRUE(outcome.problems.empty());
  EXPECT_EQ(pruned_ids(outcome), (Ids{dead}));
  EXPECT_FALSE(fs::exists(staging));
  EXPECT_EQ(remaining_ids(), (Ids{newest}));
}

TEST_F(RetentionApply, LeavesDirectoriesOutsideOutRootAndReportsThem) {
  const fs::path outside = tmp_.path() / "precious";
  fs::create_directories(outside);
  std::ofstream(outside / "batch.json") << "{}\n";
  const auto escaped = add_row("2026-11-01T02:00:00Z", outside, RunStatus::succeeded);
  // A directory spelled to look inside but escaping with "..".
  const auto sneaky = add_row("2026-11-02T02:00:00Z", out_root_ / ".." / ".." / "precious", RunStatus::failed);
  const auto newest = add_batch("2026-11-29T02:00:00Z", "20261129T020000Z");
  const auto outcome = apply_retention(*catalog_, "nightly", out_root_, policy(1, std::nullopt), 0, now_for_tests());
  EXPECT_TRUE(outcome.pruned.empty());
  ASSERT_EQ(outcome.problems.size(), 2u);
  EXPECT_NE(outcome.problems[0].find("is not inside"), std::string::npos) << outcome.problems[0];
  EXPECT_TRUE(fs::exists(outside / "batch.json"));
  EXPECT_EQ(remaining_ids(), (Ids{escaped, sneaky, newest})) << "rows kept for next time";
}

TEST_F(RetentionApply, LeavesDirectoriesWithoutBatchJson) {
  const auto foreign = add_batch("2026-11-01T02:00:00Z", "notes", RunStatus::succeeded, false);
  const auto newest = add_batch("2026-11-29T02:00:00Z", "20261129T020000Z");
  const auto outcome = apply_retention(*catalog_, "nightly", out_root_, policy(1, std::nullopt), 0, now_for_tests());
  EXPECT_TRUE(outcome.pruned.empty());
  ASSERT_EQ(outcome.problems.size(), 1u);
  EXPECT_NE(outcome.problems[0].find("not a districtcast batch directory"), std::string::npos) << outcome.problems[0];
  EXPECT_TRUE(fs::exists(out_root_ / "notes" / "baseline" / "summary.csv"));
  EXPECT_EQ(remaining_ids(), (Ids{foreign, newest}));
}

TEST_F(RetentionApply, MissingDirectoryOnlyDeletesTheRow) {
  const auto gone = add_row("2026-11-01T02:00:00Z", out_root_ / "20261101T020000Z", RunStatus::succeeded);
  const auto newest = add_batch("2026-11-29T02:00:00Z", "20261129T020000Z");
  const auto outcome = apply_retention(*catalog_, "nightly", out_root_, policy(1, std::nullopt), 0, now_for_tests());
  EXPECT_TRUE(outcome.problems.empty());
  EXPECT_EQ(pruned_ids(outcome), (Ids{gone}));
  EXPECT_EQ(remaining_ids(), (Ids{newest}));
}

TEST_F(RetentionApply, OnlyThisNameAndOutRoot) {
  const auto old = add_batch("2026-11-01T02:00:00Z", "20261101T020000Z");
  const fs::path other_root = tmp_.path() / "outputs" / "elsewhere";
  fs::create_directories(other_root / "20261101T020000Z");
  std::ofstream(other_root / "20261101T020000Z" / "batch.json") << "{}\n";
  const auto other_place = add_row("2026-11-01T02:00:00Z", other_root / "20261101T020000Z", RunStatus::succeeded,
                                   other_root.string());
  BatchRecord weekly;
  weekly.name = "weekly";
  weekly.out_root = out_root_.string();
  weekly.started_at = "2026-11-01T02:00:00Z";
  weekly.status = RunStatus::failed;
  const auto other_name = catalog_->begin_batch(weekly);
  const auto newest = add_batch("2026-11-29T02:00:00Z", "20261129T020000Z");
  // out_root spelled with a trailing separator and a "." still names the same root.
  const auto outcome = apply_retention(*catalog_, "nightly", out_root_ / "." / "", policy(1, std::nullopt), 0,
                                       now_for_tests());
  EXPECT_TRUE(outcome.problems.empty());
  EXPECT_EQ(pruned_ids(outcome), (Ids{old}));
  EXPECT_TRUE(fs::exists(other_root / "20261101T020000Z" / "batch.json"));
  EXPECT_EQ(remaining_ids(), (Ids{other_place, other_name, newest}));
}

TEST_F(RetentionApply, UnremovableDirectoryKeepsTheRow) {
  const auto stuck = add_batch("2026-11-01T02:00:00Z", "20261101T020000Z");
  const auto newest = add_batch("2026-11-29T02:00:00Z", "20261129T020000Z");
  const fs::path stuck_scenario = out_root_ / "20261101T020000Z" / "baseline";
  std::optional<testing::ScratchMount> locked(testing::ScratchMount::unwritable(stuck_scenario));
  if (!locked->ok()) GTEST_SKIP() << locked->why_not();
  const auto outcome = apply_retention(*catalog_, "nightly", out_root_, policy(1, std::nullopt), 0, now_for_tests());
  locked.reset();
  EXPECT_TRUE(outcome.pruned.empty());
  ASSERT_EQ(outcome.problems.size(), 1u);
  EXPECT_NE(outcome.problems[0].find("cannot remove"), std::string::npos) << outcome.problems[0];
  EXPECT_TRUE(fs::exists(out_root_ / "20261101T020000Z" / "batch.json")) << "removed last: still recognisable";
  EXPECT_EQ(remaining_ids(), (Ids{stuck, newest}));
}

}  // namespace
}  // namespace districtcast

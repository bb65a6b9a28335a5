/// \file Unit tests of the resource guard's estimate, limits and parsers, and the refusal by `run` and `batch`.
#include "engine/resource_estimate.hpp"

#include "engine/result_layout.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>

namespace districtcast {
namespace {

namespace fs = std::filesystem;

TEST(ResourceEstimate, TimeGrowsWithPathsTimesCellsAndMemoryWithCellsTimesThreads) {
  Scenario s = testing::load_valid_scenario(testing::tiny_scenario("est"));
  const std::uint64_t cells = ResultLayout(s).cell_count();
  const ResourceEstimate one = estimate_resources(s, 1);
  EXPECT_EQ(one.cells, cells);
  EXPECT_EQ(one.paths, 2000u);
  EXPECT_EQ(one.threads, 1u);
  EXPECT_DOUBLE_EQ(one.seconds, 2000.0 * static_cast<double>(cells) / kCellPathsPerThreadSecond);
  EXPECT_EQ(one.memory_bytes, kBaseMemoryBytes + 2 * cells * kBytesPerCell);
  s.paths = 2'000'000;
  EXPECT_DOUBLE_EQ(estimate_resources(s, 1).seconds, 1000.0 * one.seconds);
  EXPECT_EQ(estimate_resources(s, 1).memory_bytes, one.memory_bytes);  // memory never grows with paths
  EXPECT_EQ(estimate_resources(s, 3).memory_bytes, kBaseMemoryBytes + 4 * cells * kBytesPerCell);
}

TEST(ResourceEstimate, ThreadsBeyondTheCoresDoNotShortenTheEstimate) {
  const Scenario s = testing::load_valid_scenario(testing::tiny_scenario("est"));
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  EXPECT_EQ(estimate_resources(s, cores + 7).threads, cores);
  EXPECT_DOUBLE_EQ(estimate_resources(s, cores + 7).seconds, estimate_resources(s, cores).seconds);
}

TEST(ResourceEstimate, APrecisionTargetCountsItsMaxPaths) {
  Scenario s = testing::load_valid_scenario(testing::tiny_scenario("est"));
  s.precision = PrecisionSpec{};
  s.precision->max_paths = 1'000'000;
  EXPECT_EQ(estimate_resources(s, 1).paths, 1'000'000u);
}

TEST(ResourceLimits, TheProblemNamesTheEstimateAndEachLimitExceeded) {
  ResourceEstimate e;
  e.cells = 264;
  e.paths = 1'000'000'000;
  e.threads = 2;
  e.seconds = 3.0 * 86400.0;
  e.memory_bytes = 5ull << 30;
  EXPECT_EQ(limit_problem(e, ResourceLimits{}), "");
  EXPECT_EQ(limit_problem(e, ResourceLimits{4.0 * 86400.0, 8ull << 30}), "");
  EXPECT_EQ(limit_problem(e, ResourceLimits{86400.0, 1ull << 30}),
            "estimated time 3.0 days is over the limit of 24.0 h (--max-time); estimated memory 5.0 GiB is over the "
            "limit of 1.0 GiB (--max-memory) (264 cells x 1,000,000,000 paths on 2 threads)");
}

TEST(ResourceEstimate, DescribeSaysTimeMemoryAndWork) {
  ResourceEstimate e;
  e.cells = 264;
  e.paths = 100'000;
  e.threads = 2;
  e.seconds = 2.34;
  e.memory_bytes = 41ull << 20;
  EXPECT_EQ(describe(e), "about 2.3 s and 41 MiB for 264 cells x 100,000 paths on 2 threads");
}

TEST(CliResourceGuard, ValidatePrintsTheEstimate) {
  const auto r = testing::run_cli({"validate", testing::source_path("scenarios/trillion_club.yaml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("; estimated about "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" cells x 100,000 paths on "), std::string::npos) << r.out;
}

TEST(ResourceLimits, DefaultsAre24HoursAndHalfTheMemory) {
  const ResourceLimits limits = default_resource_limits();
  ASSERT_TRUE(limits.max_seconds);
  EXPECT_DOUBLE_EQ(*limits.max_seconds, 86400.0);
  ASSERT_TRUE(limits.max_memory_bytes);
  EXPECT_GT(*limits.max_memory_bytes, 64ull << 20);
}

TEST(ResourceLimits, DurationsAndSizesParse) {
  EXPECT_EQ(parse_duration("90"), 90.0);
  EXPECT_EQ(parse_duration("90s"), 90.0);
  EXPECT_EQ(parse_duration("30m"), 1800.0);
  EXPECT_EQ(parse_duration("1.5h"), 5400.0);
  EXPECT_EQ(parse_duration("2d"), 172800.0);
  for (const char* bad : {"", "h", "-1h", "0", "5 weeks", "1e3s", "nan"}) EXPECT_FALSE(parse_duration(bad)) << bad;
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("512M"), 512ull << 20);
  EXPECT_EQ(parse_size("8G"), 8ull << 30);
  EXPECT_EQ(parse_size("8GiB"), 8ull << 30);
  EXPECT_EQ(parse_size("1.5K"), 1536u);
  for (const char* bad : {"", "G", "-1G", "0", "8X", "99999999999T"}) EXPECT_FALSE(parse_size(bad)) << bad;
}

TEST(ResourceLimits, HumanUnits) {
  EXPECT_EQ(human_duration(2.34), "2.3 s");
  EXPECT_EQ(human_duration(840), "14 min");
  EXPECT_EQ(human_duration(5.2 * 3600), "5.2 h");
  EXPECT_EQ(human_duration(3.1 * 86400), "3.1 days");
  EXPECT_EQ(human_bytes(41ull << 20), "41 MiB");
  EXPECT_EQ(human_bytes(3ull << 30), "3.0 GiB");
}

TEST(CliResourceGuard, RunRefusesAnOverLimitScenarioWithTheEstimateAndWritesNothing) {
  const testing::TempDir tmp;
  const fs::path file = tmp.write("big.yaml", testing::tiny_scenario("big"));
  const fs::path out = tmp.path() / "out";
  const auto r = testing::run_cli(
      {"run", file.string(), "--paths", "4000000000", "--threads", "1", "--max-time", "1m", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("big: refused to start: estimated time"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("over the limit of 1 min (--max-time)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("4,000,000,000 paths on 1 thread"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliResourceGuard, ATighterMaxTimeOrMaxMemoryRefusesAndForceRuns) {
  const testing::TempDir tmp;
  const fs::path file = tmp.write("s.yaml", testing::tiny_scenario("s"));
  const auto slow = testing::run_cli({"run", file.string(), "--max-time", "0.000001s", "--out", (tmp.path() / "a").string()});
  EXPECT_EQ(slow.exit_code, 2) << slow.err;
  EXPECT_NE(slow.err.find("(--max-time)"), std::string::npos) << slow.err;
  const auto big = testing::run_cli({"run", file.string(), "--max-memory", "1M", "--out", (tmp.path() / "b").string()});
  EXPECT_EQ(big.exit_code, 2) << big.err;
  EXPECT_NE(big.err.find("is over the limit of 1 MiB (--max-memory)"), std::string::npos) << big.err;
  const auto forced = testing::run_cli({"run", file.string(), "--max-memory", "1M", "--force", "--quiet", "--out",
                                        (tmp.path() / "c").string()});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_TRUE(fs::exists(tmp.path() / "c" / "summary.csv"));
  const auto bad = testing::run_cli({"run", file.string(), "--max-time", "soon"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--max-time expects a duration"), std::string::npos) << bad.err;
}

TEST(CliResourceGuard, BatchRefusesOverLimitScenariosAndAnOverLimitTotal) {
  const testing::TempDir tmp;
  const fs::path a = tmp.write("a.yaml", testing::tiny_scenario("a"));
  const fs::path b = tmp.write("b.yaml", testing::tiny_scenario("b", 0.05, "").replace(
                                             testing::tiny_scenario("b").find("paths: 2000"), 11, "paths: 2000000000"));
  // b alone is over --max-time 1m on one thread: it is refused like an invalid scenario, a still runs.
  const auto one = testing::run_cli({"batch", a.string(), b.string(), "--threads", "1", "--max-time", "1m", "--quiet",
                                     "--out", (tmp.path() / "one").string()});
  EXPECT_EQ(one.exit_code, 1) << one.err;
  EXPECT_NE(one.err.find("b: refused to start: estimated time"), std::string::npos) << one.err;
  EXPECT_TRUE(fs::exists(tmp.path() / "one" / "a" / "summary.csv"));
  EXPECT_FALSE(fs::exists(tmp.path() / "one" / "b"));
  // Each of a, a2 is under --max-time but both together are not: the batch does not start.
  const fs::path a2 = tmp.write("a2.yaml", testing::tiny_scenario("a2"));
  const double each = estimate_resources(testing::load_valid_scenario(testing::tiny_scenario("a")), 1).seconds;
  const auto total = testing::run_cli({"batch", a.string(), a2.string(), "--threads", "1", "--max-time",
                                       std::to_string(each * 1.5) + "s", "--out", (tmp.path() / "two").string()});
  EXPECT_EQ(total.exit_code, 2) << total.err;
  EXPECT_NE(total.err.find("the 2 scenarios are estimated to take"), std::string::npos) << total.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "two"));
}

}  // namespace
}  // namespace districtcast

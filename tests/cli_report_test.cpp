/// \file End-to-end tests of `districtcast report`: run and batch directories, the default and -o output,
/// errors (not a result directory: exit 1; usage: exit 2) and --help.

#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace districtcast {
namespace {
namespace fs = std::filesystem;
using testing::run_cli;

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// A finished run of the minimal scenario in `dir`/name; fails the test if the run fails.
fs::path make_run(const testing::TempDir& dir, const std::string& name) {
  const fs::path scenario = dir.write(name + ".yaml", "name: " + name + "\n" + std::string(testing::kMinimalScenario));
  const fs::path out = dir.path() / name;
  const auto r = run_cli({"run", scenario.string(), "--out", out.string(), "--paths", "500", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

TEST(CliReport, WritesReportHtmlIntoTheRunDirectoryByDefault) {
  testing::TempDir dir;
  const fs::path run = make_run(dir, "minimal");
  fs::remove(run / "report.html");  // `run` writes one too; this one must come from `report`
  const auto r = run_cli({"report", run.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, (run / "report.html").string() + "\n");
  const std::string html = testing::read_file(run / "report.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_TRUE(contains(html, "<title>minimal \u2014 districtcast report</title>"));
  EXPECT_TRUE(contains(html, "<figure class=\"chart fan gdp\">"));
  EXPECT_TRUE(contains(html, "pudong \u2014 GDP"));
}

TEST(CliReport, WritesToOutAndReplacesAnExistingFile) {
  testing::TempDir dir;
  const fs::path run = make_run(dir, "minimal");
  const fs::path file = dir.path() / "out.html";
  dir.write("out.html", "old");
  const auto r = run_cli({"report", run.string(), "-o", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, file.string() + "\n");
  EXPECT_TRUE(contains(testing::read_file(file), "<!DOCTYPE html>"));
  const auto again = run_cli({"report", run.string(), "--out", file.string()});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST(CliReport, ReportsABatchWithItsFailedScenarios) {
  testing::TempDir dir;
  const fs::path batch = dir.path() / "batch";
  fs::create_directories(batch);
  make_run(dir, "alpha");
  fs::rename(dir.path() / "alpha", batch / "alpha");
  testing::TempDir other;
  const fs::path run_b = make_run(other, "beta");
  fs::rename(run_b, batch / "beta");
  dir.write("batch/batch.json", R"({"kind": "districtcast-batch", "name": "nightly", "scenarios": [
    {"scenario": "alpha", "status": "succeeded", "directory": "alpha"},
    {"scenario": "beta", "status": "succeeded", "directory": "beta"},
    {"scenario": "gamma<1>", "status": "failed", "directory": null, "error": "disk full"}]})");
  const auto r = run_cli({"report", batch.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, (batch / "report.html").string() + "\n");
  EXPECT_TRUE(contains(r.err, "gamma<1>: failed: disk full")) << r.err;
  const std::string html = testing::read_file(batch / "report.html");
  EXPECT_TRUE(contains(html, "<h1>nightly \u2014 districtcast batch report"));
  EXPECT_TRUE(contains(html, "Summary across scenarios"));
  EXPECT_TRUE(contains(html, "gamma&lt;1&gt;: failed: disk full"));
  EXPECT_TRUE(contains(html, "id=\"s1\""));
  EXPECT_TRUE(contains(html, "id=\"s2\""));
}

TEST(CliReport, RejectsADirectoryThatIsNotARunOrBatch) {
  testing::TempDir dir;
  const auto empty = run_cli({"report", dir.path().string()});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_TRUE(contains(empty.err, "not a run directory")) << empty.err;
  EXPECT_TRUE(contains(empty.err, dir.path().string())) << empty.err;
  EXPECT_FALSE(fs::exists(dir.path() / "report.html"));
  const auto missing = run_cli({"report", (dir.path() / "nope").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.err, "no such directory")) << missing.err;
  const fs::path run = make_run(dir, "minimal");
  fs::remove(run / "summary.json");
  const auto broken = run_cli({"report", run.string(), "-o", (dir.path() / "x.html").string()});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_FALSE(broken.err.empty());
  EXPECT_FALSE(fs::exists(dir.path() / "x.html"));
}

TEST(CliReport, UsageErrorsExitWith2) {
  const auto none = run_cli({"report"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(contains(none.err, "missing RUN_OR_BATCH")) << none.err;
  EXPECT_TRUE(contains(none.err, "districtcast report --help")) << none.err;
  EXPECT_EQ(run_cli({"report", "a", "b"}).exit_code, 2);
  EXPECT_EQ(run_cli({"report", "--bogus", "a"}).exit_code, 2);
  EXPECT_EQ(run_cli({"report", "a", "-o"}).exit_code, 2);
}

TEST(CliReport, HelpDescribesUsageOptionsAndExitCodes) {
  const auto r = run_cli({"report", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* text : {"Usage: districtcast report RUN_OR_BATCH [-o FILE]", "--out", "report.html", "batch",
                           "docs/reports.md", "Exit codes"}) {
    EXPECT_TRUE(contains(r.out, text)) << text << "\n" << r.out;
  }
}

}  // namespace
}  // namespace districtcast

/// \file Structured log lines: key=value quoting and the timestamped file lines.

#include "engine/run_log.hpp"

#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace districtcast {
namespace {

TEST(RunLog, FormatsEventsAsKeyValueFields) {
  EXPECT_EQ(format_log_event("job_end", {{"scenario", "tech_boom"}, {"wall_s", "3.21"}}),
            "job_end scenario=tech_boom wall_s=3.21");
  EXPECT_EQ(format_log_event("alert", {{"rule", "metric=gdp,stat=p50"}, {"first", "say \"hi\" \\ now"}, {"empty", ""}}),
            "alert rule=\"metric=gdp,stat=p50\" first=\"say \\\"hi\\\" \\\\ now\" empty=\"\"");
  EXPECT_EQ(format_log_event("x", {{"multi", "a\nb"}}), "x multi=\"a\\nb\"");
}

TEST(RunLog, WritesTimestampedLinesToItsFile) {
  const testing::TempDir tmp;
  const auto file = tmp.path() / "batch.log";
  {
    RunLog log(false);
    log.info("before_file");
    log.add_file(file);
    log.info("batch_start", {{"batch", "nightly"}});
    log.warn("alert", {{"rule", "stat=p50,diff>1"}});
    log.close_file();
    log.info("after_close");
  }
  const std::string text = testing::read_file(file);
  const std::regex line(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (info |warning) .*)");
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 2u) << text;
  EXPECT_TRUE(std::regex_match(lines[0], line)) << lines[0];
  EXPECT_NE(lines[0].find("info  batch_start batch=nightly"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("alert rule=\"stat=p50,diff>1\""), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace districtcast

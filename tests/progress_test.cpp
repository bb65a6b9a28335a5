/// \file Progress bar text and number formatting.

#include "engine/progress.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace districtcast {
namespace {

TEST(Progress, ThousandsSeparators) {
  EXPECT_EQ(with_thousands(0), "0");
  EXPECT_EQ(with_thousands(999), "999");
  EXPECT_EQ(with_thousands(1000), "1,000");
  EXPECT_EQ(with_thousands(1234567), "1,234,567");
}

TEST(Progress, HumanRates) {
  EXPECT_EQ(human_rate(12), "12");
  EXPECT_EQ(human_rate(5432), "5.43k");
  EXPECT_EQ(human_rate(1234567), "1.23M");
}

TEST(Progress, RenderShowsFractionPathsRateAndEta) {
  const std::string half = ProgressBar::render(100000, 200000, 2.0);
  EXPECT_NE(half.find(" 50.0%"), std::string::npos) << half;
  EXPECT_NE(half.find("100,000/200,000 paths"), std::string::npos) << half;
  EXPECT_NE(half.find("50.00k paths/s"), std::string::npos) << half;
  EXPECT_NE(half.find("ETA 0:02"), std::string::npos) << half;
  EXPECT_EQ(half.substr(0, 17), "[###############.");
  const std::string done = ProgressBar::render(200000, 200000, 4.0);
  EXPECT_NE(done.find("100.0%"), std::string::npos);
  EXPECT_NE(done.find("ETA 0:00"), std::string::npos);
}

TEST(Progress, DisabledBarWritesNothing) {
  std::FILE* sink = std::tmpfile();
  ProgressBar bar(100, false, sink);
  bar.update(50);
  bar.finish();
  EXPECT_EQ(std::ftell(sink), 0);
  std::fclose(sink);
}

TEST(Progress, EnabledBarDrawsOnOneLine) {
  std::FILE* sink = std::tmpfile();
  ProgressBar bar(100, true, sink);
  bar.update(50);
  bar.finish();
  std::rewind(sink);
  char buffer[512] = {};
  const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, sink);
  const std::string text(buffer, n);
  EXPECT_EQ(text.front(), '\r');
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.find("50/100 paths"), std::string::npos) << text;  // finish() redraws the last state
  std::fclose(sink);
}

}  // namespace
}  // namespace districtcast

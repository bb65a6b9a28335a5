/// \file The report in a real browser: renders report.html in headless Chromium (Debian's `chromium`,
/// installed by scripts/setup), decodes the screenshot with libpng and checks it is not blank and that the
/// page logged nothing to the console. Negative controls prove both checks can fail: a page calling an
/// undefined function must be caught, and a blank page must be called blank.

#include "engine/report_html.hpp"
#include "tests/report_fixture.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <png.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace districtcast {
namespace {
namespace fs = std::filesystem;

/// The chromium executable on PATH, if any.
std::optional<fs::path> find_chromium() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = fs::path(dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return std::nullopt;
}

/// What one headless Chromium run gave.
struct BrowserRun {
  int exit_code = -1;
  std::string log;                   ///< stdout and stderr
  std::vector<std::string> console;  ///< console messages and uncaught exceptions the page produced
};

/// Chromium 156 with --enable-logging=stderr --v=0 prints every console message (console.log/error alike)
/// and every uncaught exception as
///   [612:612:1128/221447.374539:INFO:CONSOLE:1] "Uncaught ReferenceError: f is not defined", source: file:///x.html (1)
/// (older versions wrote "INFO:CONSOLE(1)"). The report has no script, so any such line is an error.
std::vector<std::string> console_messages(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    const auto pos = line.find(":CONSOLE");
    if (pos != std::string::npos) out.push_back(line.substr(pos + 1));
  }
  return out;
}

/// Screenshots `html` (a file) at 1280 x `height` into `png`, with a timeout of 60 s.
BrowserRun screenshot(const fs::path& chromium, const fs::path& html, const fs::path& png, int height = 2400) {
  const fs::path log_file = png.string() + ".log";
  const fs::path profile = png.parent_path() / (png.stem().string() + "-profile");
  std::vector<std::string> args{"timeout",
                                "60",
                                chromium.string(),
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--hide-scrollbars",
                                "--no-first-run",
                                "--disable-extensions",
                                "--disable-background-networking",  // start faster, touch no network
                                "--disable-component-update",
                                "--disable-sync",
                                "--no-default-browser-check",
                                "--user-data-dir=" + profile.string(),
                                "--window-size=1280," + std::to_string(height),
                                "--enable-logging=stderr",
                                "--v=0",
                                "--screenshot=" + png.string(),
                                "file://" + fs::absolute(html).string()};
  const pid_t child = ::fork();
  if (child == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  BrowserRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.log = testing::read_file(log_file);
  run.console = console_messages(run.log);
  return run;
}

/// Pixel statistics of a decoded PNG.
struct PixelStats {
  std::size_t width = 0, height = 0;
  double non_white = 0.0;          ///< fraction of pixels with some channel below 235
  std::size_t distinct_colours = 0;
  double bluish = 0.0;             ///< fraction of clearly blue pixels (the report's fan bands and lines)
  [[nodiscard]] bool blank() const { return non_white < 0.002 || distinct_colours < 3; }
};

/// Decodes `file` with libpng; nullopt (and `problem`) when it is not a readable PNG.
std::optional<PixelStats> pixel_stats(const fs::path& file, std::string& problem) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, file.c_str()) == 0) {
    problem = image.message;
    return std::nullopt;
  }
  image.format = PNG_FORMAT_RGB;
  std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr) == 0) {
    problem = image.message;
    png_image_free(&image);
    return std::nullopt;
  }
  PixelStats stats;
  stats.width = image.width;
  stats.height = image.height;
  std::set<std::uint32_t> colours;
  std::size_t non_white = 0, bluish = 0;
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  for (std::size_t i = 0; i < n; ++i) {
    const int r = pixels[3 * i], g = pixels[3 * i + 1], b = pixels[3 * i + 2];
    if (r < 235 || g < 235 || b < 235) ++non_white;
    if (b > r + 25 && b > 120) ++bluish;
    if (colours.size() < 100000) colours.insert(static_cast<std::uint32_t>(r << 16 | g << 8 | b));
  }
  stats.non_white = static_cast<double>(non_white) / static_cast<double>(n);
  stats.bluish = static_cast<double>(bluish) / static_cast<double>(n);
  stats.distinct_colours = colours.size();
  return stats;
}

fs::path chromium_or_skip() {
  const auto chromium = find_chromium();
  if (!chromium) return {};
  return *chromium;
}

#define REQUIRE_CHROMIUM(var)                                                                              \
  const fs::path var = chromium_or_skip();                                                                 \
  if (var.empty()) GTEST_SKIP() << "chromium is not installed; scripts/setup installs it (Debian package " \
                                   "'chromium')"

TEST(ReportChromium, DetectsAConsoleErrorNegativeControl) {
  REQUIRE_CHROMIUM(chromium);
  testing::TempDir dir;
  const fs::path html = dir.write("error.html",
                                  "<!DOCTYPE html><html><body><p>A page with a broken script.</p>"
                                  "<script>undefined_function()</script></body></html>");
  const BrowserRun run = screenshot(chromium, html, dir.path() / "error.png", 600);
  ASSERT_EQ(run.exit_code, 0) << run.log;
  ASSERT_EQ(run.console.size(), 1U) << run.log;
  EXPECT_NE(run.console[0].find("undefined_function is not defined"), std::string::npos) << run.console[0];
}

TEST(ReportChromium, DetectsABlankPageNegativeControl) {
  REQUIRE_CHROMIUM(chromium);
  testing::TempDir dir;
  const fs::path html = dir.write("blank.html", "<!DOCTYPE html><html><body></body></html>");
  const BrowserRun run = screenshot(chromium, html, dir.path() / "blank.png", 600);
  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_TRUE(run.console.empty()) << run.log;
  std::string problem;
  const auto stats = pixel_stats(dir.path() / "blank.png", problem);
  ASSERT_TRUE(stats) << problem;
  EXPECT_EQ(stats->width, 1280U);
  EXPECT_TRUE(stats->blank()) << stats->non_white << " " << stats->distinct_colours;
}

/// Checks a screenshot of a real report: decodes, full size, not blank, many colours, blue fans drawn.
void expect_rendered_report(const fs::path& png) {
  std::string problem;
  const auto stats = pixel_stats(png, problem);
  ASSERT_TRUE(stats) << problem;
  EXPECT_EQ(stats->width, 1280U);
  EXPECT_EQ(stats->height, 2400U);
  EXPECT_FALSE(stats->blank());
  EXPECT_GT(stats->non_white, 0.05) << "text, tables and charts cover a good part of the page";
  EXPECT_GT(stats->distinct_colours, 50U) << "anti-aliased text and several chart colours";
  EXPECT_GT(stats->bluish, 0.01) << "the blue fan bands are drawn";
}

/// A small scenario with everything the report draws: history, sectors, firms, a labelled threshold.
constexpr const char* kReportScenario = R"yaml(name: report_demo
base_year: 2024
horizon: 11
paths: 2000
seed: 7
units: billion CNY
national:
  growth: {mean: 0.04, volatility: 0.01, persistence: 0.7}
  inflation: {mean: 0.01, volatility: 0.01}
districts:
  - id: nanshan
    name: Nanshan
    gdp: 880
    history: {2019: 642, 2020: 650, 2021: 759, 2022: 794, 2023: 850}
    sectors:
      - {id: it, name: IT and software, share: 0.45, growth: {mean: 0.07, volatility: 0.03},
         firms: {stock: 200000, births: {rate: 25000}, exit_hazard: [0.06]}}
      - {id: other, share: 0.55, growth: {mean: 0.04, volatility: 0.02}}
  - id: chaoyang
    name: Chaoyang
    gdp: 923
    growth: {mean: 0.045, volatility: 0.02}
thresholds:
  - {metric: gdp, value: 1000, label: trillion club}
)yaml";

TEST(ReportChromium, RunReportFromTheCliRendersWithoutConsoleErrors) {
  REQUIRE_CHROMIUM(chromium);
  testing::TempDir dir;
  const fs::path scenario = dir.write("report_demo.yaml", kReportScenario);
  const auto run = testing::run_cli({"run", scenario.string(), "--out", (dir.path() / "run").string(), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const fs::path html = dir.path() / "report.html";
  const auto report = testing::run_cli({"report", (dir.path() / "run").string(), "-o", html.string()});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(report.out, html.string() + "\n");
  const fs::path png = dir.path() / "report.png";
  const BrowserRun browser = screenshot(chromium, html, png);
  ASSERT_EQ(browser.exit_code, 0) << browser.log;
  EXPECT_TRUE(browser.console.empty()) << browser.log;
  expect_rendered_report(png);
  std::error_code ignored;  // for the lead: the screenshot of the latest run
  fs::copy_file(png, "/tmp/report_screenshot.png", fs::copy_options::overwrite_existing, ignored);
}

TEST(ReportChromium, ComparisonReportRendersWithoutConsoleErrors) {
  REQUIRE_CHROMIUM(chromium);
  testing::TempDir dir;
  RunData b = testing::sample_run("tech_boom");
  for (auto& r : b.tables.summary) {
    for (double& q : r.quantiles) q *= 1.05;
  }
  const fs::path html = dir.path() / "compare.html";
  write_report_file(html, render_comparison_report(testing::sample_run(), b));
  const fs::path png = dir.path() / "compare.png";
  const BrowserRun browser = screenshot(chromium, html, png);
  ASSERT_EQ(browser.exit_code, 0) << browser.log;
  EXPECT_TRUE(browser.console.empty()) << browser.log;
  expect_rendered_report(png);
}

}  // namespace
}  // namespace districtcast

/// \file End-to-end tests of `districtcast validate`, of `run` refusing bad input without writing anything,
/// and of the top-level usage (--help, --version, unknown commands). Spawns the built executable.
#include "engine/version.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast {
namespace {

namespace fs = std::filesystem;
using districtcast::testing::CommandResult;
using districtcast::testing::run_cli;
using districtcast::testing::TempDir;

constexpr std::string_view kValid = R"yaml(base_year: 2024
horizon: 3
paths: 200
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: 0.05
      volatility: 0.02
)yaml";

/// Volatility is negative on line 8, column 19.
constexpr std::string_view kInvalid = R"yaml(base_year: 2024
horizon: 3
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: 0.05
      volatility: -0.02
)yaml";

std::size_t count_lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

bool contains(const std::string& text, std::string_view word) { return text.find(word) != std::string::npos; }

std::string describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out + "--- stderr:\n" + r.err;
}

/// Names of the entries of `dir`.
std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

// ------------------------------------------------------------------------------------------ validate

TEST(CliValidate, ValidFileIsOk) {
  TempDir dir;
  const fs::path file = dir.write("good.yaml", std::string(kValid));
  const CommandResult r = run_cli({"validate", file.string()});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, file.string() + ": ok")) << describe(r);
  EXPECT_TRUE(contains(r.out, "0 overtaking pairs")) << describe(r);  // one district: no pair
  EXPECT_EQ(count_lines(r.out), 1U) << describe(r);
  EXPECT_EQ(r.err, "");
}

TEST(CliValidate, OkLineCountsSectorsShocksAndUncertainParameters) {
  const CommandResult r = run_cli({"validate", testing::source_path("tests/data/every_feature.yaml").string()});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(contains(r.out, "6 overtaking pairs, 2 sectors, 2 scheduled shocks, 6 uncertain parameters; estimated about ")) << describe(r);
}

TEST(CliValidate, InvalidFileGivesOneLineOnStderr) {
  TempDir dir;
  const fs::path file = dir.write("bad.yaml", std::string(kInvalid));
  const CommandResult r = run_cli({"validate", file.string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(count_lines(r.err), 1U) << describe(r);
  EXPECT_TRUE(contains(r.err, "bad.yaml")) << describe(r);
  EXPECT_TRUE(contains(r.err, "districts[0].growth.volatility")) << describe(r);
  EXPECT_TRUE(contains(r.err, "must be >= 0")) << describe(r);
  EXPECT_TRUE(contains(r.err, "(line 8, col 19)")) << describe(r);
  EXPECT_EQ(r.err, file.string() + ": districts[0].growth.volatility: must be >= 0 (got -0.02) (line 8, col 19)\n");
}

TEST(CliValidate, OneValidAndOneInvalidFile) {
  TempDir dir;
  const fs::path good = dir.write("good.yaml", std::string(kValid));
  const fs::path bad = dir.write("bad.yaml", std::string(kInvalid));
  const CommandResult r = run_cli({"validate", bad.string(), good.string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.out, good.string() + ": ok")) << describe(r);
  EXPECT_FALSE(contains(r.out, "bad.yaml")) << describe(r);
  EXPECT_TRUE(contains(r.err, bad.string() + ": districts[0].growth.volatility")) << describe(r);
  EXPECT_FALSE(contains(r.err, "good.yaml")) << describe(r);
}

TEST(CliValidate, EveryErrorOfEveryFileIsReported) {
  TempDir dir;
  const fs::path a = dir.write("a.yaml", std::string(kInvalid));
  const fs::path b = dir.write("b.yaml", "base_year: 2024\nhorizon: 0\npaths: 0\n"
                                         "districts:\n  - {id: x, gdp: 1, growth: {mean: 0, volatility: 0.1}}\n");
  const CommandResult r = run_cli({"validate", a.string(), b.string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(count_lines(r.err), 3U) << describe(r);
  EXPECT_TRUE(contains(r.err, a.string() + ": districts[0].growth.volatility")) << describe(r);
  EXPECT_TRUE(contains(r.err, b.string() + ": horizon:")) << describe(r);
  EXPECT_TRUE(contains(r.err, b.string() + ": paths:")) << describe(r);
}

TEST(CliValidate, NoFileIsAUsageError) {
  const CommandResult r = run_cli({"validate"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "at least one scenario file")) << describe(r);
  EXPECT_EQ(r.out, "");
}

TEST(CliValidate, MissingFile) {
  TempDir dir;
  const fs::path file = dir.path() / "absent.yaml";
  const CommandResult r = run_cli({"validate", file.string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err, file.string() + ": no such file\n");
}

// ------------------------------------------------------------------------ run refuses invalid input

struct BadScenario {
  std::string text;
  std::string expected;  ///< part of the message on stderr
};

TEST(CliRunInput, InvalidScenarioWritesNothing) {
  const std::vector<BadScenario> cases{
      {std::string(kInvalid), "districts[0].growth.volatility: must be >= 0 (got -0.02) (line 8, col 19)"},
      {"base_year: 2024\nhorizon: [1, 2\n", "not valid YAML"},
      {"", "the file is empty"},
      {"base_year: 2024\nhorizn: 3\ndistricts:\n  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}\n",
       "horizn: unknown key; did you mean 'horizon'? (line 2, col 1)"},
      {"base_year: 2024\nhorizon: 3\ndistricts:\n  - {id: a, gdp: 1, growth: {mean: 0, volatility: 0.1}}\n"
       "  - {id: b, gdp: 1, growth: {mean: 0, volatility: 0.1}}\n  - {id: c, gdp: 1, growth: {mean: 0, volatility: 0.1}}\n"
       "correlation: [[a, b, 0.9], [a, c, 0.9], [b, c, -0.9]]\n",
       "correlation: the correlation matrix is not positive semi-definite"},
      {"base_year: 2024\nhorizon: 3\ndistricts:\n  - {id: a, gdp: .nan, growth: {mean: 0, volatility: 0.1}}\n",
       "districts[0].gdp: must be a finite number"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].expected);
    TempDir dir;
    const fs::path file = dir.write("scenario.yaml", cases[i].text);
    const fs::path parent = dir.path() / "results";
    fs::create_directory(parent);
    const fs::path out = parent / "run1";
    const CommandResult r = run_cli({"run", file.string(), "--out", out.string(), "--quiet"});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_TRUE(contains(r.err, file.string() + ": " + cases[i].expected)) << describe(r);
    EXPECT_EQ(r.out, "") << describe(r);
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(entries(parent), std::vector<std::string>{}) << "nothing, hidden staging directories included";
    std::vector<std::string> top = entries(dir.path());
    std::sort(top.begin(), top.end());
    EXPECT_EQ(top, (std::vector<std::string>{"results", "scenario.yaml"}));
  }
}

TEST(CliRunInput, MissingScenarioFileWritesNothing) {
  TempDir dir;
  const fs::path out = dir.path() / "run1";
  const CommandResult r = run_cli({"run", (dir.path() / "absent.yaml").string(), "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "absent.yaml: no such file")) << describe(r);
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(CliRunInput, BadFlagValuesAreUsageErrors) {
  struct FlagCase {
    std::vector<std::string> flags;
    std::string expected;
  };
  const std::vector<FlagCase> cases{
      {{"--paths", "abc"}, "--paths expects a whole number, got 'abc'"},
      {{"--paths", "0"}, "--paths must be in [1, 4294967295], got 0"},
      {{"--paths", "-5"}, "--paths"},
      {{"--paths", "1e400"}, "--paths"},
      {{"--threads", "0"}, "--threads must be in [1, 1024], got 0"},
      {{"--threads", "many"}, "--threads expects a whole number"},
      {{"--seed", "abc"}, "--seed expects a whole number, got 'abc'"},
      {{"--seed", "18446744073709551616"}, "--seed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.flags[0] + " " + c.flags[1]);
    TempDir dir;
    const fs::path file = dir.write("scenario.yaml", std::string(kValid));
    const fs::path parent = dir.path() / "results";
    fs::create_directory(parent);
    const fs::path out = parent / "run1";
    std::vector<std::string> args{"run", file.string(), "--out", out.string(), "--quiet"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    const CommandResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_TRUE(contains(r.err, c.expected)) << describe(r);
    EXPECT_FALSE(fs::exists(out));
    EXPECT_TRUE(entries(parent).empty());
  }
}

TEST(CliRunInput, ValidScenarioDoesWriteTheDirectory) {
  // The counterpart of the tests above: the same command line with valid input creates DIR and leaves
  // no staging directory behind.
  TempDir dir;
  const fs::path file = dir.write("scenario.yaml", std::string(kValid));
  const fs::path parent = dir.path() / "results";
  fs::create_directory(parent);
  const fs::path out = parent / "run1";
  const CommandResult r = run_cli({"run", file.string(), "--out", out.string(), "--quiet", "--paths", "100",
                                   "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::is_directory(out));
  EXPECT_EQ(entries(parent), std::vector<std::string>{"run1"});
  EXPECT_TRUE(fs::exists(out / "manifest.json"));
}

TEST(CliRunInput, MissingScenarioArgument) {
  const CommandResult r = run_cli({"run"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "missing the scenario file")) << describe(r);
}

TEST(CliRunInput, UnknownOptionIsAUsageError) {
  TempDir dir;
  const fs::path file = dir.write("scenario.yaml", std::string(kValid));
  const CommandResult r = run_cli({"run", file.string(), "--pahts", "10"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "--pahts")) << describe(r);
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"scenario.yaml"}) << "no outputs/ directory created";
}

// ------------------------------------------------------------------------------------ top-level usage

TEST(CliUsage, UnknownSubcommandSuggestsTheRightOne) {
  const CommandResult r = run_cli({"valdate", "x.yaml"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(contains(r.err, "unknown command 'valdate'")) << describe(r);
  EXPECT_TRUE(contains(r.err, "did you mean 'validate'?")) << describe(r);
  const CommandResult r2 = run_cli({"rnu"});
  EXPECT_EQ(r2.exit_code, 2) << describe(r2);
  EXPECT_TRUE(contains(r2.err, "did you mean 'run'?")) << describe(r2);
  const CommandResult r3 = run_cli({"frobnicate"});
  EXPECT_EQ(r3.exit_code, 2) << describe(r3);
  EXPECT_TRUE(contains(r3.err, "unknown command 'frobnicate'")) << describe(r3);
  EXPECT_FALSE(contains(r3.err, "did you mean")) << describe(r3);
}

TEST(CliUsage, Version) {
  const CommandResult r = run_cli({"--version"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, std::string("districtcast ") + kEngineVersion + "\n");
  EXPECT_FALSE(std::string(kEngineVersion).empty());
}

TEST(CliUsage, TopLevelHelpListsTheCommands) {
  const CommandResult r = run_cli({"--help"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  for (const char* word : {"run", "validate", "--help", "--version", "Exit codes", "DISTRICTCAST_SIMD"}) {
    EXPECT_TRUE(contains(r.out, word)) << word << "\n" << describe(r);
  }
}

TEST(CliUsage, RunHelpMentionsEveryOption) {
  const CommandResult r = run_cli({"run", "--help"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  for (const char* option : {"--out", "--overwrite", "--paths", "--seed", "--threads", "--quiet", "--help"}) {
    EXPECT_TRUE(contains(r.out, option)) << option << "\n" << describe(r);
  }
  EXPECT_EQ(r.err, "");
}

TEST(CliUsage, ValidateHelpMentionsEveryOption) {
  const CommandResult r = run_cli({"validate", "--help"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  for (const char* word : {"SCENARIO.yaml", "BATCH.yaml", "--set", "--help", "extends", "sweep", "batch file"}) {
    EXPECT_TRUE(contains(r.out, word)) << word << "\n" << describe(r);
  }
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(CliRunInput, BadFlagsAreReportedBeforeTheScenarioIsRead) {
  const testing::TempDir dir;
  const auto r = testing::run_cli({"run", (dir.path() / "missing.yaml").string(), "--paths", "1e400"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--paths expects a whole number"), std::string::npos) << r.err;
  const auto big = testing::run_cli({"run", (dir.path() / "missing.yaml").string(), "--seed", "18446744073709551616"});
  EXPECT_EQ(big.exit_code, 2);
  EXPECT_NE(big.err.find("--seed must be in [0, 18446744073709551615]"), std::string::npos) << big.err;
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(CliUsage, BareCommandAndUnknownOptionsGoToStderr) {
  const auto bare = testing::run_cli({});
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_EQ(bare.out, "");
  EXPECT_NE(bare.err.find("Usage: districtcast <command>"), std::string::npos) << bare.err;
  const auto option = testing::run_cli({"--frob"});
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_NE(option.err.find("unknown option '--frob'"), std::string::npos) << option.err;
}

TEST(CliRunInput, FlagFormsAndArgumentCounts) {
  const testing::TempDir dir;
  const std::string scenario = testing::source_path("scenarios/trillion_club.yaml").string();
  const auto floating = testing::run_cli({"run", scenario, "--paths", "2e2", "--out", (dir.path() / "a").string(), "--quiet"});
  EXPECT_EQ(floating.exit_code, 0) << floating.err;  // same forms as in the file: 2e2 = 200
  const auto empty_out = testing::run_cli({"run", scenario, "--out", ""});
  EXPECT_EQ(empty_out.exit_code, 2);
  EXPECT_NE(empty_out.err.find("--out needs a directory"), std::string::npos) << empty_out.err;
  const auto two = testing::run_cli({"run", scenario, scenario});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_NE(two.err.find("exactly one scenario file"), std::string::npos) << two.err;
  const auto fractional = testing::run_cli({"run", scenario, "--paths", "2.5"});
  EXPECT_EQ(fractional.exit_code, 2);
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(CliValidate, SweepsBatchFilesAndOverridesAreChecked) {
  const auto sweep = testing::run_cli({"validate", testing::source_path("scenarios/sweeps/nanshan_growth.yaml").string()});
  EXPECT_EQ(sweep.exit_code, 0) << sweep.err;
  EXPECT_NE(sweep.out.find("ok (sweep of 3 variants of nanshan_growth; first: nanshan_growth[nanshan.growth.mean=0.04]"),
            std::string::npos)
      << sweep.out;
  const auto batch = testing::run_cli({"validate", testing::source_path("scenarios/batches/nightly.yaml").string()});
  EXPECT_EQ(batch.exit_code, 0) << batch.err;
  EXPECT_NE(batch.out.find("ok (batch nightly: 3 scenarios)"), std::string::npos) << batch.out;
  // An override is typed and validated like the file, and named in the message.
  const auto bad = testing::run_cli({"validate", testing::source_path("scenarios/trillion_club.yaml").string(), "--set",
                                     "districts.nanshan.growth.volatility=-1"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--set districts.nanshan.growth.volatility=-1: districts[2].growth.volatility"), std::string::npos)
      << bad.err;
  const auto malformed = testing::run_cli({"validate", testing::source_path("scenarios/trillion_club.yaml").string(),
                                           "--set", "no_equals_sign"});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("--set no_equals_sign"), std::string::npos) << malformed.err;
}

}  // namespace
}  // namespace districtcast

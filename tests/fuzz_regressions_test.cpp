/// \file Replays the fuzzers' findings and hand-made nasty inputs through the scenario loader (tests/fuzz/README.md):
/// every file in tests/fuzz/regressions/ (one per crash, hang or OOM a fuzzer ever found) and tests/fuzz/seeds/
/// (deep nesting, alias bombs, NUL bytes, UTF-16, huge numbers, `extends` to devices, sweep bombs, ...).
/// Each must load without crashing, within a bounded time, and be rejected with errors (a file whose name
/// contains "-valid" must load instead). Files named compose-* are compose_fuzzer inputs: KEY=VALUE override
/// lines, a line "%%", then the scenario; they go through parse_override() and load_scenario_set().
/// Each input is loaded in a forked child process, so that a crash or a hang (killed after kMaxLoadTime) fails
/// that input's check instead of taking the whole test binary down.
#include "engine/scenario_compose.hpp"
#include "engine/scenario_loader.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace districtcast {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// Under AddressSanitizer or ThreadSanitizer (whose shadow memory needs terabytes of address space and whose
// runs are slower) the child gets no address-space limit and more time.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DISTRICTCAST_FUZZ_REPLAY_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define DISTRICTCAST_FUZZ_REPLAY_SANITIZED 1
#endif
#endif

/// Slowest accepted load of one input: the fuzzers' limit is 10 s under sanitizers; a normal build is far faster.
#ifdef DISTRICTCAST_FUZZ_REPLAY_SANITIZED
constexpr auto kMaxLoadTime = std::chrono::seconds(50);
#else
constexpr auto kMaxLoadTime = std::chrono::seconds(10);
#endif
/// Address-space limit of the child that loads one input (the fuzzers' -rss_limit_mb is 2048); not under ASan or
/// TSan, whose shadow memory needs terabytes of address space.
constexpr rlim_t kMaxAddressSpace = rlim_t{4} << 30;

std::vector<fs::path> inputs_in(const std::string& dir) {
  std::vector<fs::path> files;
  const fs::path root = testing::source_path(dir);
  if (!fs::is_directory(root)) return files;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().filename() != "README.md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string all_errors(const std::vector<Diagnostic>& errors) {
  std::ostringstream out;
  for (const auto& d : errors) out << "\n  " << d.to_string();
  return out.str();
}

struct Outcome {
  bool ok = false;
  std::vector<Diagnostic> errors;
  std::string broken;  ///< how the loader broke its contract (empty: it did not)
};

/// A scenario_fuzzer input: the text, named as a file in an empty directory (so a relative `extends` finds nothing).
Outcome load_scenario_input(const std::string& bytes, const TempDir& dir) {
  LoadResult r = load_scenario_text(bytes, (dir.path() / "fuzz.yaml").string(), "fuzz");
  return Outcome{r.ok(), std::move(r.errors), ""};
}

/// A compose_fuzzer input: overrides (lines before "%%"), then the scenario, written to a file and loaded as
/// `districtcast run FILE --set ...` would.
Outcome load_compose_input(const std::string& bytes, const TempDir& dir) {
  std::string_view yaml = bytes;
  std::vector<Override> overrides;
  std::string broken;
  if (const std::size_t sep = yaml.find("%%\n"); sep != std::string_view::npos && (sep == 0 || yaml[sep - 1] == '\n')) {
    std::string_view lines = yaml.substr(0, sep);
    yaml = yaml.substr(sep + 3);
    while (!lines.empty() && overrides.size() < 16) {
      const std::size_t nl = lines.find('\n');
      const std::string_view line = lines.substr(0, nl);
      lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
      std::string problem;
      if (auto o = parse_override(line, problem)) {
        overrides.push_back(*o);
      } else {
        if (problem.empty()) broken = "parse_override rejected '" + std::string(line) + "' without saying why";
      }
    }
  }
  const fs::path file = dir.write("fuzz.yaml", std::string(yaml));
  ScenarioSet set = load_scenario_set(file, overrides);
  if (set.scenarios.size() > kMaxSweepVariants) broken = "more than kMaxSweepVariants variants";
  if (!set.errors.empty() && !set.scenarios.empty()) broken = "scenarios and errors at once";
  return Outcome{set.ok(), std::move(set.errors), broken};
}

/// Child exit codes.
enum ChildStatus : int { kRejected = 0, kLoaded = 1, kContractBroken = 2 };

/// Loads `file` in this (child) process and returns its ChildStatus; problems are written to stderr.
int load_in_child(const fs::path& file) {
  const std::string bytes = read_bytes(file);
  const std::string name = file.filename().string();
  const TempDir dir;
  const Outcome outcome = name.rfind("compose-", 0) == 0 ? load_compose_input(bytes, dir) : load_scenario_input(bytes, dir);
  std::string broken = outcome.broken;
  if (outcome.ok != outcome.errors.empty()) broken = "a scenario and errors at once (or neither)";
  for (const auto& e : outcome.errors) {
    if (e.message.empty()) broken = "an error without a message: " + e.to_string();
  }
  if (!broken.empty()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), broken.c_str());
    return kContractBroken;
  }
  if (!outcome.ok && name.find("-valid") != std::string::npos) {
    std::fprintf(stderr, "%s: expected to load:%s\n", name.c_str(), all_errors(outcome.errors).c_str());
  }
  return outcome.ok ? kLoaded : kRejected;
}

void replay(const fs::path& file) {
  SCOPED_TRACE(file.string());
  const std::string name = file.filename().string();
  std::fflush(nullptr);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0) << "fork failed";
  if (child == 0) {
#ifndef DISTRICTCAST_FUZZ_REPLAY_SANITIZED
    const rlimit limit{kMaxAddressSpace, kMaxAddressSpace};
    ::setrlimit(RLIMIT_AS, &limit);
#endif
    int code = kContractBroken;
    try {
      code = load_in_child(file);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: uncaught exception: %s\n", name.c_str(), e.what());
    }
    std::fflush(nullptr);
    ::_exit(code);
  }
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  bool finished = false;
  while (!finished) {
    const pid_t r = ::waitpid(child, &status, WNOHANG);
    if (r == child) {
      finished = true;
    } else if (r < 0 && errno != EINTR) {
      FAIL() << "waitpid failed";
    } else if (std::chrono::steady_clock::now() - start > kMaxLoadTime) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      ADD_FAILURE() << name << ": did not finish within " << kMaxLoadTime.count() << " s (hang or quadratic work): killed";
      return;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(WIFEXITED(status)) << name << ": the loader crashed (signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0)
                                 << ") after " << seconds << " s";
  const int code = WEXITSTATUS(status);
  ASSERT_NE(code, kContractBroken) << name << ": broke the loader's contract (see the child's messages above)";
  if (name.find("-valid") != std::string::npos) {
    EXPECT_EQ(code, kLoaded) << name << ": expected to load";
  } else {
    EXPECT_EQ(code, kRejected) << name << ": expected errors, but it loaded";
  }
}

TEST(FuzzRegressions, EveryFindingLoadsWithoutCrashingAndIsRejected) {
  // The directory always exists (its README lists each finding, or says there is none yet).
  ASSERT_TRUE(fs::is_regular_file(testing::source_path("tests/fuzz/regressions/README.md")));
  for (const auto& file : inputs_in("tests/fuzz/regressions")) replay(file);
}

TEST(FuzzRegressions, NastySeedInputsLoadWithoutCrashingAndAreRejected) {
  const auto files = inputs_in("tests/fuzz/seeds");
  ASSERT_GE(files.size(), 10u) << "tests/fuzz/seeds/ lost its hand-made inputs";
  for (const auto& file : files) replay(file);
}

}  // namespace
}  // namespace districtcast

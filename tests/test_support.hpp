#pragma once
/// \file Helpers shared by tests: temporary directories, running the CLI, reading CSV files.

#include "engine/process_identity.hpp"
#include "engine/scenario.hpp"

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast::testing {

/// The scenario `yaml` describes; adds a test failure per diagnostic and throws if it does not load.
Scenario load_valid_scenario(std::string_view yaml);

/// The smallest valid scenario: one lognormal district, everything else defaulted.
inline constexpr std::string_view kMinimalScenario = R"yaml(base_year: 2024
horizon: 5
districts:
  - id: pudong
    gdp: 1770
    growth:
      mean: 0.05
      volatility: 0.02
)yaml";

/// A small valid scenario named `name` (3 years, 2,000 paths, seed 11, districts a (growth mean `mean`, with
/// firms) and b, a gdp threshold of 110); `extra` is appended as more top-level YAML.
std::string tiny_scenario(const std::string& name, double mean = 0.05, const std::string& extra = "");

/// A fresh directory under the system temp dir, removed (recursively) on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /// Writes `text` to path()/name and returns the full path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

private:
  std::filesystem::path path_;
};

/// Output of a finished command.
struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs the districtcast executable with `args` (each passed as one argument, no shell), in `cwd` if
/// given, with stdin closed; captures stdout and stderr. Unless the test process set DISTRICTCAST_CATALOG,
/// the command records into a per-test-process catalog in the temp directory (removed at exit), so tests
/// never write outputs/catalog.sqlite under their working directory.
CommandResult run_cli(const std::vector<std::string>& args, const std::filesystem::path& cwd = {});

/// Starts the districtcast executable with `args` in the background (cwd `cwd` if given; stdin, stdout and
/// stderr on /dev/null) and returns its process id.
pid_t spawn_cli(const std::vector<std::string>& args, const std::filesystem::path& cwd = {});

/// Waits for a spawned process; returns its exit code, or 128 + signal number if a signal ended it.
int wait_exit_code(pid_t child);

/// A CSV file as header + rows of fields (no quoting support: our outputs never quote).
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  /// Column index of `name`; fails the test (throws) when absent.
  [[nodiscard]] std::size_t column(const std::string& name) const;
};
Csv read_csv(const std::filesystem::path& file);

/// Whole file as a string.
std::string read_file(const std::filesystem::path& file);

/// A JSON file, parsed (throws on a parse error).
nlohmann::json read_json(const std::filesystem::path& file);

/// The last non-empty line of `text` (e.g. the directory a run or batch prints last on stdout).
std::string last_line(const std::string& text);

/// Path of a file in the source tree, e.g. source_path("scenarios/trillion_club.yaml").
std::filesystem::path source_path(const std::string& relative);

/// Mean and biased central moments m2, m4 of a sample, with Monte Carlo standard errors:
/// SE(mean) = sqrt(m2 / n), SE(sample variance) = sqrt((m4 - m2^2) / n) (delta method).
struct SampleMoments {
  double n = 0.0;
  double mean = 0.0;
  double m2 = 0.0;
  double m4 = 0.0;
  explicit SampleMoments(const std::vector<double>& x);
  /// Unbiased sample variance.
  [[nodiscard]] double variance() const { return m2 * n / (n - 1.0); }
  [[nodiscard]] double mean_se() const;
  [[nodiscard]] double variance_se() const;
};

/// Field 22 (start time) of /proc/<pid>/stat, read independently of ProcessIdentity; 0 when unreadable.
std::uint64_t proc_start_ticks(pid_t pid);

/// The identity (this host, pid, start ticks) of a child process that has exited and been reaped: certainly
/// gone. The start ticks are read while the child still runs (it waits on a pipe); `while_alive`, if given,
/// is called with the identity at that moment.
ProcessIdentity reaped_child_identity(const std::function<void(const ProcessIdentity&)>& while_alive = {});

/// Path of the built districtcast executable.
std::filesystem::path executable_path();

}  // namespace districtcast::testing

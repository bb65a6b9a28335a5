#pragma once
/// \file Helpers shared by tests: temporary directories, running the CLI, reading CSV files.

#include "engine/process_identity.hpp"
#include "engine/scenario.hpp"

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
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

/// A small file system mounted for one test (root only: tmpfs and bind mounts need CAP_SYS_ADMIN), unmounted
/// on destruction. Lets a test fill a disk or make a directory read-only even for root.
class ScratchMount {
public:
  /// A tmpfs of `bytes` at `directory` (created if absent); check ok() (false: not root or mounts refused).
  static ScratchMount tmpfs(const std::filesystem::path& directory, std::size_t bytes);
  /// `directory` bind-mounted over itself read-only; check ok().
  static ScratchMount read_only(const std::filesystem::path& directory);
  /// `directory` (created if absent) made unwritable for this process until destruction: as root, who ignores
  /// permissions, read_only(); otherwise its write permissions are removed (and restored afterwards).
  static ScratchMount unwritable(const std::filesystem::path& directory);
  ScratchMount(ScratchMount&& other) noexcept;
  ScratchMount& operator=(ScratchMount&&) = delete;
  ScratchMount(const ScratchMount&) = delete;
  ScratchMount& operator=(const ScratchMount&) = delete;
  ~ScratchMount();
  [[nodiscard]] bool ok() const noexcept { return mounted_ || restore_permissions_.has_value(); }
  /// Why the mount could not be made (for GTEST_SKIP), when !ok().
  [[nodiscard]] const std::string& why_not() const noexcept { return why_not_; }

private:
  ScratchMount() = default;
  std::filesystem::path directory_;
  bool mounted_ = false;
  std::optional<std::filesystem::perms> restore_permissions_;  ///< unwritable() without root
  std::string why_not_;
};

/// Output of a finished command.
struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
  long max_rss_kib = 0;    ///< peak resident memory of the command (KiB; from wait4)
  bool timed_out = false;  ///< killed (SIGKILL) after CliGuard::timeout; exit_code is then 128 + 9
};

/// How run_cli_guarded() runs a command: a hang detector (not a speed check: keep it generous) and,
/// for a test run as root, whether the command loses root's power to read and write any file.
struct CliGuard {
  std::filesystem::path cwd;                         ///< working directory (empty: the test's)
  std::chrono::seconds timeout{120};                 ///< killed after this long
  bool without_file_permission_override = false;     ///< drop CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (root)
};

/// Runs the districtcast executable with `args` (each passed as one argument, no shell), in `cwd` if
/// given, with stdin closed; captures stdout and stderr. Unless the test process set DISTRICTCAST_CATALOG,
/// the command records into a per-test-process catalog in the temp directory (removed at exit), so tests
/// never write outputs/catalog.sqlite under their working directory.
CommandResult run_cli(const std::vector<std::string>& args, const std::filesystem::path& cwd = {});

/// run_cli() with a time limit and the peak memory measured (see CliGuard).
CommandResult run_cli_guarded(const std::vector<std::string>& args, const CliGuard& guard);

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

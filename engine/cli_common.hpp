#pragma once
/// \file Helpers shared by the CLI's subcommands (only the CLI sees these and Boost.Program_options).

#include "engine/diagnostic.hpp"
#include "engine/resource_estimate.hpp"
#include "engine/scenario.hpp"
#include "engine/scenario_compose.hpp"

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

#include <filesystem>

#include <atomic>
#include <optional>

#include <cstdint>
#include <string>
#include <vector>

namespace districtcast::cli {

/// The "Exit codes: ..." paragraph printed at the end of every --help.
extern const char* const kExitCodesHelp;

/// Prints "districtcast COMMAND: MESSAGE" and "Try 'districtcast COMMAND --help'." to stderr;
/// returns kUsageOrInvalidInput.
int usage_error(const std::string& command, const std::string& message);

/// Parses a whole number in [low, high] given to `flag` (also exact floating forms such as 1e5);
/// returns an error message, or "" with `out` set.
[[nodiscard]] std::string parse_count(const std::string& flag, const std::string& text, std::uint64_t low,
                                      std::uint64_t high, std::uint64_t& out);

/// Prints each diagnostic on its own line to stderr.
void print_diagnostics(const std::vector<Diagnostic>& errors);

/// Set by SIGINT/SIGTERM/SIGHUP once install_interrupt_handlers() ran; long work polls it.
const std::atomic<bool>& interrupted() noexcept;

/// Installs SIGINT/SIGTERM/SIGHUP handlers that set interrupted(); a second signal gets the default action.
void install_interrupt_handlers();

/// The flags shared by `run` and `batch`, as typed.
struct RunFlagText {
  std::string paths, seed, threads, precision, max_paths;
  std::string catalog;           ///< --catalog PATH ("" = default, see catalog_path)
  std::vector<std::string> set;  ///< every --set KEY=VALUE
  std::string max_time, max_memory;  ///< --max-time DURATION, --max-memory SIZE ("" = the defaults)
  bool force = false;                ///< --force: run even when over a resource limit
  bool no_report = false;
  bool quiet = false;
};

/// Adds --set, --paths, --seed, --precision, --max-paths, --threads, --max-time, --max-memory, --force,
/// --no-report, --catalog and --quiet to `options`
/// (`scope` completes the help texts: "the scenario" or "every scenario").
void add_run_flag_options(boost::program_options::options_description& options, RunFlagText& o,
                          const std::string& scope);

/// The numeric flags of `run` and `batch`, parsed.
struct RunFlags {
  std::optional<std::uint64_t> paths, seed, max_paths;
  std::optional<double> precision;
  unsigned threads = 1;  ///< default: all cores
  ResourceLimits limits = default_resource_limits();  ///< --max-time, --max-memory
  bool force = false;                                  ///< --force: no resource limits
};

/// Why the resolved `scenario` must not run under `flags` (its estimate is over --max-time or --max-memory,
/// and there is no --force): one sentence with the estimate, the limit and the way out; "" when it may run.
[[nodiscard]] std::string resource_refusal(const Scenario& scenario, const RunFlags& flags);

/// Parses --paths, --seed, --threads, --precision and --max-paths; returns a usage message or "".
[[nodiscard]] std::string parse_run_flags(const RunFlagText& o, RunFlags& flags);

/// Applies --paths/--seed/--precision/--max-paths to a validated scenario (after its file and any --set);
/// records each in provenance.overrides ("paths=N", "seed=N", "precision.target=X", "precision.max_paths=N");
/// returns a usage message or "" (e.g. an odd path count for an antithetic scenario).
[[nodiscard]] std::string apply_run_flags(Scenario& scenario, const RunFlags& flags);

/// Parses every `--set KEY=VALUE` text into overrides; returns a usage message or "".
[[nodiscard]] std::string parse_overrides(const std::vector<std::string>& texts, std::vector<Override>& overrides);

/// Writes `text` to `file` through a hidden temporary sibling that is fsynced and renamed over it (with
/// `mode`), so a reader sees the old file or the whole new one; returns "" or one sentence naming the file.
[[nodiscard]] std::string write_file_atomically(const std::filesystem::path& file, const std::string& text,
                                                unsigned mode = 0644);

/// Parses a subcommand that takes options only (`visible`, which must include "help"): a stray positional
/// argument is a usage error. Returns the exit code to return at once (usage error, or kSuccess after
/// printing --help with `more_help` and the exit codes), or nullopt to go on with `vm` filled.
[[nodiscard]] std::optional<int> parse_flag_options(const std::string& command, const std::vector<std::string>& args,
                                                    const boost::program_options::options_description& visible,
                                                    boost::program_options::variables_map& vm, const char* more_help);

/// For commands that only read the run catalog: true when `file` exists; else prints "districtcast COMMAND: no
/// run catalog at FILE yet: ..." to stderr and returns false (the caller exits 2 without creating it).
[[nodiscard]] bool catalog_exists_or_explain(const std::string& command, const std::filesystem::path& file);

}  // namespace districtcast::cli

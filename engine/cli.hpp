#pragma once
/// \file The command-line interface (the only part of the engine that sees Boost.Program_options).

namespace districtcast::cli {

/// Exit codes shared by every subcommand (docs/cli.md).
enum ExitCode : int {
  kSuccess = 0,
  kRuntimeFailure = 1,
  kUsageOrInvalidInput = 2,
  kConditionMet = 3,  ///< compare: a --fail-if rule matched; batch: an alert rule fired
  kLockBusy = 75,     ///< batch: another batch holds the lock of the output root (EX_TEMPFAIL: try later)
  kInterrupted = 130,
};

/// Runs `districtcast ARGS...`; returns the process exit code. Never throws.
int main(int argc, const char* const* argv);

}  // namespace districtcast::cli

#pragma once
/// \file The subcommand handlers of the CLI (one file each: cli_run.cpp, cli_validate.cpp, ...).
/// Each receives the arguments after its name and returns the process exit code (cli.hpp ExitCode).

#include <string>
#include <vector>

namespace districtcast::cli {

using Args = std::vector<std::string>;

int run_command(const Args& args);       ///< cli_run.cpp
int validate_command(const Args& args);  ///< cli_validate.cpp
int batch_command(const Args& args);     ///< cli_batch.cpp
int compare_command(const Args& args);   ///< cli_compare.cpp
int report_command(const Args& args);    ///< cli_report.cpp
int runs_command(const Args& args);      ///< cli_runs.cpp
int history_command(const Args& args);   ///< cli_history.cpp
int schedule_command(const Args& args);  ///< cli_schedule.cpp

}  // namespace districtcast::cli

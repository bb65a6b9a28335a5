#pragma once
/// \file Scheduling a nightly batch: the text of a systemd service + timer pair and of a crontab line that
/// run `districtcast batch FILE --resume` at the batch file's `schedule.at` (docs/operations.md).
/// Pure text generation; `districtcast schedule` (cli_schedule.cpp) prints or installs it.

#include <filesystem>
#include <string>
#include <vector>

namespace districtcast {

/// Everything a unit needs, all paths absolute.
struct ScheduleTarget {
  std::string batch_name;                   ///< BatchPlan::name: letters, digits, '_', '-', '.'
  std::filesystem::path batch_file;         ///< the batch file
  std::filesystem::path executable;         ///< the districtcast binary
  std::filesystem::path working_directory;  ///< where relative paths resolve (the batch file's own are
                                            ///< relative to it, so this matters for the catalog only)
  std::filesystem::path catalog;            ///< --catalog
  int hour = 2, minute = 0;                 ///< local time, daily
  std::vector<std::string> extra_args;      ///< appended to the batch command (e.g. --threads 8)
  std::string user;                         ///< User= of the service ("" = none: the manager's user, root
                                            ///< for a system unit); letters, digits, '_', '.', '-'
};

/// The texts below throw std::invalid_argument when the target cannot be expressed: a relative path, a
/// path or argument with a line break (or, for WorkingDirectory=, trailing whitespace or backslash), an hour
/// outside 0..23 or a minute outside 0..59, or a `user` with other characters.

/// "districtcast-<batch name>": the stem of both unit file names (a character of the name that a unit
/// name cannot hold becomes '_').
[[nodiscard]] std::string unit_name(const ScheduleTarget& target);

/// The command the units and the crontab line run, as an argument vector:
/// executable batch FILE --resume --catalog CATALOG EXTRA...
[[nodiscard]] std::vector<std::string> scheduled_command(const ScheduleTarget& target);

/// `<unit_name>.service`: Type=oneshot, WorkingDirectory, ExecStart (quoted for systemd: '%' as "%%",
/// '$' as "$$", arguments with spaces or quotes in double quotes with C escapes), logs to the journal
/// (SyslogIdentifier=<unit_name>), Nice=10, no restart. Passes `systemd-analyze verify`.
[[nodiscard]] std::string service_unit_text(const ScheduleTarget& target);

/// One argument quoted for an ExecStart= line: '%' as "%%", '$' as "$$"; an empty argument, or one holding
/// whitespace, a control character, a quote, a backslash or ';', is double-quoted with C escapes
/// (\\, \", \n, \t, \xNN).
[[nodiscard]] std::string systemd_quote(const std::string& argument);

/// One argument single-quoted for /bin/sh in a crontab line (' as '\'', '%' as \% for cron).
[[nodiscard]] std::string crontab_quote(const std::string& argument);

/// `<unit_name>.timer`: OnCalendar=*-*-* HH:MM:00, Persistent=true (a run missed while the machine was off
/// starts at boot), Unit=<unit_name>.service, WantedBy=timers.target.
[[nodiscard]] std::string timer_unit_text(const ScheduleTarget& target);

/// One crontab line: "MM HH * * * cd DIR && COMMAND >> LOG 2>&1" with every argument single-quoted for
/// /bin/sh and '%' escaped for cron; LOG is <working_directory>/outputs/<unit_name>.cron.log.
[[nodiscard]] std::string crontab_line(const ScheduleTarget& target);

}  // namespace districtcast

#pragma once
/// \file Structured logs of batch runs (spdlog): one line per event,
/// `2026-11-29T02:00:01.123Z info  job_end scenario=tech_boom status=succeeded wall_s=3.21`, i.e. a UTC
/// timestamp, the level, an event name and key=value fields (values with spaces, quotes or '=' in double
/// quotes, with \" and \\ escaped) — readable by people and by `grep`/`awk`/journald. Lines go to stderr
/// (unless quiet) and, once add_file() was called, also to a log file (batch.log in the batch directory).

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace districtcast {

/// One key=value field of a log line.
using LogField = std::pair<std::string, std::string>;

/// The text of one event's fields: `event key=value key="two words"` (no timestamp or level).
[[nodiscard]] std::string format_log_event(std::string_view event, const std::vector<LogField>& fields);

/// A logger writing structured lines to stderr and optionally a file. Not copyable.
class RunLog {
public:
  enum class Level { info, warning, error };

  /// `to_stderr` false (--quiet): only warnings and errors reach stderr; the file gets every line.
  explicit RunLog(bool to_stderr);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  /// From now on also appends every line to `file` (created; its directory must exist). Throws
  /// std::runtime_error when it cannot be opened.
  void add_file(const std::filesystem::path& file);
  /// Flushes and closes the file sink (before its directory is renamed).
  void close_file();

  void log(Level level, std::string_view event, const std::vector<LogField>& fields);
  void info(std::string_view event, const std::vector<LogField>& fields = {}) { log(Level::info, event, fields); }
  void warn(std::string_view event, const std::vector<LogField>& fields = {}) { log(Level::warning, event, fields); }
  void error(std::string_view event, const std::vector<LogField>& fields = {}) { log(Level::error, event, fields); }

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace districtcast

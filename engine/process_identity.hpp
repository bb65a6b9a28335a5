#pragma once
/// \file Who is running: host, process id and the process's start time, so that a record left by a process
/// (a catalog row marked running, a lock file) can later be judged stale even after the pid was reused.

#include <cstdint>
#include <string>

namespace districtcast {

/// A process on a host, identified beyond its pid by its start time (clock ticks since boot, field 22 of
/// /proc/<pid>/stat), which differs for a later process that reuses the pid.
struct ProcessIdentity {
  std::string host;               ///< gethostname(); "" when unknown
  std::int64_t pid = 0;
  std::uint64_t start_ticks = 0;  ///< 0 when unknown (then only the pid is checked)

  /// This process.
  [[nodiscard]] static ProcessIdentity current();
  /// False only when the process is known to be gone: same host, and /proc/<pid> is absent, is a zombie
  /// (exited, not yet reaped), or belongs to a process with another start time. A process on another host is assumed alive (it cannot be checked).
  [[nodiscard]] bool alive() const;
  /// "pid 1234 on host" for messages.
  [[nodiscard]] std::string describe() const;
};

}  // namespace districtcast

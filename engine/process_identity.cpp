#include "engine/process_identity.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <fstream>
#include <optional>
#include <sstream>

namespace districtcast {
namespace {

std::string host_name() {
  std::array<char, 256> buffer{};
  if (::gethostname(buffer.data(), buffer.size() - 1) != 0) return {};
  return std::string(buffer.data());
}

/// What /proc/<pid>/stat says about a process: its state (field 3: R, S, Z for a zombie, ...) and its start
/// time (field 22, clock ticks since boot). nullopt when unreadable. The command name (field 2) is in
/// parentheses and may hold spaces, so fields are counted after its closing parenthesis.
struct ProcStat {
  char state = '?';
  std::uint64_t start_ticks = 0;
};

std::optional<ProcStat> read_proc_stat(std::int64_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  ProcStat stat;
  std::string field;
  for (int index = 3; fields >> field; ++index) {
    if (index == 3) stat.state = field.empty() ? '?' : field.front();
    if (index == 22) {
      try {
        stat.start_ticks = std::stoull(field);
      } catch (...) {
        return std::nullopt;
      }
      return stat;
    }
  }
  return std::nullopt;
}

std::uint64_t start_ticks_of(std::int64_t pid) {
  const auto stat = read_proc_stat(pid);
  return stat ? stat->start_ticks : 0;
}

}  // namespace

ProcessIdentity ProcessIdentity::current() {
  ProcessIdentity p;
  p.host = host_name();
  p.pid = ::getpid();
  p.start_ticks = start_ticks_of(p.pid);
  return p;
}

bool ProcessIdentity::alive() const {
  if (pid <= 0) return false;
  if (!host.empty() && host != host_name()) return true;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  const auto stat = read_proc_stat(pid);
  if (!stat) {
    // Gone between the two checks, or /proc unreadable (e.g. hidepid): then we cannot tell, assume alive.
    return !(::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH);
  }
  // A zombie (exited, not yet reaped by its parent) or dead task has finished: it holds nothing any more.
  if (stat->state == 'Z' || stat->state == 'X' || stat->state == 'x') return false;
  return start_ticks == 0 || stat->start_ticks == start_ticks;
}

std::string ProcessIdentity::describe() const {
  return host.empty() ? fmt::format("pid {}", pid) : fmt::format("pid {} on {}", pid, host);
}

}  // namespace districtcast

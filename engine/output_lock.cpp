#include "engine/output_lock.hpp"

#include "engine/manifest.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>

namespace districtcast {
namespace fs = std::filesystem;
namespace {

std::optional<LockHolder> parse_holder(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(text);
    LockHolder h;
    h.process.host = j.value("host", "");
    h.process.pid = j.value("pid", std::int64_t{0});
    h.process.start_ticks = j.value("start_ticks", std::uint64_t{0});
    h.command = j.value("command", "");
    h.since = j.value("since", "");
    if (h.process.pid <= 0) return std::nullopt;
    return h;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string read_fd(int fd) {
  std::string text;
  char buffer[4096];
  if (::lseek(fd, 0, SEEK_SET) < 0) return text;
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

std::string describe_holder(const LockHolder& h) {
  std::string text = h.process.describe();
  if (!h.since.empty()) text += fmt::format(", since {}", h.since);
  if (!h.command.empty()) text += fmt::format(": {}", h.command);
  return text;
}

}  // namespace

std::optional<LockHolder> read_lock_holder(const fs::path& lock_file) {
  std::ifstream in(lock_file);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_holder(text);
}

std::optional<OutputLock> OutputLock::try_acquire(const fs::path& lock_file, const std::string& command,
                                                  LockProblem& problem, std::optional<LockHolder>* stale) {
  std::error_code ec;
  fs::create_directories(lock_file.parent_path(), ec);
  const int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    problem = {false, fmt::format("cannot open the lock file {}: {}", lock_file.string(), std::strerror(errno)), {}};
    return std::nullopt;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    problem.busy = error == EWOULDBLOCK;
    problem.holder = parse_holder(read_fd(fd));
    ::close(fd);
    if (problem.busy) {
      problem.message = fmt::format("another districtcast batch is writing here ({}); lock file {}",
                                    problem.holder ? describe_holder(*problem.holder) : std::string("holder unknown"),
                                    lock_file.string());
    } else {
      problem.message = fmt::format("cannot lock {}: {}", lock_file.string(), std::strerror(error));
    }
    return std::nullopt;
  }
  // Locked. Leftover content names a holder that died without releasing (a clean release empties the file).
  if (auto previous = parse_holder(read_fd(fd)); previous && stale != nullptr) *stale = previous;
  const ProcessIdentity me = ProcessIdentity::current();
  const nlohmann::json record{{"host", me.host},       {"pid", me.pid},
                              {"start_ticks", me.start_ticks}, {"command", command},
                              {"since", iso8601_utc(std::chrono::system_clock::now())}};
  const std::string text = record.dump() + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    problem = {false, fmt::format("cannot write the lock file {}: {}", lock_file.string(), std::strerror(errno)), {}};
    ::close(fd);
    return std::nullopt;
  }
  return OutputLock(lock_file, fd);
}

OutputLock::OutputLock(OutputLock&& other) noexcept : file_(std::move(other.file_)), fd_(other.fd_) { other.fd_ = -1; }

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  [[maybe_unused]] const int ignored = ::ftruncate(fd_, 0);  // released cleanly: nobody to report as stale
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

fs::path batch_lock_file(const fs::path& results_parent, const std::optional<fs::path>& exact_out) {
  if (exact_out) {
    fs::path clean = fs::absolute(*exact_out).lexically_normal();
    if (clean.filename().empty()) clean = clean.parent_path();
    return clean.parent_path() / fmt::format(".{}.districtcast.lock", clean.filename().string());
  }
  return results_parent / ".districtcast.lock";
}

}  // namespace districtcast

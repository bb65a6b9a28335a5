#pragma once
/// \file One batch at a time per output root: an exclusive advisory lock (flock(2)) on a lock file, held for the
/// life of an OutputLock. The kernel drops the lock when its process dies, SIGKILL included, so a lock left
/// by a dead process is simply taken over; the file records who holds it (for the message a second run
/// prints) and is emptied on a clean release, so leftover content means the previous holder died.

#include "engine/process_identity.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace districtcast {

/// Who holds (or last held) a lock, as recorded in its file.
struct LockHolder {
  ProcessIdentity process;
  std::string command;  ///< e.g. "districtcast batch scenarios/batches/nightly.yaml"
  std::string since;    ///< ISO 8601 UTC
};

/// Why a lock was not taken.
struct LockProblem {
  bool busy = false;                ///< another live process holds it (exit 75); false: I/O error (exit 1)
  std::string message;              ///< one sentence naming the lock file and, when busy, the holder
  std::optional<LockHolder> holder; ///< when busy and the file says who
};

/// An acquired lock; releases it (and empties the file) on destruction. Moves only.
class OutputLock {
public:
  /// Tries once, without waiting, to lock `lock_file` (creating it and its parent directories). On
  /// success writes this process and `command` into it. `stale` is set to the previous holder when the
  /// file still named a process that is gone (its lock was dropped by the kernel when it died).
  [[nodiscard]] static std::optional<OutputLock> try_acquire(const std::filesystem::path& lock_file,
                                                             const std::string& command, LockProblem& problem,
                                                             std::optional<LockHolder>* stale = nullptr);

  OutputLock(OutputLock&& other) noexcept;
  OutputLock& operator=(OutputLock&&) = delete;
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  ~OutputLock();

  [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }

private:
  OutputLock(std::filesystem::path file, int fd) : file_(std::move(file)), fd_(fd) {}
  std::filesystem::path file_;
  int fd_ = -1;
};

/// The lock file guarding the result directories of one batch: `<dir>/.districtcast.lock` where <dir> holds
/// the batch's timestamped directories (the default outputs/batches/<name>/), or, for an exact --out DIR,
/// `<parent>/.<DIR name>.districtcast.lock`.
[[nodiscard]] std::filesystem::path batch_lock_file(const std::filesystem::path& results_parent,
                                                    const std::optional<std::filesystem::path>& exact_out);

/// Reads the holder recorded in a lock file; nullopt when empty or unreadable.
[[nodiscard]] std::optional<LockHolder> read_lock_holder(const std::filesystem::path& lock_file);

}  // namespace districtcast

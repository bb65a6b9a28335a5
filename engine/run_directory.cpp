#include "engine/run_directory.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <system_error>

namespace districtcast {
namespace fs = std::filesystem;
namespace {

std::string utc_timestamp_compact() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                     utc.tm_min, utc.tm_sec);
}

void fsync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

bool is_empty_directory(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::is_empty(p, ec);
}

/// True if `dir` is `inner` or one of its ancestors (both canonical).
bool contains_path(const fs::path& dir, const fs::path& inner) {
  auto d = dir.begin();
  auto i = inner.begin();
  for (; d != dir.end(); ++d, ++i) {
    if (i == inner.end() || *d != *i) return false;
  }
  return true;
}

/// Entries of `dir` that are not in `allowed` (regular files, or directories: a batch's run directories).
std::vector<std::string> foreign_entries(const fs::path& dir, const std::vector<std::string>& allowed) {
  std::vector<std::string> foreign;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const bool plain = entry.is_regular_file() || (entry.is_directory() && !entry.is_symlink());
    if (!plain || std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      foreign.push_back(name);
    }
  }
  std::sort(foreign.begin(), foreign.end());
  return foreign;
}

}  // namespace

fs::path default_run_directory(const fs::path& outputs_root, const std::string& scenario_name) {
  return outputs_root / scenario_name / utc_timestamp_compact();
}

std::optional<RunDirectory> RunDirectory::prepare(const fs::path& target, bool overwrite,
                                                  const std::vector<std::string>& replaceable_files,
                                                  DirectoryProblem& problem, Naming naming) {
  std::error_code ec;
  fs::path clean = fs::absolute(target, ec).lexically_normal();
  if (clean.filename().empty()) clean = clean.parent_path();
  const auto status = fs::status(clean, ec);  // follows symlinks
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      problem = {fmt::format("{} exists and is not a directory", target.string()), true};
      return std::nullopt;
    }
    clean = fs::canonical(clean, ec);
    if (naming == Naming::exact && !is_empty_directory(clean)) {
      if (!overwrite) {
        problem = {fmt::format("{} is not empty; pass --overwrite to replace a previous run there, or choose "
                               "another --out",
                               target.string()),
                   true};
        return std::nullopt;
      }
      if (contains_path(clean, fs::canonical(fs::current_path(), ec))) {
        problem = {fmt::format("refusing to replace {}: it is the current directory or one of its parents",
                               target.string()),
                   true};
        return std::nullopt;
      }
      const auto foreign = foreign_entries(clean, replaceable_files);
      if (!foreign.empty()) {
        problem = {fmt::format("refusing to replace {}: it holds files districtcast did not write ({}); "
                               "--overwrite only replaces a previous run directory",
                               target.string(), fmt::join(foreign.begin(), foreign.begin() + std::min<std::ptrdiff_t>(5, std::ssize(foreign)), ", ")),
                   true};
        return std::nullopt;
      }
    }
  }
  const fs::path parent = clean.parent_path();
  std::vector<fs::path> created;  // deepest first
  for (fs::path p = parent; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    created.push_back(p);
    if (p == p.parent_path()) break;
  }
  fs::create_directories(parent, ec);
  if (ec) {
    problem = {fmt::format("cannot create {}: {}", parent.string(), ec.message()), false};
    return std::nullopt;
  }
  const fs::path staging = parent / fmt::format(".{}.partial-{}", clean.filename().string(), ::getpid());
  fs::remove_all(staging, ec);
  if (!fs::create_directory(staging, ec) || ec) {
    problem = {fmt::format("cannot create a directory in {}: {}", parent.string(),
                           ec ? ec.message() : std::string("already exists")),
               false};
    for (const auto& dir : created) fs::remove(dir, ec);
    return std::nullopt;
  }
  return RunDirectory(clean, staging, overwrite, naming, std::move(created));
}

RunDirectory::RunDirectory(RunDirectory&& other) noexcept
    : target_(std::move(other.target_)), staging_(std::move(other.staging_)), overwrite_(other.overwrite_),
      naming_(other.naming_), created_parents_(std::move(other.created_parents_)), active_(other.active_) {
  other.active_ = false;
}

RunDirectory::~RunDirectory() { discard(); }

void RunDirectory::discard() noexcept {
  if (!active_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  for (const auto& dir : created_parents_) {
    if (!fs::remove(dir, ec)) break;  // not empty (another run uses it) or already gone
  }
  active_ = false;
}

void RunDirectory::commit_unique() {
  const fs::path base = target_;
  for (int suffix = 1; suffix < 10000; ++suffix) {
    const fs::path candidate = suffix == 1 ? base : fs::path(fmt::format("{}-{}", base.string(), suffix));
    std::error_code ec;
    if (fs::exists(candidate, ec)) continue;
    // rename(2) would replace an empty directory: only ever rename onto a name nobody holds.
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, candidate.c_str(), RENAME_NOREPLACE) == 0) {
      target_ = candidate;
      return;
    }
    if (errno == EEXIST || errno == ENOTEMPTY) continue;
    throw std::runtime_error(fmt::format("cannot rename results into {}: {}", candidate.string(), std::strerror(errno)));
  }
  throw std::runtime_error(fmt::format("no free directory name for {}", base.string()));
}

void RunDirectory::commit() {
  if (!active_) throw std::logic_error("RunDirectory::commit on an inactive directory");
  for (const auto& entry : fs::directory_iterator(staging_)) fsync_path(entry.path(), O_RDONLY);
  fsync_path(staging_, O_RDONLY | O_DIRECTORY);
  if (naming_ == Naming::unique) {
    commit_unique();
    active_ = false;
    fsync_path(target_.parent_path(), O_RDONLY | O_DIRECTORY);
    return;
  }
  std::error_code ec;
  fs::path old;
  if (fs::exists(target_, ec) && !is_empty_directory(target_)) {
    if (!overwrite_) throw std::runtime_error(fmt::format("{} appeared while the run was going", target_.string()));
    old = target_.parent_path() / fmt::format(".{}.old-{}", target_.filename().string(), ::getpid());
    fs::remove_all(old, ec);
    fs::rename(target_, old, ec);
    if (ec) throw std::runtime_error(fmt::format("cannot move the old {} aside: {}", target_.string(), ec.message()));
  }
  fs::rename(staging_, target_, ec);
  if (ec) {
    if (!old.empty()) fs::rename(old, target_, ec);
    throw std::runtime_error(fmt::format("cannot rename results into {}: {}", target_.string(), ec.message()));
  }
  active_ = false;
  fsync_path(target_.parent_path(), O_RDONLY | O_DIRECTORY);
  if (!old.empty()) fs::remove_all(old, ec);
}

}  // namespace districtcast

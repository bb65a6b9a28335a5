#include "engine/run_directory.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
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

}  // namespace

fs::path default_run_directory(const fs::path& outputs_root, const std::string& scenario_name) {
  const fs::path base = outputs_root / scenario_name / utc_timestamp_compact();
  fs::path candidate = base;
  std::error_code ec;
  for (int suffix = 2; fs::exists(candidate, ec); ++suffix) {
    candidate = fs::path(base.string() + "-" + std::to_string(suffix));
  }
  return candidate;
}

std::optional<RunDirectory> RunDirectory::prepare(const fs::path& target, bool overwrite, DirectoryProblem& problem) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(target, ec).lexically_normal();
  fs::path clean = absolute.filename().empty() ? absolute.parent_path() : absolute;
  const auto status = fs::symlink_status(clean, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      problem = {fmt::format("{} exists and is not a directory", target.string()), true};
      return std::nullopt;
    }
    if (!overwrite && !is_empty_directory(clean)) {
      problem = {fmt::format("{} is not empty; pass --overwrite to replace it, or choose another --out", target.string()),
                 true};
      return std::nullopt;
    }
  }
  const fs::path parent = clean.parent_path();
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
    return std::nullopt;
  }
  return RunDirectory(clean, staging, overwrite);
}

RunDirectory::RunDirectory(RunDirectory&& other) noexcept
    : target_(std::move(other.target_)), staging_(std::move(other.staging_)), overwrite_(other.overwrite_),
      active_(other.active_) {
  other.active_ = false;
}

RunDirectory::~RunDirectory() { discard(); }

void RunDirectory::discard() noexcept {
  if (!active_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  active_ = false;
}

void RunDirectory::commit() {
  if (!active_) throw std::logic_error("RunDirectory::commit on an inactive directory");
  for (const auto& entry : fs::directory_iterator(staging_)) fsync_path(entry.path(), O_RDONLY);
  fsync_path(staging_, O_RDONLY | O_DIRECTORY);
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

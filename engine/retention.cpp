#include "engine/retention.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <set>
#include <system_error>

namespace districtcast {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;

/// Parses exactly "YYYY-MM-DDTHH:MM:SSZ" (UTC); nullopt for anything else.
std::optional<Clock::time_point> parse_iso8601_utc(const std::string& text) {
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  const auto field = [&](std::size_t offset, std::size_t length) -> std::optional<int> {
    int value = 0;
    const char* first = text.data() + offset;
    const char* last = first + length;
    const auto [end, error] = std::from_chars(first, last, value);
    if (error != std::errc() || end != last) return std::nullopt;
    return value;
  };
  const auto year = field(0, 4), month = field(5, 2), day = field(8, 2);
  const auto hour = field(11, 2), minute = field(14, 2), second = field(17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  std::tm broken_down{};
  broken_down.tm_year = *year - 1900;
  broken_down.tm_mon = *month - 1;
  broken_down.tm_mday = *day;
  broken_down.tm_hour = *hour;
  broken_down.tm_min = *minute;
  broken_down.tm_sec = *second;
  const std::time_t seconds = ::timegm(&broken_down);
  if (seconds == static_cast<std::time_t>(-1) && *year != 1969) return std::nullopt;
  return Clock::from_time_t(seconds);
}

/// Absolute, lexically normal, without a trailing separator.
fs::path normal_absolute(const fs::path& path) {
  std::error_code error;
  fs::path absolute = fs::absolute(path, error);
  if (error) absolute = path;
  absolute = absolute.lexically_normal();
  if (!absolute.has_filename() && absolute.has_parent_path() && absolute != absolute.root_path()) {
    absolute = absolute.parent_path();
  }
  return absolute;
}

/// True when `path` lies strictly inside `root` (both normal_absolute).
bool strictly_inside(const fs::path& path, const fs::path& root) {
  auto path_part = path.begin();
  for (auto root_part = root.begin(); root_part != root.end(); ++root_part, ++path_part) {
    if (path_part == path.end() || *path_part != *root_part) return false;
  }
  return path_part != path.end();
}

/// A directory districtcast wrote: a committed batch directory (holds batch.json) or a hidden staging
/// directory ".<name>.partial-<pid>".
bool is_districtcast_directory(const fs::path& directory) {
  std::error_code error;
  if (fs::is_regular_file(directory / "batch.json", error)) return true;
  const std::string name = directory.filename().string();
  return name.size() > 1 && name.front() == '.' && name.find(".partial-") != std::string::npos;
}

/// Removes `directory` and everything in it, batch.json last, so a removal that fails halfway leaves a
/// directory still recognisable as districtcast's (and removed on a later attempt).
void remove_batch_directory(const fs::path& directory, std::error_code& error) {
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    if (it->path().filename() != "batch.json") entries.push_back(it->path());
  }
  if (error) return;
  for (const fs::path& entry : entries) {
    fs::remove_all(entry, error);
    if (error) return;
  }
  fs::remove_all(directory, error);
}

}  // namespace

std::vector<std::int64_t> retention_plan(const std::vector<BatchRecord>& batches, const RetentionPolicy& policy,
                                         Clock::time_point now) {
  if (!policy.keep_days && !policy.keep_last) return {};  // no rule: keep everything

  struct Dated {
    const BatchRecord* batch;
    std::optional<Clock::time_point> started;
  };
  std::vector<Dated> newest_first;
  newest_first.reserve(batches.size());
  for (const BatchRecord& batch : batches) newest_first.push_back({&batch, parse_iso8601_utc(batch.started_at)});
  // Newest first by start time (unparseable = oldest), then by id.
  std::sort(newest_first.begin(), newest_first.end(), [](const Dated& a, const Dated& b) {
    const auto a_time = a.started.value_or(Clock::time_point::min());
    const auto b_time = b.started.value_or(Clock::time_point::min());
    if (a_time != b_time) return a_time > b_time;
    return a.batch->id > b.batch->id;
  });

  std::set<std::int64_t> kept;
  if (policy.keep_days) {
    const auto cutoff = now - std::chrono::hours(24) * std::max(*policy.keep_days, 0);
    for (const Dated& dated : newest_first) {
      if (dated.started && *dated.started >= cutoff) kept.insert(dated.batch->id);
    }
  }
  if (policy.keep_last) {
    const auto count = static_cast<std::size_t>(std::max(*policy.keep_last, 0));
    for (std::size_t i = 0; i < std::min(count, newest_first.size()); ++i) kept.insert(newest_first[i].batch->id);
  }
  const auto newest_succeeded = std::find_if(newest_first.begin(), newest_first.end(), [](const Dated& dated) {
    return dated.batch->status == RunStatus::succeeded;
  });
  if (newest_succeeded != newest_first.end()) kept.insert(newest_succeeded->batch->id);

  std::vector<std::int64_t> pruned;
  for (const BatchRecord& batch : batches) {
    if (!kept.contains(batch.id)) pruned.push_back(batch.id);
  }
  std::sort(pruned.begin(), pruned.end());
  pruned.erase(std::unique(pruned.begin(), pruned.end()), pruned.end());
  return pruned;
}

RetentionOutcome apply_retention(Catalog& catalog, const std::string& batch_name, const fs::path& out_root,
                                 const RetentionPolicy& policy, std::int64_t current_batch_id,
                                 Clock::time_point now) {
  const fs::path root = normal_absolute(out_root);
  BatchQuery query;
  query.name = batch_name;
  query.limit = 0;
  std::vector<BatchRecord> candidates;
  // out_root is compared as a normalised path rather than as text, so "/a/b/" and "/a/b" are one root.
  // The current batch takes part in the plan (it is one of the keep_last newest) but is never pruned.
  for (BatchRecord& batch : catalog.batches(query)) {
    if (batch.out_root.empty() || normal_absolute(batch.out_root) != root) continue;
    if (batch.id != current_batch_id && batch.status == RunStatus::running && batch.process.alive()) continue;
    candidates.push_back(std::move(batch));
  }

  RetentionOutcome outcome;
  for (const std::int64_t id : retention_plan(candidates, policy, now)) {
    if (id == current_batch_id) continue;
    const auto record = std::find_if(candidates.begin(), candidates.end(),
                                     [id](const BatchRecord& batch) { return batch.id == id; });
    const BatchRecord& batch = *record;
    if (!batch.directory.empty()) {
      const fs::path directory = normal_absolute(batch.directory);
      std::error_code error;
      const bool exists = fs::exists(fs::symlink_status(directory, error));
      if (exists) {
        if (!strictly_inside(directory, root)) {
          outcome.problems.push_back(fmt::format("batch {} ({}): {} is not inside {}; left alone", batch.id,
                                                 batch.started_at, directory.string(), root.string()));
          continue;
        }
        if (!fs::is_directory(directory, error) || !is_districtcast_directory(directory)) {
          outcome.problems.push_back(fmt::format(
              "batch {} ({}): {} is not a districtcast batch directory (no batch.json); left alone", batch.id,
              batch.started_at, directory.string()));
          continue;
        }
        remove_batch_directory(directory, error);
        if (error) {
          outcome.problems.push_back(fmt::format("batch {} ({}): cannot remove {}: {}", batch.id, batch.started_at,
                                                 directory.string(), error.message()));
          continue;
        }
      }
    }
    try {
      catalog.delete_batch(batch.id);
    } catch (const CatalogError& error) {
      outcome.problems.emplace_back(error.what());
      continue;
    }
    outcome.pruned.push_back(batch);
  }
  return outcome;
}

}  // namespace districtcast

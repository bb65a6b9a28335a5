#pragma once
/// \file Retention of a nightly batch's history: which result directories and catalog rows to prune.
/// A pure decision (retention_plan) kept apart from the deleting (apply_retention) so it can be tested exactly.

#include "engine/catalog.hpp"
#include "engine/scenario_batch.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace districtcast {

/// Which batches to delete: the ids of `batches` (one batch name, any order, the running one excluded by
/// the caller) that `policy` does not keep at time `now`. started_at is ISO 8601 UTC
/// ("2026-11-29T02:00:00Z"); an unparseable one counts as infinitely old.
[[nodiscard]] std::vector<std::int64_t> retention_plan(const std::vector<BatchRecord>& batches,
                                                       const RetentionPolicy& policy,
                                                       std::chrono::system_clock::time_point now);

/// What apply_retention did.
struct RetentionOutcome {
  std::vector<BatchRecord> pruned;       ///< deleted from the catalog (and their directories removed)
  std::vector<std::string> problems;     ///< directories that could not be removed (rows kept for next time)
};

/// Prunes the batches named `batch_name` under `out_root` (BatchRecord::out_root) that `policy` does not
/// keep — `current_batch_id` counts among the newest attempts but is never pruned — removing each one's directory (only if it lies inside `out_root`, and
/// only when it is a directory districtcast wrote: holds batch.json, or is a hidden ".*.partial-*"
/// staging directory), then its catalog rows.
RetentionOutcome apply_retention(Catalog& catalog, const std::string& batch_name, const std::filesystem::path& out_root,
                                 const RetentionPolicy& policy, std::int64_t current_batch_id,
                                 std::chrono::system_clock::time_point now);

}  // namespace districtcast

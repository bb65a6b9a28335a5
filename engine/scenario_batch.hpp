#pragma once
/// \file Planning a batch: which scenarios (and sweep variants) to run, with which overrides. The items come
/// from the command line (files, directories, globs) or from one batch file (`kind: batch`, see
/// docs/scenario-format.md, "Batch files"). Running the plan is batch_runner's job.

#include "engine/diagnostic.hpp"
#include "engine/scenario.hpp"
#include "engine/scenario_compose.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace districtcast {

/// One scenario of a batch, resolved (or why it could not be).
struct BatchJob {
  std::string name;            ///< scenario or variant name (the `scenario` column of batch outputs), unique in the batch ("-2", ... on repeats)
  std::string directory_name;  ///< safe and unique within the batch ("-2", "-3" appended on clashes)
  std::string file;            ///< scenario file as found
  std::optional<Scenario> scenario;  ///< nullopt when invalid
  std::vector<Diagnostic> errors;    ///< why `scenario` is nullopt (empty when valid)
};

/// A batch file's `schedule: {at: "HH:MM"}`: when `districtcast schedule` runs it (local time, daily).
struct BatchSchedule {
  int hour = 2;    ///< 0..23
  int minute = 0;  ///< 0..59
  std::string at;  ///< as written, e.g. "02:00"
};

/// A batch file's `retention: {keep_days: D, keep_last: N}` (engine/retention.hpp applies it). A batch attempt
/// is kept when ANY rule keeps it: started within the last `keep_days` days, or among the `keep_last`
/// newest attempts. The newest succeeded attempt is always kept. With both absent nothing is pruned.
struct RetentionPolicy {
  std::optional<int> keep_days;  ///< >= 0
  std::optional<int> keep_last;  ///< >= 1
};

/// What a batch will run.
struct BatchPlan {
  std::string name;  ///< the batch file's name; for command-line items "batch", or the scenario's name when the only item is one scenario file
  std::optional<std::filesystem::path> out_root;     ///< the batch file's `out`, resolved
  std::optional<std::filesystem::path> catalog;      ///< the batch file's `catalog`, resolved (the run catalog to record in)
  std::string batch_file;                            ///< empty for command-line items
  std::vector<BatchJob> jobs;                        ///< in order; a failing job does not stop the others
  std::vector<Diagnostic> errors;                    ///< problems with the batch itself: nothing may run (jobs then empty)
  // Nightly operation (batch files only; docs/operations.md):
  std::optional<BatchSchedule> schedule;     ///< `schedule:`
  std::optional<RetentionPolicy> retention;  ///< `retention:`
  bool compare_with_previous = false;        ///< `compare_with: previous`
  std::vector<std::string> alerts;           ///< `alerts:` rules in the --fail-if language, validated
};

/// ITEMs from the command line: scenario files, directories, globs (expanded with glob(3), sorted), or exactly one batch file.
/// A directory stands for its *.yaml and *.yml files (sorted, not recursive); directories and globs skip
/// batch files. A scenario with a sweep gives one job per variant.
/// `overrides` (command line --set, then paths/seed flags as "paths=N") apply last, after the batch file's
/// paths/seed/set and the item's set. A directory or glob matching nothing, or a missing file, is a
/// batch-level error; an invalid scenario is a job with errors. Every job's provenance.overrides lists
/// the overrides applied to it ("key=value"), in order.
[[nodiscard]] BatchPlan plan_batch(const std::vector<std::string>& items, const std::vector<Override>& overrides);

/// True when `file` is YAML with top-level `kind: batch` (cheap check for the CLI). False for anything
/// unreadable or not YAML.
[[nodiscard]] bool is_batch_file(const std::filesystem::path& file);

}  // namespace districtcast

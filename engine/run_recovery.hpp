#pragma once
/// \file What a dead process left behind: catalog rows still `running` whose process is gone (SIGKILL, power
/// cut, OOM) become `interrupted`; a dead `run`'s hidden staging directory is removed and its row no longer
/// names a result directory that never appeared. A dead batch's staging directory is kept (--resume takes
/// its finished scenarios over; retention removes it later). Called by `run` and `batch` when they start.

#include "engine/catalog.hpp"

namespace districtcast {

/// Recovers `catalog` as described in the file comment; returns the rows marked interrupted.
Catalog::Recovered recover_dead_runs(Catalog& catalog);

/// True for a hidden staging directory of RunDirectory (".<name>.partial-<pid>").
[[nodiscard]] bool is_staging_directory_name(const std::string& name);

}  // namespace districtcast

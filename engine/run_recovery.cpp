#include "engine/run_recovery.hpp"

#include <filesystem>
#include <system_error>

namespace districtcast {

bool is_staging_directory_name(const std::string& name) {
  return name.size() > 1 && name.front() == '.' && name.find(".partial-") != std::string::npos;
}

Catalog::Recovered recover_dead_runs(Catalog& catalog) {
  namespace fs = std::filesystem;
  Catalog::Recovered recovered = catalog.recover_interrupted();
  for (RunRecord& r : recovered.runs) {
    std::error_code ec;
    if (!r.batch_id && is_staging_directory_name(fs::path(r.staging_directory).filename().string())) {
      fs::remove_all(r.staging_directory, ec);
    }
    // The result directory it was going to write never appeared (it is renamed into place only when complete).
    if (!r.directory.empty() && !fs::exists(r.directory, ec)) r.directory.clear();
    r.staging_directory.clear();
    catalog.finish_run(r);
  }
  return recovered;
}

}  // namespace districtcast

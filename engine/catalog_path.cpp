#include "engine/catalog.hpp"

#include <cstdlib>

namespace districtcast {

std::filesystem::path catalog_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("DISTRICTCAST_CATALOG"); env != nullptr && *env != '\0') return env;
  return std::filesystem::path("outputs") / "catalog.sqlite";
}

std::filesystem::path batch_catalog_path(const std::string& flag,
                                         const std::optional<std::filesystem::path>& batch_file_catalog) {
  if (flag.empty() && batch_file_catalog) return *batch_file_catalog;
  return catalog_path(flag);
}

}  // namespace districtcast

/// \file libFuzzer target: scenario loading and validation (tests/fuzz/README.md).
///
/// Contract under test: for ANY byte string, districtcast::load_scenario_text(text, "fuzz.yaml", "fuzz")
/// returns (no exception, no crash, no sanitizer report, no hang, bounded memory) and its LoadResult is
/// either a validated scenario with no errors or no scenario and at least one error, each error naming
/// "fuzz.yaml" or a file the text `extends`. The loader parses the YAML, follows `extends` (relative to
/// the current directory, which scripts/fuzz makes an empty scratch directory, so only absolute paths can
/// name a file), validates every key and rejects a `sweep`. The harness writes no files.

#include "engine/scenario_loader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const districtcast::LoadResult result = districtcast::load_scenario_text(text, "fuzz.yaml", "fuzz");
  // Exactly one of: a scenario, or errors.
  if (result.ok() == !result.errors.empty()) {
    std::fprintf(stderr, "contract violated: ok()=%d with %zu errors\n", result.ok() ? 1 : 0, result.errors.size());
    std::abort();
  }
  for (const auto& e : result.errors) {
    if (e.message.empty()) {
      std::fprintf(stderr, "contract violated: an error without a message (path '%s')\n", e.path.c_str());
      std::abort();
    }
    (void)e.to_string();  // the one-line form the CLI prints
  }
  return 0;
}

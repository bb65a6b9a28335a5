/// \file libFuzzer target: KEY=VALUE overrides and sweeps (tests/fuzz/README.md).
///
/// Input: zero or more override lines, a line "%%", then scenario YAML (without a "%%" line the whole input
/// is the scenario and there are no overrides). Each override line goes through districtcast::parse_override
/// (a rejected one must come with a non-empty problem); the accepted ones are applied, in order, to the
/// scenario by the same composition code `districtcast run --set`, batch files and load_scenario_set() use,
/// with sweeps allowed (at most kMaxSweepVariants variants).
/// Contract under test: no exception, crash, sanitizer report, hang or unbounded memory for ANY input;
/// every composed variant has a scenario or errors, never both. `extends` is relative to the current
/// directory (an empty scratch directory under scripts/fuzz). The harness writes no files.
///
/// (Test code: the one place outside engine/scenario*.cpp that includes scenario_compose_detail.hpp, because
/// the public load_scenario_set() only reads files and this harness must not write any.)

#include "engine/scenario_compose.hpp"
#include "engine/scenario_compose_detail.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

constexpr std::size_t kMaxOverrides = 16;

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "contract violated: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sd = districtcast::scenario_detail;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view yaml = input;
  sd::ComposeOptions options;
  if (const std::size_t sep = input.find("%%\n"); sep != std::string_view::npos && (sep == 0 || input[sep - 1] == '\n')) {
    std::string_view lines = input.substr(0, sep);
    yaml = input.substr(sep + 3);
    while (!lines.empty() && options.overrides.size() < kMaxOverrides) {
      const std::size_t nl = lines.find('\n');
      const std::string_view line = lines.substr(0, nl);
      lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
      std::string problem;
      if (auto o = districtcast::parse_override(line, problem)) {
        if (!problem.empty()) violated("parse_override accepted KEY=VALUE but set a problem");
        options.overrides.push_back(sd::OverrideSpec{*o, std::nullopt, std::nullopt});
      } else if (problem.empty()) {
        violated("parse_override rejected KEY=VALUE without saying why");
      }
    }
  }
  const sd::Composition c = sd::compose_text(yaml, "fuzz.yaml", "fuzz", options);
  if (!c.errors.empty() && !c.variants.empty()) violated("composition errors and variants at once");
  if (c.variants.size() > districtcast::kMaxSweepVariants) violated("more variants than kMaxSweepVariants");
  for (const auto& v : c.variants) {
    if (v.scenario.has_value() == !v.errors.empty()) violated("a variant with both (or neither) a scenario and errors");
    if (v.scenario) (void)districtcast::variant_directory_name(v.name);
  }
  for (const auto& e : c.errors) (void)e.to_string();
  return 0;
}

#pragma once
/// \file Composing scenarios: `extends` (a file deep-merged over its parent), KEY=VALUE overrides (`--set`,
/// batch files) and `sweep` (one scenario expanded into variants). See docs/scenario-format.md,
/// "Composition: extends, overrides and sweeps".

#include "engine/diagnostic.hpp"
#include "engine/scenario.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace districtcast {

/// Longest `extends` chain: a file and the files it extends, at most this many in all.
inline constexpr std::size_t kMaxExtendsDepth = 16;
/// Most variants one sweep may expand into (the product of the swept keys' value counts).
inline constexpr std::size_t kMaxSweepVariants = 1000;

/// One KEY=VALUE override; `origin` is how it is named in messages ("--set", "batch nightly.yaml").
/// KEY is a dot path (`districts.nanshan.growth.mean`); VALUE is YAML flow text (`0.06`, `[0.05, 0.1]`,
/// `{normal: [0.06, 0.01]}`); an empty VALUE removes the key (or list entry).
struct Override {
  std::string key;              ///< dot path, e.g. "districts.nanshan.growth.mean"
  std::string value;            ///< YAML flow text, e.g. "0.06"
  std::string origin = "--set";  ///< names the override in messages: "<origin> <key>=<value>"
};

/// Parses "KEY=VALUE" (first '=' splits); nullopt + `problem` set when malformed: no '=', an empty KEY or
/// an empty segment in it (`a..b`), white space in KEY, or a KEY that cannot be overridden (`extends`,
/// `sweep...`, `kind`). The returned origin is "--set".
[[nodiscard]] std::optional<Override> parse_override(std::string_view text, std::string& problem);

/// A scenario file resolved: one scenario, or each variant of its sweep (in sweep order).
struct ScenarioSet {
  /// Every variant in sweep order (the first swept key outermost), or the one scenario; empty when any
  /// error was found (all or nothing).
  std::vector<Scenario> scenarios;
  /// Every problem found, identical diagnostics (the same bad value in several variants) listed once.
  std::vector<Diagnostic> errors;
  /// Number of variants the file's sweep declares (even when some are invalid); 0 without a sweep.
  std::size_t variant_count = 0;
  /// Number of variants of the sweep; 0 without sweep.
  [[nodiscard]] std::size_t sweep_size() const { return variant_count; }
  /// True when there is at least one scenario and no error.
  [[nodiscard]] bool ok() const { return errors.empty() && !scenarios.empty(); }
};

/// Reads `file`, follows extends, applies `overrides` in order, validates, expands the sweep.
/// Never throws for bad input: every problem is a Diagnostic naming the file it was written in (an
/// inherited value: the parent file, with its line:column; an override value: "--set KEY=VALUE").
/// Each scenario's `provenance` records the files, the overrides ("key=value") and the sweep point.
[[nodiscard]] ScenarioSet load_scenario_set(const std::filesystem::path& file, const std::vector<Override>& overrides);

/// A safe directory name for a (variant) scenario name: `trillion_club[nanshan.growth.mean=0.06]` becomes
/// `trillion_club@nanshan.growth.mean=0.06`: '[' and ',' become '@', ']' is dropped and every other
/// character outside [A-Za-z0-9_.=@-] becomes '_' (and '_' is put before a leading '.' or '-'). Names
/// longer than 200 bytes are cut to 183 and end with '-' and 16 hex digits of the SHA-256 of the whole
/// name, so they stay distinct.
[[nodiscard]] std::string variant_directory_name(const std::string& variant_name);

/// The seed of a variant with `seeds: distinct`: the first 8 bytes (big-endian) of
/// SHA-256("<seed>:<variant_name>"), `seed` in decimal.
[[nodiscard]] std::uint64_t distinct_variant_seed(std::uint64_t seed, const std::string& variant_name);

}  // namespace districtcast

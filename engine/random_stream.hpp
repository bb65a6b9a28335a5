#pragma once
/// \file Counter-based random streams: every draw is a pure function of (seed, path, scope, variable, year).

// philox.h defines the feature macros MicroURNG.hpp needs: keep this order.
#include <Random123/philox.h>
// clang-format off
#include <Random123/MicroURNG.hpp>
// clang-format on

#include <cstdint>
#include <string_view>

namespace districtcast {

/// What a stream is drawn for. Values are part of the counter: never renumber, only append.
enum class Variable : std::uint16_t {
  national_growth = 1,  ///< national growth innovations eta_t
  inflation = 2,        ///< inflation innovations
  district_shock = 3,   ///< district growth innovations (before correlation)
  firm_births = 4,      ///< firm births in a year
  firm_exits = 5,       ///< cohort exits in a year
  parameter = 6,        ///< an uncertain model parameter, drawn once per path (year 0)
  regime = 7,           ///< the uniform that moves a regime chain into year t (t = 0: initial regime)
  jump_count = 8,       ///< number of growth jumps in a year
  jump_size = 9,        ///< sizes of the jumps of a year
  scheduled_shock = 10, ///< whether a scheduled shock fires (year 0)
};

/// Scope id of national (non-district) variables.
inline constexpr std::uint32_t kNationalScope = 0xFFFFFFFFu;

/// Scope id of a district: 32-bit FNV-1a hash of its id string, so a district's draws depend on its id,
/// never on its position in the file (adding a district leaves every other district's draws unchanged).
/// The scenario loader rejects ids whose scopes collide with each other or with kNationalScope.
[[nodiscard]] constexpr std::uint32_t district_scope(std::string_view id) noexcept {
  std::uint32_t h = 2166136261u;
  for (char c : id) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

/// Scope id of a named item (a sector "district.sector", a scheduled shock, an uncertain parameter): the
/// same FNV-1a hash, so its draws depend on its name only.
[[nodiscard]] constexpr std::uint32_t name_scope(std::string_view name) noexcept { return district_scope(name); }

/// Philox4x32-10 (Random123) as a C++ uniform random bit generator (32-bit words), usable with
/// Boost.Random distributions. A stream yields up to 2^32 blocks of four words.
using RandomStream = r123::MicroURNG<r123::Philox4x32>;

/// Largest number of paths a run may have: the path index is one 32-bit counter word.
inline constexpr std::uint64_t kMaxPaths = 0xFFFFFFFFull;

/// The streams of one Monte Carlo path. Key = seed (64 bits); counter = {path, scope, variable<<16 | year,
/// draw} where the last word is the MicroURNG's own draw counter.
class PathStreams {
public:
  /// Precondition: path < kMaxPaths, year < 65536.
  PathStreams(std::uint64_t seed, std::uint64_t path) noexcept
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        path_(static_cast<std::uint32_t>(path)) {}

  /// A fresh stream for (scope, variable, year); the same arguments always give the same sequence.
  [[nodiscard]] RandomStream stream(std::uint32_t scope, Variable variable, std::uint32_t year) const {
    const r123::Philox4x32::ctr_type counter{
        {path_, scope, (static_cast<std::uint32_t>(variable) << 16) | (year & 0xFFFFu), 0u}};
    return RandomStream(counter, key_);
  }

  [[nodiscard]] std::uint32_t path() const noexcept { return path_; }

private:
  r123::Philox4x32::ukey_type key_;
  std::uint32_t path_;
};

}  // namespace districtcast

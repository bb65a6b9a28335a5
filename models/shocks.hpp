#pragma once
/// \file Unit-variance innovation distributions (normal or Student-t) shared by all growth processes.

#include "engine/random_stream.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace districtcast::models {

/// Which distribution an innovation is drawn from.
enum class ShockKind { normal, student_t };

/// An innovation distribution with mean 0 and variance 1.
struct ShockSpec {
  ShockKind kind = ShockKind::normal;
  /// Degrees of freedom of the Student-t (must be > 2 so that the variance exists); unused for normal.
  double dof = 5.0;
};

/// Name used in scenario files ("normal", "student_t").
[[nodiscard]] std::string_view to_string(ShockKind kind) noexcept;

/// Innovations with mean 0 and variance 1 of one stream (scope, variable, year) for the paths
/// first_path, first_path + 1, ...: out[i] belongs to path first_path + i. Normal: draw_normals() (batched
/// Philox + inversion). Student-t: Boost.Random's student_t_distribution on the path's RandomStream, scaled
/// by sqrt((dof - 2) / dof). A pure function of (seed, path, scope, variable, year): a path's value never
/// depends on the batch it is drawn in. Preconditions as draw_normals().
void draw_shocks(const ShockSpec& spec, std::uint64_t seed, std::uint32_t first_path, std::uint32_t scope,
                 Variable variable, std::uint32_t year, std::span<double> out);

/// The innovation draw_shocks() gives path `path` (one value; tests and small callers).
[[nodiscard]] double draw_shock(const ShockSpec& spec, std::uint64_t seed, std::uint32_t path, std::uint32_t scope,
                                Variable variable, std::uint32_t year);

}  // namespace districtcast::models

#pragma once
/// \file Unit-variance innovation distributions (normal or Student-t) shared by all growth processes.

#include "engine/random_stream.hpp"

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

/// Draws one innovation with mean 0 and variance 1: a standard normal, or a Student-t(dof) scaled by
/// sqrt((dof - 2) / dof). Pure function of the stream's state.
[[nodiscard]] double draw_shock(const ShockSpec& spec, RandomStream& stream);

}  // namespace districtcast::models

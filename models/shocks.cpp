#include "models/shocks.hpp"

#include "engine/normal_variates.hpp"

#include <boost/random/student_t_distribution.hpp>

#include <cmath>

namespace districtcast::models {

std::string_view to_string(ShockKind kind) noexcept {
  return kind == ShockKind::normal ? "normal" : "student_t";
}

void draw_shocks(const ShockSpec& spec, std::uint64_t seed, std::uint32_t first_path, std::uint32_t scope,
                 Variable variable, std::uint32_t year, std::span<double> out) {
  if (spec.kind == ShockKind::normal) {
    draw_normals(seed, first_path, scope, variable, year, out);
    return;
  }
  const double scale = std::sqrt((spec.dof - 2.0) / spec.dof);
  for (std::size_t i = 0; i < out.size(); ++i) {
    RandomStream stream = PathStreams(seed, first_path + i).stream(scope, variable, year);
    boost::random::student_t_distribution<double> student(spec.dof);
    out[i] = student(stream) * scale;
  }
}

double draw_shock(const ShockSpec& spec, std::uint64_t seed, std::uint32_t path, std::uint32_t scope,
                  Variable variable, std::uint32_t year) {
  double value = 0.0;
  draw_shocks(spec, seed, path, scope, variable, year, std::span<double>(&value, 1));
  return value;
}

}  // namespace districtcast::models

#include "models/shocks.hpp"

#include <boost/random/normal_distribution.hpp>
#include <boost/random/student_t_distribution.hpp>

#include <cmath>

namespace districtcast::models {

std::string_view to_string(ShockKind kind) noexcept {
  return kind == ShockKind::normal ? "normal" : "student_t";
}

double draw_shock(const ShockSpec& spec, RandomStream& stream) {
  if (spec.kind == ShockKind::normal) {
    boost::random::normal_distribution<double> normal;
    return normal(stream);
  }
  boost::random::student_t_distribution<double> student(spec.dof);
  return student(stream) * std::sqrt((spec.dof - 2.0) / spec.dof);
}

}  // namespace districtcast::models

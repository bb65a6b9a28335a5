#include "engine/correlation.hpp"

#include <fmt/format.h>

#include <cmath>

namespace districtcast {

SquareMatrix SquareMatrix::identity(std::size_t n) {
  SquareMatrix m{n, std::vector<double>(n * n, 0.0)};
  for (std::size_t i = 0; i < n; ++i) m.at(i, i) = 1.0;
  return m;
}

SquareMatrix correlation_matrix(std::size_t n, const std::vector<CorrelationEntry>& entries) {
  SquareMatrix m = SquareMatrix::identity(n);
  for (const auto& e : entries) {
    m.at(e.a, e.b) = e.rho;
    m.at(e.b, e.a) = e.rho;
  }
  return m;
}

CholeskyResult cholesky_semidefinite(const SquareMatrix& a, double tolerance) {
  const std::size_t n = a.n;
  SquareMatrix l{n, std::vector<double>(n * n, 0.0)};
  for (std::size_t j = 0; j < n; ++j) {
    double pivot = a.at(j, j);
    for (std::size_t k = 0; k < j; ++k) pivot -= l.at(j, k) * l.at(j, k);
    if (pivot < -tolerance) {
      return {std::nullopt, fmt::format("not positive semi-definite (negative pivot {:.3g} at row {})", pivot, j + 1), j};
    }
    if (pivot <= tolerance) {
      // Zero pivot: row j is a linear combination of earlier rows; the rest of the column must vanish.
      for (std::size_t i = j + 1; i < n; ++i) {
        double residual = a.at(i, j);
        for (std::size_t k = 0; k < j; ++k) residual -= l.at(i, k) * l.at(j, k);
        if (std::abs(residual) > 1e-8) {
          return {std::nullopt, fmt::format("not positive semi-definite (rows {} and {} are inconsistent)", j + 1, i + 1), j};
        }
      }
      continue;
    }
    const double diagonal = std::sqrt(pivot);
    l.at(j, j) = diagonal;
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a.at(i, j);
      for (std::size_t k = 0; k < j; ++k) s -= l.at(i, k) * l.at(j, k);
      l.at(i, j) = s / diagonal;
    }
  }
  return {std::move(l), {}, 0};
}

}  // namespace districtcast

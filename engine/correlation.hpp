#pragma once
/// \file Correlation matrices: assembly from pairs and a Cholesky factor that accepts semi-definite input.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace districtcast {

/// A dense symmetric n x n matrix in row-major order.
struct SquareMatrix {
  std::size_t n = 0;
  std::vector<double> values;  ///< size n * n
  [[nodiscard]] double& at(std::size_t i, std::size_t j) { return values[i * n + j]; }
  [[nodiscard]] double at(std::size_t i, std::size_t j) const { return values[i * n + j]; }
  /// The n x n identity.
  [[nodiscard]] static SquareMatrix identity(std::size_t n);
};

/// One off-diagonal entry: districts a and b (indices) correlate with rho.
struct CorrelationEntry {
  std::size_t a = 0;
  std::size_t b = 0;
  double rho = 0.0;
};

/// The n x n correlation matrix: 1 on the diagonal, rho at (a, b) and (b, a) for each entry, 0 elsewhere.
/// Precondition: indices < n.
[[nodiscard]] SquareMatrix correlation_matrix(std::size_t n, const std::vector<CorrelationEntry>& entries);

/// Result of factorising a correlation matrix.
struct CholeskyResult {
  std::optional<SquareMatrix> lower;  ///< L with L L^T = A (lower triangular), when A is PSD
  std::string problem;                ///< why not, e.g. "not positive semi-definite at row 3"
  std::size_t failed_row = 0;         ///< row where factorisation failed (when lower is empty)
};

/// Cholesky factor of a symmetric positive semi-definite matrix. A pivot below -tolerance, or a zero pivot
/// whose column below it is not zero within tolerance, means the matrix is not PSD.
[[nodiscard]] CholeskyResult cholesky_semidefinite(const SquareMatrix& a, double tolerance = 1e-10);

}  // namespace districtcast

/// \file Unit tests for SquareMatrix and cholesky_semidefinite.
#include "engine/correlation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <string>

namespace districtcast {
namespace {

SquareMatrix matrix(std::size_t n, std::initializer_list<double> values) {
  SquareMatrix m{n, values};
  EXPECT_EQ(m.values.size(), n * n);
  return m;
}

/// Every entry above the diagonal of `l` is exactly zero.
void expect_lower_triangular(const SquareMatrix& l) {
  for (std::size_t i = 0; i < l.n; ++i) {
    for (std::size_t j = i + 1; j < l.n; ++j) EXPECT_EQ(l.at(i, j), 0.0) << "(" << i << ", " << j << ")";
  }
}

/// L L^T equals `a` within `tolerance` in every entry.
void expect_reproduces(const SquareMatrix& l, const SquareMatrix& a, double tolerance) {
  ASSERT_EQ(l.n, a.n);
  ASSERT_EQ(l.values.size(), a.n * a.n);
  for (std::size_t i = 0; i < a.n; ++i) {
    for (std::size_t j = 0; j < a.n; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k < a.n; ++k) s += l.at(i, k) * l.at(j, k);
      EXPECT_NEAR(s, a.at(i, j), tolerance) << "(" << i << ", " << j << ")";
    }
  }
}

TEST(SquareMatrix, Identity) {
  const SquareMatrix id = SquareMatrix::identity(3);
  ASSERT_EQ(id.n, 3U);
  ASSERT_EQ(id.values.size(), 9U);
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) EXPECT_EQ(id.at(i, j), i == j ? 1.0 : 0.0);
  }
}

TEST(Cholesky, IdentityGivesIdentity) {
  for (std::size_t n : {1U, 2U, 5U}) {
    const SquareMatrix id = SquareMatrix::identity(n);
    const CholeskyResult r = cholesky_semidefinite(id);
    ASSERT_TRUE(r.lower.has_value()) << r.problem;
    EXPECT_TRUE(r.problem.empty());
    EXPECT_EQ(r.lower->n, n);
    EXPECT_EQ(r.lower->values, id.values);
  }
}

TEST(Cholesky, EmptyMatrix) {
  const CholeskyResult r = cholesky_semidefinite(SquareMatrix{0, {}});
  ASSERT_TRUE(r.lower.has_value());
  EXPECT_EQ(r.lower->n, 0U);
}

TEST(Cholesky, KnownTwoByTwo) {
  const SquareMatrix a = matrix(2, {1.0, 0.5, 0.5, 1.0});
  const CholeskyResult r = cholesky_semidefinite(a);
  ASSERT_TRUE(r.lower.has_value()) << r.problem;
  const SquareMatrix& l = *r.lower;
  EXPECT_NEAR(l.at(0, 0), 1.0, 1e-15);
  EXPECT_NEAR(l.at(1, 0), 0.5, 1e-15);
  EXPECT_NEAR(l.at(1, 1), std::sqrt(0.75), 1e-15);
  expect_lower_triangular(l);
  expect_reproduces(l, a, 1e-12);
}

TEST(Cholesky, KnownThreeByThree) {
  // The textbook example: L = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]].
  const SquareMatrix a = matrix(3, {4, 12, -16, 12, 37, -43, -16, -43, 98});
  const CholeskyResult r = cholesky_semidefinite(a);
  ASSERT_TRUE(r.lower.has_value()) << r.problem;
  const SquareMatrix& l = *r.lower;
  const double expected[3][3] = {{2, 0, 0}, {6, 1, 0}, {-8, 5, 3}};
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) EXPECT_NEAR(l.at(i, j), expected[i][j], 1e-12) << i << "," << j;
  }
  expect_lower_triangular(l);
  expect_reproduces(l, a, 1e-12);
}

TEST(Cholesky, CorrelationMatrixThreeByThree) {
  const SquareMatrix a = matrix(3, {1.0, 0.6, 0.3, 0.6, 1.0, 0.5, 0.3, 0.5, 1.0});
  const CholeskyResult r = cholesky_semidefinite(a);
  ASSERT_TRUE(r.lower.has_value()) << r.problem;
  for (std::size_t i = 0; i < 3; ++i) EXPECT_GT(r.lower->at(i, i), 0.0);
  expect_lower_triangular(*r.lower);
  expect_reproduces(*r.lower, a, 1e-12);
}

TEST(Cholesky, SingularPerfectCorrelationSucceeds) {
  // Districts 1 and 2 move together (rho = 1): PSD but singular.
  const SquareMatrix a = matrix(3, {1.0, 1.0, 0.5, 1.0, 1.0, 0.5, 0.5, 0.5, 1.0});
  const CholeskyResult r = cholesky_semidefinite(a);
  ASSERT_TRUE(r.lower.has_value()) << r.problem;
  EXPECT_TRUE(r.problem.empty());
  EXPECT_EQ(r.lower->at(1, 1), 0.0);  // the zero pivot's column is left zero
  expect_lower_triangular(*r.lower);
  expect_reproduces(*r.lower, a, 1e-12);
}

TEST(Cholesky, SingularPerfectNegativeCorrelationSucceeds) {
  const SquareMatrix a = matrix(2, {1.0, -1.0, -1.0, 1.0});
  const CholeskyResult r = cholesky_semidefinite(a);
  ASSERT_TRUE(r.lower.has_value()) << r.problem;
  expect_reproduces(*r.lower, a, 1e-12);
}

TEST(Cholesky, IndefiniteMatrixFails) {
  // 1 moves with 2 and with 3, yet 2 and 3 move against each other: each pair is a valid correlation,
  // the three together are not.
  const SquareMatrix a = matrix(3, {1.0, 0.9, 0.9, 0.9, 1.0, -0.9, 0.9, -0.9, 1.0});
  const CholeskyResult r = cholesky_semidefinite(a);
  EXPECT_FALSE(r.lower.has_value());
  EXPECT_NE(r.problem.find("not positive semi-definite"), std::string::npos) << r.problem;
  EXPECT_NE(r.problem.find("row 3"), std::string::npos) << r.problem;  // 1-based in the text
  EXPECT_EQ(r.failed_row, 2U);                                          // 0-based index
}

TEST(Cholesky, InconsistentZeroPivotFails) {
  // rho12 = 1 forces rho13 == rho23; here they differ (0 and 0.5), so no correlation matrix exists.
  const SquareMatrix a = matrix(3, {1.0, 1.0, 0.0, 1.0, 1.0, 0.5, 0.0, 0.5, 1.0});
  const CholeskyResult r = cholesky_semidefinite(a);
  EXPECT_FALSE(r.lower.has_value());
  EXPECT_NE(r.problem.find("not positive semi-definite"), std::string::npos) << r.problem;
  EXPECT_NE(r.problem.find("rows 2 and 3"), std::string::npos) << r.problem;
  EXPECT_EQ(r.failed_row, 1U);
}

TEST(Cholesky, NegativeDiagonalFailsAtFirstRow) {
  const SquareMatrix a = matrix(2, {-1.0, 0.0, 0.0, 1.0});
  const CholeskyResult r = cholesky_semidefinite(a);
  EXPECT_FALSE(r.lower.has_value());
  EXPECT_NE(r.problem.find("row 1"), std::string::npos) << r.problem;
  EXPECT_EQ(r.failed_row, 0U);
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(CorrelationMatrix, BuildsTheSymmetricMatrixFromEntries) {
  const SquareMatrix m = correlation_matrix(3, {{0, 2, 0.5}, {2, 1, -0.25}});
  EXPECT_EQ(m.values, (std::vector<double>{1, 0, 0.5, 0, 1, -0.25, 0.5, -0.25, 1}));
}

}  // namespace
}  // namespace districtcast

/// \file KS and Wasserstein-1 distances between histograms against closed forms, and the histogram density.

#include "engine/distribution_distance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace districtcast {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Equal-width inner bins from `low` with the given probabilities, plus empty open tails.
std::vector<HistogramBin> bins_from(double low, double width, const std::vector<double>& probabilities,
                                    double lower_tail = 0.0, double upper_tail = 0.0) {
  std::vector<HistogramBin> bins{{-kInf, low, lower_tail}};
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double lower = low + width * static_cast<double>(i);
    bins.push_back({lower, lower + width, probabilities[i]});
  }
  bins.push_back({low + width * static_cast<double>(probabilities.size()), kInf, upper_tail});
  return bins;
}

DistributionDistance distance(const std::vector<HistogramBin>& a, const std::vector<HistogramBin>& b) {
  std::string problem;
  const auto d = histogram_distance(a, b, problem);
  EXPECT_TRUE(d.has_value()) << problem;
  return d.value_or(DistributionDistance{-1.0, -1.0});
}

TEST(DistributionDistance, IdenticalHistogramsAreAtDistanceZero) {
  const auto a = bins_from(800, 100, {0.04, 0.45, 0.45, 0.04}, 0.01, 0.01);
  const DistributionDistance d = distance(a, a);
  EXPECT_EQ(d.ks, 0.0);
  EXPECT_EQ(d.w1, 0.0);
}

TEST(DistributionDistance, UniformShiftedByCHasW1EqualToC) {
  // Uniform on [0, 2] (two bins) against uniform on [c, 2 + c]: W1 = c, KS = c / 2 (density 1/2).
  for (double c : {0.3, 1.0, 1.7, 5.0}) {
    const auto a = bins_from(0.0, 1.0, {0.5, 0.5});
    const auto b = bins_from(c, 1.0, {0.5, 0.5});
    const DistributionDistance d = distance(a, b);
    EXPECT_NEAR(d.w1, c, 1e-12) << c;
    EXPECT_NEAR(d.ks, std::min(c / 2.0, 1.0), 1e-12) << c;
    // Symmetric.
    const DistributionDistance back = distance(b, a);
    EXPECT_NEAR(back.w1, d.w1, 1e-12);
    EXPECT_NEAR(back.ks, d.ks, 1e-12);
  }
}

TEST(DistributionDistance, ShiftedHistogramWithTailsMovesTailsToo) {
  // Every bin and both tail point masses move by 10: W1 = 10; KS = 0.45 * 10 / 100 in the dense bins.
  const auto a = bins_from(800, 100, {0.04, 0.45, 0.45, 0.04}, 0.01, 0.01);
  const auto b = bins_from(810, 100, {0.04, 0.45, 0.45, 0.04}, 0.01, 0.01);
  const DistributionDistance d = distance(a, b);
  EXPECT_NEAR(d.w1, 10.0, 1e-9);
  EXPECT_NEAR(d.ks, 0.045, 1e-12);
}

TEST(DistributionDistance, DisjointSupportsHaveKsOne) {
  const DistributionDistance d = distance(bins_from(0.0, 1.0, {1.0}), bins_from(2.0, 1.0, {1.0}));
  EXPECT_EQ(d.ks, 1.0);
  EXPECT_NEAR(d.w1, 2.0, 1e-12);  // uniform [0,1] vs uniform [2,3]: the means are 2 apart
}

TEST(DistributionDistance, HandComputedTailsAndSignChange) {
  // A: uniform on [0, 1], F_A(x) = x. B: 0.2 in the lower tail (a point mass at 0), 0.6 uniform on [0, 1],
  // 0.2 in the upper tail (at 1): F_B(x) = 0.2 + 0.6 x on [0, 1). F_A - F_B = 0.4 x - 0.2 changes sign at 0.5.
  // KS = max(|0 - 0.2| at 0, |0.4 - 0.2| at 1-) = 0.2; W1 = two triangles 0.5 * 0.5 * 0.2 = 0.1.
  const DistributionDistance d = distance(bins_from(0.0, 1.0, {1.0}), bins_from(0.0, 1.0, {0.6}, 0.2, 0.2));
  EXPECT_NEAR(d.ks, 0.2, 1e-12);
  EXPECT_NEAR(d.w1, 0.1, 1e-12);
}

TEST(DistributionDistance, ZeroWidthBinsArePointMasses) {
  const std::vector<HistogramBin> a{{-kInf, 500, 0}, {500, 500, 1}, {500, kInf, 0}};
  const std::vector<HistogramBin> b{{-kInf, 501, 0}, {501, 501, 1}, {501, kInf, 0}};
  const DistributionDistance d = distance(a, b);
  EXPECT_EQ(d.ks, 1.0);
  EXPECT_NEAR(d.w1, 1.0, 1e-12);
  // A point mass at 0.5 against uniform [0, 1]: KS = 0.5, W1 = 2 * (0.5 * 0.5 * 0.5) = 0.25.
  const std::vector<HistogramBin> point{{0.5, 0.5, 1.0}};
  const DistributionDistance e = distance(point, bins_from(0.0, 1.0, {1.0}));
  EXPECT_NEAR(e.ks, 0.5, 1e-12);
  EXPECT_NEAR(e.w1, 0.25, 1e-12);
}

TEST(DistributionDistance, BinOrderAndScaleDoNotMatter) {
  auto a = bins_from(0.0, 1.0, {0.25, 0.5, 0.25});
  std::vector<HistogramBin> reversed(a.rbegin(), a.rend());
  for (auto& bin : reversed) bin.probability *= 4.0;  // normalised by the total
  const auto b = bins_from(0.5, 1.0, {0.25, 0.5, 0.25});
  const DistributionDistance d1 = distance(a, b), d2 = distance(reversed, b);
  EXPECT_NEAR(d1.ks, d2.ks, 1e-15);
  EXPECT_NEAR(d1.w1, d2.w1, 1e-15);
  EXPECT_NEAR(d1.w1, 0.5, 1e-12);
}

TEST(PiecewiseLinearCdf, TailsArePointMassesAtTheInnerEdges) {
  std::string problem;
  const auto cdf =
      PiecewiseLinearCdf::from_histogram(bins_from(800, 100, {0.04, 0.45, 0.45, 0.04}, 0.01, 0.01), problem);
  ASSERT_TRUE(cdf) << problem;
  EXPECT_EQ(cdf->value(799.9), 0.0);
  EXPECT_EQ(cdf->left_limit(800), 0.0);
  EXPECT_NEAR(cdf->value(800), 0.01, 1e-15);
  EXPECT_NEAR(cdf->value(850), 0.03, 1e-15);
  EXPECT_NEAR(cdf->value(1000), 0.5, 1e-15);
  EXPECT_NEAR(cdf->left_limit(1200), 0.99, 1e-15);
  EXPECT_EQ(cdf->value(1200), 1.0);
  EXPECT_EQ(cdf->value(1e9), 1.0);
  ASSERT_EQ(cdf->knots().size(), 5u);  // 800, 900, 1000, 1100, 1200
}

TEST(PiecewiseLinearCdf, RejectsWhatIsNotADistribution) {
  const auto problem_of = [](std::vector<HistogramBin> bins) {
    std::string problem;
    EXPECT_FALSE(PiecewiseLinearCdf::from_histogram(bins, problem).has_value());
    return problem;
  };
  EXPECT_EQ(problem_of({}), "no bins");
  EXPECT_EQ(problem_of({{0, 1, 0.0}, {1, 2, 0.0}}), "the bins hold no probability");
  EXPECT_EQ(problem_of({{0, 1, -0.5}, {1, 2, 1.5}}), "bin [0, 1) has probability -0.5");
  EXPECT_EQ(problem_of({{0, 1, std::nan("")}}), "bin [0, 1) has probability nan");
  EXPECT_EQ(problem_of({{0, 2, 0.5}, {1, 3, 0.5}}), "bins [0, 2) and [1, 3) overlap");
  EXPECT_EQ(problem_of({{-kInf, kInf, 1.0}}), "bin [-inf, inf) has invalid bounds");
  EXPECT_EQ(problem_of({{2, 1, 1.0}}), "bin [2, 1) has invalid bounds");
  std::string problem;
  EXPECT_FALSE(histogram_distance(bins_from(0, 1, {1.0}), std::vector<HistogramBin>{}, problem));
  EXPECT_EQ(problem, "histogram B: no bins");
}

TEST(HistogramDensity, IsTheBinDensityAtItsCentre) {
  const auto bins = bins_from(800, 100, {0.04, 0.45, 0.45, 0.04}, 0.01, 0.01);
  EXPECT_NEAR(histogram_density(bins, 850).value(), 0.0004, 1e-15);
  EXPECT_NEAR(histogram_density(bins, 950).value(), 0.0045, 1e-15);
  // At an edge the window (x - w/2, x + w/2) straddles two bins: (0.04 / 2 + 0.45 / 2) / 100.
  EXPECT_NEAR(histogram_density(bins, 900).value(), 0.00245, 1e-15);
  // The highest inner bin holds its upper edge; the tail's point mass at 1200 is not in the open window.
  EXPECT_NEAR(histogram_density(bins, 1200).value(), 0.04 / 2 / 100, 1e-15);
  // A wider minimum window averages more bins: half of [900, 1000), [1000, 1100) and half of [1100, 1200).
  EXPECT_NEAR(histogram_density(bins, 1050, 100).value(), (0.45 / 2 + 0.45 + 0.04 / 2) / 200, 1e-15);
}

TEST(HistogramDensity, IsUndefinedInTailsEmptyOrZeroWidthBins) {
  const auto bins = bins_from(800, 100, {0.04, 0.0, 0.0, 0.04}, 0.46, 0.46);
  EXPECT_FALSE(histogram_density(bins, 700).has_value());    // lower tail
  EXPECT_FALSE(histogram_density(bins, 1300).has_value());   // upper tail
  EXPECT_FALSE(histogram_density(bins, 1000).has_value());   // empty window
  EXPECT_FALSE(histogram_density(bins, std::nan("")).has_value());
  const std::vector<HistogramBin> point{{-kInf, 5, 0}, {5, 5, 1}, {5, kInf, 0}};
  EXPECT_FALSE(histogram_density(point, 5).has_value());
  EXPECT_FALSE(histogram_density(std::vector<HistogramBin>{}, 5).has_value());
}

}  // namespace
}  // namespace districtcast

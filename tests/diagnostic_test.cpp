/// \file Unit tests for Diagnostic::to_string, edit_distance and closest_match ("did you mean").
#include "engine/diagnostic.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace districtcast {
namespace {

TEST(Diagnostic, ToStringWithEveryPart) {
  const Diagnostic d{"scenarios/a.yaml", "districts[2].growth.volatility", "must be >= 0 (got -0.1)", 14, 19};
  EXPECT_EQ(d.to_string(), "scenarios/a.yaml: districts[2].growth.volatility: must be >= 0 (got -0.1) (line 14, col 19)");
}

TEST(Diagnostic, ToStringOmitsEmptyFile) {
  const Diagnostic d{"", "horizon", "missing required key", 1, 1};
  EXPECT_EQ(d.to_string(), "horizon: missing required key (line 1, col 1)");
}

TEST(Diagnostic, ToStringOmitsEmptyPath) {
  const Diagnostic d{"a.yaml", "", "not valid YAML: end of map not found", 3, 7};
  EXPECT_EQ(d.to_string(), "a.yaml: not valid YAML: end of map not found (line 3, col 7)");
}

TEST(Diagnostic, ToStringOmitsZeroLine) {
  const Diagnostic d{"a.yaml", "seed", "bad", 0, 0};
  EXPECT_EQ(d.to_string(), "a.yaml: seed: bad");
  // A column without a line is meaningless and is not printed either.
  const Diagnostic column_only{"a.yaml", "", "no such file", 0, 5};
  EXPECT_EQ(column_only.to_string(), "a.yaml: no such file");
}

TEST(Diagnostic, ToStringMessageOnly) {
  const Diagnostic d{"", "", "the file is empty", 0, 0};
  EXPECT_EQ(d.to_string(), "the file is empty");
}

TEST(EditDistance, KnownValues) {
  EXPECT_EQ(edit_distance("", ""), 0U);
  EXPECT_EQ(edit_distance("abc", "abc"), 0U);
  EXPECT_EQ(edit_distance("", "abc"), 3U);
  EXPECT_EQ(edit_distance("abc", ""), 3U);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2U);
  EXPECT_EQ(edit_distance("volatilty", "volatility"), 1U);  // one deletion
  EXPECT_EQ(edit_distance("horizn", "horizon"), 1U);
  EXPECT_EQ(edit_distance("seed", "sede"), 1U);  // an adjacent transposition is one edit (OSA distance)
  EXPECT_EQ(edit_distance("rnu", "run"), 1U);
  EXPECT_EQ(edit_distance("ca", "abc"), 3U);     // OSA (not full Damerau): no edits of a transposed pair
  EXPECT_EQ(edit_distance("abc", "xyz"), 3U);    // substitutions
  EXPECT_EQ(edit_distance("gdp", "gdp_growth"), 7U);
}

TEST(EditDistance, Symmetric) {
  const std::vector<std::string> words{"", "a", "mean", "volatility", "persistence", "national_beta", "ar1"};
  for (const auto& a : words) {
    for (const auto& b : words) EXPECT_EQ(edit_distance(a, b), edit_distance(b, a)) << a << " / " << b;
  }
}

const std::vector<std::string> kGrowthKeys{"model", "mean", "volatility", "persistence", "initial", "national_beta",
                                           "shocks", "dof"};

TEST(ClosestMatch, SuggestsVolatilityForTypo) {
  EXPECT_EQ(closest_match("volatilty", kGrowthKeys), "volatility");
  EXPECT_EQ(closest_match("volatiltiy", kGrowthKeys), "volatility");
  EXPECT_EQ(closest_match("persistance", kGrowthKeys), "persistence");
  EXPECT_EQ(closest_match("shock", kGrowthKeys), "shocks");
}

TEST(ClosestMatch, NothingForUnrelatedWords) {
  EXPECT_EQ(closest_match("banana", kGrowthKeys), "");
  EXPECT_EQ(closest_match("xyz", kGrowthKeys), "");
  EXPECT_EQ(closest_match("completely_unrelated_key", kGrowthKeys), "");
  EXPECT_EQ(closest_match("volatility", {}), "");
}

TEST(ClosestMatch, ExactCandidateIsItsOwnMatch) { EXPECT_EQ(closest_match("mean", kGrowthKeys), "mean"); }

TEST(ClosestMatch, DistanceLimitIsAThirdOfTheWord) {
  // |word| = 6: at most max(1, 6 / 3) = 2 edits.
  EXPECT_EQ(closest_match("abcdef", {"abcdxy"}), "abcdxy");
  EXPECT_EQ(closest_match("abcdef", {"abcxyz"}), "");
  // Short words still allow one edit.
  EXPECT_EQ(closest_match("ab", {"ac"}), "ac");
  EXPECT_EQ(closest_match("ab", {"cd"}), "");
}

TEST(ClosestMatch, PrefersTheNearestCandidate) {
  EXPECT_EQ(closest_match("meen", {"mean", "men", "meant"}), "mean");
  EXPECT_EQ(closest_match("ar2", {"lognormal", "ar1"}), "ar1");
  EXPECT_EQ(closest_match("lognormel", {"lognormal", "ar1"}), "lognormal");
  // Equal distance: the first candidate wins (deterministic).
  EXPECT_EQ(closest_match("ab", {"ax", "ay"}), "ax");
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(DiagnosticOneLine, LineBreaksInAnEchoedValueAreEscaped) {
  const Diagnostic d{"x.yaml", "horizon", "expected a whole number, got 'three\nyears'", 3, 10};
  EXPECT_EQ(d.to_string(), "x.yaml: horizon: expected a whole number, got 'three\\nyears' (line 3, col 10)");
}

TEST(DiagnosticOneLine, AHugeEchoedValueIsCutInItsMiddleKeepingTheReason) {
  const std::string value(100000, 'x');
  const Diagnostic d{"x.yaml", "name", "'" + value + "' cannot name an output directory", 1, 7};
  const std::string line = d.to_string();
  EXPECT_LT(line.size(), 800u);
  EXPECT_NE(line.find("bytes)…"), std::string::npos) << line;
  EXPECT_NE(line.find("' cannot name an output directory (line 1, col 7)"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(ClosestMatch, AWordLongerThanAnyKeyIsNotCompared) {
  EXPECT_EQ(closest_match(std::string(kMaxSuggestionLength + 1, 'k'), {"seed"}), "");
  EXPECT_EQ(closest_match("sed", {"seed", "paths"}), "seed");
}

TEST(EditDistance, RollingRowsGiveTheFullMatrixResults) {
  EXPECT_EQ(edit_distance("rnu", "run"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("ca", "abc"), 3u);  // optimal string alignment (not Damerau): 3
  EXPECT_EQ(edit_distance(std::string(5000, 'a'), std::string(5000, 'a')), 0u);
}

}  // namespace
}  // namespace districtcast

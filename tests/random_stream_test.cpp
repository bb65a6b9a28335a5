/// \file Unit tests for the counter-based random streams (engine/random_stream.hpp): reproducibility,
/// sensitivity to every counter/key component, the documented counter layout, FNV-1a district scopes
/// and a uniformity sanity check.
#include "engine/random_stream.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace districtcast {
namespace {

/// Arguments that identify one stream: (seed, path, scope, variable, year).
struct StreamId {
  std::uint64_t seed = 20240601;
  std::uint64_t path = 17;
  std::uint32_t scope = district_scope("nanshan");
  Variable variable = Variable::district_shock;
  std::uint32_t year = 3;
};

/// The first `n` 32-bit words of the stream identified by `id`.
std::vector<std::uint32_t> words(const StreamId& id, std::size_t n = 16) {
  RandomStream stream = PathStreams(id.seed, id.path).stream(id.scope, id.variable, id.year);
  std::vector<std::uint32_t> out(n);
  for (auto& w : out) w = stream();
  return out;
}

TEST(RandomStream, SameArgumentsGiveIdenticalSequence) {
  const StreamId id;
  EXPECT_EQ(words(id, 1000), words(id, 1000));
  // Two PathStreams objects built independently, and two streams taken from one object, agree.
  const PathStreams a(id.seed, id.path);
  const PathStreams b(id.seed, id.path);
  RandomStream s1 = a.stream(id.scope, id.variable, id.year);
  RandomStream s2 = a.stream(id.scope, id.variable, id.year);
  RandomStream s3 = b.stream(id.scope, id.variable, id.year);
  for (int i = 0; i < 257; ++i) {  // crosses several 4-word Philox blocks
    const std::uint32_t w = s1();
    ASSERT_EQ(w, s2()) << "draw " << i;
    ASSERT_EQ(w, s3()) << "draw " << i;
  }
}

TEST(RandomStream, CopyContinuesTheSameSequence) {
  RandomStream s = PathStreams(1, 2).stream(kNationalScope, Variable::national_growth, 1);
  for (int i = 0; i < 5; ++i) (void)s();  // stop in the middle of a 4-word block
  RandomStream copy = s;
  for (int i = 0; i < 100; ++i) ASSERT_EQ(s(), copy()) << "draw " << i;
}

TEST(RandomStream, ChangingAnyComponentChangesTheSequence) {
  const StreamId base;
  const std::vector<std::uint32_t> ref = words(base);

  StreamId seed_low = base;
  seed_low.seed += 1;
  StreamId seed_high = base;  // the key uses both 32-bit halves of the seed
  seed_high.seed += std::uint64_t{1} << 32;
  StreamId path = base;
  path.path += 1;
  StreamId scope = base;
  scope.scope = district_scope("haidian");
  StreamId national = base;
  national.scope = kNationalScope;
  StreamId variable = base;
  variable.variable = Variable::firm_births;
  StreamId year = base;
  year.year += 1;

  const std::vector<std::pair<std::string, StreamId>> changed{
      {"seed (low word)", seed_low}, {"seed (high word)", seed_high}, {"path", path},
      {"scope", scope},              {"national scope", national},    {"variable", variable},
      {"year", year}};
  std::set<std::vector<std::uint32_t>> distinct{ref};
  for (const auto& [what, id] : changed) {
    const std::vector<std::uint32_t> w = words(id);
    EXPECT_NE(w, ref) << "changing the " << what << " did not change the sequence";
    // Not even a shared first word (probability 2^-32 per pair by chance).
    EXPECT_NE(w.front(), ref.front()) << what;
    distinct.insert(w);
  }
  EXPECT_EQ(distinct.size(), changed.size() + 1) << "two different stream ids gave the same sequence";
}

TEST(RandomStream, VariableAndYearDoNotAlias) {
  // variable << 16 | year packs both into one word: every (variable, year) pair must be its own stream.
  const std::array<Variable, 5> vars{Variable::national_growth, Variable::inflation, Variable::district_shock,
                                     Variable::firm_births, Variable::firm_exits};
  std::set<std::uint32_t> first_words;
  std::size_t count = 0;
  for (const Variable v : vars) {
    for (std::uint32_t year = 0; year <= 60; ++year) {
      StreamId id;
      id.variable = v;
      id.year = year;
      first_words.insert(words(id, 1).front());
      ++count;
    }
  }
  EXPECT_EQ(first_words.size(), count);
}

TEST(RandomStream, CounterLayoutIsAsDocumented) {
  // key = {seed low, seed high}; counter = {path, scope, variable << 16 | year, draw}; MicroURNG returns
  // the four words of each Philox block last word first.
  const std::uint64_t seed = 0x0123456789ABCDEFull;
  const std::uint32_t path = 123456;
  const std::uint32_t scope = district_scope("chaoyang");
  const std::uint32_t year = 7;
  RandomStream stream = PathStreams(seed, path).stream(scope, Variable::firm_exits, year);
  const r123::Philox4x32 philox;
  const r123::Philox4x32::key_type key{{0x89ABCDEFu, 0x01234567u}};
  for (std::uint32_t draw = 0; draw < 3; ++draw) {
    const r123::Philox4x32::ctr_type ctr{{path, scope, (5u << 16) | year, draw}};
    const auto block = philox(ctr, key);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(stream(), block[3 - i]) << "block " << draw << " word " << i;
  }
}

TEST(RandomStream, PathAccessorAndRange) {
  EXPECT_EQ(PathStreams(9, 4242).path(), 4242u);
  EXPECT_EQ(RandomStream::min(), 0u);
  EXPECT_EQ(RandomStream::max(), 0xFFFFFFFFu);
}

TEST(DistrictScope, IsFnv1a32) {
  // Worked by hand: offset basis 0x811c9dc5 ^ 'a' (0x61) = 0x811c9da4; times the FNV prime 0x01000193
  // modulo 2^32 = 0xe40c292c. The other two are the published FNV-1a test vectors.
  static_assert(district_scope("a") == 0xe40c292cu);
  EXPECT_EQ(district_scope(""), 0x811c9dc5u);
  EXPECT_EQ(district_scope("a"), 0xe40c292cu);
  EXPECT_EQ(district_scope("foobar"), 0xbf9cf968u);
  // Bytes >= 0x80 are hashed as unsigned: "\xff" = (0x811c9dc5 ^ 0xff) * 0x01000193 mod 2^32.
  EXPECT_EQ(district_scope("\xff"), static_cast<std::uint32_t>((0x811c9dc5u ^ 0xffu) * 0x01000193ull));
}

TEST(DistrictScope, DiffersBetweenIds) {
  const std::vector<std::string> ids{"nanshan", "haidian", "chaoyang", "futian", "pudong", "ab", "ba", "a", "b",
                                     "district_1", "district_2", "district_10"};
  std::set<std::uint32_t> scopes;
  for (const auto& id : ids) {
    const std::uint32_t s = district_scope(id);
    EXPECT_NE(s, kNationalScope) << id;
    scopes.insert(s);
  }
  EXPECT_EQ(scopes.size(), ids.size());
}

TEST(RandomStream, UniformMeanAndVariance) {
  // u = word / 2^32 is uniform on [0, 1): mean 1/2, variance 1/12. With n = 10^6 draws (1000 streams, one
  // per path, 1000 words each) the standard error of the mean is sqrt(1/12 / n) ~ 2.9e-4; the SE of the
  // sample variance is sqrt((mu4 - sigma^4) / n) with mu4 = 1/80 for the uniform, ~ 7.5e-5.
  constexpr std::size_t kPaths = 1000;
  constexpr std::size_t kPerPath = 1000;
  constexpr double n = static_cast<double>(kPaths * kPerPath);
  double sum = 0.0;
  double sum_sq = 0.0;
  std::array<std::size_t, 16> buckets{};
  for (std::size_t p = 0; p < kPaths; ++p) {
    RandomStream s = PathStreams(77, p).stream(district_scope("haidian"), Variable::district_shock, 1);
    for (std::size_t i = 0; i < kPerPath; ++i) {
      const std::uint32_t w = s();
      const double u = static_cast<double>(w) / 4294967296.0;
      sum += u;
      sum_sq += u * u;
      ++buckets[w >> 28];
    }
  }
  const double mean = sum / n;
  const double var = sum_sq / n - mean * mean;
  const double mean_se = std::sqrt(1.0 / 12.0 / n);
  const double var_se = std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / n);
  EXPECT_NEAR(mean, 0.5, 4.0 * mean_se);
  EXPECT_NEAR(var, 1.0 / 12.0, 4.0 * var_se);
  // Each of the 16 top-nibble buckets holds Binomial(n, 1/16) words: SE sqrt(n p (1-p)).
  const double expected = n / 16.0;
  const double bucket_se = std::sqrt(n * (1.0 / 16.0) * (15.0 / 16.0));
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    EXPECT_NEAR(static_cast<double>(buckets[b]), expected, 4.0 * bucket_se) << "bucket " << b;
  }
}

}  // namespace
}  // namespace districtcast

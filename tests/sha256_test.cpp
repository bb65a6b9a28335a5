/// \file SHA-256 against the FIPS 180-2 test vectors.

#include "engine/sha256.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

namespace districtcast {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, FileDigestEqualsStringDigest) {
  const testing::TempDir tmp;
  const auto file = tmp.write("f.txt", "abc");
  EXPECT_EQ(sha256_file_hex(file), sha256_hex("abc"));
  EXPECT_THROW((void)sha256_file_hex(tmp.path() / "missing"), std::runtime_error);
}

}  // namespace
}  // namespace districtcast

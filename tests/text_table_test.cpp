/// \file Aligned plain-text tables.
#include "engine/text_table.hpp"

#include <gtest/gtest.h>

namespace districtcast {
namespace {

TEST(TextTable, AlignsColumnsByCodePointsWithoutTrailingSpaces) {
  const std::string table = aligned_table({"id", "name", "value"}, {{"1", "pudong", "3,099"}, {"12", "n…", "954.9"}},
                                          {true, false, true});
  EXPECT_EQ(table,
            "id  name    value\n"
            " 1  pudong  3,099\n"
            "12  n…      954.9\n");
}

TEST(TextTable, ALastLeftAlignedColumnIsNotPadded) {
  EXPECT_EQ(aligned_table({"a", "directory"}, {{"1", "x"}}, {true, false}), "a  directory\n1  x\n");
}

}  // namespace
}  // namespace districtcast

/// \file Unit tests for the YAML limits checked before a document is read (engine/scenario_yaml_guard).
#include "engine/scenario_yaml_guard.hpp"

#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>

namespace districtcast::scenario_detail {
namespace {

namespace fs = std::filesystem;

std::string nested_flow(std::size_t depth) { return "a: " + std::string(depth, '[') + std::string(depth, ']') + "\n"; }

std::string nested_block(std::size_t depth) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += std::string(2 * i, ' ') + "k" + std::to_string(i) + ":\n";
  return text + std::string(2 * depth, ' ') + "v\n";
}

TEST(YamlTextGuard, EveryShippedScenarioAndTestScenarioPasses) {
  std::size_t files = 0;
  for (const char* dir : {"scenarios", "tests/data"}) {
    for (const auto& e : fs::recursive_directory_iterator(testing::source_path(dir))) {
      if (e.path().extension() != ".yaml") continue;
      ++files;
      const auto problem = check_yaml_text(testing::read_file(e.path()));
      EXPECT_FALSE(problem) << e.path() << ": " << problem->message;
      const auto document = check_yaml_document(YAML::LoadFile(e.path().string()));
      EXPECT_FALSE(document) << e.path() << ": " << document->message;
    }
  }
  EXPECT_GE(files, 10u);
}

TEST(YamlTextGuard, NestingUpToTheLimitPassesAndOneMoreIsRefusedWithItsPlace) {
  EXPECT_FALSE(check_yaml_text(nested_flow(kMaxYamlDepth - 1)));  // the mapping plus 63 lists
  const auto problem = check_yaml_text(nested_flow(kMaxYamlDepth + 1));
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->message.find("nested more than 64 levels deep"), std::string::npos);
  EXPECT_EQ(problem->mark.line, 0);
  EXPECT_FALSE(check_yaml_text(nested_block(kMaxYamlDepth - 1)));
  const auto block = check_yaml_text(nested_block(kMaxYamlDepth + 1));
  ASSERT_TRUE(block);
  EXPECT_EQ(block->mark.line, static_cast<int>(kMaxYamlDepth));  // the 65th line opens level 65
}

TEST(YamlTextGuard, BracketsInQuotesCommentsAndBlockScalarsDoNotCount) {
  const std::string brackets(200, '[');
  EXPECT_FALSE(check_yaml_text("name: '" + brackets + "'\n"));
  EXPECT_FALSE(check_yaml_text("name: \"" + brackets + "\\\"\"\n"));
  EXPECT_FALSE(check_yaml_text("name: x  # " + brackets + "\n"));
  EXPECT_FALSE(check_yaml_text("description: |\n  " + brackets + "\n  more text\nname: x\n"));
  EXPECT_FALSE(check_yaml_text("description: >-\n  " + brackets + "\nname: x\n"));
  EXPECT_TRUE(check_yaml_text("description: " + brackets + "\n"));  // a plain [ opens a flow list
}

TEST(YamlTextGuard, CompactNestedSequencesOnOneLineCount) {
  std::string line;
  for (std::size_t i = 0; i < kMaxYamlDepth + 1; ++i) line += "- ";
  EXPECT_TRUE(check_yaml_text("districts:\n" + line + "x\n"));
  EXPECT_FALSE(check_yaml_text("districts:\n- - - x\n"));
}

TEST(YamlTextGuard, UnicodeTextPassesAndBinaryOrBrokenEncodingsAreNamed) {
  EXPECT_FALSE(check_yaml_text("name: 南山区 \xC2\x85 ok\r\n\tx: 1\n"));  // CJK, U+0085, CR LF, tab
  EXPECT_FALSE(check_yaml_text("\xEF\xBB\xBFname: x\n"));                 // a UTF-8 byte-order mark
  const auto nul = check_yaml_text(std::string("name: x\nseed: 1\0\n", 17));
  ASSERT_TRUE(nul);
  EXPECT_NE(nul->message.find("U+0000 (NUL)"), std::string::npos);
  EXPECT_EQ(nul->mark.line, 1);
  EXPECT_EQ(nul->mark.column, 7);
  EXPECT_NE(check_yaml_text("name: \x1B[31mred\n")->message.find("U+001B"), std::string::npos);
  EXPECT_NE(check_yaml_text("name: \xC0\xAF\n")->message.find("0xC0"), std::string::npos);      // overlong '/'
  EXPECT_NE(check_yaml_text("name: \xED\xA0\x80\n")->message.find("0xED"), std::string::npos);  // a surrogate
  EXPECT_NE(check_yaml_text("name: \xE5\x8D\n")->message.find("not UTF-8"), std::string::npos);  // cut short
  EXPECT_NE(check_yaml_text(std::string("\xFF\xFEn\0", 4))->message.find("UTF-16"), std::string::npos);
  EXPECT_NE(check_yaml_text(std::string("\xFF\xFE\0\0", 4))->message.find("UTF-32"), std::string::npos);
}

TEST(YamlDocumentGuard, AnAliasBombStopsAtTheNodeLimit) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  const auto problem = check_yaml_document(YAML::Load(text));  // 10^10 nodes expanded
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->message.find("more than 1,000,000 nodes"), std::string::npos);
}

TEST(YamlDocumentGuard, AliasesUnderTheLimitAreFine) {
  EXPECT_FALSE(check_yaml_document(YAML::Load("g: &g {mean: 0.05, volatility: 0.02}\nh: *g\ni: [*g, *g]\n")));
}

TEST(YamlDocumentGuard, AnAliasInsideItsOwnAnchorIsACycle) {
  const auto problem = check_yaml_document(YAML::Load("a: &a {b: [1, *a]}\n"));
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->message.find("inside the node its anchor"), std::string::npos);
}

TEST(YamlDocumentGuard, DepthIsCheckedExactly) {
  EXPECT_FALSE(check_yaml_document(YAML::Load(nested_flow(kMaxYamlDepth - 1))));
  EXPECT_TRUE(check_yaml_document(YAML::Load(nested_flow(kMaxYamlDepth))));
}

TEST(YamlDocumentGuard, ExplicitTagsAreRefusedAndPlainOrQuotedValuesPass) {
  EXPECT_FALSE(check_yaml_document(YAML::Load("a: 1\nb: '2'\nc: \"x\"\n")));
  for (const char* text : {"a: !!str 1\n", "a: !!python/object:os.system x\n", "a: !money 3\n", "a: !!binary aGk=\n"}) {
    const auto problem = check_yaml_document(YAML::Load(text));
    ASSERT_TRUE(problem) << text;
    EXPECT_NE(problem->message.find("is not supported"), std::string::npos) << problem->message;
  }
}

}  // namespace
}  // namespace districtcast::scenario_detail

namespace districtcast::scenario_detail {
namespace {

TEST(YamlSingleDocument, ASecondDocumentIsNamedAtItsStart) {
  EXPECT_FALSE(check_single_document("a: 1\n"));
  EXPECT_FALSE(check_single_document("---\na: 1\n...\n"));
  EXPECT_FALSE(check_single_document(""));
  const auto two = check_single_document("a: 1\n---\nb: 2\n");
  ASSERT_TRUE(two);
  EXPECT_NE(two->message.find("more than one YAML document"), std::string::npos);
  EXPECT_EQ(two->mark.line, 1);
}

TEST(YamlSingleDocument, AStrayCommaThatMakesLoadAllLoopForeverIsInvalidYaml) {
  // Found by the fuzzer (tests/fuzz/regressions/scenario-hang-loadall-*.yaml): YAML::LoadAll never returns.
  for (const char* text : {",", ", b", "'',,", "!| \n, b\n", "---\n,[ a  b,c, , ]"}) {
    const auto problem = check_single_document(text);
    ASSERT_TRUE(problem) << text;
    EXPECT_NE(problem->message.find("not valid YAML"), std::string::npos) << text << ": " << problem->message;
  }
}

}  // namespace
}  // namespace districtcast::scenario_detail

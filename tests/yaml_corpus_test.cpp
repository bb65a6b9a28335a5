// Every input of the public YAML test suite (tests/corpus/yaml-test-suite/, valid YAML or not; none is a
// scenario) given to `districtcast validate`: exit 2 with exactly one located message, no crash, no hang.
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace districtcast {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> corpus_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(testing::source_path("tests/corpus/yaml-test-suite"))) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class YamlTestSuiteCorpus : public ::testing::TestWithParam<fs::path> {};

TEST_P(YamlTestSuiteCorpus, ValidateExits2WithOneLocatedMessage) {
  const fs::path& file = GetParam();
  testing::CliGuard guard;
  guard.timeout = std::chrono::seconds(120);
  const auto r = testing::run_cli_guarded({"validate", file.string()}, guard);
  ASSERT_FALSE(r.timed_out) << "validate hung";
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind(file.string() + ": ", 0), 0u) << r.err;
}

/// "229Q.yaml" -> "c229Q", "2G84-01-error.yaml" -> "c2G84_01_error" (test names are [A-Za-z0-9_]).
std::string case_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = "c" + info.param.stem().string();
  std::replace_if(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, YamlTestSuiteCorpus, ::testing::ValuesIn(corpus_files()), case_name);

TEST(YamlTestSuiteCorpusFiles, AllOfTheSuiteIsThere) { EXPECT_EQ(corpus_files().size(), 406u); }

}  // namespace
}  // namespace districtcast

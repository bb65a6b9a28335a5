// The bad-input suite: every case in tests/bad_inputs/ (NAME.expect holds the message NAME.yaml must get;
// an .expect without a .yaml is a case made at run time, see make_generated_input) is given to
// `districtcast validate`, which must exit 2 with that message on the first line, every line located in a
// file, within a generous time limit and bounded memory: no crash, no hang, no runaway allocation.
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace districtcast {
namespace {

namespace fs = std::filesystem;
using testing::source_path;

/// Peak memory a validate command may use, whatever the input (inputs are at most 16 MiB; a sanitizer build
/// roughly doubles the process's own footprint).
constexpr long kMemoryCeilingKiB = 1024 * 1024;

struct BadInput {
  std::string name;      ///< file stem, e.g. "alias_bomb_billion_laughs"
  fs::path checked_in;   ///< NAME.yaml, or empty for a generated case
  std::string expected;  ///< the message (a fragment of the first error line)
};

/// Shows a case by its name in gtest's messages.
void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name; }

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<BadInput> bad_inputs() {
  std::vector<BadInput> cases;
  const fs::path dir = source_path("tests/bad_inputs");
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".expect") continue;
    BadInput c;
    c.name = entry.path().stem().string();
    const fs::path yaml = dir / (c.name + ".yaml");
    if (fs::exists(yaml)) c.checked_in = yaml;
    std::ifstream in(entry.path());
    std::getline(in, c.expected);
    c.expected = trim(c.expected);
    cases.push_back(c);
  }
  std::sort(cases.begin(), cases.end(), [](const BadInput& a, const BadInput& b) { return a.name < b.name; });
  return cases;
}

/// Makes the input of a case that cannot be checked in (a directory, an unreadable file, 100 MB);
/// returns its path, or an empty path for an unknown case name.
fs::path make_generated_input(const std::string& name, const fs::path& dir) {
  const fs::path file = dir / (name + ".yaml");
  if (name == "directory_instead_of_file") {
    fs::create_directory(file);
  } else if (name == "unreadable_file") {
    std::ofstream(file) << testing::tiny_scenario("unreadable");
    fs::permissions(file, fs::perms::none);
  } else if (name == "file_of_100_mb") {
    // 100 MB of a valid-looking scenario repeated: the size limit must refuse it before reading it.
    std::ofstream out(file, std::ios::binary);
    const std::string line = "# padding padding padding padding padding padding padding padding padding padding\n";
    for (std::size_t written = 0; written < 100u * 1000u * 1000u; written += line.size()) out << line;
  } else if (name == "fifo_instead_of_file") {
    if (::mkfifo(file.c_str(), 0600) != 0) return {};
  } else {
    return {};
  }
  return file;
}

class BadInputSuite : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputSuite, ValidateExits2WithTheExpectedMessage) {
  const BadInput& c = GetParam();
  ASSERT_FALSE(c.expected.empty()) << c.name << ".expect is empty";
  const testing::TempDir tmp;
  fs::path input = c.checked_in;
  if (input.empty()) {
    input = make_generated_input(c.name, tmp.path());
    ASSERT_FALSE(input.empty()) << c.name << ".expect has no " << c.name << ".yaml and is not a generated case";
  }
  testing::CliGuard guard;
  guard.timeout = std::chrono::seconds(120);
  guard.without_file_permission_override = true;  // so that root, too, cannot read the unreadable file
  const auto r = testing::run_cli_guarded({"validate", input.string()}, guard);
  ASSERT_FALSE(r.timed_out) << "validate hung on " << c.name;
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_LT(r.max_rss_kib, kMemoryCeilingKiB) << c.name;
  EXPECT_EQ(r.out, "");
  const std::string first_line = r.err.substr(0, r.err.find('\n'));
  EXPECT_NE(first_line.find(c.expected), std::string::npos)
      << "expected on the first line: " << c.expected << "\ngot:\n" << r.err.substr(0, 2000);
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.find(input.parent_path().string()), 0u) << "an error not located in a file: " << line;
    EXPECT_LT(line.size(), 2000u) << "a message echoing too much input: " << line.substr(0, 200);
  }
}

std::string case_name(const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Cases, BadInputSuite, ::testing::ValuesIn(bad_inputs()), case_name);

TEST(BadInputSuiteFiles, EveryCheckedInInputHasAnExpectedMessage) {
  const fs::path dir = source_path("tests/bad_inputs");
  std::size_t cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++cases;
    EXPECT_TRUE(fs::exists(dir / (entry.path().stem().string() + ".expect"))) << entry.path();
  }
  EXPECT_GE(cases, 80u);
}

}  // namespace
}  // namespace districtcast

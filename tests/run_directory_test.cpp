/// \file Atomic result directories.

#include "engine/run_directory.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace districtcast {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(RunDirectory, CommitRenamesTheStagingDirectoryIntoPlace) {
  const testing::TempDir tmp;
  DirectoryProblem problem;
  auto dir = RunDirectory::prepare(tmp.path() / "runs" / "r1", false, problem);
  ASSERT_TRUE(dir) << problem.message;
  EXPECT_FALSE(fs::exists(tmp.path() / "runs" / "r1"));  // nothing that looks finished yet
  EXPECT_EQ(dir->staging().filename().string().rfind(".r1.partial-", 0), 0u);
  std::ofstream(dir->staging() / "summary.csv") << "x\n";
  dir->commit();
  EXPECT_EQ(entries(tmp.path() / "runs"), std::vector<std::string>{"r1"});
  EXPECT_TRUE(fs::exists(tmp.path() / "runs" / "r1" / "summary.csv"));
}

TEST(RunDirectory, DestructionWithoutCommitLeavesNothing) {
  const testing::TempDir tmp;
  DirectoryProblem problem;
  {
    auto dir = RunDirectory::prepare(tmp.path() / "r", false, problem);
    ASSERT_TRUE(dir);
    std::ofstream(dir->staging() / "half.csv") << "x\n";
  }
  EXPECT_TRUE(entries(tmp.path()).empty());
}

TEST(RunDirectory, RefusesANonEmptyTargetUnlessOverwrite) {
  const testing::TempDir tmp;
  fs::create_directory(tmp.path() / "r");
  std::ofstream(tmp.path() / "r" / "old.csv") << "old\n";
  DirectoryProblem problem;
  EXPECT_FALSE(RunDirectory::prepare(tmp.path() / "r", false, problem));
  EXPECT_TRUE(problem.usage_error);
  EXPECT_NE(problem.message.find("--overwrite"), std::string::npos);
  auto dir = RunDirectory::prepare(tmp.path() / "r", true, problem);
  ASSERT_TRUE(dir);
  std::ofstream(dir->staging() / "new.csv") << "new\n";
  dir->commit();
  EXPECT_EQ(entries(tmp.path() / "r"), std::vector<std::string>{"new.csv"});
  EXPECT_EQ(entries(tmp.path()), std::vector<std::string>{"r"});  // the old copy is gone
}

TEST(RunDirectory, AcceptsAnEmptyExistingDirectory) {
  const testing::TempDir tmp;
  fs::create_directory(tmp.path() / "r");
  DirectoryProblem problem;
  auto dir = RunDirectory::prepare(tmp.path() / "r", false, problem);
  ASSERT_TRUE(dir);
  std::ofstream(dir->staging() / "a.csv") << "a\n";
  dir->commit();
  EXPECT_EQ(entries(tmp.path() / "r"), std::vector<std::string>{"a.csv"});
}

TEST(RunDirectory, RefusesAFileAsTarget) {
  const testing::TempDir tmp;
  std::ofstream(tmp.path() / "file") << "x";
  DirectoryProblem problem;
  EXPECT_FALSE(RunDirectory::prepare(tmp.path() / "file", true, problem));
  EXPECT_NE(problem.message.find("not a directory"), std::string::npos);
}

TEST(RunDirectory, ReadOnlyParentIsAnIoProblem) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  const testing::TempDir tmp;
  fs::create_directory(tmp.path() / "ro");
  fs::permissions(tmp.path() / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  DirectoryProblem problem;
  EXPECT_FALSE(RunDirectory::prepare(tmp.path() / "ro" / "r", false, problem));
  EXPECT_FALSE(problem.usage_error);
}

TEST(RunDirectory, DefaultDirectoryIsScenarioThenUtcTimestampAndUnique) {
  const testing::TempDir tmp;
  const fs::path first = default_run_directory(tmp.path(), "trillion_club");
  EXPECT_EQ(first.parent_path(), tmp.path() / "trillion_club");
  const std::string stamp = first.filename().string();
  ASSERT_EQ(stamp.size(), 16u);  // 20261128T162441Z
  EXPECT_EQ(stamp[8], 'T');
  EXPECT_EQ(stamp.back(), 'Z');
  fs::create_directories(first);
  const fs::path second = default_run_directory(tmp.path(), "trillion_club");
  if (second.filename().string().substr(0, 16) == stamp) EXPECT_EQ(second.filename().string(), stamp + "-2");
}

}  // namespace
}  // namespace districtcast

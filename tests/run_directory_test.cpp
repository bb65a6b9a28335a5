/// \file Atomic result directories.

#include "engine/run_directory.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <optional>

#include <fstream>

namespace districtcast {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kRunFiles{"manifest.json", "summary.csv", "new.csv", "a.csv"};

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(RunDirectory, CommitRenamesTheStagingDirectoryIntoPlace) {
  const testing::TempDir tmp;
  DirectoryProblem problem;
  auto dir = RunDirectory::prepare(tmp.path() / "runs" / "r1", false, kRunFiles, problem);
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
    auto dir = RunDirectory::prepare(tmp.path() / "r", false, kRunFiles, problem);
    ASSERT_TRUE(dir);
    std::ofstream(dir->staging() / "half.csv") << "x\n";
  }
  EXPECT_TRUE(entries(tmp.path()).empty());
}

TEST(RunDirectory, RefusesANonEmptyTargetUnlessOverwrite) {
  const testing::TempDir tmp;
  fs::create_directory(tmp.path() / "r");
  std::ofstream(tmp.path() / "r" / "summary.csv") << "old\n";
  DirectoryProblem problem;
  EXPECT_FALSE(RunDirectory::prepare(tmp.path() / "r", false, kRunFiles, problem));
  EXPECT_TRUE(problem.usage_error);
  EXPECT_NE(problem.message.find("--overwrite"), std::string::npos);
  auto dir = RunDirectory::prepare(tmp.path() / "r", true, kRunFiles, problem);
  ASSERT_TRUE(dir);
  std::ofstream(dir->staging() / "new.csv") << "new\n";
  dir->commit();
  EXPECT_EQ(entries(tmp.path() / "r"), std::vector<std::string>{"new.csv"});
  EXPECT_EQ(entries(tmp.path()), std::vector<std::string>{"r"});  // the old copy is gone
}

TEST(RunDirectory, OverwriteOnlyReplacesAPreviousRunDirectory) {
  const testing::TempDir tmp;
  fs::create_directories(tmp.path() / "project" / "data");
  std::ofstream(tmp.path() / "project" / "summary.csv") << "old\n";
  std::ofstream(tmp.path() / "project" / "scenario.yaml") << "base_year: 2024\n";
  DirectoryProblem problem;
  EXPECT_FALSE(RunDirectory::prepare(tmp.path() / "project", true, kRunFiles, problem));
  EXPECT_TRUE(problem.usage_error);
  EXPECT_NE(problem.message.find("data, scenario.yaml"), std::string::npos) << problem.message;
  EXPECT_TRUE(fs::exists(tmp.path() / "project" / "scenario.yaml"));
}

TEST(RunDirectory, OverwriteRefusesTheCurrentDirectoryAndItsParents) {
  const testing::TempDir tmp;
  fs::create_directories(tmp.path() / "a" / "b");
  std::ofstream(tmp.path() / "a" / "summary.csv") << "x\n";
  const fs::path before = fs::current_path();
  fs::current_path(tmp.path() / "a" / "b");
  DirectoryProblem problem;
  const bool refused = !RunDirectory::prepare(tmp.path() / "a", true, kRunFiles, problem);
  fs::current_path(before);
  EXPECT_TRUE(refused);
  EXPECT_NE(problem.message.find("current directory"), std::string::npos) << problem.message;
}

TEST(RunDirectory, UniqueNamingPicksTheNextFreeNameAtCommit) {
  const testing::TempDir tmp;
  DirectoryProblem problem;
  auto first = RunDirectory::prepare(tmp.path() / "s" / "T", false, kRunFiles, problem, RunDirectory::Naming::unique);
  ASSERT_TRUE(first);
  std::ofstream(first->staging() / "a.csv") << "1\n";
  first->commit();
  EXPECT_EQ(first->target(), fs::canonical(tmp.path()) / "s" / "T");
  auto third = RunDirectory::prepare(tmp.path() / "s" / "T", false, kRunFiles, problem, RunDirectory::Naming::unique);
  ASSERT_TRUE(third);
  std::ofstream(third->staging() / "a.csv") << "3\n";
  third->commit();
  EXPECT_EQ(third->target().filename(), "T-2");
  EXPECT_EQ(testing::read_file(tmp.path() / "s" / "T" / "a.csv"), "1\n");
  EXPECT_EQ(testing::read_file(tmp.path() / "s" / "T-2" / "a.csv"), "3\n");
}

TEST(RunDirectory, DiscardRemovesParentsItCreated) {
  const testing::TempDir tmp;
  DirectoryProblem problem;
  {
    auto dir = RunDirectory::prepare(tmp.path() / "outputs" / "scenario" / "T", false, kRunFiles, problem);
    ASSERT_TRUE(dir);
    EXPECT_TRUE(fs::exists(tmp.path() / "outputs" / "scenario"));
  }
  EXPECT_TRUE(entries(tmp.path()).empty());
}

TEST(RunDirectory, FollowsASymlinkToAnEmptyDirectory) {
  const testing::TempDir tmp;
  fs::create_directory(tmp.path() / "real");
  fs::create_directory_symlink(tmp.path() / "real", tmp.path() / "link");
  DirectoryProblem problem;
  auto dir = RunDirectory::prepare(tmp.path() / "link", false, kRunFiles, problem);
  ASSERT_TRUE(dir) << problem.message;
  std::ofstream(dir->staging() / "a.csv") << "a\n";
  dir->commit();
  EXPECT_TRUE(fs::exists(tmp.path() / "real" / "a.csv"));
}

TEST(RunDirectory, AcceptsAnEmptyExistingDirectory) {
  const testing::TempDir tmp;
  fs::create_directory(tmp.path() / "r");
  DirectoryProblem problem;
  auto dir = RunDirectory::prepare(tmp.path() / "r", false, kRunFiles, problem);
  ASSERT_TRUE(dir);
  std::ofstream(dir->staging() / "a.csv") << "a\n";
  dir->commit();
  EXPECT_EQ(entries(tmp.path() / "r"), std::vector<std::string>{"a.csv"});
}

TEST(RunDirectory, RefusesAFileAsTarget) {
  const testing::TempDir tmp;
  std::ofstream(tmp.path() / "file") << "x";
  DirectoryProblem problem;
  EXPECT_FALSE(RunDirectory::prepare(tmp.path() / "file", true, kRunFiles, problem));
  EXPECT_NE(problem.message.find("not a directory"), std::string::npos);
}

TEST(RunDirectory, ReadOnlyParentIsAnIoProblem) {
  const testing::TempDir tmp;
  const auto locked = testing::ScratchMount::unwritable(tmp.path() / "ro");
  if (!locked.ok()) GTEST_SKIP() << locked.why_not();
  DirectoryProblem problem;
  EXPECT_FALSE(RunDirectory::prepare(tmp.path() / "ro" / "r", false, kRunFiles, problem));
  EXPECT_FALSE(problem.usage_error);
  EXPECT_TRUE(problem.message.find("Read-only file system") != std::string::npos ||
              problem.message.find("Permission denied") != std::string::npos)
      << problem.message;
  EXPECT_TRUE(fs::is_empty(tmp.path() / "ro"));
}

TEST(RunDirectory, DefaultDirectoryIsScenarioThenUtcTimestamp) {
  const testing::TempDir tmp;
  const fs::path first = default_run_directory(tmp.path(), "trillion_club");
  EXPECT_EQ(first.parent_path(), tmp.path() / "trillion_club");
  const std::string stamp = first.filename().string();
  ASSERT_EQ(stamp.size(), 16u);  // 20261128T162441Z
  EXPECT_EQ(stamp[8], 'T');
  EXPECT_EQ(stamp.back(), 'Z');
}

}  // namespace
}  // namespace districtcast

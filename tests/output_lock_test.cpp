/// \file The batch lock: exclusive, released on destruction, dropped by the kernel when its holder dies
/// (SIGKILL included) and then taken over with the dead holder reported.

#include "engine/output_lock.hpp"

#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>

namespace districtcast {
namespace {
namespace fs = std::filesystem;

TEST(OutputLock, IsExclusiveAndNamesItsHolder) {
  const testing::TempDir tmp;
  const fs::path file = tmp.path() / "root" / ".districtcast.lock";
  LockProblem problem;
  auto first = OutputLock::try_acquire(file, "districtcast batch one.yaml", problem);
  ASSERT_TRUE(first) << problem.message;
  LockProblem busy;
  EXPECT_FALSE(OutputLock::try_acquire(file, "districtcast batch two.yaml", busy));
  EXPECT_TRUE(busy.busy);
  ASSERT_TRUE(busy.holder);
  EXPECT_EQ(busy.holder->process.pid, ::getpid());
  EXPECT_EQ(busy.holder->command, "districtcast batch one.yaml");
  EXPECT_NE(busy.message.find("districtcast batch one.yaml"), std::string::npos) << busy.message;
  EXPECT_NE(busy.message.find(file.string()), std::string::npos) << busy.message;
}

TEST(OutputLock, ReleasedOnDestructionWithoutLeavingAStaleHolder) {
  const testing::TempDir tmp;
  const fs::path file = tmp.path() / ".districtcast.lock";
  LockProblem problem;
  { auto lock = OutputLock::try_acquire(file, "first", problem); ASSERT_TRUE(lock); }
  EXPECT_FALSE(read_lock_holder(file)) << "a clean release empties the lock file";
  std::optional<LockHolder> stale;
  auto again = OutputLock::try_acquire(file, "second", problem, &stale);
  ASSERT_TRUE(again) << problem.message;
  EXPECT_FALSE(stale);
}

TEST(OutputLock, ALockOfAKilledProcessIsTakenOverAndReported) {
  const testing::TempDir tmp;
  const fs::path file = tmp.path() / ".districtcast.lock";
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    LockProblem p;
    auto lock = OutputLock::try_acquire(file, "doomed", p);
    const char byte = lock ? '1' : '0';
    [[maybe_unused]] auto written = ::write(ready[1], &byte, 1);
    for (;;) ::pause();
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, '1');
  LockProblem busy;
  EXPECT_FALSE(OutputLock::try_acquire(file, "meanwhile", busy));
  EXPECT_TRUE(busy.busy);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  std::optional<LockHolder> stale;
  LockProblem problem;
  auto taken = OutputLock::try_acquire(file, "survivor", problem, &stale);
  ASSERT_TRUE(taken) << problem.message;
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->process.pid, child);
  EXPECT_EQ(stale->command, "doomed");
  EXPECT_FALSE(stale->process.alive());
  EXPECT_EQ(read_lock_holder(file)->command, "survivor");
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST(OutputLock, LockFileNames) {
  EXPECT_EQ(batch_lock_file("/data/out/nightly", std::nullopt), fs::path("/data/out/nightly/.districtcast.lock"));
  EXPECT_EQ(batch_lock_file("/ignored", fs::path("/data/tonight/")), fs::path("/data/.tonight.districtcast.lock"));
}

TEST(OutputLock, AnUnwritableDirectoryIsAnErrorNotBusy) {
  const testing::TempDir tmp;
  const auto locked = testing::ScratchMount::unwritable(tmp.path());
  if (!locked.ok()) GTEST_SKIP() << locked.why_not();
  LockProblem problem;
  EXPECT_FALSE(OutputLock::try_acquire(tmp.path() / "x" / ".lock", "c", problem));
  EXPECT_FALSE(problem.busy);
}

}  // namespace
}  // namespace districtcast

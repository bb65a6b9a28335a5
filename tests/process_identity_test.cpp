/// \file Telling a live process from a dead one (or from a later process that reused its pid).

#include "engine/process_identity.hpp"

#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace districtcast {
namespace {

/// A reaped child's identity, checked while the child still ran.
ProcessIdentity reaped_child_identity() {
  return testing::reaped_child_identity([](const ProcessIdentity& identity) {
    EXPECT_GT(identity.start_ticks, 0u);
    EXPECT_TRUE(identity.alive()) << "a running child is alive";
  });
}

TEST(ProcessIdentity, CurrentProcessIsAlive) {
  const ProcessIdentity self = ProcessIdentity::current();
  EXPECT_EQ(self.pid, ::getpid());
  EXPECT_FALSE(self.host.empty());
  EXPECT_GT(self.start_ticks, 0u);
  EXPECT_EQ(self.start_ticks, testing::proc_start_ticks(::getpid()));
  EXPECT_TRUE(self.alive());
}

TEST(ProcessIdentity, ReapedChildIsNotAlive) {
  const ProcessIdentity child = reaped_child_identity();
  EXPECT_FALSE(child.alive()) << child.describe();
}

TEST(ProcessIdentity, ExitedButUnreapedChildIsNotAlive) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  ProcessIdentity zombie = ProcessIdentity::current();
  zombie.pid = child;
  zombie.start_ticks = 0;
  // Wait (without reaping) until the child has exited: /proc then shows it as a zombie.
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT), 0);
  EXPECT_FALSE(zombie.alive());
  ::waitpid(child, nullptr, 0);
  EXPECT_FALSE(zombie.alive());
}

TEST(ProcessIdentity, SamePidWithOtherStartTicksIsNotAlive) {
  ProcessIdentity reused = ProcessIdentity::current();
  reused.start_ticks += 12345;  // a process with this pid started at another time: not the one recorded
  EXPECT_FALSE(reused.alive());
}

TEST(ProcessIdentity, UnknownStartTicksChecksThePidOnly) {
  ProcessIdentity self = ProcessIdentity::current();
  self.start_ticks = 0;
  EXPECT_TRUE(self.alive());
}

TEST(ProcessIdentity, ProcessOnAnotherHostIsAssumedAlive) {
  const ProcessIdentity child = reaped_child_identity();
  ProcessIdentity remote = child;
  remote.host = "some-other-host.example";
  EXPECT_TRUE(remote.alive()) << "cannot be checked from here";
}

TEST(ProcessIdentity, NonPositivePidIsNotAlive) {
  ProcessIdentity nobody = ProcessIdentity::current();
  nobody.pid = 0;
  EXPECT_FALSE(nobody.alive());
}

TEST(ProcessIdentity, DescribeNamesPidAndHost) {
  ProcessIdentity identity;
  identity.pid = 42;
  identity.host = "alpha";
  EXPECT_EQ(identity.describe(), "pid 42 on alpha");
  identity.host.clear();
  EXPECT_EQ(identity.describe(), "pid 42");
}

}  // namespace
}  // namespace districtcast

/// \file Telling a live process from a dead one (or from a later process that reused its pid).

#include "engine/process_identity.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>

namespace districtcast {
namespace {

/// Field 22 of /proc/<pid>/stat, read independently of ProcessIdentity; 0 when unreadable.
std::uint64_t proc_start_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  for (int index = 3; fields >> field; ++index) {
    if (index == 22) return std::stoull(field);
  }
  return 0;
}

/// The identity of a child process that has exited and been reaped: certainly gone. The start ticks are
/// read while the child is still alive (it waits on a pipe until the parent has looked).
ProcessIdentity reaped_child_identity() {
  int pipe_ends[2];
  if (::pipe(pipe_ends) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    ::close(pipe_ends[1]);
    char byte = 0;
    [[maybe_unused]] const auto ignored = ::read(pipe_ends[0], &byte, 1);  // until the parent closes its end
    ::_exit(0);
  }
  ::close(pipe_ends[0]);
  ProcessIdentity identity = ProcessIdentity::current();
  identity.pid = child;
  identity.start_ticks = proc_start_ticks(child);
  EXPECT_GT(identity.start_ticks, 0u);
  EXPECT_TRUE(identity.alive()) << "a running child is alive";
  ::close(pipe_ends[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return identity;
}

TEST(ProcessIdentity, CurrentProcessIsAlive) {
  const ProcessIdentity self = ProcessIdentity::current();
  EXPECT_EQ(self.pid, ::getpid());
  EXPECT_FALSE(self.host.empty());
  EXPECT_GT(self.start_ticks, 0u);
  EXPECT_EQ(self.start_ticks, proc_start_ticks(::getpid()));
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

// Runs a piece of code in a forked child whose address space is capped (RLIMIT_AS), so a test can
// show that a loader refuses a hostile file within bounded memory: an allocation beyond the cap
// fails in the child (std::bad_alloc), a crash or stack overflow kills only the child, and the
// parent sees the Status the child returned or how it died.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <string>

#include "dynamus/core/status.h"

namespace dynamus::testing {

struct ChildOutcome {
  bool exited = false;  // false: killed by a signal (crash, stack overflow)
  int signal = 0;
  StatusCode code = StatusCode::kInternal;
  std::string text;  // Status::to_string() of what the child returned
};

// ASan reserves terabytes of shadow address space, so the cap cannot apply under it; the
// sanitizer build still runs the body in the child and checks the outcome.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSpaceCapped = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSpaceCapped = false;
#else
inline constexpr bool kAddressSpaceCapped = true;
#endif
#else
inline constexpr bool kAddressSpaceCapped = true;
#endif

// The child may map `extra_bytes` beyond what this process has mapped already.
inline ChildOutcome run_bounded(const std::function<Status()>& body, std::uint64_t extra_bytes) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    if (kAddressSpaceCapped) {
      std::uint64_t pages = 0;
      std::ifstream("/proc/self/statm") >> pages;
      const rlim_t cap = rlim_t(pages * std::uint64_t(::sysconf(_SC_PAGESIZE)) + extra_bytes);
      const rlimit limit{cap, cap};
      ::setrlimit(RLIMIT_AS, &limit);
    }
    const Status status = body();
    const std::string reply = std::to_string(int(status.code())) + " " + status.to_string();
    ssize_t written = ::write(fds[1], reply.data(), reply.size());
    (void)written;
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string reply;
  char buffer[512];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) reply.append(buffer, n);
  ::close(fds[0]);
  int wait_status = 0;
  ::waitpid(pid, &wait_status, 0);
  ChildOutcome outcome;
  outcome.exited = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0 && !reply.empty();
  outcome.signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
  if (outcome.exited) {
    const std::size_t space = reply.find(' ');
    outcome.code = StatusCode(std::stoi(reply.substr(0, space)));
    outcome.text = reply.substr(space + 1);
  }
  return outcome;
}

}  // namespace dynamus::testing

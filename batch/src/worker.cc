#include "dynamus/batch/worker.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fstream>

#include "dynamus/core/exit_code.h"

extern char** environ;  // NOLINT: POSIX

namespace dynamus::batch {
namespace fs = std::filesystem;
namespace {

std::string last_line(const fs::path& file, const fs::path& input) {
  std::ifstream stream(file);
  std::string line;
  std::string last;
  while (std::getline(stream, line)) {
    if (!line.empty()) last = line;
  }
  constexpr std::string_view kPrefix = "dynamus: error: ";
  if (last.starts_with(kPrefix)) last.erase(0, kPrefix.size());
  const std::string context = input.string() + ": ";
  if (last.starts_with(context)) last.erase(0, context.size());
  return last;
}

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void exec_child(pid_t parent, int out_fd, int err_fd, char* const* argv,
                             char* const* envp) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the batch died before prctl took effect
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  ::dup2(out_fd, STDOUT_FILENO);
  ::dup2(err_fd, STDERR_FILENO);
  ::execve(argv[0], argv, envp);
  constexpr char kMessage[] = "dynamus: error: cannot start the worker program\n";
  (void)!::write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  ::_exit(kExitInternal);
}

}  // namespace

Result<pid_t> start_worker(const WorkerCommand& command, const fs::path& input,
                           const fs::path& out_dir) {
  std::error_code error;
  fs::create_directories(out_dir, error);
  if (error) {
    return Status(StatusCode::kInternal, fmt::format("cannot create folder: {}", error.message()),
                  out_dir.string());
  }
  std::vector<std::string> args{command.executable.string()};
  args.insert(args.end(), command.leading_args.begin(), command.leading_args.end());
  args.insert(args.end(), {input.string(), "-o", out_dir.string()});
  args.insert(args.end(), command.extra_args.begin(), command.extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  // The environment is built here, not in the child: only async-signal-safe calls after fork.
  std::vector<std::string> environment = command.environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    const bool replaced = std::any_of(environment.begin(), environment.end(), [&](const auto& e) {
      return e.size() > name.size() && e.compare(0, name.size(), name) == 0 &&
             e[name.size()] == '=';
    });
    if (!replaced) environment.emplace_back(text);
  }
  std::vector<char*> envp;
  for (std::string& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);

  const int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
  const int out_fd = ::open((out_dir / kFindingsFileName).c_str(), flags, 0644);
  const int err_fd = ::open((out_dir / kWorkerLogFileName).c_str(), flags, 0644);
  if (out_fd < 0 || err_fd < 0) {
    if (out_fd >= 0) ::close(out_fd);
    if (err_fd >= 0) ::close(err_fd);
    return Status(StatusCode::kInternal, "cannot create the worker's log files", out_dir.string());
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) exec_child(parent, out_fd, err_fd, argv.data(), envp.data());
  ::close(out_fd);
  ::close(err_fd);
  if (pid < 0) {
    return Status(StatusCode::kInternal,
                  fmt::format("cannot start a worker: {}", std::strerror(errno)), input.string());
  }
  return pid;
}

WorkerEnd worker_end(int wait_status, bool timed_out, double timeout_s, const fs::path& input,
                     const fs::path& out_dir) {
  WorkerEnd end;
  if (timed_out) {
    end.error_code = kExitInternal;
    end.message = fmt::format("timed out after {:g} s (worker killed)", timeout_s);
  } else if (WIFEXITED(wait_status)) {
    const int code = WEXITSTATUS(wait_status);
    end.ok = code == kExitOk;
    if (!end.ok) {
      end.error_code = code;
      end.message = last_line(out_dir / kWorkerLogFileName, input);
      if (end.message.empty()) end.message = fmt::format("worker exited with code {}", code);
    }
  } else if (WIFSIGNALED(wait_status)) {
    const int signal = WTERMSIG(wait_status);
    end.error_code = kExitInternal;
    end.message = fmt::format("worker killed by signal {} ({})", signal, ::strsignal(signal));
  } else {
    end.error_code = kExitInternal;
    end.message = "worker ended in an unknown way";
  }
  return end;
}

}  // namespace dynamus::batch

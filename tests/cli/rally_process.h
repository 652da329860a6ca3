// The real `rally` binary as a child process, for the CLI and `rally serve` tests.
//
// RallyProcess starts the binary (RALLY_BINARY, set by tests/CMakeLists.txt) with its stdout
// and stderr going to files, so a chatty child can never block on a full pipe and the test can
// read what it printed so far at any time. The child gets the test's environment without
// RALLY_DB and RALLY_DATABASE_URL (so a developer's shell cannot point a test at a real
// database), plus whatever the test adds. It is killed with SIGKILL if the test process dies
// (PR_SET_PDEATHSIG) and by the destructor if it is still running, so no test leaves a process
// behind.
//
// RunRally runs one command to completion (with a timeout) and returns its exit code and output.
//
// Thread safety: one RallyProcess per test thread; the destructor must run on the thread that
// started it (PR_SET_PDEATHSIG is tied to the forking thread).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

extern char** environ;

namespace rally::testing {

inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct ProcessOptions {
  std::vector<std::pair<std::string, std::string>> env;  // added to the child's environment
  std::filesystem::path cwd;                             // empty: the test's working directory
};

class RallyProcess {
 public:
  // Starts `rally args...`; its stdout and stderr are written to files under `output_dir`
  // (which must exist and outlive this object). Fails the current test if fork fails.
  RallyProcess(const std::vector<std::string>& args, const std::filesystem::path& output_dir,
               const ProcessOptions& options = {}) {
    static int counter = 0;
    std::string stem = "rally-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    out_path_ = output_dir / (stem + ".out");
    err_path_ = output_dir / (stem + ".err");

    // Everything the child needs is built before fork: after it, only async-signal-safe calls.
    std::vector<std::string> argv_s = {RALLY_BINARY};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) {
      std::string_view kv(*e);
      if (kv.starts_with("RALLY_DB=") || kv.starts_with("RALLY_DATABASE_URL=")) continue;
      env_s.emplace_back(kv);
    }
    for (const auto& [k, v] : options.env) env_s.push_back(k + "=" + v);
    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string out = out_path_.string(), err = err_path_.string(), cwd = options.cwd.string();
    pid_t parent = ::getpid();

    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(126);  // the parent died before prctl took effect
      int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      int i = ::open("/dev/null", O_RDONLY | O_CLOEXEC);  // nothing may wait for input
      if (i < 0 || o < 0 || e < 0 || ::dup2(i, 0) < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) ::_exit(126);
      // The test's own sockets (HttpClient connections) must not stay open in the child.
      ::close_range(3, ~0u, 0);
      if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    if (pid_ < 0) ADD_FAILURE() << "fork failed";
  }

  ~RallyProcess() {
    if (pid_ > 0 && !exit_code_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  RallyProcess(const RallyProcess&) = delete;
  RallyProcess& operator=(const RallyProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::string Stdout() const { return ReadWholeFile(out_path_); }
  std::string Stderr() const { return ReadWholeFile(err_path_); }

  // Whether the process is still running (reaps it when it has ended).
  bool Running() { return !Poll(); }

  // Waits until stdout contains `text`. False on timeout or when the process ended first.
  bool WaitForStdout(std::string_view text, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (Stdout().find(text) != std::string::npos) return true;
      if (Poll()) return Stdout().find(text) != std::string::npos;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  void Signal(int sig) {
    if (pid_ > 0 && !exit_code_) ::kill(pid_, sig);
  }

  // Waits for the process to end: its exit code, 128+N when killed by signal N, or nullopt
  // when it is still running after `timeout` (it is left running; the destructor kills it).
  std::optional<int> WaitExit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!Poll()) {
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exit_code_;
  }

 private:
  // True once the process has ended; records its exit code.
  bool Poll() {
    if (exit_code_) return true;
    if (pid_ <= 0) {
      exit_code_ = -1;
      return true;
    }
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0) return false;
    if (r < 0) exit_code_ = -1;
    else if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) exit_code_ = 128 + WTERMSIG(status);
    else return false;
    return true;
  }

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::filesystem::path out_path_, err_path_;
};

struct RunResult {
  int exit_code = -1;  // -1: it did not finish in time (and was killed)
  std::string out, err;
};

// Runs `rally args...` to completion (at most `timeout`).
inline RunResult RunRally(const std::vector<std::string>& args, const std::filesystem::path& output_dir,
                          const ProcessOptions& options = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  RallyProcess p(args, output_dir, options);
  RunResult r;
  auto code = p.WaitExit(timeout);
  r.exit_code = code.value_or(-1);
  r.out = p.Stdout();
  r.err = p.Stderr();
  return r;
}

}  // namespace rally::testing

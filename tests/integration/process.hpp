#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace givewatch::test {

/// A child process whose standard output and error go to a file (appended). Killed at destruction.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::filesystem::path& output);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  /// Sends `signal` and waits up to `timeout` for the exit; returns the exit status, or 128 + the
  /// signal that ended it, or -1 if it did not end in time (it is then SIGKILLed).
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Waits for the exit like stop() without sending anything.
  int wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

/// Runs a command to completion, returning its exit status; stdout into `out`, stderr into `err`.
int run_command(const std::vector<std::string>& argv, std::string& out, std::string& err,
                std::chrono::milliseconds timeout = std::chrono::seconds(120));

std::string read_file(const std::filesystem::path& path);

/// A fresh directory under the system temp dir, removed at scope exit unless the test failed
/// (then it is kept for inspection and its path printed).
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name);
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace givewatch::test

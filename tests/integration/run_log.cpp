#include "tests/integration/run_log.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace givewatch::test {

RunLog::RunLog(std::filesystem::path log) : path_(std::move(log)) {
  // The file must exist to be watched; the daemon appends to it.
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + path_.string());
  ::close(fd);
  offset_ = std::filesystem::file_size(path_);
  inotify_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_ < 0 || inotify_add_watch(inotify_, path_.c_str(), IN_MODIFY) < 0) {
    throw std::runtime_error("cannot watch " + path_.string());
  }
}

RunLog::~RunLog() {
  if (inotify_ >= 0) ::close(inotify_);
}

void RunLog::take(const std::string& line) {
  if (line.find("givewatch ") != std::string::npos && line.find(" started: ") != std::string::npos) started_ = true;
  if (line.find(": writing a step ") != std::string::npos) ++begun_;
  if (const auto at = line.find(": step written in "); at != std::string::npos) {
    ++ended_;
    const double ms = std::strtod(line.c_str() + at + 18, nullptr);
    fastest_ms_ = std::min(fastest_ms_, ms);
  }
  if (line.find(": step not written") != std::string::npos) ++ended_;
  if (line.find(" received; finishing the current steps") != std::string::npos && writing()) {
    stopped_while_writing_ = true;
  }
}

void RunLog::read() {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read " + path_.string());
  char buf[65536];
  for (ssize_t n; (n = pread(fd, buf, sizeof buf, static_cast<off_t>(offset_))) > 0;) {
    offset_ += static_cast<std::uint64_t>(n);
    partial_.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::size_t from = 0;
  for (std::size_t end; (end = partial_.find('\n', from)) != std::string::npos; from = end + 1) {
    take(partial_.substr(from, end - from));
    text_.append(partial_, from, end + 1 - from);
  }
  partial_.erase(0, from);
}

bool RunLog::wait(const std::function<bool(const RunLog&)>& done, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    // Drain the notifications first: whatever is appended after this read wakes the poll below.
    char events[4096];
    while (::read(inotify_, events, sizeof events) > 0) {
    }
    read();
    if (done(*this)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    pollfd pfd{inotify_, POLLIN, 0};
    ::poll(&pfd, 1, 1000);
  }
}

}  // namespace givewatch::test

#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace givewatch::test {

/// What one givewatch run has reported in its log so far, read as the file grows (woken by
/// inotify), so that a test acts on the daemon's own events instead of on elapsed time. Steps are
/// seen at --log-level debug: "chain N: writing a step …" before each write to the data directory,
/// "chain N: step written in X ms" (or "step not written") after it.
class RunLog {
 public:
  /// Follows `log` from its current end: what a run started after this appends.
  explicit RunLog(std::filesystem::path log);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  /// The run has opened the store ("givewatch … started").
  bool started() const { return started_; }
  std::uint64_t steps_begun() const { return begun_; }
  std::uint64_t steps_ended() const { return ended_; }
  /// A step was being written at the last read: begun and not yet reported written.
  bool writing() const { return begun_ > ended_; }
  /// Every complete line the run has logged so far.
  const std::string& text() const { return text_; }
  /// The shortest time a step of this run took to write, as the run reports it; 0 before the first.
  double fastest_step_ms() const { return ended_ > 0 && fastest_ms_ < 1e300 ? fastest_ms_ : 0; }
  /// The run logged that a stop signal arrived while a step was being written.
  bool stopped_while_writing() const { return stopped_while_writing_; }

  /// Reads what the file holds now.
  void read();
  /// Reads on as the file grows until `done(*this)` holds, or `timeout` passes (false then): the
  /// timeout only turns a daemon that stopped reporting into a failure instead of a hang.
  bool wait(const std::function<bool(const RunLog&)>& done, std::chrono::seconds timeout = std::chrono::seconds(300));

 private:
  void take(const std::string& line);

  std::filesystem::path path_;
  int inotify_ = -1;
  std::uint64_t offset_ = 0;
  std::string partial_;  ///< the start of a line not yet complete
  std::string text_;
  bool started_ = false;
  std::uint64_t begun_ = 0;
  std::uint64_t ended_ = 0;
  bool stopped_while_writing_ = false;
  double fastest_ms_ = 1e308;
};

}  // namespace givewatch::test

#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <utility>

namespace givewatch::test {

/// Runs `command` through the shell (stderr joined to stdout: add 2>&1): its exit status (-1 when
/// it did not exit normally) and its whole output.
inline std::pair<int, std::string> run_command(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string output;
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace givewatch::test

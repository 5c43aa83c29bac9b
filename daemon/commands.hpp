#pragma once

#include "daemon/cli.hpp"

namespace givewatch::daemon {

/// Exit statuses of the givewatch binary.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// Carries out a parsed command; returns the process exit status.
int execute(const Command& command);

/// The whole program: parses `argv`, prints usage errors, executes.
int main(int argc, char** argv);

}  // namespace givewatch::daemon

#pragma once

#include <filesystem>
#include <optional>

#include "config/config.hpp"
#include "daemon/cli.hpp"

namespace givewatch::daemon {

/// Exit statuses of the givewatch binary.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// Loads the configuration, printing every diagnostic to stderr when it is invalid.
std::optional<config::Config> load_config(const std::filesystem::path& path);

/// `givewatch alerts test|enable|replay` (alert_commands.cpp).
int alerts_command(const Command& command);

/// `givewatch audit` (audit_command.cpp).
int audit_command(const Command& command);
/// `givewatch export`: a campaign's donations as CSV or JSON Lines (export_command.cpp).
int export_command(const Command& command);

/// Carries out a parsed command; returns the process exit status.
int execute(const Command& command);

/// The whole program: parses `argv`, prints usage errors, executes.
int main(int argc, char** argv);

}  // namespace givewatch::daemon

#pragma once

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace givewatch::daemon {

/// What the command line asks for.
enum class Action { run, check, verify, help, version };

struct Command {
  Action action = Action::help;
  std::filesystem::path config;
  std::string log_level = "info";  ///< trace, debug, info, warn, error
};

/// A command line that cannot be carried out, with the reason (printed with the usage, exit 2).
struct UsageError {
  std::string message;
};

/// Parses argv[1..]: `run|check|verify --config FILE [--log-level L]`, `--help`, `--version`.
std::variant<Command, UsageError> parse_command_line(const std::vector<std::string>& args);

/// The text of `givewatch --help`.
std::string usage();

}  // namespace givewatch::daemon

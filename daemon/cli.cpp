#include "daemon/cli.hpp"

#include <array>

namespace givewatch::daemon {
namespace {

constexpr std::array kLevels{"trace", "debug", "info", "warn", "error"};

}  // namespace

std::string usage() {
  return R"(givewatch — indexes ERC-20 donations to campaign addresses on EVM chains.

Usage:
  givewatch run    --config FILE [--log-level LEVEL]   index the configured chains and serve the API
  givewatch check  --config FILE                       validate the configuration and print a summary
  givewatch verify --config FILE                       check the data directory's totals and indexes
  givewatch --help | --version

Options:
  -c, --config FILE      the TOML configuration (see docs/configuration.md)
  --log-level LEVEL      trace, debug, info (default), warn or error

Exit status: 0 success, 1 runtime failure, 2 bad command line or configuration.
)";
}

std::variant<Command, UsageError> parse_command_line(const std::vector<std::string>& args) {
  Command cmd;
  if (args.empty()) return UsageError{"no command given"};
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") return Command{Action::help, {}, {}};
  if (first == "--version" || first == "-V" || first == "version") return Command{Action::version, {}, {}};
  if (first == "run") {
    cmd.action = Action::run;
  } else if (first == "check") {
    cmd.action = Action::check;
  } else if (first == "verify") {
    cmd.action = Action::verify;
  } else {
    return UsageError{"unknown command '" + first + "'; expected run, check or verify"};
  }

  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& name) -> std::variant<std::string, UsageError> {
      if (auto eq = a.find('='); eq != std::string::npos) return a.substr(eq + 1);
      if (i + 1 >= args.size()) return UsageError{name + " needs a value"};
      return args[++i];
    };
    if (a == "--help" || a == "-h") return Command{Action::help, {}, {}};
    if (a == "--config" || a == "-c" || a.starts_with("--config=")) {
      auto v = value("--config");
      if (auto* e = std::get_if<UsageError>(&v)) return *e;
      cmd.config = std::get<std::string>(v);
    } else if (a == "--log-level" || a.starts_with("--log-level=")) {
      auto v = value("--log-level");
      if (auto* e = std::get_if<UsageError>(&v)) return *e;
      cmd.log_level = std::get<std::string>(v);
      bool known = false;
      for (const char* l : kLevels) known = known || cmd.log_level == l;
      if (!known)
        return UsageError{"--log-level '" + cmd.log_level +
                          "' is not one of trace, debug, info, warn, error"};
    } else {
      return UsageError{"unknown option '" + a + "' for '" + first + "'"};
    }
  }
  if (cmd.config.empty()) return UsageError{"'" + first + "' needs --config FILE"};
  return cmd;
}

}  // namespace givewatch::daemon

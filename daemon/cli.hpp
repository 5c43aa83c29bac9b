#pragma once

#include <filesystem>
#include <optional>
#include <utility>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace givewatch::daemon {

/// What the command line asks for.
enum class Action { run, check, verify, alerts, keygen, audit, export_donations, help, version };

/// What `givewatch alerts` does to one sink.
enum class AlertAction { test, enable, replay };

/// `givewatch audit`'s options.
struct AuditArgs {
  std::vector<std::pair<std::string, std::string>> rpc;  ///< --rpc CHAIN=URL: the node to ask for CHAIN
  std::string campaign;                                   ///< --campaign ID; empty: every campaign
  std::string chain;                                      ///< --chain NAME; empty: every chain
  std::uint64_t from_block = 0;
  std::optional<std::uint64_t> to_block;
  bool json = false;  ///< --json: one JSON object per problem, then the summary as one
};

struct Command {
  Action action = Action::help;
  std::filesystem::path config;
  std::string log_level = "info";  ///< trace, debug, info, warn, error
  AlertAction alert_action = AlertAction::test;  ///< for Action::alerts
  std::string alert_id;                          ///< --id, for Action::alerts
  std::uint64_t from_seq = 0;                    ///< --from-seq, for AlertAction::replay (1 or more)
  std::string campaign;                          ///< --campaign, for Action::export_donations
  std::string format = "csv";                    ///< --format csv|jsonl, for Action::export_donations
  /// --status, --chain, --token, --from, --to as the export route's query parameters, in order;
  /// their values are checked against the configuration by the API's own parser.
  std::vector<std::pair<std::string, std::string>> filters;
  std::filesystem::path out;  ///< --out FILE: keygen's key; export's output (empty: standard output)
  AuditArgs audit;  ///< for Action::audit
};

/// A command line that cannot be carried out, with the reason (printed with the usage, exit 2).
struct UsageError {
  std::string message;
};

/// Parses argv[1..]: `run|check|verify --config FILE [--log-level L]`,
/// `alerts test|enable|replay --config FILE --id ID [--from-seq N]`, `keygen --out FILE`,
/// `audit --config FILE ...` (AuditArgs), `export --config FILE --campaign ID [--format csv|jsonl]
/// [--status S] [--chain C] [--token T] [--from X] [--to X] [--out FILE]`, `--help`, `--version`.
std::variant<Command, UsageError> parse_command_line(const std::vector<std::string>& args);

/// The text of `givewatch --help`.
std::string usage();

}  // namespace givewatch::daemon

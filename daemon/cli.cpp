#include "daemon/cli.hpp"

#include <algorithm>
#include <array>

namespace givewatch::daemon {
namespace {

constexpr std::array kLevels{"trace", "debug", "info", "warn", "error"};
constexpr std::array kExportFilters{"status", "chain", "token", "from", "to"};

/// Whether `arg` is the option `name`, alone or as `name=value`.
bool is_option(const std::string& arg, const std::string& name) {
  return arg == name || arg.starts_with(name + "=");
}

/// `keygen --out FILE`: the only command without a configuration.
std::variant<Command, UsageError> parse_keygen(const std::vector<std::string>& args) {
  Command cmd;
  cmd.action = Action::keygen;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") return Command{Action::help, {}, {}};
    if (a == "--out" && i + 1 < args.size()) {
      cmd.out = args[++i];
    } else if (a.starts_with("--out=")) {
      cmd.out = a.substr(6);
    } else {
      return UsageError{a == "--out" ? "--out needs a value" : "unknown option '" + a + "' for 'keygen'"};
    }
  }
  if (cmd.out.empty()) return UsageError{"'keygen' needs --out FILE (where to write the new key)"};
  return cmd;
}

/// A block number or event sequence number: 1 to 19 decimal digits.
std::optional<std::uint64_t> parse_number(const std::string& text) {
  std::uint64_t n = 0;
  bool ok = !text.empty() && text.size() <= 19;
  for (char c : text) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return ok ? std::optional<std::uint64_t>(n) : std::nullopt;
}

/// `audit --config FILE [--rpc CHAIN=URL]... [--campaign ID] [--chain NAME] [--from-block N] [--to-block N] [--json]`.
std::variant<Command, UsageError> parse_audit(const std::vector<std::string>& args) {
  Command cmd;
  cmd.action = Action::audit;
  auto& a = cmd.audit;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") return Command{Action::help, {}, {}};
    if (arg == "--json") {
      a.json = true;
      continue;
    }
    const auto eq = arg.find('=');
    const std::string name = arg.starts_with("--") && eq != std::string::npos ? arg.substr(0, eq) : arg;
    std::string value;
    if (name != arg) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return UsageError{name + " needs a value"};
    }
    if (name == "--config" || name == "-c") {
      cmd.config = value;
    } else if (name == "--rpc") {
      const auto split = value.find('=');
      if (split == std::string::npos || split == 0 || split + 1 == value.size()) {
        return UsageError{"--rpc '" + value + "' is not CHAIN=URL (e.g. bsc=https://my-node.example)"};
      }
      a.rpc.emplace_back(value.substr(0, split), value.substr(split + 1));
    } else if (name == "--campaign") {
      a.campaign = value;
    } else if (name == "--chain") {
      a.chain = value;
    } else if (name == "--from-block" || name == "--to-block") {
      const auto n = parse_number(value);
      if (!n) return UsageError{name + " '" + value + "' is not a block number"};
      (name == "--from-block" ? a.from_block : a.to_block.emplace()) = *n;
    } else {
      return UsageError{"unknown option '" + arg + "' for 'audit'"};
    }
  }
  if (cmd.config.empty()) return UsageError{"'audit' needs --config FILE"};
  if (a.to_block && *a.to_block < a.from_block) return UsageError{"--to-block is below --from-block"};
  return cmd;
}

}  // namespace

std::string usage() {
  return R"(givewatch — indexes ERC-20 donations to campaign addresses on EVM chains.

Usage:
  givewatch run    --config FILE [--log-level LEVEL]   index the configured chains and serve the API
  givewatch check  --config FILE                       validate the configuration and print a summary
  givewatch verify --config FILE                       check the data directory's totals and indexes
  givewatch alerts test   --config FILE --id ID        send a sample event to an alert sink, print the answer
  givewatch alerts enable --config FILE --id ID        deliver again to a sink its receiver stopped (410)
  givewatch alerts replay --config FILE --id ID --from-seq N
                                                       deliver the events from N on again (daemon stopped)
  givewatch keygen --out FILE                          make an attestation key (mode 0600), print its address
  givewatch audit  --config FILE [--rpc CHAIN=URL]... [--campaign ID] [--chain NAME]
                   [--from-block N] [--to-block N] [--json]
                                                       re-check the store against a node of your choice
  givewatch export --config FILE --campaign ID [--format csv|jsonl] [--status S] [--chain C]
                   [--token T] [--from TIME] [--to TIME] [--out FILE]
                                                       write a campaign's donations as CSV or JSON Lines,
                                                       the bytes of GET /v1/campaigns/ID/donations.csv
  givewatch --help | --version

Options:
  -c, --config FILE      the TOML configuration (see docs/configuration.md)
  --log-level LEVEL      trace, debug, info (default), warn or error
  --status S             export: confirmed, pending or all (default)
  --chain C, --token T   export: a configured chain; a token symbol or contract address
  --from, --to TIME      export: block time from (inclusive) and to (exclusive): 2026-01-31,
                         2026-01-31T12:00:00Z (UTC) or Unix seconds
  --out FILE             export: write to FILE instead of standard output

Exit status: 0 success, 1 runtime failure (audit: any problem found), 2 bad command line or configuration.
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
  } else if (first == "alerts") {
    cmd.action = Action::alerts;
  } else if (first == "keygen") {
    return parse_keygen(args);
  } else if (first == "audit") {
    return parse_audit(args);
  } else if (first == "export") {
    cmd.action = Action::export_donations;
  } else {
    return UsageError{"unknown command '" + first + "'; expected run, check, verify, alerts, keygen, audit or export"};
  }

  std::size_t i = 1;
  if (cmd.action == Action::alerts) {
    const std::string sub = args.size() > 1 ? args[1] : "";
    if (sub == "test") {
      cmd.alert_action = AlertAction::test;
    } else if (sub == "enable") {
      cmd.alert_action = AlertAction::enable;
    } else if (sub == "replay") {
      cmd.alert_action = AlertAction::replay;
    } else if (sub == "--help" || sub == "-h") {
      return Command{Action::help, {}, {}};
    } else {
      return UsageError{sub.empty() ? "'alerts' needs test, enable or replay"
                                    : "unknown alerts command '" + sub + "'; expected test, enable or replay"};
    }
    i = 2;
  }
  const bool alerts = cmd.action == Action::alerts;
  const bool exporting = cmd.action == Action::export_donations;
  bool has_from_seq = false;
  for (; i < args.size(); ++i) {
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
    } else if (alerts && (a == "--id" || a.starts_with("--id="))) {
      auto v = value("--id");
      if (auto* e = std::get_if<UsageError>(&v)) return *e;
      cmd.alert_id = std::get<std::string>(v);
    } else if (alerts && cmd.alert_action == AlertAction::replay && (a == "--from-seq" || a.starts_with("--from-seq="))) {
      auto v = value("--from-seq");
      if (auto* e = std::get_if<UsageError>(&v)) return *e;
      const std::string& text = std::get<std::string>(v);
      const auto n = parse_number(text);
      if (!n || *n == 0) return UsageError{"--from-seq '" + text + "' is not an event sequence number (1 or more)"};
      cmd.from_seq = *n;
      has_from_seq = true;
    } else if (exporting && is_option(a, "--campaign")) {
      auto v = value("--campaign");
      if (auto* e = std::get_if<UsageError>(&v)) return *e;
      cmd.campaign = std::get<std::string>(v);
    } else if (exporting && is_option(a, "--format")) {
      auto v = value("--format");
      if (auto* e = std::get_if<UsageError>(&v)) return *e;
      cmd.format = std::get<std::string>(v);
      if (cmd.format != "csv" && cmd.format != "jsonl") return UsageError{"--format '" + cmd.format + "' is not csv or jsonl"};
    } else if (exporting && is_option(a, "--out")) {
      auto v = value("--out");
      if (auto* e = std::get_if<UsageError>(&v)) return *e;
      cmd.out = std::get<std::string>(v);
    } else if (exporting && std::any_of(kExportFilters.begin(), kExportFilters.end(),
                                        [&](const char* f) { return is_option(a, std::string("--") + f); })) {
      const std::string name = a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2);
      auto v = value("--" + name);
      if (auto* e = std::get_if<UsageError>(&v)) return *e;
      cmd.filters.emplace_back(name, std::get<std::string>(v));
    } else {
      return UsageError{"unknown option '" + a + "' for '" + (alerts ? "alerts " + args[1] : first) + "'"};
    }
  }
  const std::string name = alerts ? "alerts " + args[1] : first;
  if (cmd.config.empty()) return UsageError{"'" + name + "' needs --config FILE"};
  if (exporting && cmd.campaign.empty()) return UsageError{"'export' needs --campaign ID (a [[campaigns]] id)"};
  if (alerts && cmd.alert_id.empty()) return UsageError{"'" + name + "' needs --id ID (an [[alerts]] id)"};
  if (alerts && cmd.alert_action == AlertAction::replay && !has_from_seq) {
    return UsageError{"'alerts replay' needs --from-seq N (the first event to deliver again)"};
  }
  return cmd;
}

}  // namespace givewatch::daemon

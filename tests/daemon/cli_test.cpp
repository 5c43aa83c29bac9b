#include "daemon/cli.hpp"

#include <gtest/gtest.h>

namespace givewatch::daemon {
namespace {

std::variant<Command, UsageError> parse(std::vector<std::string> args) {
  return parse_command_line(args);
}

std::string error_of(std::vector<std::string> args) {
  auto r = parse(std::move(args));
  return std::holds_alternative<UsageError>(r) ? std::get<UsageError>(r).message : "(no error)";
}

TEST(CommandLine, Commands) {
  auto run = std::get<Command>(parse({"run", "--config", "a.toml", "--log-level=debug"}));
  EXPECT_EQ(run.action, Action::run);
  EXPECT_EQ(run.config, "a.toml");
  EXPECT_EQ(run.log_level, "debug");
  auto check = std::get<Command>(parse({"check", "-c", "b.toml"}));
  EXPECT_EQ(check.action, Action::check);
  EXPECT_EQ(check.config, "b.toml");
  EXPECT_EQ(std::get<Command>(parse({"verify", "--config=c.toml"})).config, "c.toml");
  EXPECT_EQ(std::get<Command>(parse({"--help"})).action, Action::help);
  EXPECT_EQ(std::get<Command>(parse({"--version"})).action, Action::version);
  EXPECT_EQ(std::get<Command>(parse({"check", "--help"})).action, Action::help);
}

TEST(CommandLine, MistakesAreExplained) {
  EXPECT_EQ(error_of({}), "no command given");
  EXPECT_EQ(error_of({"start"}), "unknown command 'start'; expected run, check, verify, alerts, keygen, audit or export");
  EXPECT_EQ(error_of({"run"}), "'run' needs --config FILE");
  EXPECT_EQ(error_of({"run", "--config"}), "--config needs a value");
  EXPECT_EQ(error_of({"check", "--conf", "x"}), "unknown option '--conf' for 'check'");
  EXPECT_EQ(error_of({"run", "-c", "x", "--log-level", "loud"}),
            "--log-level 'loud' is not one of trace, debug, info, warn, error");
}

TEST(CommandLine, AlertCommands) {
  auto test = std::get<Command>(parse({"alerts", "test", "--config", "a.toml", "--id", "ops"}));
  EXPECT_EQ(test.action, Action::alerts);
  EXPECT_EQ(test.alert_action, AlertAction::test);
  EXPECT_EQ(test.alert_id, "ops");
  auto replay = std::get<Command>(parse({"alerts", "replay", "-c", "a.toml", "--id=ops", "--from-seq", "42"}));
  EXPECT_EQ(replay.alert_action, AlertAction::replay);
  EXPECT_EQ(replay.from_seq, 42u);
  EXPECT_EQ(std::get<Command>(parse({"alerts", "enable", "-c", "a.toml", "--id", "x"})).alert_action, AlertAction::enable);

  EXPECT_EQ(error_of({"alerts"}), "'alerts' needs test, enable or replay");
  EXPECT_EQ(error_of({"alerts", "send"}), "unknown alerts command 'send'; expected test, enable or replay");
  EXPECT_EQ(error_of({"alerts", "test", "-c", "a.toml"}), "'alerts test' needs --id ID (an [[alerts]] id)");
  EXPECT_EQ(error_of({"alerts", "replay", "-c", "a.toml", "--id", "ops"}),
            "'alerts replay' needs --from-seq N (the first event to deliver again)");
  EXPECT_EQ(error_of({"alerts", "replay", "-c", "a.toml", "--id", "ops", "--from-seq", "0"}),
            "--from-seq '0' is not an event sequence number (1 or more)");
  EXPECT_EQ(error_of({"alerts", "test", "-c", "a.toml", "--id", "ops", "--from-seq", "3"}),
            "unknown option '--from-seq' for 'alerts test'");
  EXPECT_EQ(error_of({"run", "-c", "a.toml", "--id", "ops"}), "unknown option '--id' for 'run'");
}

TEST(CommandLine, ExportCommand) {
  auto e = std::get<Command>(parse({"export", "-c", "a.toml", "--campaign", "memorial", "--format=jsonl", "--from",
                                    "2026-01-01", "--to=2026-02-01", "--status", "confirmed", "--chain=bsc", "--token",
                                    "USDC", "--out", "x.jsonl"}));
  EXPECT_EQ(e.action, Action::export_donations);
  EXPECT_EQ(e.config, "a.toml");
  EXPECT_EQ(e.campaign, "memorial");
  EXPECT_EQ(e.format, "jsonl");
  EXPECT_EQ(e.out, "x.jsonl");
  EXPECT_EQ(e.filters, (std::vector<std::pair<std::string, std::string>>{
                           {"from", "2026-01-01"}, {"to", "2026-02-01"}, {"status", "confirmed"}, {"chain", "bsc"},
                           {"token", "USDC"}}));
  auto plain = std::get<Command>(parse({"export", "-c", "a.toml", "--campaign=rbb"}));
  EXPECT_EQ(plain.format, "csv");
  EXPECT_TRUE(plain.out.empty());
  EXPECT_TRUE(plain.filters.empty());

  EXPECT_EQ(error_of({"export", "-c", "a.toml"}), "'export' needs --campaign ID (a [[campaigns]] id)");
  EXPECT_EQ(error_of({"export", "--campaign", "x"}), "'export' needs --config FILE");
  EXPECT_EQ(error_of({"export", "-c", "a.toml", "--campaign", "x", "--format", "xlsx"}), "--format 'xlsx' is not csv or jsonl");
  EXPECT_EQ(error_of({"export", "-c", "a.toml", "--campaign", "x", "--from"}), "--from needs a value");
  EXPECT_EQ(error_of({"export", "-c", "a.toml", "--campaign", "x", "--limit", "3"}), "unknown option '--limit' for 'export'");
  EXPECT_EQ(error_of({"run", "-c", "a.toml", "--campaign", "x"}), "unknown option '--campaign' for 'run'");
  EXPECT_EQ(error_of({"export", "-c", "a.toml", "--campaigns", "x"}), "unknown option '--campaigns' for 'export'");
}

}  // namespace
}  // namespace givewatch::daemon

namespace givewatch::daemon {
namespace {

TEST(CommandLine, Audit) {
  auto a = std::get<Command>(parse({"audit", "--config", "a.toml", "--rpc", "bsc=https://node.example/key",
                                    "--rpc=celo=http://127.0.0.1:8545", "--campaign", "memorial", "--chain=bsc",
                                    "--from-block", "10", "--to-block=20", "--json"}));
  EXPECT_EQ(a.action, Action::audit);
  EXPECT_EQ(a.config, "a.toml");
  EXPECT_EQ(a.audit.rpc, (std::vector<std::pair<std::string, std::string>>{{"bsc", "https://node.example/key"},
                                                                           {"celo", "http://127.0.0.1:8545"}}));
  EXPECT_EQ(a.audit.campaign, "memorial");
  EXPECT_EQ(a.audit.chain, "bsc");
  EXPECT_EQ(a.audit.from_block, 10u);
  EXPECT_EQ(a.audit.to_block, 20u);
  EXPECT_TRUE(a.audit.json);
  const auto plain = std::get<Command>(parse({"audit", "-c", "a.toml"}));
  EXPECT_FALSE(plain.audit.json);
  EXPECT_FALSE(plain.audit.to_block);
  EXPECT_EQ(error_of({"audit"}), "'audit' needs --config FILE");
  EXPECT_EQ(error_of({"audit", "-c", "a.toml", "--rpc", "bsc"}), "--rpc 'bsc' is not CHAIN=URL (e.g. bsc=https://my-node.example)");
  EXPECT_EQ(error_of({"audit", "-c", "a.toml", "--rpc", "=http://x"}), "--rpc '=http://x' is not CHAIN=URL (e.g. bsc=https://my-node.example)");
  EXPECT_EQ(error_of({"audit", "-c", "a.toml", "--from-block", "-1"}), "--from-block '-1' is not a block number");
  EXPECT_EQ(error_of({"audit", "-c", "a.toml", "--from-block", "9", "--to-block", "8"}), "--to-block is below --from-block");
  EXPECT_EQ(error_of({"audit", "-c", "a.toml", "--to-block"}), "--to-block needs a value");
  EXPECT_EQ(error_of({"audit", "-c", "a.toml", "--id", "x"}), "unknown option '--id' for 'audit'");
}

TEST(CommandLine, Keygen) {
  const auto k = std::get<Command>(parse({"keygen", "--out", "/etc/givewatch/attest.key"}));
  EXPECT_EQ(k.action, Action::keygen);
  EXPECT_EQ(k.out, "/etc/givewatch/attest.key");
  EXPECT_EQ(std::get<Command>(parse({"keygen", "--out=k"})).out, "k");
  EXPECT_EQ(error_of({"keygen"}), "'keygen' needs --out FILE (where to write the new key)");
  EXPECT_EQ(error_of({"keygen", "--out"}), "--out needs a value");
  EXPECT_EQ(error_of({"keygen", "--config", "a.toml"}), "unknown option '--config' for 'keygen'");
}

}  // namespace
}  // namespace givewatch::daemon

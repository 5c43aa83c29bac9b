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
  EXPECT_EQ(error_of({"start"}), "unknown command 'start'; expected run, check, verify, alerts or keygen");
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

}  // namespace
}  // namespace givewatch::daemon

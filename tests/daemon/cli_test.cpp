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
  EXPECT_EQ(error_of({"start"}), "unknown command 'start'; expected run, check or verify");
  EXPECT_EQ(error_of({"run"}), "'run' needs --config FILE");
  EXPECT_EQ(error_of({"run", "--config"}), "--config needs a value");
  EXPECT_EQ(error_of({"check", "--conf", "x"}), "unknown option '--conf' for 'check'");
  EXPECT_EQ(error_of({"run", "-c", "x", "--log-level", "loud"}),
            "--log-level 'loud' is not one of trace, debug, info, warn, error");
}

}  // namespace
}  // namespace givewatch::daemon

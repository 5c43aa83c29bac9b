#include <gtest/gtest.h>

#include "config/config.hpp"
#include "tests/config/helpers.hpp"

namespace givewatch::config {
namespace {

using test::errors;
using test::load;
using test::only_error;
using test::with_campaigns;

using test::kSecret;

/// A valid webhook alert "ops" on lines 13-17 and then `line` on line 18.
LoadResult webhook_with(std::string_view line) {
  return load(
      with_campaigns("[[alerts]]\nid = \"ops\"\nkind = \"webhook\"\nurl = \"https://ops.example/hook\"\n"
                     "secret = \"" +
                     std::string(kSecret) + "\"\n" + std::string(line) + "\n"));
}

/// A valid slack alert "chat" on lines 13-16 and then `line` on line 17.
LoadResult slack_with(std::string_view line) {
  return load(
      with_campaigns("[[alerts]]\nid = \"chat\"\nkind = \"slack\"\nurl = \"https://hooks.slack.com/x\"\n" +
                     std::string(line) + "\n"));
}

/// A webhook alert whose secret, on line 17, is `secret`.
LoadResult secret(std::string_view secret, const Environment& env = {}) {
  return load(
      with_campaigns("[[alerts]]\nid = \"ops\"\nkind = \"webhook\"\nurl = \"https://ops.example/hook\"\n"
                     "secret = \"" +
                     std::string(secret) + "\"\n"),
      env);
}

constexpr std::string_view kExpectedSecret =
    "; expected 'whsec_' followed by the standard base64 of 24 to 64 random bytes, e.g. from 'echo "
    "whsec_$(openssl rand -base64 32)'";

TEST(AlertErrors, TopLevelTableAndUnknownKey) {
  EXPECT_EQ(
      only_error(load(std::string(test::kBsc) + "[[alert]]\nid = \"x\"\n")),
      "test.toml:5:3: unknown top-level table [[alert]]; did you mean [[alerts]]? valid top-level tables: "
      "[server], [storage], [[chains]], [[tokens]], [[campaigns]], [[alerts]], [attestation]");
  EXPECT_EQ(
      only_error(webhook_with("event = [\"donation\"]")),
      "test.toml:18:1: unknown key 'event' in [[alerts]]; did you mean 'events'? valid keys: id, kind, url, "
      "secret, events, campaigns, min_value, lang, from, bot_token, chat_id, api_base, ca_file, "
      "retry_base_ms, timeout_ms");
}

TEST(AlertErrors, Id) {
  EXPECT_EQ(
      only_error(load(with_campaigns("[[alerts]]\nkind = \"discord\"\nurl = \"https://d.example\"\n"))),
      "test.toml:13:1: missing required key 'id' in [[alerts]]; expected the alert's name in logs, metrics "
      "and the API: 1 to 64 characters from a-z, 0-9 and '-'");
  EXPECT_EQ(only_error(load(with_campaigns(
                "[[alerts]]\nid = \"Ops\"\nkind = \"discord\"\nurl = \"https://d.example\"\n"))),
            "test.toml:14:6: invalid alert id 'Ops'; expected 1 to 64 characters from a-z, 0-9 and '-'");
  EXPECT_EQ(only_error(load(with_campaigns("[[alerts]]\nid = \"" + std::string(65, 'a') +
                                           "\"\nkind = \"discord\"\nurl = \"https://d.example\"\n"))),
            "test.toml:14:6: invalid alert id '" + std::string(65, 'a') +
                "'; expected 1 to 64 characters from a-z, 0-9 and '-'");
  EXPECT_EQ(
      only_error(slack_with("[[alerts]]\nid = \"chat\"\nkind = \"discord\"\nurl = \"https://d.example\"")),
      "test.toml:18:6: duplicate alert id 'chat', already used at test.toml:14:6; alert ids must be unique");
}

TEST(AlertErrors, Kind) {
  EXPECT_EQ(
      only_error(load(with_campaigns("[[alerts]]\nid = \"a\"\nurl = \"https://d.example\"\n"))),
      "test.toml:13:1: missing required key 'kind' for alert 'a'; expected 'webhook', 'slack', 'discord' or "
      "'telegram'");
  EXPECT_EQ(only_error(load(
                with_campaigns("[[alerts]]\nid = \"a\"\nkind = \"Slak\"\nurl = \"https://d.example\"\n"))),
            "test.toml:15:8: invalid kind 'Slak' for alert 'a'; did you mean 'slack'? expected 'webhook', "
            "'slack', 'discord' or 'telegram'");
  EXPECT_EQ(only_error(load(with_campaigns("[[alerts]]\nid = \"a\"\nkind = 1\n"))),
            "test.toml:15:8: wrong type for 'kind' in [[alerts]]: expected a string, found an integer");
}

TEST(AlertErrors, KeysOfAnotherKind) {
  EXPECT_EQ(only_error(slack_with("secret = \"${S}\"")),
            "test.toml:17:1: key 'secret' is not used by alert 'chat' of kind 'slack'; it applies to kind "
            "webhook only");
  EXPECT_EQ(
      only_error(webhook_with("lang = \"en\"")),
      "test.toml:18:1: key 'lang' is not used by alert 'ops' of kind 'webhook'; it applies to kinds slack, "
      "discord and telegram only");
  EXPECT_EQ(
      only_error(webhook_with("bot_token = \"1:a\"")),
      "test.toml:18:1: key 'bot_token' is not used by alert 'ops' of kind 'webhook'; it applies to kind "
      "telegram only");
  EXPECT_EQ(
      errors(load(with_campaigns(R"([[alerts]]
id = "tg"
kind = "telegram"
url = "https://api.telegram.org"
bot_token = "1:a"
chat_id = "1"
secret = 5
)"))),
      (std::vector<std::string>{
          "test.toml:16:1: key 'url' is not used by alert 'tg' of kind 'telegram'; it applies to kinds "
          "webhook, slack and discord only",
          "test.toml:19:1: key 'secret' is not used by alert 'tg' of kind 'telegram'; it applies to kind "
          "webhook only",
      }));
}

TEST(AlertErrors, RequiredKeysOfEachKind) {
  EXPECT_EQ(errors(load(with_campaigns("[[alerts]]\nid = \"w\"\nkind = \"webhook\"\n"))),
            (std::vector<std::string>{
                "test.toml:13:1: missing required key 'url' for alert 'w' of kind 'webhook'; expected the "
                "http:// or https:// URL to POST to, e.g. \"https://ops.example/hook\"",
                "test.toml:13:1: missing required key 'secret' for alert 'w' of kind 'webhook'; expected a "
                "Standard Webhooks secret, 'whsec_' followed by base64, e.g. \"${OPS_WEBHOOK_SECRET}\"",
            }));
  EXPECT_EQ(
      only_error(load(with_campaigns("[[alerts]]\nid = \"d\"\nkind = \"discord\"\n"))),
      "test.toml:13:1: missing required key 'url' for alert 'd' of kind 'discord'; expected the http:// or "
      "https:// URL to POST to, e.g. \"https://ops.example/hook\"");
  EXPECT_EQ(
      errors(load(with_campaigns("[[alerts]]\nid = \"t\"\nkind = \"telegram\"\n"))),
      (std::vector<std::string>{
          "test.toml:13:1: missing required key 'bot_token' for alert 't' of kind 'telegram'; expected "
          "the bot's token from @BotFather, e.g. \"${TG_TOKEN}\"",
          "test.toml:13:1: missing required key 'chat_id' for alert 't' of kind 'telegram'; expected the "
          "chat to post to, e.g. \"-1001234567890\" or \"@channel\"",
      }));
}

TEST(AlertErrors, Urls) {
  EXPECT_EQ(
      only_error(load(with_campaigns(
          "[[alerts]]\nid = \"s\"\nkind = \"slack\"\nurl = \"wss://hooks.slack.com/services/T0/B0/KEY\"\n"))),
      "test.toml:16:7: invalid url 'wss://hooks.slack.com/…' for alert 's': expected an http:// or "
      "https:// URL, e.g. 'https://ops.example/hook'");
  EXPECT_EQ(
      only_error(load(with_campaigns("[[alerts]]\nid = \"s\"\nkind = \"slack\"\nurl = \"${HOOK}\"\n"),
                      {{"HOOK", "hooks.slack.com/services/T0/B0/KEY"}})),
      "test.toml:16:7: invalid url 'hooks.slack.com/…' (from '${HOOK}') for alert 's': expected an http:// "
      "or https:// URL, e.g. 'https://ops.example/hook'");
  EXPECT_EQ(
      only_error(load(with_campaigns(
          "[[alerts]]\nid = \"s\"\nkind = \"slack\"\nurl = \"https://hooks.slack.com/services/KEY${\"\n"))),
      "test.toml:16:7: unterminated '${' in 'https://hooks.slack.com/…'; expected ${NAME}, or $${ for a "
      "literal '${'");
  EXPECT_EQ(
      only_error(load(with_campaigns("[[alerts]]\nid = \"t\"\nkind = \"telegram\"\nbot_token = \"1:a\"\n"
                                     "chat_id = \"1\"\napi_base = \"api.telegram.org/x\"\n"))),
      "test.toml:18:12: invalid api_base 'api.telegram.org/…' for alert 't': expected an http:// or "
      "https:// URL, e.g. 'https://api.telegram.org'");
}

TEST(AlertErrors, Secret) {
  struct Case {
    std::string secret;
    Environment env;
    std::string problem;
  };
  const Case cases[] = {
      {"aSEGCJ1tOB7pZMKLUsrXNJozyTypIL4klVdV+lBw5+E=", {}, ": it does not start with 'whsec_'"},
      {"${OPS_WEBHOOK_SECRET}",
       {{"OPS_WEBHOOK_SECRET", "hunter2"}},
       " (from '${OPS_WEBHOOK_SECRET}'): it does not start with 'whsec_'"},
      // 23, 65 and 0 bytes
      {"whsec_ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo=", {}, ": it decodes to 23 bytes"},
      {"whsec_" + std::string(84, 'A') + "AAA=", {}, ": it decodes to 65 bytes"},
      {"whsec_", {}, ": it decodes to 0 bytes"},
      // characters outside standard base64: URL-safe '-' and '_', a space; a wrong length
      {"whsec_aSEGCJ1tOB7pZMKLUsrXNJozyTypIL4klVdV-lBw5_E=",
       {},
       ": the part after 'whsec_' is not base64: character 37 is not of the base64 alphabet"},
      {"whsec_aSEGCJ1tOB7pZMKLUsrXNJozyTypIL4klVdV lBw5+E=",
       {},
       ": the part after 'whsec_' is not base64: character 37 is not of the base64 alphabet"},
      {"whsec_aSEGCJ1tOB7pZMKLUsrXNJozyTypIL4klVdV+lBw5+E",
       {},
       ": the part after 'whsec_' is not base64: its length is not a multiple of 4"},
      {"whsec_${A}${B}",
       {{"A", "aSEG"}, {"B", "!"}},
       " (from '${A}', '${B}'): the part after 'whsec_' is not base64: its length is not a multiple of 4"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(only_error(secret(c.secret, c.env)),
              "test.toml:17:10: invalid 'secret' for alert 'ops'" + c.problem + std::string(kExpectedSecret));
  }
  EXPECT_EQ(
      only_error(secret("whsec_abc${")),
      "test.toml:17:10: unterminated '${' in 'secret' in [[alerts]] (its value is not shown: it is secret); "
      "expected ${NAME}, or $${ for a literal '${'");
  EXPECT_EQ(
      only_error(secret("whsec_${a+b}")),
      "test.toml:17:10: invalid variable in 'secret' in [[alerts]] (its value is not shown: it is secret); "
      "expected ${NAME} with NAME made of letters, digits and '_', not starting with a digit");
  EXPECT_EQ(only_error(secret("${OPS_WEBHOOK_SECRET}")),
            "test.toml:17:10: environment variable 'OPS_WEBHOOK_SECRET' is not set; set it, or replace "
            "${OPS_WEBHOOK_SECRET} with a value");
}

TEST(AlertErrors, Events) {
  EXPECT_EQ(
      only_error(slack_with("events = []")),
      "test.toml:17:10: 'events' of alert 'chat' is empty; expected one or more of 'donation', 'confirmed' "
      "or 'removed', or no 'events' for all three");
  EXPECT_EQ(
      errors(slack_with("events = [\"donaton\", \"removed\", 3, \"removed\"]")),
      (std::vector<std::string>{
          "test.toml:17:11: invalid event 'donaton' for alert 'chat'; did you mean 'donation'? expected "
          "'donation', 'confirmed' or 'removed'",
          "test.toml:17:33: wrong type for 'events[2]' in [[alerts]]: expected a string, found an integer",
          "test.toml:17:36: event 'removed' is listed twice for alert 'chat', also at test.toml:17:22; list "
          "each event once",
      }));
}

TEST(AlertErrors, Campaigns) {
  EXPECT_EQ(
      only_error(slack_with("campaigns = [\"memorail\"]")),
      "test.toml:17:14: unknown campaign 'memorail' for alert 'chat'; did you mean 'memorial'? expected one "
      "of the configured campaigns: memorial, school");
  EXPECT_EQ(only_error(slack_with("campaigns = [\"hospital\"]")),
            "test.toml:17:14: unknown campaign 'hospital' for alert 'chat'; expected one of the configured "
            "campaigns: memorial, school");
  EXPECT_EQ(
      only_error(load(std::string(test::kBsc) +
                      "[[alerts]]\nid = \"a\"\nkind = \"discord\"\nurl = \"https://d.example\"\n"
                      "campaigns = [\"x\"]\n")),
      "test.toml:9:14: unknown campaign 'x' for alert 'a'; expected one of the configured campaigns: (none)");
  EXPECT_EQ(only_error(slack_with("campaigns = []")),
            "test.toml:17:13: 'campaigns' of alert 'chat' is empty; expected one or more campaign ids, or no "
            "'campaigns' for every campaign");
  EXPECT_EQ(
      only_error(slack_with("campaigns = [\"school\", \"school\"]")),
      "test.toml:17:24: campaign 'school' is listed twice for alert 'chat', also at test.toml:17:14; list "
      "each campaign once");
}

TEST(AlertErrors, MinValue) {
  const std::string expected =
      ": expected a decimal number without sign or exponent, e.g. '10', '0.5' or '1000.000001'";
  for (const std::string text : {"-1", "+1", "1e3", ".5", "5.", "1.2.3", "", " 1", "1,5", "0x10"}) {
    EXPECT_EQ(only_error(slack_with("min_value = \"" + text + "\"")),
              "test.toml:17:13: invalid min_value '" + text + "' for alert 'chat'" + expected);
  }
  const std::string long_fraction = "0." + std::string(78, '1');
  EXPECT_EQ(only_error(slack_with("min_value = \"" + long_fraction + "\"")),
            "test.toml:17:13: invalid min_value '" + long_fraction +
                "' for alert 'chat': it has 78 fractional digits; expected at most 77");
  const std::string huge = std::string(40, '9') + "." + std::string(40, '9');
  EXPECT_EQ(only_error(slack_with("min_value = \"" + huge + "\"")),
            "test.toml:17:13: invalid min_value '" + huge +
                "' for alert 'chat': it is too large: its digits without the point must stay below 2^256; "
                "expected a smaller value");
  EXPECT_EQ(
      only_error(slack_with("min_value = 10")),
      "test.toml:17:13: wrong type for 'min_value' in [[alerts]]: expected a decimal number written as a "
      "string, e.g. \"10\" or \"0.5\", found an integer");
  EXPECT_EQ(
      only_error(slack_with("min_value = 0.5")),
      "test.toml:17:13: wrong type for 'min_value' in [[alerts]]: expected a decimal number written as a "
      "string, e.g. \"10\" or \"0.5\", found a float");
}

TEST(AlertErrors, LangFromAndTimes) {
  EXPECT_EQ(only_error(slack_with("lang = \"de\"")),
            "test.toml:17:8: invalid lang 'de' for alert 'chat'; expected 'en' or 'ru'");
  EXPECT_EQ(only_error(slack_with("lang = \"RU\"")),
            "test.toml:17:8: invalid lang 'RU' for alert 'chat'; did you mean 'ru'? expected 'en' or 'ru'");
  EXPECT_EQ(only_error(slack_with("from = \"begin\"")),
            "test.toml:17:8: invalid from 'begin' for alert 'chat'; expected 'end' or 'start'");
  EXPECT_EQ(only_error(slack_with("from = \"stat\"")),
            "test.toml:17:8: invalid from 'stat' for alert 'chat'; did you mean 'start'? expected 'end' or "
            "'start'");
  EXPECT_EQ(only_error(slack_with("retry_base_ms = 9")),
            "test.toml:17:17: 'retry_base_ms' in [[alerts]] is 9; expected an integer from 10 to 3600000");
  EXPECT_EQ(only_error(slack_with("timeout_ms = 600001")),
            "test.toml:17:14: 'timeout_ms' in [[alerts]] is 600001; expected an integer from 100 to 600000");
  EXPECT_EQ(
      only_error(slack_with("ca_file = \"/nonexistent/ca.pem\"")),
      "test.toml:17:11: ca_file '/nonexistent/ca.pem' is not a readable file; expected a PEM file of the "
      "certificate authorities to trust for the https endpoint of alert 'chat'");
}

TEST(AlertErrors, Telegram) {
  auto telegram = [](std::string_view token, std::string_view chat) {
    return load(with_campaigns("[[alerts]]\nid = \"tg\"\nkind = \"telegram\"\nbot_token = \"" +
                               std::string(token) + "\"\nchat_id = \"" + std::string(chat) + "\"\n"));
  };
  const std::string token_expected =
      ": expected the token @BotFather gave: digits, ':', then letters, digits, '_' and '-'";
  for (std::string_view token : {"", "123456", "abc:def", "123:", "123:ab/c", ":abc"}) {
    EXPECT_EQ(only_error(telegram(token, "1")),
              "test.toml:16:13: invalid 'bot_token' for alert 'tg'" + token_expected);
  }
  for (std::string_view chat : {"", "-", "chat", "@ab", "@1abc", "1-2", "123456789012345678901"}) {
    EXPECT_EQ(
        only_error(telegram("1:a", chat)),
        "test.toml:17:11: invalid chat_id '" + std::string(chat) +
            "' for alert 'tg': expected a numeric chat id such as '-1001234567890', or '@username' of a "
            "public channel");
  }
}

TEST(AlertErrors, AllAtOnce) {
  const auto result = load(std::string(test::kBsc) + R"([[alerts]]
id = "ops"
kind = "webhook"
url = "ftp://ops.example/hook"
secret = "whsec_short"
events = ["donation", "donation"]
campaigns = ["memorial"]
min_value = "-5"
lang = "en"
timeout_ms = 1

[[alerts]]
id = "ops"
kind = "telegram"
chat_id = "me"
from = "now"
colour = "red"

[[campaigns]]
id = "memorail"
name = "Memorial"
addresses = [{ chain = "bsc", address = "0x1111111111111111111111111111111111111111", start_block = 1 }]
)");
  EXPECT_EQ(
      errors(result),
      (std::vector<std::string>{
          "test.toml:8:7: invalid url 'ftp://ops.example/…' for alert 'ops': expected an http:// or "
          "https:// URL, e.g. 'https://ops.example/hook'",
          "test.toml:9:10: invalid 'secret' for alert 'ops': the part after 'whsec_' is not base64: its "
          "length is not a multiple of 4" +
              std::string(kExpectedSecret),
          "test.toml:10:23: event 'donation' is listed twice for alert 'ops', also at test.toml:10:11; list "
          "each event once",
          "test.toml:11:14: unknown campaign 'memorial' for alert 'ops'; did you mean 'memorail'? expected "
          "one of the configured campaigns: memorail",
          "test.toml:12:13: invalid min_value '-5' for alert 'ops': expected a decimal number without sign "
          "or exponent, e.g. '10', '0.5' or '1000.000001'",
          "test.toml:13:1: key 'lang' is not used by alert 'ops' of kind 'webhook'; it applies to kinds "
          "slack, discord and telegram only",
          "test.toml:14:14: 'timeout_ms' in [[alerts]] is 1; expected an integer from 100 to 600000",
          "test.toml:16:1: missing required key 'bot_token' for alert 'ops' of kind 'telegram'; expected "
          "the bot's token from @BotFather, e.g. \"${TG_TOKEN}\"",
          "test.toml:17:6: duplicate alert id 'ops', already used at test.toml:6:6; alert ids must be unique",
          "test.toml:19:11: invalid chat_id 'me' for alert 'ops': expected a numeric chat id such as "
          "'-1001234567890', or '@username' of a public channel",
          "test.toml:20:8: invalid from 'now' for alert 'ops'; expected 'end' or 'start'",
          "test.toml:21:1: unknown key 'colour' in [[alerts]]; valid keys: id, kind, url, secret, events, "
          "campaigns, min_value, lang, from, bot_token, chat_id, api_base, ca_file, retry_base_ms, "
          "timeout_ms",
      }));
}

}  // namespace
}  // namespace givewatch::config

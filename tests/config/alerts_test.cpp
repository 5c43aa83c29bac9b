#include <gtest/gtest.h>

#include "config/config.hpp"
#include "core/base64.hpp"
#include "tests/config/helpers.hpp"

namespace givewatch::config {
namespace {

using test::errors;
using test::load;
using test::only_error;
using test::with_campaigns;

using test::kSecret;
constexpr std::string_view kToken = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

Alert only_alert(const LoadResult& result) {
  if (!result.config || result.config->alerts.size() != 1) {
    ADD_FAILURE() << only_error(result);
    return {};
  }
  return result.config->alerts.front();
}

/// The one alert of a file whose [[alerts]] table has, after its id, the key-value `lines`.
Alert alert_with(std::string_view lines) {
  return only_alert(load(with_campaigns("[[alerts]]\nid = \"a\"\n" + std::string(lines))));
}

TEST(Alerts, FullWebhook) {
  const auto result =
      load(with_campaigns(R"(
[[alerts]]
id = "ops"
kind = "webhook"
url = "https://ops.example/hook"
secret = "${OPS_WEBHOOK_SECRET}"
events = ["donation", "removed"]
campaigns = ["memorial"]
min_value = "0010.500"
from = "start"
ca_file = "${CA}"
retry_base_ms = 10
timeout_ms = 600000
)"),
           {{"OPS_WEBHOOK_SECRET", std::string(kSecret)}, {"CA", GIVEWATCH_SOURCE_DIR "/README.md"}});
  const Alert alert = only_alert(result);
  EXPECT_EQ(alert.id, "ops");
  EXPECT_EQ(alert.kind, AlertKind::webhook);
  EXPECT_EQ(alert.url, "https://ops.example/hook");
  EXPECT_EQ(alert.target_url(), "https://ops.example/hook");
  EXPECT_EQ(alert.secret, kSecret);
  EXPECT_EQ(alert.key, *core::base64_decode(kSecret.substr(6)));
  EXPECT_EQ(alert.key.size(), 32u);
  EXPECT_EQ(alert.events, (std::vector{AlertEvent::donation, AlertEvent::removed}));
  EXPECT_TRUE(alert.wants(AlertEvent::donation));
  EXPECT_FALSE(alert.wants(AlertEvent::confirmed));
  EXPECT_TRUE(alert.wants(AlertEvent::removed));
  EXPECT_EQ(alert.campaigns, std::vector<std::string>{"memorial"});
  EXPECT_TRUE(alert.wants_campaign("memorial"));
  EXPECT_FALSE(alert.wants_campaign("school"));
  EXPECT_EQ(alert.min_value, (DecimalValue{105, 1, "10.5"}));
  EXPECT_EQ(alert.from, AlertFrom::start);
  EXPECT_EQ(alert.ca_file, GIVEWATCH_SOURCE_DIR "/README.md");
  EXPECT_EQ(alert.retry_base_ms, 10u);
  EXPECT_EQ(alert.timeout_ms, 600000u);
}

TEST(Alerts, WebhookDefaults) {
  const Alert alert = alert_with("kind = \"webhook\"\nurl = \"http://10.0.0.5:9000\"\nsecret = \"" +
                                 std::string(kSecret) + "\"\n");
  EXPECT_EQ(alert.events, (std::vector{AlertEvent::donation, AlertEvent::confirmed, AlertEvent::removed}));
  EXPECT_TRUE(alert.campaigns.empty());
  EXPECT_TRUE(alert.wants_campaign("memorial"));
  EXPECT_TRUE(alert.wants_campaign("anything"));
  EXPECT_EQ(alert.min_value, DecimalValue{});
  EXPECT_EQ(alert.min_value.text, "0");
  EXPECT_EQ(alert.from, AlertFrom::end);
  EXPECT_EQ(alert.lang, "en");
  EXPECT_TRUE(alert.ca_file.empty());
  EXPECT_EQ(alert.retry_base_ms, 5000u);
  EXPECT_EQ(alert.timeout_ms, 15000u);
}

TEST(Alerts, FullSlackAndDiscord) {
  const auto result = load(with_campaigns(R"(
[[alerts]]
id = "team-chat"
kind = "slack"
url = "https://hooks.slack.com/services/T000/B000/XXXXXXXX"
events = ["confirmed"]
campaigns = ["school", "memorial"]
min_value = "1000.000001"
lang = "ru"
retry_base_ms = 3600000
timeout_ms = 100

[[alerts]]
id = "discord"
kind = "discord"
url = "https://discord.com/api/webhooks/1/TOKEN"
)"));
  ASSERT_TRUE(result.config) << only_error(result);
  ASSERT_EQ(result.config->alerts.size(), 2u);
  const Alert& slack = result.config->alerts[0];
  EXPECT_EQ(slack.kind, AlertKind::slack);
  EXPECT_EQ(slack.target_url(), "https://hooks.slack.com/services/T000/B000/XXXXXXXX");
  EXPECT_TRUE(slack.secret.empty());
  EXPECT_TRUE(slack.key.empty());
  EXPECT_EQ(slack.events, std::vector{AlertEvent::confirmed});
  EXPECT_EQ(slack.campaigns, (std::vector<std::string>{"school", "memorial"}));
  EXPECT_EQ(slack.min_value, (DecimalValue{1000000001, 6, "1000.000001"}));
  EXPECT_EQ(slack.lang, "ru");
  EXPECT_EQ(slack.retry_base_ms, 3600000u);
  EXPECT_EQ(slack.timeout_ms, 100u);
  const Alert& discord = result.config->alerts[1];
  EXPECT_EQ(discord.kind, AlertKind::discord);
  EXPECT_EQ(discord.target_url(), "https://discord.com/api/webhooks/1/TOKEN");
  EXPECT_EQ(discord.lang, "en");
}

TEST(Alerts, FullTelegram) {
  const auto result = load(with_campaigns(R"(
[[alerts]]
id = "tg"
kind = "telegram"
bot_token = "${TG_TOKEN}"
chat_id = "-1001234567890"
api_base = "http://127.0.0.1:8081/tg//"
lang = "ru"
events = ["donation"]
)"),
                           {{"TG_TOKEN", std::string(kToken)}});
  const Alert alert = only_alert(result);
  EXPECT_EQ(alert.kind, AlertKind::telegram);
  EXPECT_EQ(alert.bot_token, kToken);
  EXPECT_EQ(alert.chat_id, "-1001234567890");
  EXPECT_EQ(alert.api_base, "http://127.0.0.1:8081/tg");
  EXPECT_TRUE(alert.url.empty());
  EXPECT_EQ(alert.target_url(), "http://127.0.0.1:8081/tg/bot" + std::string(kToken) + "/sendMessage");
  EXPECT_EQ(alert.lang, "ru");

  const Alert plain = only_alert(load(with_campaigns(R"([[alerts]]
id = "tg"
kind = "telegram"
bot_token = "1:a"
chat_id = "@givewatch"
)")));
  EXPECT_EQ(plain.api_base, "https://api.telegram.org");
  EXPECT_EQ(plain.target_url(), "https://api.telegram.org/bot1:a/sendMessage");
}

TEST(Alerts, Names) {
  EXPECT_EQ(to_string(AlertKind::webhook), "webhook");
  EXPECT_EQ(to_string(AlertKind::slack), "slack");
  EXPECT_EQ(to_string(AlertKind::discord), "discord");
  EXPECT_EQ(to_string(AlertKind::telegram), "telegram");
  EXPECT_EQ(to_string(AlertEvent::donation), "donation");
  EXPECT_EQ(to_string(AlertEvent::confirmed), "confirmed");
  EXPECT_EQ(to_string(AlertEvent::removed), "removed");
}

TEST(Alerts, CampaignsMayBeDefinedAfterTheAlerts) {
  const auto result = load(std::string(test::kBsc) + R"([[alerts]]
id = "ops"
kind = "discord"
url = "https://discord.example/hook"
campaigns = ["late"]
[[campaigns]]
id = "late"
name = "Late"
addresses = [{ chain = "bsc", address = "0x1111111111111111111111111111111111111111", start_block = 1 }]
)");
  EXPECT_EQ(only_alert(result).campaigns, std::vector<std::string>{"late"});
}

TEST(Alerts, MinValueIsNormalised) {
  auto min_value = [](std::string_view text) {
    return alert_with("kind = \"slack\"\nurl = \"https://s.example\"\nmin_value = \"" + std::string(text) +
                      "\"\n")
        .min_value;
  };
  EXPECT_EQ(min_value("10"), (DecimalValue{10, 0, "10"}));
  EXPECT_EQ(min_value("0.5"), (DecimalValue{5, 1, "0.5"}));
  EXPECT_EQ(min_value("000"), (DecimalValue{0, 0, "0"}));
  EXPECT_EQ(min_value("0.000"), (DecimalValue{0, 0, "0"}));
  EXPECT_EQ(min_value("00.0100"), (DecimalValue{1, 2, "0.01"}));
  EXPECT_EQ(min_value("0." + std::string(76, '0') + "1"),
            (DecimalValue{1, 77, "0." + std::string(76, '0') + "1"}));
  EXPECT_EQ(min_value("1." + std::string(76, '0') + "1").units,
            core::Amount("1" + std::string(76, '0') + "1"));
  EXPECT_EQ(min_value(core::to_string(core::kMaxAmount)).units, core::kMaxAmount);
}

TEST(Alerts, SecretLengthsFrom24To64Bytes) {
  auto key = [](std::string_view secret) {
    return alert_with("kind = \"webhook\"\nurl = \"https://s.example\"\nsecret = \"" + std::string(secret) +
                      "\"\n")
        .key;
  };
  EXPECT_EQ(key("whsec_efJqCpQWcANBHZk932aw4P8yZgtsIyjm").size(), 24u);
  EXPECT_EQ(key("whsec_" + std::string(84, 'A') + "AA==").size(), 64u);
}

/// True when `text` holds any 5 characters in a row of `secret`: not even part of it may show.
bool shows_part_of(std::string_view text, std::string_view secret) {
  for (std::size_t i = 0; i + 5 <= secret.size(); ++i) {
    if (text.find(secret.substr(i, 5)) != std::string_view::npos) return true;
  }
  return false;
}

std::string everything(const LoadResult& result) {
  std::string out;
  for (const auto& line : errors(result)) out += line + "\n";
  if (result.config) out += summary(*result.config);
  return out;
}

TEST(Alerts, SecretsAndTokensAreNeverShown) {
  const std::string secret(kSecret);
  const std::string token(kToken);
  const std::string bad_secret = secret.substr(0, 20) + "!" + secret.substr(21);
  const std::string bad_token = token + "/x";
  const Environment env{
      {"SECRET", secret}, {"TOKEN", token}, {"BAD_SECRET", bad_secret}, {"BAD_TOKEN", bad_token}};
  // Each file has a mistake somewhere, about the secret or not: none of the messages shows it.
  const std::vector<std::string> files = {
      // valid secret and token, another mistake
      "[[alerts]]\nid = \"A\"\nkind = \"webhook\"\nurl = \"https://h.example\"\nsecret = \"" + secret +
          "\"\n[[alerts]]\nid = \"b\"\nkind = \"telegram\"\nchat_id = \"1\"\nbot_token = \"" + token +
          "\"\n" + "timeout_ms = 1\n",
      // wrong secrets and tokens, written out and from the environment
      "[[alerts]]\nid = \"a\"\nkind = \"webhook\"\nurl = \"https://h.example\"\nsecret = \"" + bad_secret +
          "\"\n",
      "[[alerts]]\nid = \"a\"\nkind = \"webhook\"\nurl = \"https://h.example\"\nsecret = \"${BAD_SECRET}\"\n",
      "[[alerts]]\nid = \"a\"\nkind = \"webhook\"\nurl = \"https://h.example\"\nsecret = \"" +
          secret.substr(6) + "\"\n",
      "[[alerts]]\nid = \"a\"\nkind = \"webhook\"\nurl = \"https://h.example\"\nsecret = \"" + secret +
          "A\"\n",
      "[[alerts]]\nid = \"a\"\nkind = \"webhook\"\nurl = \"https://h.example\"\nsecret = \"" + secret +
          "${\"\n",
      "[[alerts]]\nid = \"a\"\nkind = \"webhook\"\nurl = \"https://h.example\"\nsecret = \"" + secret +
          "${a-" + secret + "}\"\n",
      "[[alerts]]\nid = \"a\"\nkind = \"webhook\"\nurl = \"https://h.example\"\nsecret = "
      "\"whsec_${SECRET}\"\n",
      "[[alerts]]\nid = \"t\"\nkind = \"telegram\"\nchat_id = \"1\"\nbot_token = \"" + bad_token + "\"\n",
      "[[alerts]]\nid = \"t\"\nkind = \"telegram\"\nchat_id = \"1\"\nbot_token = \"${BAD_TOKEN}\"\n",
      "[[alerts]]\nid = \"t\"\nkind = \"telegram\"\nchat_id = \"1\"\nbot_token = \"" + token + "${\"\n",
      // secrets and tokens where the kind has none, or with no kind at all
      "[[alerts]]\nid = \"s\"\nkind = \"slack\"\nurl = \"https://h.example\"\nsecret = "
      "\"${SECRET}\"\nbot_token = \"" +
          token + "\"\n",
      "[[alerts]]\nid = \"s\"\nkind = \"slak\"\nsecret = \"" + bad_secret + "\"\nbot_token = \"" + bad_token +
          "\"\n",
      "[[alerts]]\nid = \"s\"\nsecret = \"" + secret + "\"\n",
      // a secret in a chat URL
      "[[alerts]]\nid = \"s\"\nkind = \"slack\"\nurl = \"ftp://hooks.slack.com/services/" + secret.substr(6) +
          "\"\n",
      "[[alerts]]\nid = \"s\"\nkind = \"slack\"\nurl = \"https://hooks.slack.com/services/" +
          secret.substr(6) + "${\"\n",
  };
  for (const auto& file : files) {
    const auto result = load(with_campaigns(file), env);
    ASSERT_FALSE(result.errors.empty()) << file;
    const std::string shown = everything(result);
    EXPECT_FALSE(shows_part_of(shown, secret.substr(6))) << shown;
    EXPECT_FALSE(shows_part_of(shown, token)) << shown;
  }

  // A valid file: neither the summary nor a warning shows them.
  const auto result = load(with_campaigns(R"([[alerts]]
id = "ops"
kind = "webhook"
url = "https://ops.example/hook/)" + secret.substr(6, 12) +
                                          R"("
secret = "${SECRET}"
[[alerts]]
id = "ops2"
kind = "webhook"
url = "https://ops.example/hook"
secret = ")" + secret + R"("
[[alerts]]
id = "tg"
kind = "telegram"
bot_token = ")" + token + R"("
chat_id = "1"
[[alerts]]
id = "tg2"
kind = "telegram"
bot_token = "${TOKEN}"
chat_id = "2"
)"),
                           env);
  ASSERT_TRUE(result.config) << only_error(result);
  EXPECT_FALSE(shows_part_of(everything(result), secret.substr(6))) << everything(result);
  EXPECT_FALSE(shows_part_of(everything(result), token)) << everything(result);
  EXPECT_EQ(everything(result).find("whsec_"), std::string::npos);
}

TEST(Alerts, Summary) {
  const auto result = load(with_campaigns(R"([[alerts]]
id = "ops"
kind = "webhook"
url = "https://ops.example/hook"
secret = "${SECRET}"
[[alerts]]
id = "team"
kind = "slack"
url = "https://hooks.slack.com/services/T000/B000/XXXXXXXX"
events = ["donation", "confirmed"]
campaigns = ["memorial", "school"]
min_value = "10.50"
from = "start"
[[alerts]]
id = "tg"
kind = "telegram"
bot_token = "${TOKEN}"
chat_id = "-1001234567890"
)"),
                           {{"SECRET", std::string(kSecret)}, {"TOKEN", std::string(kToken)}});
  ASSERT_TRUE(result.config) << only_error(result);
  const std::string text = summary(*result.config);
  const auto alerts = text.find("alerts (3)");
  ASSERT_NE(alerts, std::string::npos) << text;
  EXPECT_EQ(
      text.substr(alerts, text.find("\n\nwarnings") - alerts),
      "alerts (3)\n"
      "  ops   webhook   https://ops.example/…                          events donation,confirmed,removed  "
      "campaigns all              min_value 0     from end\n"
      "  team  slack     https://hooks.slack.com/…                      events donation,confirmed          "
      "campaigns memorial,school  min_value 10.5  from start\n"
      "  tg    telegram  https://api.telegram.org, chat -1001234567890  events donation,confirmed,removed  "
      "campaigns all              min_value 0     from end");
}

TEST(Alerts, NoAlertsNoSection) {
  const auto result = load(with_campaigns(""));
  ASSERT_TRUE(result.config) << only_error(result);
  EXPECT_EQ(summary(*result.config).find("alerts"), std::string::npos);
}

}  // namespace
}  // namespace givewatch::config

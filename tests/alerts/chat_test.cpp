#include <gtest/gtest.h>

#include "alerts/payload.hpp"
#include "tests/alerts/fixture.hpp"

namespace givewatch::alerts {
namespace {

using config::AlertKind;
using storage::EventType;

/// The chat body of the fixture's 250.5 USDT donation, with the campaign's totals after it.
std::string body(AlertKind kind, const std::string& lang, EventType type) {
  return chat_body(test::config(), test::alert(kind, lang), test::event(type),
                   CampaignUsd{"1250.5", "250.5"});
}

TEST(ChatBody, SlackEnglish) {
  EXPECT_EQ(
      body(AlertKind::slack, "en", EventType::donation),
      R"json({"text":"*New donation*: Political Prisoners. Memorial\n250.5 USDT on bsc from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending\n<https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001|View transaction>"})json");
  EXPECT_EQ(
      body(AlertKind::slack, "en", EventType::confirmed),
      R"json({"text":"*Donation confirmed*: Political Prisoners. Memorial\n250.5 USDT on bsc from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending\n<https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001|View transaction>"})json");
  EXPECT_EQ(
      body(AlertKind::slack, "en", EventType::removed),
      R"json({"text":"*Donation undone by a chain reorganization*: Political Prisoners. Memorial\n250.5 USDT on bsc from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending\n<https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001|View transaction>"})json");
}

TEST(ChatBody, SlackRussian) {
  EXPECT_EQ(
      body(AlertKind::slack, "ru", EventType::donation),
      R"json({"text":"*Новое пожертвование*: Political Prisoners. Memorial\n250.5 USDT в сети bsc от 0x5aAe…eAed\nВсего по кампании: $1250.5 подтверждено, $250.5 ожидает подтверждения\n<https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001|Транзакция в обозревателе>"})json");
  EXPECT_EQ(
      body(AlertKind::slack, "ru", EventType::confirmed),
      R"json({"text":"*Пожертвование подтверждено*: Political Prisoners. Memorial\n250.5 USDT в сети bsc от 0x5aAe…eAed\nВсего по кампании: $1250.5 подтверждено, $250.5 ожидает подтверждения\n<https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001|Транзакция в обозревателе>"})json");
  EXPECT_EQ(
      body(AlertKind::slack, "ru", EventType::removed),
      R"json({"text":"*Пожертвование отменено реорганизацией цепочки*: Political Prisoners. Memorial\n250.5 USDT в сети bsc от 0x5aAe…eAed\nВсего по кампании: $1250.5 подтверждено, $250.5 ожидает подтверждения\n<https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001|Транзакция в обозревателе>"})json");
}

TEST(ChatBody, DiscordEnglish) {
  EXPECT_EQ(
      body(AlertKind::discord, "en", EventType::donation),
      R"json({"content":"**New donation**: Political Prisoners. Memorial\n250.5 USDT on bsc from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending\n[View transaction](https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001)","allowed_mentions":{"parse":[]}})json");
  EXPECT_EQ(
      body(AlertKind::discord, "en", EventType::confirmed),
      R"json({"content":"**Donation confirmed**: Political Prisoners. Memorial\n250.5 USDT on bsc from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending\n[View transaction](https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001)","allowed_mentions":{"parse":[]}})json");
  EXPECT_EQ(
      body(AlertKind::discord, "en", EventType::removed),
      R"json({"content":"**Donation undone by a chain reorganization**: Political Prisoners. Memorial\n250.5 USDT on bsc from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending\n[View transaction](https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001)","allowed_mentions":{"parse":[]}})json");
}

TEST(ChatBody, DiscordRussian) {
  EXPECT_EQ(
      body(AlertKind::discord, "ru", EventType::donation),
      R"json({"content":"**Новое пожертвование**: Political Prisoners. Memorial\n250.5 USDT в сети bsc от 0x5aAe…eAed\nВсего по кампании: $1250.5 подтверждено, $250.5 ожидает подтверждения\n[Транзакция в обозревателе](https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001)","allowed_mentions":{"parse":[]}})json");
  EXPECT_EQ(
      body(AlertKind::discord, "ru", EventType::confirmed),
      R"json({"content":"**Пожертвование подтверждено**: Political Prisoners. Memorial\n250.5 USDT в сети bsc от 0x5aAe…eAed\nВсего по кампании: $1250.5 подтверждено, $250.5 ожидает подтверждения\n[Транзакция в обозревателе](https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001)","allowed_mentions":{"parse":[]}})json");
  EXPECT_EQ(
      body(AlertKind::discord, "ru", EventType::removed),
      R"json({"content":"**Пожертвование отменено реорганизацией цепочки**: Political Prisoners. Memorial\n250.5 USDT в сети bsc от 0x5aAe…eAed\nВсего по кампании: $1250.5 подтверждено, $250.5 ожидает подтверждения\n[Транзакция в обозревателе](https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001)","allowed_mentions":{"parse":[]}})json");
}

TEST(ChatBody, TelegramEnglish) {
  EXPECT_EQ(
      body(AlertKind::telegram, "en", EventType::donation),
      R"json({"chat_id":"-1001234567890","text":"<b>New donation</b>: Political Prisoners. Memorial\n250.5 USDT on bsc from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending\n<a href=\"https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001\">View transaction</a>","parse_mode":"HTML","disable_web_page_preview":true})json");
  EXPECT_EQ(
      body(AlertKind::telegram, "en", EventType::confirmed),
      R"json({"chat_id":"-1001234567890","text":"<b>Donation confirmed</b>: Political Prisoners. Memorial\n250.5 USDT on bsc from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending\n<a href=\"https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001\">View transaction</a>","parse_mode":"HTML","disable_web_page_preview":true})json");
  EXPECT_EQ(
      body(AlertKind::telegram, "en", EventType::removed),
      R"json({"chat_id":"-1001234567890","text":"<b>Donation undone by a chain reorganization</b>: Political Prisoners. Memorial\n250.5 USDT on bsc from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending\n<a href=\"https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001\">View transaction</a>","parse_mode":"HTML","disable_web_page_preview":true})json");
}

TEST(ChatBody, TelegramRussian) {
  EXPECT_EQ(
      body(AlertKind::telegram, "ru", EventType::donation),
      R"json({"chat_id":"-1001234567890","text":"<b>Новое пожертвование</b>: Political Prisoners. Memorial\n250.5 USDT в сети bsc от 0x5aAe…eAed\nВсего по кампании: $1250.5 подтверждено, $250.5 ожидает подтверждения\n<a href=\"https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001\">Транзакция в обозревателе</a>","parse_mode":"HTML","disable_web_page_preview":true})json");
  EXPECT_EQ(
      body(AlertKind::telegram, "ru", EventType::confirmed),
      R"json({"chat_id":"-1001234567890","text":"<b>Пожертвование подтверждено</b>: Political Prisoners. Memorial\n250.5 USDT в сети bsc от 0x5aAe…eAed\nВсего по кампании: $1250.5 подтверждено, $250.5 ожидает подтверждения\n<a href=\"https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001\">Транзакция в обозревателе</a>","parse_mode":"HTML","disable_web_page_preview":true})json");
  EXPECT_EQ(
      body(AlertKind::telegram, "ru", EventType::removed),
      R"json({"chat_id":"-1001234567890","text":"<b>Пожертвование отменено реорганизацией цепочки</b>: Political Prisoners. Memorial\n250.5 USDT в сети bsc от 0x5aAe…eAed\nВсего по кампании: $1250.5 подтверждено, $250.5 ожидает подтверждения\n<a href=\"https://bscscan.com/tx/0xabcdef0000000000000000000000000000000000000000000000000000000001\">Транзакция в обозревателе</a>","parse_mode":"HTML","disable_web_page_preview":true})json");
}
/// The campaign named "<b>&*_`|~>" on a chain without an explorer: no link, and the name is shown
/// literally by every target's markup.
std::string hostile(AlertKind kind) {
  return chat_body(test::config(), test::alert(kind), test::hostile_event(), CampaignUsd{"1250.5", "250.5"});
}

TEST(ChatEscaping, SlackEscapesAmpersandAndAngleBrackets) {
  EXPECT_EQ(
      hostile(AlertKind::slack),
      R"json({"text":"*New donation*: &lt;b&gt;&amp;*_`|~&gt;\n12.25 USDC on aurora from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending"})json");
}

TEST(ChatEscaping, DiscordEscapesMarkdownWithBackslashes) {
  EXPECT_EQ(
      hostile(AlertKind::discord),
      R"json({"content":"**New donation**: \\<b\\>&\\*\\_\\`\\|\\~\\>\n12.25 USDC on aurora from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending","allowed_mentions":{"parse":[]}})json");
}

TEST(ChatEscaping, TelegramEscapesHtml) {
  EXPECT_EQ(
      hostile(AlertKind::telegram),
      R"json({"chat_id":"-1001234567890","text":"<b>New donation</b>: &lt;b&gt;&amp;*_`|~&gt;\n12.25 USDC on aurora from 0x5aAe…eAed\nCampaign total: $1250.5 confirmed, $250.5 pending","parse_mode":"HTML","disable_web_page_preview":true})json");
}

TEST(ChatEscaping, BackslashQuoteBracketsAndNewlinesInNames) {
  auto config = test::config();
  config.campaigns[1].name = "a\\b \"q\" [x](https://evil.example)\nline";
  config.tokens[1].symbol = "U<S>D";
  const auto message = [&](AlertKind kind) {
    return chat_body(config, test::alert(kind), test::hostile_event(), CampaignUsd{});
  };
  // The JSON escapes of \ and " on top of each markup's own: Discord's \\ becomes \\\\ in JSON.
  EXPECT_EQ(
      message(AlertKind::discord),
      R"json({"content":"**New donation**: a\\\\b \"q\" \\[x\\]\\(https://evil.example\\) line\n12.25 U\\<S\\>D on aurora from 0x5aAe…eAed\nCampaign total: $0 confirmed, $0 pending","allowed_mentions":{"parse":[]}})json");
  EXPECT_EQ(
      message(AlertKind::telegram),
      R"json({"chat_id":"-1001234567890","text":"<b>New donation</b>: a\\b &quot;q&quot; [x](https://evil.example) line\n12.25 U&lt;S&gt;D on aurora from 0x5aAe…eAed\nCampaign total: $0 confirmed, $0 pending","parse_mode":"HTML","disable_web_page_preview":true})json");
  EXPECT_EQ(
      message(AlertKind::slack),
      R"json({"text":"*New donation*: a\\b \"q\" [x](https://evil.example) line\n12.25 U&lt;S&gt;D on aurora from 0x5aAe…eAed\nCampaign total: $0 confirmed, $0 pending"})json");
}

TEST(ChatEscaping, ExplorerUrlsAreEscapedForEachTarget) {
  auto config = test::config();
  config.chains[0].explorer = "https://scan.example/a&b=<c> (d)\"";
  const auto message = [&](AlertKind kind) {
    return chat_body(config, test::alert(kind), test::event(), CampaignUsd{});
  };
  const std::string tx = "0xabcdef0000000000000000000000000000000000000000000000000000000001";
  EXPECT_NE(message(AlertKind::slack)
                .find("<https://scan.example/a&amp;b=&lt;c&gt; (d)\\\"/tx/" + tx + "|View transaction>"),
            std::string::npos);
  EXPECT_NE(message(AlertKind::discord)
                .find("[View transaction](https://scan.example/a&b=%3Cc%3E%20%28d%29\\\"/tx/" + tx + ")"),
            std::string::npos);
  EXPECT_NE(message(AlertKind::telegram)
                .find(R"(<a href=\"https://scan.example/a&amp;b=&lt;c&gt; (d)&quot;/tx/)" + tx +
                      R"(\">View transaction</a>)"),
            std::string::npos);
}

TEST(ChatBody, NamesWhatTheConfigurationNoLongerHas) {
  auto config = test::config();
  config.tokens.erase(config.tokens.begin());        // USDT of bsc
  config.campaigns.erase(config.campaigns.begin());  // memorial
  config.chains[0].explorer.clear();
  EXPECT_EQ(
      chat_body(config, test::alert(AlertKind::slack), test::event(), CampaignUsd{}),
      R"json({"text":"*New donation*: memorial\n250500000000000000000 base units of 0x55d3…7955 on bsc from 0x5aAe…eAed\nCampaign total: $0 confirmed, $0 pending"})json");
  config.chains.erase(config.chains.begin());
  EXPECT_NE(chat_body(config, test::alert(AlertKind::slack), test::event(), CampaignUsd{})
                .find(" on chain 56 from "),
            std::string::npos);
}

TEST(ChatBody, AnUnknownLanguageIsEnglish) {
  EXPECT_EQ(body(AlertKind::slack, "de", EventType::donation),
            body(AlertKind::slack, "en", EventType::donation));
  EXPECT_NE(body(AlertKind::slack, "ru", EventType::donation),
            body(AlertKind::slack, "en", EventType::donation));
}

}  // namespace
}  // namespace givewatch::alerts

// Chat sinks (Slack, Discord, Telegram) and their filters against real receivers, with expectations
// computed from the store's log; `givewatch alerts test|enable|replay`.

#include <gtest/gtest.h>

#include "tests/integration/alert_rig.hpp"

namespace givewatch::test {
namespace {

using namespace alert_rig;
namespace json = boost::json;
using namespace std::chrono_literals;

struct Written {
  std::map<std::string, std::pair<std::string, unsigned>> tokens;  ///< lowercase address → symbol, decimals
  std::map<std::string, std::string> campaign_names;               ///< id → name
};

Written read_written(const std::filesystem::path& config) {
  Written w;
  std::istringstream in(read_file(config));
  std::string line, section;
  std::map<std::string, std::string> keys;
  const auto flush = [&] {
    if (section == "[[tokens]]") {
      std::string address = keys["address"];
      for (auto& c : address) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      w.tokens[address] = {keys["symbol"], static_cast<unsigned>(std::stoul(keys["decimals"]))};
    }
    if (section == "[[campaigns]]") w.campaign_names[keys["id"]] = keys["name"];
    keys.clear();
  };
  while (std::getline(in, line)) {
    if (line.starts_with("[")) {
      flush();
      section = line;
      continue;
    }
    const auto eq = line.find(" = ");
    if (eq == std::string::npos || line.starts_with(" ")) continue;
    std::string value = line.substr(eq + 3);
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    keys[line.substr(0, eq)] = value;
  }
  flush();
  return w;
}

/// The exact decimal value of `amount` base units with `decimals`, as people write it: "1250.5".
std::string decimal(const core::Amount& amount, unsigned decimals) {
  std::string digits = core::to_string(amount);
  if (digits.size() <= decimals) digits.insert(0, decimals + 1 - digits.size(), '0');
  std::string whole = digits.substr(0, digits.size() - decimals), fraction = digits.substr(digits.size() - decimals);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return fraction.empty() ? whole : whole + "." + fraction;
}

/// A campaign's USD sums after one event, in units of 10^-18 (every devnet token is a USD one).
struct Usd {
  core::Amount confirmed = 0, pending = 0;
};

/// The sums of each event's campaign after it, by seq, from the whole log.
std::map<std::uint64_t, Usd> usd_after(const std::vector<storage::Event>& log, const Written& w) {
  std::map<std::string, Usd> sums;
  std::map<std::uint64_t, Usd> out;
  for (const auto& e : log) {
    const auto& d = e.donation;
    const auto amount = d.amount * boost::multiprecision::pow(core::Amount(10), 18 - w.tokens.at(core::to_hex(d.token)).second);
    auto& s = sums[d.campaign];
    const bool confirmed = d.status == storage::Status::confirmed;
    if (e.type == storage::EventType::donation) (confirmed ? s.confirmed : s.pending) += amount;
    if (e.type == storage::EventType::confirmed) s.pending -= amount, s.confirmed += amount;
    if (e.type == storage::EventType::removed) (confirmed ? s.confirmed : s.pending) -= amount;
    out[e.seq] = s;
  }
  return out;
}

/// The chat messages a sink got are one per `want` event, in order, each naming its campaign, exact
/// value and token, and the campaign's USD sums after it, under the headline of its event type.
/// `words`: the two headlines (new, confirmed), then the words after the confirmed and pending sums.
void expect_messages(const std::string& sink, const Requests& got, const std::vector<storage::Event>& want,
                     const Written& w, const std::map<std::uint64_t, Usd>& usd, const std::string& field,
                     const std::array<std::string, 4>& words) {
  ASSERT_EQ(got.size(), want.size()) << sink;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& d = want[i].donation;
    const auto& sums = usd.at(want[i].seq);
    const std::string totals =
        "$" + decimal(sums.confirmed, 18) + " " + words[2] + ", $" + decimal(sums.pending, 18) + " " + words[3];
    EXPECT_NE(got[i].body.find(totals), std::string::npos) << sink << " #" << i << " wants " << totals << ": " << got[i].body;
    const auto body = json::parse(got[i].body).as_object();
    const std::string text(body.at(field).as_string());
    const auto& [symbol, decimals] = w.tokens.at(core::to_hex(d.token));
    const std::string value = decimal(d.amount, decimals) + " " + symbol;
    EXPECT_NE(text.find(w.campaign_names.at(d.campaign)), std::string::npos) << sink << " #" << i << ": " << text;
    EXPECT_NE(text.find(value), std::string::npos) << sink << " #" << i << " wants " << value << ": " << text;
    const auto& headline = words[want[i].type == storage::EventType::confirmed ? 1 : 0];
    EXPECT_NE(text.find(headline), std::string::npos) << sink << " #" << i << " wants " << headline << ": " << text;
  }
}

TEST(AlertSinks, ChatSinksGetTheirApiShapesAndFiltersHold) {
  Rig s("alert-chat", "bsc,aurora");
  HttpReceiver slack, discord, telegram, hook;
  const std::string token = "123456789:AAH-tokenSecret_42";
  const std::string slack_path = "/services/T01/B02/slackpathsecret";
  const std::string discord_path = "/api/webhooks/42/discordpathsecret";
  const std::string hook_path = "/hooks/webhookpathsecret";
  s.configure(alert_toml("team", "slack", {{"url", q(slack.url(slack_path))}, {"campaigns", "[\"memorial\"]"},
                                           {"events", "[\"donation\"]"}}) +
              alert_toml("ru", "discord", {{"url", q(discord.url(discord_path))}, {"lang", q("ru")},
                                           {"min_value", q("5000")}}) +
              alert_toml("channel", "telegram", {{"bot_token", q(token)}, {"chat_id", q("-1001234567890")},
                                                 {"api_base", q(telegram.url(""))}}) +
              webhook_toml("ops", hook.url(hook_path)));
  s.donate(10, 41);
  s.start();
  s.caught_up();
  s.donate(10, 42);  // seen pending, then confirmed
  const auto last = s.caught_up();
  for (const auto* id : {"team", "ru", "channel", "ops"}) ASSERT_TRUE(s.sink_at(id, last)) << id << "\n" << s.log();

  // Each sink's deliveries, worked out from the log and the configuration written.
  const Written w = read_written(s.config);
  std::vector<storage::Event> want_slack, want_discord, want_telegram;
  const auto log = store_events(s.data);
  for (const auto& e : log) {
    const auto& d = e.donation;
    want_telegram.push_back(e);
    if (e.type == storage::EventType::donation && d.campaign == "memorial") want_slack.push_back(e);
    const auto decimals = w.tokens.at(core::to_hex(d.token)).second;
    if (d.amount >= core::Amount(5000) * boost::multiprecision::pow(core::Amount(10), decimals)) want_discord.push_back(e);
  }
  ASSERT_EQ(want_telegram.size(), last);
  ASSERT_GT(want_slack.size(), 0u);
  ASSERT_GT(want_discord.size(), 0u);
  ASSERT_LT(want_discord.size(), last) << "min_value splits nothing";
  ASSERT_TRUE(std::any_of(log.begin(), log.end(), [](const auto& e) { return e.type == storage::EventType::confirmed; }));
  const auto usd = usd_after(log, w);

  const std::array<std::string, 4> english{"New donation", "Donation confirmed", "confirmed", "pending"};
  expect_messages("slack", slack.requests(), want_slack, w, usd, "text", english);
  expect_messages("discord", discord.requests(), want_discord, w, usd, "content",
                  {"Новое пожертвование", "Пожертвование подтверждено", "подтверждено", "ожидает подтверждения"});
  expect_messages("telegram", telegram.requests(), want_telegram, w, usd, "text", english);
  EXPECT_EQ(seqs(hook.requests()), one_to(last));
  for (const auto& r : slack.requests()) EXPECT_EQ(r.target, slack_path);
  for (const auto& r : discord.requests()) {
    EXPECT_EQ(r.target, discord_path);
    EXPECT_EQ(json::parse(r.body).at("allowed_mentions"), json::parse(R"({"parse": []})"));
  }
  for (const auto& r : telegram.requests()) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/bot" + token + "/sendMessage");
    const auto body = json::parse(r.body).as_object();
    EXPECT_EQ(body.at("chat_id"), "-1001234567890");
    EXPECT_EQ(body.at("parse_mode"), "HTML");
  }
  for (const auto& r : hook.requests()) EXPECT_EQ(r.target, hook_path);

  // No secret, token or webhook path is shown, in the log or the API.
  const std::string api = http_get(s.port, "/v1/alerts").body;
  EXPECT_EQ(s.daemon->stop(), 0);
  const std::string daemon_log = s.log();
  for (const std::string& secret : {token, std::string("tokenSecret"), std::string("slackpathsecret"),
                                   std::string("discordpathsecret"), std::string("webhookpathsecret"),
                                   kSecret.substr(6), std::string("/services/"), std::string("/api/webhooks/")}) {
    EXPECT_EQ(daemon_log.find(secret), std::string::npos) << secret << " in the log:\n" << daemon_log;
    EXPECT_EQ(api.find(secret), std::string::npos) << secret << " in /v1/alerts: " << api;
  }
}

TEST(AlertSinks, TestAndReplayCommands) {
  Rig s("alert-cli", "bsc");
  HttpReceiver good, bad;
  bad.answer_next({.status = 500, .body = "broken"});
  s.configure(webhook_toml("good", good.url()) + webhook_toml("bad", bad.url()));

  std::string out;
  EXPECT_EQ(s.alerts_command({"test", "--id", "good"}, out), 0) << out;
  EXPECT_NE(out.find("delivered"), std::string::npos) << out;
  EXPECT_EQ(out.find("not delivered"), std::string::npos) << out;
  ASSERT_EQ(good.requests().size(), 1u);
  const auto sample = good.requests()[0];
  EXPECT_TRUE(header(sample, "webhook-id").starts_with("msg_")) << header(sample, "webhook-id");
  EXPECT_TRUE(signed_right(sample)) << header(sample, "webhook-signature");
  EXPECT_EQ(json::parse(sample.body).at("type"), "donation.created") << sample.body;
  EXPECT_EQ(s.alerts_command({"test", "--id", "bad"}, out), 1) << out;
  EXPECT_NE(out.find("not delivered"), std::string::npos) << out;
  EXPECT_EQ(bad.requests().size(), 1u);

  s.donate(5, 51);
  s.start();
  s.caught_up();
  s.donate(5, 52);
  const auto last = s.caught_up();
  ASSERT_TRUE(s.sink_at("good", last)) << s.log();
  EXPECT_EQ(s.daemon->stop(), 0);
  const auto sent = [&](std::size_t from) {  // (webhook-id, body) of requests[from..]
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& r : good.requests()) pairs.emplace_back(header(r, "webhook-id"), r.body);
    return std::vector(pairs.begin() + static_cast<std::ptrdiff_t>(std::min(from, pairs.size())), pairs.end());
  };
  const auto first = sent(1);
  ASSERT_EQ(first.size(), last);

  EXPECT_EQ(s.alerts_command({"replay", "--id", "good", "--from-seq", "1"}, out), 0) << out;
  s.start();
  ASSERT_TRUE(wait_until([&] { return good.requests().size() >= 1 + 2 * last; })) << s.log();
  ASSERT_TRUE(s.sink_at("good", last)) << s.log();
  EXPECT_EQ(s.daemon->stop(), 0);
  const auto requests = good.requests();
  EXPECT_EQ(sent(1 + last), first) << "a replayed event has another id or body";
  EXPECT_EQ(seqs(requests, 1 + last), one_to(last));
  for (std::size_t i = 1; i < requests.size(); ++i) EXPECT_TRUE(signed_right(requests[i])) << i;
}

}  // namespace
}  // namespace givewatch::test

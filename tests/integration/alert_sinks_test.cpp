// Alert sinks (docs/configuration.md, [[alerts]]) against real HTTP receivers on loopback, fed by
// the event log of a daemon that indexes real EVM nodes: 410, 429, timeouts, a receiver that never
// answers, the chat shapes and filters, and `givewatch alerts test|enable|replay`.

#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <future>
#include <sstream>
#include <thread>

#include "alerts/signing.hpp"
#include "core/base64.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/http_receiver.hpp"

namespace givewatch::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Requests = std::vector<HttpReceiver::Request>;

/// The webhook sinks' HMAC key (32 bytes) and its secret as the configuration writes it.
const std::vector<std::uint8_t> kKey = [] {
  std::vector<std::uint8_t> key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(7 * i + 3);
  return key;
}();
const std::string kSecret = "whsec_" + core::base64_encode(kKey);

std::string q(const std::string& s) { return '"' + s + '"'; }

/// An [[alerts]] table; `keys` are TOML values as written (strings through q()). from = "start"
/// and retry_base_ms = 50 unless `keys` says otherwise.
std::string alert_toml(const std::string& id, const std::string& kind,
                       std::vector<std::pair<std::string, std::string>> keys) {
  const auto has = [&](const std::string& k) {
    return std::any_of(keys.begin(), keys.end(), [&](const auto& kv) { return kv.first == k; });
  };
  if (!has("from")) keys.emplace_back("from", q("start"));
  if (!has("retry_base_ms")) keys.emplace_back("retry_base_ms", "50");
  std::string out = "[[alerts]]\nid = " + q(id) + "\nkind = " + q(kind) + "\n";
  for (const auto& [k, v] : keys) out += k + " = " + v + "\n";
  return out + "\n";
}

std::string webhook_toml(const std::string& id, const std::string& url,
                         std::vector<std::pair<std::string, std::string>> keys = {}) {
  keys.emplace_back("url", q(url));
  keys.emplace_back("secret", q(kSecret));
  return alert_toml(id, "webhook", std::move(keys));
}

std::string header(const HttpReceiver::Request& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

/// The sequence number in a webhook-id "msg_<seq>_<16 hex>"; 0 when it is not one.
std::uint64_t seq_of(const HttpReceiver::Request& r) {
  const std::string id = header(r, "webhook-id");
  const auto end = id.find('_', 4);
  if (!id.starts_with("msg_") || end == std::string::npos || end == 4) return 0;
  try {
    return std::stoull(id.substr(4, end - 4));
  } catch (const std::exception&) {
    return 0;
  }
}

/// The seqs of requests[from..].
std::vector<std::uint64_t> seqs(const Requests& requests, std::size_t from = 0) {
  std::vector<std::uint64_t> out;
  for (std::size_t i = from; i < requests.size(); ++i) out.push_back(seq_of(requests[i]));
  return out;
}

std::vector<std::uint64_t> one_to(std::uint64_t last) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = 1; s <= last; ++s) out.push_back(s);
  return out;
}

/// The webhook-signature of a request is the one its headers and body call for.
bool signed_right(const HttpReceiver::Request& r) {
  try {
    return header(r, "webhook-signature") ==
           alerts::sign(kKey, header(r, "webhook-id"), std::stoll(header(r, "webhook-timestamp")), r.body);
  } catch (const std::exception&) {
    return false;
  }
}

bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout = 90s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

std::vector<storage::Event> store_events(const std::filesystem::path& data) {
  auto store = storage::Store::open(data, storage::Options{.read_only = true});
  if (!store) ADD_FAILURE() << store.error().message;
  if (!store) return {};
  auto events = (*store)->events_after(0, 1'000'000);
  if (!events) ADD_FAILURE() << events.error().message;
  return events ? *events : std::vector<storage::Event>{};
}

/// A devnet, a configuration with the test's [[alerts]], and the daemon with its API on a known port.
struct Rig {
  ScratchDir dir;
  Devnet devnet;
  std::uint16_t port = free_port();
  std::filesystem::path data = dir.path() / "data";
  std::filesystem::path config;
  std::unique_ptr<Daemon> daemon;
  int runs = 0;

  Rig(const std::string& name, const std::string& chains) : dir(name), devnet(dir.path() / "devnet", chains) {}

  void configure(const std::string& alerts) {
    ConfigOptions options;
    options.api_port = port;
    options.extra_toml = alerts;
    config = write_config(devnet, dir.path(), options);
  }
  void start() { daemon = std::make_unique<Daemon>(config, dir.path() / ("run" + std::to_string(++runs) + ".log")); }
  std::string log() const { return daemon ? daemon->log() : std::string(); }

  /// Donations (and a little noise) on every chain, mined deep enough to be confirmed.
  void donate(int donations, int seed) {
    for (const auto& c : devnet.chains()) {
      devnet.traffic(c.name, donations, 2, seed);
      devnet.mine(c.name, 4);
    }
  }
  /// Waits until every chain is indexed and confirmed to its head; the newest event's seq.
  std::uint64_t caught_up() {
    for (const auto& c : devnet.chains()) {
      const auto head = devnet.head(c.name);
      EXPECT_TRUE(wait_indexed(data, c.chain_id, head, head - 3, 120s)) << log();
    }
    return store_events(data).size();
  }

  /// The sink's entry in /v1/alerts; nullopt while the API does not answer.
  std::optional<json::object> sink(const std::string& id) {
    try {
      const auto doc = json::parse(http_get(port, "/v1/alerts").body);
      for (const auto& a : doc.at("alerts").as_array()) {
        if (a.at("id").as_string() == id) return a.as_object();
      }
    } catch (const std::exception&) {
    }
    return std::nullopt;
  }
  std::string sink_state(const std::string& id) {
    auto s = sink(id);
    return s ? std::string(s->at("state").as_string()) : "";
  }
  /// Waits until the sink's cursor is `seq`: everything up to it delivered or passed over.
  bool sink_at(const std::string& id, std::uint64_t seq) {
    return wait_until([&] {
      auto s = sink(id);
      return s && s->at("cursor").to_number<std::uint64_t>() == seq;
    });
  }

  /// `givewatch alerts <args> --config F`; its exit status, stdout + stderr in `out`.
  int alerts_command(std::vector<std::string> args, std::string& out) {
    args.insert(args.begin(), {givewatch_binary(), "alerts"});
    args.insert(args.end(), {"--config", config.string()});
    std::string err;
    const int rc = run_command(args, out, err);
    out += err;
    return rc;
  }
};

TEST(AlertSinks, GoneStopsTheSinkUntilItIsEnabled) {
  Rig s("alert-gone", "bsc");
  HttpReceiver hook;
  hook.answer_next({.status = 410, .body = "this hook is gone"});
  s.configure(webhook_toml("ops", hook.url()));
  s.donate(6, 11);
  s.start();
  ASSERT_TRUE(hook.wait_for([](const Requests& r) { return !r.empty(); })) << s.log();
  ASSERT_TRUE(wait_until([&] { return s.sink_state("ops") == "stopped"; })) << s.log();
  EXPECT_NE(std::string(s.sink("ops")->at("last_error").as_string()).find("410"), std::string::npos);
  EXPECT_EQ(seq_of(hook.requests().at(0)), 1u);

  // More donations are indexed; nothing more is sent.
  s.donate(4, 12);
  const auto last = s.caught_up();
  EXPECT_EQ(hook.requests().size(), 1u) << s.log();
  auto view = s.sink("ops");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->at("cursor").to_number<std::uint64_t>(), 0u);
  EXPECT_EQ(view->at("behind").to_number<std::uint64_t>(), last);
  EXPECT_EQ(s.daemon->stop(), 0);
  EXPECT_NE(s.log().find("alert ops: STOPPED"), std::string::npos) << s.log();

  // A restart keeps it stopped, and says so.
  s.start();
  ASSERT_TRUE(wait_until([&] { return s.log().find("alert ops: STOPPED") != std::string::npos; })) << s.log();
  s.donate(3, 13);
  s.caught_up();
  EXPECT_EQ(s.sink_state("ops"), "stopped");
  EXPECT_EQ(hook.requests().size(), 1u) << s.log();
  EXPECT_EQ(s.daemon->stop(), 0);

  std::string out;
  EXPECT_EQ(s.alerts_command({"enable", "--id", "ops"}, out), 0) << out;
  EXPECT_NE(out.find("enabled"), std::string::npos) << out;
  const auto all = store_events(s.data).size();
  s.start();
  ASSERT_TRUE(s.sink_at("ops", all)) << s.log();
  EXPECT_EQ(s.sink_state("ops"), "ok");
  EXPECT_EQ(s.daemon->stop(), 0);
  const auto requests = hook.requests();
  EXPECT_EQ(seqs(requests, 1), one_to(all));
  EXPECT_EQ(header(requests.at(0), "webhook-id"), header(requests.at(1), "webhook-id"));
  for (const auto& r : requests) EXPECT_TRUE(signed_right(r)) << header(r, "webhook-id");
}

TEST(AlertSinks, RateLimitAndTimeoutAreRetriedWithTheSameId) {
  Rig s("alert-retry", "bsc");
  HttpReceiver hook;
  hook.answer_next({.status = 429, .headers = {{"Retry-After", "2"}}, .body = "slow down"});
  hook.answer_next({.hang = true});
  s.configure(webhook_toml("ops", hook.url(), {{"timeout_ms", "500"}}));
  s.donate(6, 21);
  s.start();
  ASSERT_TRUE(hook.wait_for([](const Requests& r) { return r.size() >= 3; })) << s.log();
  auto r = hook.requests();
  EXPECT_EQ(r[0].answered, 429u);
  EXPECT_EQ(r[1].answered, 0u);
  EXPECT_EQ(r[2].answered, 200u);
  EXPECT_EQ(seq_of(r[0]), 1u);
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(header(r[i], "webhook-id"), header(r[0], "webhook-id")) << i;
    EXPECT_EQ(r[i].body, r[0].body) << i;
  }
  EXPECT_GE(r[1].at - r[0].at, 2s) << "Retry-After: 2 was not waited for";
  EXPECT_GE(r[2].at - r[1].at, 500ms) << "retried before timeout_ms";

  const auto last = s.caught_up();
  ASSERT_TRUE(s.sink_at("ops", last)) << s.log();
  const auto view = s.sink("ops");
  ASSERT_TRUE(view);
  const auto& attempts = view->at("attempts").as_object();
  const auto count = [&](const char* outcome) {
    return attempts.contains(outcome) ? attempts.at(outcome).to_number<std::uint64_t>() : 0;
  };
  EXPECT_GE(count("rate_limited"), 1u) << *view;
  EXPECT_GE(count("timeout"), 1u) << *view;
  EXPECT_EQ(count("delivered"), last) << *view;
  EXPECT_EQ(view->at("state").as_string(), "ok");
  EXPECT_EQ(s.daemon->stop(), 0);
  r = hook.requests();
  auto want = one_to(last);
  want.insert(want.begin(), {1, 1});
  EXPECT_EQ(seqs(r), want);
  for (const auto& req : r) EXPECT_TRUE(signed_right(req)) << header(req, "webhook-id");
  EXPECT_NE(s.log().find("rate_limited"), std::string::npos) << s.log();
}

/// GET on the API, failing (not hanging) when no answer comes within `timeout`.
unsigned status_within(Rig& s, const std::string& target, std::chrono::seconds timeout = 60s) {
  auto answer = std::async(std::launch::async, [&] { return http_get(s.port, target).status; });
  if (answer.wait_for(timeout) == std::future_status::ready) return answer.get();
  ADD_FAILURE() << target << " did not answer";
  s.daemon->kill();  // drops the connection, so that the future can end
  return 0;
}

TEST(AlertSinks, AHangingSinkDelaysNoOtherSinkNorTheApi) {
  Rig s("alert-hang", "bsc");
  HttpReceiver stuck, fine;
  stuck.answer({.hang = true});
  s.configure(webhook_toml("stuck", stuck.url(), {{"timeout_ms", "600000"}}) + webhook_toml("fine", fine.url()));
  s.donate(8, 31);
  s.start();
  ASSERT_TRUE(s.sink_at("fine", s.caught_up())) << s.log();
  // Donations keep coming while the stuck sink waits on its first event.
  s.donate(5, 32);
  const auto last = s.caught_up();
  ASSERT_TRUE(s.sink_at("fine", last)) << s.log();
  EXPECT_EQ(seqs(fine.requests()), one_to(last));

  EXPECT_EQ(status_within(s, "/v1/alerts"), 200u);
  EXPECT_EQ(status_within(s, "/v1/campaigns"), 200u);
  const auto view = s.sink("stuck");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->at("cursor").to_number<std::uint64_t>(), 0u) << *view;
  EXPECT_EQ(view->at("behind").to_number<std::uint64_t>(), last) << *view;
  EXPECT_EQ(s.sink("fine")->at("state").as_string(), "ok");
  const auto requests = stuck.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(seq_of(requests[0]), 1u);
  EXPECT_EQ(s.daemon->stop(), 0) << "a sink waiting for its receiver held up the daemon's stop\n" << s.log();
}

/// What the configuration written for the devnet says about its tokens and campaigns.
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

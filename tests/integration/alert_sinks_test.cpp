// Alert sinks (docs/configuration.md, [[alerts]]) against real HTTP receivers on loopback, fed by
// the event log of a daemon that indexes real EVM nodes: 410, 429, timeouts, a receiver that never
// answers.

#include <gtest/gtest.h>

#include "tests/integration/alert_rig.hpp"

namespace givewatch::test {
namespace {

using namespace alert_rig;
namespace json = boost::json;
using namespace std::chrono_literals;

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
}  // namespace
}  // namespace givewatch::test

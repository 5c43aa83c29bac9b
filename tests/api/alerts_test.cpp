// /v1/alerts and the alert metrics from what an AlertSource reports.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/api/fixture.hpp"

namespace givewatch::api {
namespace {

namespace json = boost::json;
using test::Fixture;

class FixedAlerts final : public AlertSource {
 public:
  std::vector<AlertView> views;
  std::vector<AlertView> alerts() const override { return views; }
};

AlertView ops() {
  AlertView v;
  v.id = "ops";
  v.kind = "webhook";
  v.target = "https://ops.example/…";
  v.state = "retrying";
  v.cursor = 41;
  v.behind = 3;
  v.last_success = 1'764'000'000;
  v.last_error = "HTTP 503: busy";
  v.failures = 2;
  v.attempts = {{"delivered", 41}, {"refused", 2}};
  v.latency = {{0.005, 30}, {0.01, 43}};
  v.latency_sum = 0.25;
  return v;
}

TEST(AlertsRoute, ListsEachSinkAndNothingWithoutSinks) {
  Fixture f;
  EXPECT_EQ(json::parse(f.get("/v1/alerts").payload()), json::parse(R"({"alerts":[]})"));

  FixedAlerts alerts;
  alerts.views = {ops()};
  Api api(f.config, *f.store, f.chains, &alerts);
  const auto r = api.handle(Request{"GET", "/v1/alerts", "", ""});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.cache_control, "no-store");
  EXPECT_EQ(json::parse(r.payload()), json::parse(R"({"alerts":[{"id":"ops","kind":"webhook",
      "target":"https://ops.example/…","state":"retrying","cursor":41,"behind":3,"last_success":1764000000,
      "last_error":"HTTP 503: busy","failures":2,"attempts":{"delivered":41,"refused":2}}]})"));

  const auto metrics = api.handle(Request{"GET", "/metrics", "", ""});
  for (const char* line : {"givewatch_alert_attempts_total{sink=\"ops\",outcome=\"delivered\"} 41",
                           "givewatch_alert_attempts_total{sink=\"ops\",outcome=\"refused\"} 2",
                           "givewatch_alert_events_behind{sink=\"ops\"} 3", "givewatch_alert_stopped{sink=\"ops\"} 0",
                           "givewatch_alert_attempt_seconds_bucket{sink=\"ops\",le=\"0.01\"} 43",
                           "givewatch_alert_attempt_seconds_bucket{sink=\"ops\",le=\"+Inf\"} 43",
                           "givewatch_alert_attempt_seconds_count{sink=\"ops\"} 43"}) {
    EXPECT_NE(metrics.payload().find(std::string(line) + "\n"), std::string::npos) << line << "\n" << metrics.payload();
  }
}

}  // namespace
}  // namespace givewatch::api

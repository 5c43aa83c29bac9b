#include "alerts/courier.hpp"

#include <boost/asio/error.hpp>
#include <boost/json/parse.hpp>

#include "alerts/signing.hpp"
#include "core/text.hpp"

namespace givewatch::alerts {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

/// A receiver's answer body is read no further than this: it only explains a failure.
constexpr std::uint64_t kAnswerLimit = 64 * 1024;
/// A wait asked by a receiver beyond this is not believed.
constexpr std::chrono::milliseconds kLongestRetryAfter = std::chrono::hours(1);

Attempt classify(const chains::HttpResponse& answer) {
  Attempt a;
  a.status = answer.status;
  const std::string said = answer.body.empty() ? std::string() : ": " + core::bounded_text(answer.body, 200);
  if (answer.status >= 200 && answer.status < 300) {
    a.outcome = Outcome::delivered;
  } else if (answer.status == 410) {
    a.outcome = Outcome::gone;
    a.detail = "410 Gone" + said;
  } else if (answer.status == 429) {
    a.outcome = Outcome::rate_limited;
    a.retry_after = answer.retry_after ? answer.retry_after : retry_after_in_body(answer.body);
    if (a.retry_after && *a.retry_after > kLongestRetryAfter) a.retry_after = kLongestRetryAfter;
    a.detail = "429 Too Many Requests" + said;
  } else if (answer.status >= 300 && answer.status < 400) {
    a.outcome = Outcome::redirected;
    a.detail = "HTTP " + std::to_string(answer.status) + " (redirects are not followed)";
  } else {
    a.outcome = Outcome::refused;
    a.detail = "HTTP " + std::to_string(answer.status) + said;
  }
  return a;
}

}  // namespace

std::string_view to_string(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::delivered: return "delivered";
    case Outcome::gone: return "gone";
    case Outcome::rate_limited: return "rate_limited";
    case Outcome::refused: return "refused";
    case Outcome::redirected: return "redirected";
    case Outcome::timeout: return "timeout";
    case Outcome::unreachable: return "unreachable";
  }
  return "unreachable";
}

std::optional<std::chrono::milliseconds> retry_after_in_body(std::string_view body) {
  if (body.empty() || body.size() > kAnswerLimit) return std::nullopt;
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::value* seconds = v.as_object().if_contains("retry_after");
  if (const auto* p = v.as_object().if_contains("parameters"); !seconds && p && p->is_object()) {
    seconds = p->as_object().if_contains("retry_after");
  }
  if (!seconds) return std::nullopt;
  double s = 0;
  if (seconds->is_double()) s = seconds->as_double();
  else if (seconds->is_int64()) s = static_cast<double>(seconds->as_int64());
  else if (seconds->is_uint64()) s = static_cast<double>(seconds->as_uint64());
  else return std::nullopt;
  if (!(s >= 0) || s > 86'400) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000 + 0.5));
}

core::Result<std::unique_ptr<Courier>> Courier::make(boost::asio::any_io_executor executor, const config::Alert& alert) {
  auto endpoint = chains::parse_endpoint(alert.target_url());
  if (!endpoint) {
    return core::Error{endpoint.error().code, "alert '" + alert.id + "': its target is not a usable URL"};
  }
  auto tls = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
  try {
    tls->set_default_verify_paths();
    tls->set_verify_mode(boost::asio::ssl::verify_peer);
    if (!alert.ca_file.empty()) tls->load_verify_file(alert.ca_file.string());
  } catch (const std::exception& e) {
    return core::Error{core::Errc::invalid_argument, "alert '" + alert.id + "': cannot set up TLS: " + e.what()};
  }
  std::unique_ptr<Courier> courier(new Courier(alert, std::move(tls)));
  chains::HttpLimits limits;
  limits.connect_timeout = std::chrono::milliseconds(alert.timeout_ms);
  limits.io_timeout = std::chrono::milliseconds(alert.timeout_ms);
  limits.body_limit = kAnswerLimit;
  limits.large_body_limit = kAnswerLimit;
  courier->connection_ =
      std::make_unique<chains::HttpConnection>(std::move(executor), *courier->tls_, std::move(*endpoint), limits);
  return courier;
}

Task<Attempt> Courier::send(const std::string& id, const std::string& body) {
  chains::HttpHeaders headers;
  if (alert_.kind == config::AlertKind::webhook) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    headers.emplace_back("webhook-id", id);
    headers.emplace_back("webhook-timestamp", std::to_string(now));
    headers.emplace_back("webhook-signature", sign(alert_.key, id, now, body));
  }
  const auto start = Clock::now();
  auto answer = co_await connection_->post(body, start + std::chrono::milliseconds(alert_.timeout_ms),
                                           chains::AnswerSize::small, std::move(headers));
  Attempt attempt;
  if (answer) {
    attempt = classify(*answer);
  } else if (answer.error().kind == chains::RpcErrc::cancelled) {
    // The sink is stopping: the attempt counts as nothing, and the event is sent again at the next start.
    throw boost::system::system_error(boost::asio::error::operation_aborted);
  } else {
    const auto& e = answer.error();
    attempt.outcome = e.kind == chains::RpcErrc::timeout        ? Outcome::timeout
                      : e.kind == chains::RpcErrc::bad_response ? Outcome::refused
                                                                : Outcome::unreachable;
    attempt.detail = e.message;  // names the redacted target only
    connection_->close();
  }
  attempt.took = Clock::now() - start;
  co_return attempt;
}

}  // namespace givewatch::alerts

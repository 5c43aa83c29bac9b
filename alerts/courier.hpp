#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "chains/http_connection.hpp"
#include "config/config.hpp"
#include "core/task.hpp"

namespace givewatch::alerts {

/// How one delivery attempt ended. Only `delivered` moves a sink's cursor; `gone` stops the sink;
/// everything else is retried.
enum class Outcome {
  delivered,     ///< a 2xx answer
  gone,          ///< 410 Gone: the receiver wants nothing more
  rate_limited,  ///< 429, with the wait the receiver asked for when it said
  refused,       ///< another 4xx or a 5xx
  redirected,    ///< 3xx: redirects are not followed
  timeout,       ///< no whole answer within the sink's timeout_ms
  unreachable,   ///< refused connection, reset, DNS or TLS failure
};

/// The name of an outcome in logs, metrics and the API.
std::string_view to_string(Outcome outcome) noexcept;

struct Attempt {
  Outcome outcome = Outcome::unreachable;
  unsigned status = 0;  ///< the HTTP status; 0 when there was no answer
  std::optional<std::chrono::milliseconds> retry_after;  ///< asked by the receiver (header or chat API body)
  std::string detail;  ///< what went wrong, bounded and safe to log (no secret, no token)
  std::chrono::duration<double> took{};
};

/// The HTTP side of one sink: one keep-alive connection to its target, one attempt at a time.
/// Webhook requests carry the Standard Webhooks headers, signed at the moment of each attempt.
class Courier {
 public:
  /// Errors: a target URL or ca_file that cannot be used (config validation makes this rare).
  static core::Result<std::unique_ptr<Courier>> make(boost::asio::any_io_executor executor, const config::Alert& alert);

  /// Sends `body` once, as the event `id`. Cancelled (the sink stops): throws operation_aborted.
  Task<Attempt> send(const std::string& id, const std::string& body);

  /// The target, safe to log.
  const std::string& redacted() const noexcept { return connection_->endpoint().redacted; }

 private:
  Courier(const config::Alert& alert, std::unique_ptr<boost::asio::ssl::context> tls) : alert_(alert), tls_(std::move(tls)) {}

  const config::Alert& alert_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::unique_ptr<chains::HttpConnection> connection_;
};

/// The wait a chat API asks for in the body of a 429 answer: Discord's "retry_after" (seconds,
/// fractional) or Telegram's "parameters": {"retry_after": N}; nullopt for anything else.
std::optional<std::chrono::milliseconds> retry_after_in_body(std::string_view body);

}  // namespace givewatch::alerts

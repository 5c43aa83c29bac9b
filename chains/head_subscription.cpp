#include "chains/head_subscription.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>
#include <random>

#include "chains/eth.hpp"
#include "chains/http_connection.hpp"
#include "config/config.hpp"
#include "core/text.hpp"

namespace givewatch::chains {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// ws:// and wss:// read as http:// and https:// would be: host, port, target, user info.
core::Result<Endpoint> ws_endpoint(const std::string& url) {
  std::string http = url;
  if (url.starts_with("wss://")) http = "https://" + url.substr(6);
  if (url.starts_with("ws://")) http = "http://" + url.substr(5);
  auto e = parse_endpoint(http);
  if (e) {
    e->url = url;
    e->redacted = config::redact_url(url);
  }
  return e;
}

/// The head number of an eth_subscription notification for subscription `id`; nothing for any
/// other frame.
std::optional<std::uint64_t> pushed_head(const json::value& frame, std::string_view id) {
  const auto* o = frame.if_object();
  const auto* method = o ? o->if_contains("method") : nullptr;
  if (!method || *method != "eth_subscription") return std::nullopt;
  const auto* params = o->if_contains("params");
  const auto* p = params ? params->if_object() : nullptr;
  const auto* sub = p ? p->if_contains("subscription") : nullptr;
  if (!sub || !sub->is_string() || sub->get_string() != id) return std::nullopt;
  const auto* result = p->if_contains("result");
  const auto* header = result ? result->if_object() : nullptr;
  const auto* number = header ? header->if_contains("number") : nullptr;
  if (!number) return std::nullopt;
  auto n = eth::parse_quantity(*number, "number");
  if (!n) return std::nullopt;
  return *n;
}

}  // namespace

/// The stall check of one socket, shared with its check loop, which may outlive the socket.
struct HeadSubscription::Watch {
  explicit Watch(asio::any_io_executor e) : timer(std::move(e)) {}
  asio::steady_timer timer;
  std::function<void()> close;  ///< empty once the socket is gone
  std::uint64_t reference = 0;  ///< the last head pushed, or the polled head when subscribed (0: none yet)
  std::string stalled;          ///< why the check closed the socket
};

HeadSubscription::HeadSubscription(asio::any_io_executor executor, std::string chain, std::vector<std::string> urls,
                                   asio::ssl::context& tls, std::function<void(std::uint64_t)> on_head,
                                   std::function<std::uint64_t()> polled_head, HeadSubscriptionOptions options)
    : executor_(executor), chain_(std::move(chain)), urls_(std::move(urls)), tls_(tls), on_head_(std::move(on_head)),
      polled_head_(std::move(polled_head)), options_(options), retry_(executor) {}

void HeadSubscription::stop() {
  stopping_ = true;
  if (close_socket_) close_socket_();
  retry_.cancel();
}

Task<void> HeadSubscription::run() {
  std::mt19937 rng(std::random_device{}());
  unsigned failures = 0;
  std::size_t next = 0;
  while (!stopping_ && !urls_.empty()) {
    const std::string url = urls_[next % urls_.size()];
    const auto heads_before = stats_.heads;
    std::string why;
    try {
      why = co_await session(url);
    } catch (const std::exception& e) {
      why = core::bounded_text(e.what());
    }
    close_socket_ = nullptr;
    if (stopping_) break;
    ++stats_.failures;
    // A socket that pushed heads was good: start the backoff again. One that did not: try the next URL.
    failures = stats_.heads > heads_before ? 1 : failures + 1;
    if (stats_.heads == heads_before) ++next;
    const auto cap = options_.backoff_cap.count();
    const auto base = std::min<long long>(cap, options_.backoff_base.count() << std::min(failures - 1, 16u));
    const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<long long>(base / 2, base)(rng));
    if (failures == 1 || failures % 10 == 0) {
      spdlog::warn("{}: pushed heads from {} stopped ({}); polling carries on; reconnecting in {} ms", chain_,
                   config::redact_url(url), why, delay.count());
    }
    retry_.expires_after(delay);
    co_await retry_.async_wait(kTuple);
  }
}

Task<std::string> HeadSubscription::session(const std::string& url) {
  auto e = ws_endpoint(url);
  if (!e) co_return e.error().message;
  asio::ip::tcp::resolver resolver(executor_);
  auto [rec, results] = co_await resolver.async_resolve(e->host, e->port, kTuple);
  if (rec) co_return "resolving: " + rec.message();
  if (stopping_) co_return "stopped";
  beast::tcp_stream tcp(executor_);
  close_socket_ = [&tcp] { tcp.close(); };
  tcp.expires_after(options_.connect_timeout);
  auto [cec, ep] = co_await tcp.async_connect(results, kTuple);
  if (cec) co_return "connecting: " + cec.message();
  tcp.socket().set_option(asio::ip::tcp::no_delay(true));
  if (!e->tls) {
    websocket::stream<beast::tcp_stream> ws(std::move(tcp));
    co_return co_await subscribe(ws, *e);
  }
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(std::move(tcp), tls_);
  close_socket_ = [&ws] { beast::get_lowest_layer(ws).close(); };
  if (!set_tls_peer_name(ws.next_layer().native_handle(), e->host)) co_return "TLS: cannot set the server name";
  ws.next_layer().set_verify_mode(asio::ssl::verify_peer);
  auto [hec] = co_await ws.next_layer().async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec) co_return "TLS handshake: " + hec.message();
  co_return co_await subscribe(ws, *e);
}

template <class Ws>
Task<std::string> HeadSubscription::subscribe(Ws& ws, const Endpoint& e) {
  close_socket_ = [&ws] { beast::get_lowest_layer(ws).close(); };
  ws.read_message_max(options_.max_message);
  beast::get_lowest_layer(ws).expires_never();  // the WebSocket's own timeouts from here on
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = options_.connect_timeout;
  timeouts.idle_timeout = options_.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  if (!e.authorization.empty()) {
    ws.set_option(websocket::stream_base::decorator(
        [auth = e.authorization](websocket::request_type& r) { r.set(beast::http::field::authorization, auth); }));
  }
  const std::string host = (e.host.find(':') != std::string::npos ? "[" + e.host + "]" : e.host) + ":" + e.port;
  auto [hs] = co_await ws.async_handshake(host, e.target, kTuple);
  if (hs) co_return "WebSocket handshake: " + hs.message();
  const std::string request = R"({"jsonrpc":"2.0","id":1,"method":"eth_subscribe","params":["newHeads"]})";
  auto [wec, written] = co_await ws.async_write(asio::buffer(request), kTuple);
  if (wec) co_return "sending eth_subscribe: " + wec.message();

  auto watch = std::make_shared<Watch>(executor_);
  watch->close = [&ws] { beast::get_lowest_layer(ws).close(); };
  watch->reference = polled_head_();
  // The stall check: polling has found blocks this socket did not push.
  asio::co_spawn(
      executor_,
      [watch, every = options_.stall_check, blocks = options_.stall_blocks, polled = polled_head_,
       stalls = &stats_.stalls]() -> Task<void> {
        while (watch->close) {
          watch->timer.expires_after(every);
          co_await watch->timer.async_wait(kTuple);
          if (!watch->close) break;
          const auto head = polled();
          if (watch->reference == 0) {
            watch->reference = head;  // polling had no head yet when the socket subscribed
          } else if (head >= watch->reference + blocks) {
            watch->stalled = "stalled: polling found block " + std::to_string(head) + ", the socket's last head is " +
                             std::to_string(watch->reference);
            ++*stalls;
            watch->close();
            break;
          }
        }
      },
      asio::detached);
  struct EndWatch {
    std::shared_ptr<Watch> w;
    ~EndWatch() {
      w->close = nullptr;
      w->timer.cancel();
    }
  } end_watch{watch};

  std::string id;  // the subscription's, once the node has confirmed it
  beast::flat_buffer buffer;
  while (true) {
    buffer.clear();
    auto [rec, n] = co_await ws.async_read(buffer, kTuple);
    if (rec) co_return watch->stalled.empty() ? "reading: " + rec.message() : watch->stalled;
    boost::system::error_code ec;
    const json::value frame = json::parse(beast::buffers_to_string(buffer.data()), ec);
    if (ec) continue;  // not JSON: ignored, like any frame that is neither of the two below
    if (id.empty()) {
      const auto* o = frame.if_object();
      if (!o || !o->contains("id") || o->at("id") != 1) continue;
      if (const auto* result = o->if_contains("result"); result && result->is_string() && !result->get_string().empty()) {
        id = std::string(result->get_string());
        ++stats_.connects;
        spdlog::info("{}: new heads pushed by {}", chain_, e.redacted);
        on_head_(last_head_);  // what came while there was no socket is found at once, not at the next poll
        continue;
      }
      co_return "eth_subscribe refused: " + core::bounded_text(json::serialize(frame));
    }
    if (auto head = pushed_head(frame, id); head && *head > last_head_) {
      last_head_ = *head;
      watch->reference = std::max(watch->reference, *head);
      ++stats_.heads;
      on_head_(*head);
    }
  }
}

}  // namespace givewatch::chains

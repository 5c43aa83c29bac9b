#include "api/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "api/render.hpp"
#include "givewatch/version.hpp"

namespace givewatch::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// Counts a connection for as long as it lives.
class Slot {
 public:
  explicit Slot(std::atomic<std::size_t>& n) : n_(n) { ++n_; }
  ~Slot() { --n_; }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  std::atomic<std::size_t>& n_;
};

http::response<http::string_body> to_http(const Response& r, unsigned version, bool keep_alive, bool head) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, std::string("givewatch/") + kVersion);
  if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
  if (!r.etag.empty()) res.set(http::field::etag, r.etag);
  if (r.status != 204) res.set(http::field::cache_control, r.cache_control);
  for (const auto& [name, value] : r.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  if (head) {
    res.content_length(r.body.size());
  } else {
    res.body() = r.body;
    res.prepare_payload();
  }
  return res;
}

std::string sse_event(std::uint64_t id, std::string_view type, std::string_view data) {
  std::string out;
  out.reserve(data.size() + 48);
  out += "id: ";
  out += std::to_string(id);
  out += "\nevent: ";
  out += type;
  out += "\ndata: ";
  out += data;
  out += "\n\n";
  return out;
}

std::string_view event_name(storage::EventType t) {
  switch (t) {
    case storage::EventType::donation: return "donation";
    case storage::EventType::confirmed: return "confirmed";
    case storage::EventType::removed: return "removed";
  }
  return "donation";
}

}  // namespace

Server::Server(asio::any_io_executor executor, Api& api, ServerOptions options)
    : executor_(std::move(executor)), api_(api), options_(std::move(options)), acceptor_(executor_) {}

core::Result<void> Server::listen() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options_.host, ec);
  tcp::endpoint endpoint;
  if (ec) {
    tcp::resolver resolver(executor_);
    auto found = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec || found.empty()) {
      return core::Error{core::Errc::invalid_argument,
                         "cannot resolve [server] listen host '" + options_.host + "': " + ec.message()};
    }
    endpoint = *found.begin();
  } else {
    endpoint = tcp::endpoint(address, options_.port);
  }
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::Error{core::Errc::invalid_argument,
                       "cannot listen on " + where + ": " + ec.message() +
                           (ec == asio::error::address_in_use ? " (another process has it; change [server] listen)" : "")};
  }
  port_ = acceptor_.local_endpoint().port();
  return {};
}

Task<void> Server::run() {
  spdlog::info("API listening on http://{}:{}", options_.host, port_);
  while (true) {
    auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
    if (ec == asio::error::operation_aborted) break;
    if (ec) {
      spdlog::warn("API: accept failed: {}", ec.message());
      continue;
    }
    auto strand = asio::make_strand(executor_);
    if (active_.load() >= options_.max_connections) {
      asio::co_spawn(strand, refuse(std::move(socket)), asio::detached);
    } else {
      asio::co_spawn(strand, session(std::move(socket)), asio::detached);
    }
  }
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

Task<void> Server::refuse(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  const Response r = error(503, "unavailable", "too many open connections; try again shortly");
  auto res = to_http(r, 11, false, false);
  res.set(http::field::retry_after, "1");
  stream.expires_after(std::chrono::seconds(1));
  co_await http::async_write(stream, res, kTuple);
}

Task<void> Server::session(tcp::socket socket) {
  Slot slot(active_);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  boost::system::error_code ignored;
  stream.socket().set_option(tcp::no_delay(true), ignored);
  while (true) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(options_.header_limit);
    parser.body_limit(options_.body_limit);
    stream.expires_after(options_.request_timeout);
    auto [rec, read_bytes] = co_await http::async_read(stream, buffer, parser, kTuple);
    if (rec) {
      std::optional<Response> answer;
      if (rec == http::error::header_limit) {
        answer = error(431, "header_too_large",
                       "request headers are over " + std::to_string(options_.header_limit) + " bytes");
      } else if (rec == http::error::body_limit) {
        answer = error(413, "payload_too_large", "request bodies are limited to " + std::to_string(options_.body_limit) +
                                                      " bytes; this API takes none");
      } else if (rec != http::error::end_of_stream && rec != beast::error::timeout && rec != asio::error::eof &&
                 rec != asio::error::connection_reset && rec != asio::error::operation_aborted) {
        answer = error(400, "bad_request", "malformed HTTP request: " + rec.message());
      }
      if (answer) {
        auto res = to_http(*answer, 11, false, false);
        stream.expires_after(options_.write_timeout);
        co_await http::async_write(stream, res, kTuple);
      }
      break;
    }
    auto req = parser.release();
    Request request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    if (auto it = req.find(http::field::if_none_match); it != req.end()) request.if_none_match = std::string(it->value());
    if (auto it = req.find(http::field::origin); it != req.end()) request.origin = std::string(it->value());

    if (req.method() == http::verb::get) {
      const std::string path = request.target.substr(0, request.target.find('?'));
      if (auto campaign = api_.event_stream(path); campaign && *campaign) {
        std::string last_event_id;
        if (auto it = req.find("Last-Event-ID"); it != req.end()) last_event_id = std::string(it->value());
        co_await event_stream(stream, **campaign, std::move(last_event_id), request.origin);
        break;
      }
    }
    const Response answer = api_.handle(request);
    const bool keep_alive = req.keep_alive();
    auto res = to_http(answer, req.version(), keep_alive, req.method() == http::verb::head);
    stream.expires_after(options_.write_timeout);
    auto [wec, written] = co_await http::async_write(stream, res, kTuple);
    if (wec || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

Task<void> Server::event_stream(beast::tcp_stream& stream, const config::Campaign& campaign,
                                std::string last_event_id, std::string origin) {
  const auto& store = api_.store();
  std::uint64_t cursor = store.last_event_seq();
  if (!last_event_id.empty() && last_event_id.size() <= 19 &&
      std::all_of(last_event_id.begin(), last_event_id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    cursor = std::min(cursor, static_cast<std::uint64_t>(std::stoull(last_event_id)));
  }

  http::response<http::empty_body> res{http::status::ok, 11};
  res.set(http::field::server, std::string("givewatch/") + kVersion);
  res.set(http::field::content_type, "text/event-stream");
  res.set(http::field::cache_control, "no-cache");
  res.set("X-Accel-Buffering", "no");
  for (const auto& [name, value] : api_.cors(origin)) res.set(name, value);
  res.chunked(true);
  http::response_serializer<http::empty_body> serializer{res};
  stream.expires_after(options_.write_timeout);
  auto [hec, header_bytes] = co_await http::async_write_header(stream, serializer, kTuple);
  if (hec) co_return;

  auto send = [&](const std::string& text) -> Task<bool> {
    stream.expires_after(options_.write_timeout);
    auto [ec, n] = co_await asio::async_write(stream, http::make_chunk(asio::buffer(text)), kTuple);
    co_return !ec;
  };
  auto totals = [&](std::uint64_t id) -> std::string {
    auto rendered = api_.campaign(campaign);
    return rendered ? sse_event(id, "totals", (*rendered)->body) : std::string();
  };

  // The current totals first, so a page can render without another request.
  if (!co_await send("retry: 3000\n\n" + totals(cursor))) co_return;
  auto last_write = std::chrono::steady_clock::now();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (true) {
    timer.expires_after(options_.event_poll);
    auto [tec] = co_await timer.async_wait(kTuple);
    if (tec) co_return;
    std::string text;
    while (store.last_event_seq() > cursor) {
      auto events = store.events_after(cursor, 512);
      if (!events || events->empty()) break;
      bool ours = false;
      for (const auto& e : *events) {
        if (e.donation.campaign != campaign.id) continue;
        ours = true;
        text += sse_event(e.seq, event_name(e.type), boost::json::serialize(render::donation(api_.config(), e.donation)));
      }
      cursor = events->back().seq;
      if (ours) text += totals(cursor);
    }
    const auto now = std::chrono::steady_clock::now();
    if (text.empty() && now - last_write < options_.keepalive) continue;
    if (text.empty()) text = ": keep-alive\n\n";
    if (!co_await send(text)) co_return;
    last_write = now;
  }
}

}  // namespace givewatch::api

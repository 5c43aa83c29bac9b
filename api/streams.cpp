// The answers written a piece at a time: Server-Sent Events and streamed (chunked) bodies.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "api/connection.hpp"
#include "api/render.hpp"
#include "givewatch/version.hpp"

namespace givewatch::api {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

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

Task<bool> Server::write_stream(Connection& c, const Response& r, unsigned version) {
  // The head, then each piece as soon as the one before is written, each write under the write
  // deadline: a client that stops reading is dropped, however long the whole body takes, and the
  // server holds one piece at a time.
  c.expires_after(options_.write_timeout);
  auto [hec, head_bytes] = co_await asio::async_write(c.socket, asio::buffer(c.head), kTuple);
  bool ok = !hec;
  while (ok) {
    auto piece = r.stream();
    if (!piece) {
      spdlog::warn("API: a streamed answer stopped: {}", piece.error().message);
      ok = false;  // no last chunk: the client sees a cut body
    } else if (!*piece) {
      if (version != 10) {
        auto [ec, n] = co_await asio::async_write(c.socket, http::make_chunk_last(), kTuple);
        ok = !ec;
      }
      break;
    } else if (version == 10) {
      c.expires_after(options_.write_timeout);
      auto [ec, n] = co_await asio::async_write(c.socket, asio::buffer(**piece), kTuple);
      ok = !ec;
    } else {
      c.expires_after(options_.write_timeout);
      auto [ec, n] = co_await asio::async_write(c.socket, http::make_chunk(asio::buffer(**piece)), kTuple);
      ok = !ec;
    }
  }
  c.expires_never();
  co_return ok;
}

Task<void> Server::event_stream(Connection& c, const config::Campaign* campaign, std::string last_event_id,
                                std::string origin) {
  const auto& store = api_.store();
  std::uint64_t cursor = store.last_event_seq();
  if (!last_event_id.empty() && last_event_id.size() <= 19 &&
      std::all_of(last_event_id.begin(), last_event_id.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
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
  // Each write moves the deadline write_timeout ahead and leaves it there: with a write at least
  // every `keepalive` (shorter), it only ever moves later, which costs the watchdog nothing.
  c.expires_after(options_.write_timeout);
  auto [hec, header_bytes] = co_await http::async_write_header(c.socket, serializer, kTuple);
  if (hec) co_return;

  auto send = [&](const std::string& text) -> Task<bool> {
    c.expires_after(options_.write_timeout);
    auto [ec, n] = co_await asio::async_write(c.socket, http::make_chunk(asio::buffer(text)), kTuple);
    co_return !ec;
  };
  auto totals = [&](std::uint64_t id, const config::Campaign& of) -> std::string {
    auto rendered = api_.campaign(of);
    return rendered ? sse_event(id, "totals", *(*rendered)->body) : std::string();
  };
  const auto& campaigns = api_.config().campaigns;

  // The current totals first, so a page can render without another request.
  std::string first = "retry: 3000\n\n";
  for (const auto& of : campaigns) {
    if (!campaign || campaign == &of) first += totals(cursor, of);
  }
  if (!co_await send(first)) co_return;
  auto last_write = std::chrono::steady_clock::now();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  std::vector<bool> touched(campaigns.size());
  while (true) {
    timer.expires_after(options_.event_poll);
    auto [tec] = co_await timer.async_wait(kTuple);
    if (tec) co_return;
    // A batch of at most 512 events at a time, each sent before the next is read, and a turn for
    // the other connections between batches: a client resuming far back (Last-Event-ID: 0) neither
    // holds the whole log in memory nor the API thread.
    bool sent = false;
    while (store.last_event_seq() > cursor) {
      auto events = store.events_after(cursor, 512);
      if (!events || events->empty()) break;
      std::fill(touched.begin(), touched.end(), false);
      std::string text;
      for (const auto& e : *events) {
        if (campaign && e.donation.campaign != campaign->id) continue;
        const auto at = std::find_if(campaigns.begin(), campaigns.end(),
                                     [&](const auto& x) { return x.id == e.donation.campaign; });
        if (at == campaigns.end()) continue;  // a campaign no longer configured
        touched[static_cast<std::size_t>(at - campaigns.begin())] = true;
        text += sse_event(e.seq, event_name(e.type), boost::json::serialize(render::donation(api_.config(), e.donation)));
      }
      cursor = events->back().seq;
      // Then the new totals of each campaign the events touched, in configuration order.
      for (std::size_t i = 0; i < campaigns.size(); ++i) {
        if (touched[i]) text += totals(cursor, campaigns[i]);
      }
      if (text.empty()) {
        co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
        continue;
      }
      if (!co_await send(text)) co_return;
      last_write = std::chrono::steady_clock::now();
      sent = true;
    }
    if (sent) continue;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_write < options_.keepalive) continue;
    if (!co_await send(": keep-alive\n\n")) co_return;
    last_write = now;
  }
}

}  // namespace givewatch::api

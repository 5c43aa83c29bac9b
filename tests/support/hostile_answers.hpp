#pragma once

// The FaultProxy's hostile endpoint (Faults::hostile_error_*, Faults::huge_answer_*): error texts
// and answer bodies of any size, the bodies streamed so that the proxy never holds them.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "tests/support/fault_proxy.hpp"

namespace givewatch::test {

/// An error text as a hostile or broken provider might send: `bytes` long (at least 300), with
/// "max block range " and a number of digits that fills most of it (a backtracking regex recurses
/// once per digit), newlines, carriage returns and ANSI terminal escapes (clear screen, colours,
/// a window title) before and after it.
std::string hostile_text(std::size_t bytes);

namespace hostile {

/// The message to answer `call` with when Faults::hostile_error_method names its method.
std::optional<std::string_view> error_text(const boost::json::object& call, const Faults& f);

/// Whether the HTTP request `body` (one call or a batch) is answered with a huge body.
bool wants_huge_answer(std::string_view body, const Faults& f);

/// A block of spaces the padding of huge answers is written from, many times over.
std::string_view padding_block();

/// Writes `answer` (its status, headers and body) to `client`, then Faults::huge_answer_bytes
/// spaces, each write under `timeout`. False when the client stopped reading: the connection is
/// then to be closed.
template <class Stream, class Duration>
boost::asio::awaitable<bool> write_huge_answer(
    Stream& client, boost::beast::http::response<boost::beast::http::string_body> answer, const Faults& f,
    Duration timeout) {
  namespace http = boost::beast::http;
  namespace net = boost::asio;
  constexpr auto as_result = net::as_tuple(net::use_awaitable);
  const std::string_view block = padding_block();

  http::response<http::empty_body> head{answer.result(), answer.version()};
  for (const auto& field : answer) head.insert(field.name_string(), field.value());
  head.keep_alive(answer.keep_alive());
  if (f.huge_answer_chunked) {
    head.chunked(true);
  } else {
    head.content_length(answer.body().size() + f.huge_answer_bytes);
  }
  http::response_serializer<http::empty_body> serializer(head);
  boost::beast::get_lowest_layer(client).expires_after(timeout);
  if (auto [ec, n] = co_await http::async_write_header(client, serializer, as_result); ec) co_return false;

  // One piece of the body, as a chunk or as it is.
  auto send = [&](std::string_view piece) -> net::awaitable<bool> {
    boost::beast::get_lowest_layer(client).expires_after(timeout);
    if (f.huge_answer_chunked) {
      auto [ec, n] = co_await net::async_write(client, http::make_chunk(net::buffer(piece)), as_result);
      co_return !ec;
    }
    auto [ec, n] = co_await net::async_write(client, net::buffer(piece), as_result);
    co_return !ec;
  };
  if (!answer.body().empty() && !co_await send(answer.body())) co_return false;
  for (std::uint64_t left = f.huge_answer_bytes; left > 0;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, block.size()));
    if (!co_await send(block.substr(0, n))) co_return false;
    left -= n;
  }
  if (f.huge_answer_chunked) {
    boost::beast::get_lowest_layer(client).expires_after(timeout);
    auto [ec, n] = co_await net::async_write(client, http::make_chunk_last(), as_result);
    co_return !ec;
  }
  co_return true;
}

}  // namespace hostile
}  // namespace givewatch::test

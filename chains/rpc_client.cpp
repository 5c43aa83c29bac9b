#include "chains/rpc_client.hpp"

#include "chains/logs_parser.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <exception>
#include <unordered_map>

#include "core/text.hpp"

namespace givewatch::chains {
namespace {

namespace json = boost::json;

/// The start of a body, for messages about answers that are not what they should be.
std::string excerpt(std::string_view body) {
  return core::bounded_text(body, 120);
}

RpcError bad_response(const Endpoint& endpoint, std::string_view what, std::string detail) {
  return RpcError{RpcErrc::bad_response, what.empty() ? endpoint.redacted + ": " + detail
                                                      : std::string(what) + " on " + endpoint.redacted + ": " + detail};
}

/// Runs `parse` over one answer. Whatever it throws (std::bad_alloc for an answer too big to hold,
/// ...) is a bad_response of this call: one answer never unwinds the watcher that asked for it.
template <class Parse>
auto parsing(const Endpoint& endpoint, std::string_view what, Parse&& parse) -> decltype(parse()) {
  try {
    return parse();
  } catch (const std::exception& e) {
    return bad_response(endpoint, what,
                        "the answer could not be read (" + core::bounded_text(e.what()) + ")");
  }
}

/// The answer size limit that applies to a call of `method`: the methods whose answers grow with
/// the block (every log, every receipt) get the large one.
AnswerSize answer_size(std::string_view method) {
  return method == "eth_getLogs" || method == "eth_getBlockReceipts" ? AnswerSize::large : AnswerSize::small;
}

}  // namespace

RpcResult<json::value> parse_response(json::value response, std::uint64_t id, std::string_view what,
                                      const Endpoint& endpoint) {
  auto* obj = response.if_object();
  if (!obj) return bad_response(endpoint, what, "the answer is not a JSON-RPC object");
  const auto* rid = obj->if_contains("id");
  const bool id_matches = rid && ((rid->is_uint64() && rid->get_uint64() == id) ||
                                  (rid->is_int64() && rid->get_int64() >= 0 &&
                                   static_cast<std::uint64_t>(rid->get_int64()) == id));
  if (const auto* err = obj->if_contains("error"); err && !err->is_null()) {
    const auto* e = err->if_object();
    std::int64_t code = 0;
    std::string_view message = "(no message)";
    if (e) {
      if (const auto* c = e->if_contains("code"); c && c->is_int64()) code = c->get_int64();
      if (const auto* m = e->if_contains("message"); m && m->is_string()) message = m->get_string();
    }
    RpcError classified = classify_rpc_error(code, message);  // its message is the provider's, bounded
    classified.message = std::string(what) + " on " + endpoint.redacted + " failed: " + classified.message +
                         " (code " + std::to_string(code) + ")";
    return classified;
  }
  if (!id_matches) return bad_response(endpoint, what, "the answer carries another request id");
  auto* result = obj->if_contains("result");
  if (!result) return bad_response(endpoint, what, "the answer has neither result nor error");
  return std::move(*result);
}

RpcResult<json::value> parse_answer(std::string_view body, std::string_view what, const Endpoint& endpoint) {
  return parsing(endpoint, what, [&]() -> RpcResult<json::value> {
    boost::system::error_code ec;
    json::value parsed = json::parse(body, ec, json::make_shared_resource<json::monotonic_resource>());
    if (ec)
      return bad_response(endpoint, what, "the answer is not JSON (" + ec.message() + "): " + excerpt(body));
    return parsed;
  });
}

RpcClient::RpcClient(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, Endpoint endpoint,
                     HttpLimits limits)
    : http_(std::move(executor), tls, std::move(endpoint), limits) {}

Task<RpcResult<HttpResponse>> RpcClient::post(const std::string& body, std::string_view what,
                                              Clock::time_point deadline, AnswerSize size) {
  auto answer = co_await http_.post(body, deadline, size);
  const auto& endpoint = http_.endpoint();
  if (!answer) {
    RpcError e = answer.error();
    // The one bad_response of the HTTP layer: an answer over its size limit. Name the call.
    if (e.kind == RpcErrc::bad_response) e.message = std::string(what) + ": " + e.message;
    co_return e;
  }
  if (answer->status == 429) {
    RpcError e{RpcErrc::rate_limited, std::string(what) + " on " + endpoint.redacted + ": HTTP 429 Too Many Requests"};
    e.code = 429;
    e.retry_after = answer->retry_after;
    co_return e;
  }
  if (answer->status != 200) {
    // Some providers answer JSON-RPC errors with 4xx/5xx statuses; keep their message when they do.
    auto classified = parsing(endpoint, what, [&]() -> RpcResult<json::value> {
      boost::system::error_code ec;
      json::value parsed = json::parse(answer->body, ec);
      if (ec || !parsed.is_object() || !parsed.as_object().contains("error")) return json::value();
      return parse_response(std::move(parsed), 0, what, endpoint);
    });
    if (!classified) co_return classified.error();
    RpcError e{RpcErrc::http_status, std::string(what) + " on " + endpoint.redacted + ": HTTP " +
                                         std::to_string(answer->status) + " " + excerpt(answer->body)};
    e.code = answer->status;
    e.retry_after = answer->retry_after;
    co_return e;
  }
  co_return std::move(*answer);
}

Task<RpcResult<json::value>> RpcClient::exchange(const std::string& body, std::string_view what,
                                                 Clock::time_point deadline, AnswerSize size) {
  auto answer = co_await post(body, what, deadline, size);
  if (!answer) co_return answer.error();
  co_return parse_answer(answer->body, what, http_.endpoint());
}

Task<RpcResult<std::vector<eth::Log>>> RpcClient::get_logs(json::object filter, Clock::time_point deadline) {
  const std::uint64_t id = next_id_++;
  json::array params;
  params.emplace_back(std::move(filter));
  json::object request{{"jsonrpc", "2.0"}, {"id", id}, {"method", "eth_getLogs"}, {"params", std::move(params)}};
  auto answer = co_await post(json::serialize(request), "eth_getLogs", deadline, AnswerSize::large);
  if (!answer) co_return answer.error();
  const auto& endpoint = http_.endpoint();
  co_return parsing(endpoint, "eth_getLogs", [&]() -> RpcResult<std::vector<eth::Log>> {
    auto parsed = parse_logs_answer(answer->body, id);
    if (!parsed) return bad_response(endpoint, "eth_getLogs", parsed.error().message);
    if (parsed->error_code || !parsed->error_message.empty()) {
      const std::int64_t code = parsed->error_code.value_or(0);
      RpcError e = classify_rpc_error(code, parsed->error_message);  // its message is bounded
      e.message = "eth_getLogs on " + endpoint.redacted + " failed: " + e.message + " (code " +
                  std::to_string(code) + ")";
      return e;
    }
    return std::move(parsed->logs);
  });
}

Task<RpcResult<json::value>> RpcClient::call(std::string_view method, json::array params, Clock::time_point deadline) {
  const std::uint64_t id = next_id_++;
  json::object request{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
  auto answer = co_await exchange(json::serialize(request), method, deadline, answer_size(method));
  if (!answer) co_return answer.error();
  co_return parsing(http_.endpoint(), method,
                    [&] { return parse_response(std::move(*answer), id, method, http_.endpoint()); });
}

Task<RpcResult<std::vector<RpcResult<json::value>>>> RpcClient::batch(const std::vector<RpcRequest>& requests,
                                                                      Clock::time_point deadline) {
  json::array body;
  body.reserve(requests.size());
  const std::uint64_t first = next_id_;
  for (const auto& r : requests) {
    body.push_back(json::object{{"jsonrpc", "2.0"}, {"id", next_id_++}, {"method", r.method}, {"params", r.params}});
  }
  const std::string what = requests.empty() ? "batch" : "batch of " + std::to_string(requests.size()) + " (" +
                                                            requests.front().method + ", ...)";
  // A batch of headers is bounded by its length, not by a small limit per answer.
  auto answer = co_await exchange(json::serialize(body), what, deadline, AnswerSize::large);
  if (!answer) co_return answer.error();
  co_return parsing(http_.endpoint(), what,
                    [&] { return batch_answers(std::move(*answer), requests, first, what); });
}

RpcResult<std::vector<RpcResult<json::value>>> RpcClient::batch_answers(
    json::value answer, const std::vector<RpcRequest>& requests, std::uint64_t first, std::string_view what) {
  const auto& endpoint = http_.endpoint();
  if (answer.is_object()) {
    // A single error object for the whole batch (batches refused or a request-level error).
    auto whole = parse_response(std::move(answer), first, what, endpoint);
    if (!whole) return whole.error();
    return bad_response(endpoint, what, "a batch was answered with a single result");
  }
  auto* items = answer.if_array();
  if (!items) return bad_response(endpoint, what, "the answer to a batch is not an array");

  std::unordered_map<std::uint64_t, json::value*> by_id;
  for (auto& item : *items) {
    const auto* obj = item.if_object();
    const auto* id = obj ? obj->if_contains("id") : nullptr;
    if (id && id->is_uint64()) by_id[id->get_uint64()] = &item;
    if (id && id->is_int64() && id->get_int64() >= 0) by_id[static_cast<std::uint64_t>(id->get_int64())] = &item;
  }
  std::vector<RpcResult<json::value>> out;
  out.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const std::uint64_t id = first + i;
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      out.emplace_back(bad_response(endpoint, requests[i].method, "the batch answer lacks request " + std::to_string(id)));
    } else {
      out.push_back(parse_response(std::move(*it->second), id, requests[i].method, endpoint));
    }
  }
  return out;
}

}  // namespace givewatch::chains

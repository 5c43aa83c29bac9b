#include "tests/support/node_quirks.hpp"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>

namespace givewatch::test {
namespace {

namespace json = boost::json;

/// Whether `call` is eth_getBlockByNumber for "finalized" or "safe".
bool asks_tag(const json::value& call) {
  if (!call.is_object()) return false;
  const json::value* method = call.get_object().if_contains("method");
  const json::value* params = call.get_object().if_contains("params");
  if (method == nullptr || !method->is_string() || method->get_string() != "eth_getBlockByNumber")
    return false;
  if (params == nullptr || !params->is_array() || params->get_array().empty()) return false;
  const json::value& tag = params->get_array()[0];
  return tag.is_string() && (tag.get_string() == "finalized" || tag.get_string() == "safe");
}

/// The number in a log's "blockNumber", if it is a hex quantity.
std::optional<std::uint64_t> block_of(const json::value& log) {
  const json::value* n = log.is_object() ? log.get_object().if_contains("blockNumber") : nullptr;
  if (n == nullptr || !n->is_string() || n->get_string().size() < 3) return std::nullopt;
  const std::string_view s = n->get_string();
  std::uint64_t out = 0;
  auto [end, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), out, 16);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return out;
}

/// Applies `change` to the result array of every answer in `body` (one answer or a batch).
template <class F>
void each_result(json::value& body, F change) {
  auto one = [&](json::value& answer) {
    json::value* result = answer.is_object() ? answer.get_object().if_contains("result") : nullptr;
    if (result != nullptr && result->is_array()) change(result->get_array());
  };
  if (body.is_array()) {
    for (json::value& answer : body.get_array()) one(answer);
  } else {
    one(body);
  }
}

}  // namespace

bool asks_finality_tag(const json::value& body, const Faults& faults) {
  if (!faults.finalized_lag) return false;
  if (body.is_array()) {
    for (const json::value& call : body.get_array()) {
      if (asks_tag(call)) return true;
    }
  }
  return asks_tag(body);
}

void pin_finality_tags(json::value& body, std::uint64_t node_head, const Faults& faults) {
  if (!faults.finalized_lag) return;
  const std::uint64_t lag = faults.head_lag.value_or(0);
  const std::uint64_t seen = node_head > lag ? node_head - lag : 0;
  const std::uint64_t block = seen > *faults.finalized_lag ? seen - *faults.finalized_lag : 0;
  char number[24];
  std::snprintf(number, sizeof number, "0x%llx", static_cast<unsigned long long>(block));
  auto pin = [&](json::value& call) {
    if (asks_tag(call)) call.get_object()["params"].get_array()[0] = number;
  };
  if (body.is_array()) {
    for (json::value& call : body.get_array()) pin(call);
  } else {
    pin(body);
  }
}

void strip_log_timestamps(boost::beast::http::response<boost::beast::http::string_body>& answer,
                          const Faults& faults) {
  if (!faults.logs_without_timestamps || answer.body().find("\"blockTimestamp\"") == std::string::npos)
    return;
  boost::system::error_code ec;
  json::value body = json::parse(answer.body(), ec);
  if (ec) return;
  // A log is an object with a logIndex in a result array; blocks and receipts are not in one.
  each_result(body, [](json::array& result) {
    for (json::value& log : result) {
      if (log.is_object() && log.get_object().contains("logIndex")) log.get_object().erase("blockTimestamp");
    }
  });
  answer.body() = json::serialize(body);
}

bool mentions_get_logs(std::string_view body) { return body.find("eth_getLogs") != std::string_view::npos; }

std::uint64_t hide_fresh_logs(boost::beast::http::response<boost::beast::http::string_body>& answer,
                              std::uint64_t node_head, std::uint64_t lag, std::atomic<unsigned>& answers_left) {
  boost::system::error_code ec;
  json::value body = json::parse(answer.body(), ec);
  if (ec) return 0;
  std::uint64_t hidden = 0;
  const auto fresh = [&](const json::value& log) {
    const auto block = block_of(log);
    return log.is_object() && log.get_object().contains("logIndex") && block && *block + lag > node_head;
  };
  each_result(body, [&](json::array& result) {
    if (std::none_of(result.begin(), result.end(), fresh)) return;
    for (unsigned n = answers_left.load();;) {
      if (n == 0) return;
      if (answers_left.compare_exchange_weak(n, n - 1)) break;
    }
    json::array kept;
    for (json::value& log : result) {
      if (fresh(log)) {
        ++hidden;
      } else {
        kept.push_back(std::move(log));
      }
    }
    result = std::move(kept);
  });
  if (hidden > 0) {
    answer.body() = json::serialize(body);
    answer.prepare_payload();
  }
  return hidden;
}

}  // namespace givewatch::test

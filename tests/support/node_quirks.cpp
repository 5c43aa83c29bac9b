#include "tests/support/node_quirks.hpp"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdio>

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
  auto strip = [](json::value& one) {
    json::value* result = one.is_object() ? one.get_object().if_contains("result") : nullptr;
    if (result == nullptr || !result->is_array()) return;
    for (json::value& log : result->get_array()) {
      if (log.is_object() && log.get_object().contains("logIndex")) log.get_object().erase("blockTimestamp");
    }
  };
  if (body.is_array()) {
    for (json::value& one : body.get_array()) strip(one);
  } else {
    strip(body);
  }
  answer.body() = json::serialize(body);
}

}  // namespace givewatch::test

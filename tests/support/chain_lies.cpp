#include "tests/support/chain_lies.hpp"

#include <boost/json.hpp>
#include <charconv>

namespace givewatch::test {
namespace {

namespace json = boost::json;

std::optional<std::uint64_t> quantity(const json::value* v) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  std::string_view s = v->get_string();
  if (s.size() < 3 || s.substr(0, 2) != "0x") return std::nullopt;
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), n, 16);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return n;
}

std::string hex(std::uint64_t n) {
  char buf[19] = "0x";
  auto [end, ec] = std::to_chars(buf + 2, buf + sizeof buf, n, 16);
  return std::string(buf, end);
}

/// The same 32-byte hash with its last hex digit changed.
json::string other_hash(json::string hash) {
  if (!hash.empty()) hash.back() = hash.back() == '0' ? '1' : '0';
  return hash;
}

}  // namespace

std::optional<std::string> jump_head(std::string_view body, std::uint64_t jump) {
  boost::system::error_code ec;
  json::value answer = json::parse(body, ec);
  if (ec || !answer.is_object()) return std::nullopt;
  auto head = quantity(answer.get_object().if_contains("result"));
  if (!head) return std::nullopt;
  answer.get_object()["result"] = hex(*head + jump);
  return json::serialize(answer);
}

std::optional<std::string> corrupt_logs(std::string_view body, const json::object& call, LogsLie lie) {
  boost::system::error_code ec;
  json::value answer = json::parse(body, ec);
  if (ec || !answer.is_object()) return std::nullopt;
  json::value* result = answer.get_object().if_contains("result");
  if (result == nullptr || !result->is_array() || result->get_array().empty()) return std::nullopt;
  json::array& logs = result->get_array();
  if (!logs[0].is_object()) return std::nullopt;
  json::object& first = logs[0].get_object();
  switch (lie) {
    case LogsLie::outside_range: {
      // A copy of the first log, placed one block past the range asked.
      std::optional<std::uint64_t> to;
      if (const auto* params = call.if_contains("params"); params && params->is_array() && !params->get_array().empty() &&
                                                           params->get_array()[0].is_object()) {
        to = quantity(params->get_array()[0].get_object().if_contains("toBlock"));
      }
      if (!to) return std::nullopt;
      json::object copy = first;
      copy["blockNumber"] = hex(*to + 1);
      logs.push_back(std::move(copy));
      break;
    }
    case LogsLie::wrong_block_hash:
      if (const auto* h = first.if_contains("blockHash"); h && h->is_string()) {
        first["blockHash"] = other_hash(h->get_string());
      }
      break;
    case LogsLie::same_position_other_tx: {
      json::object copy = first;
      if (const auto* h = first.if_contains("transactionHash"); h && h->is_string()) {
        copy["transactionHash"] = other_hash(h->get_string());
      }
      logs.push_back(std::move(copy));
      break;
    }
    case LogsLie::none:
      return std::nullopt;
  }
  return json::serialize(answer);
}

}  // namespace givewatch::test

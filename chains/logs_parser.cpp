#include "chains/logs_parser.hpp"

#include <array>
#include <boost/json/basic_parser_impl.hpp>

namespace givewatch::chains {
namespace {

using boost::json::error_code;
using boost::json::string_view;

constexpr std::array<std::int8_t, 256> make_nibbles() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
  return t;
}
constexpr auto kNibble = make_nibbles();

/// "0x" + 2 * out.size() hex digits into out; false for anything else.
bool hex_bytes(std::string_view s, std::uint8_t* out, std::size_t n) {
  if (s.size() != 2 + 2 * n || s[0] != '0' || s[1] != 'x') return false;
  for (std::size_t i = 0; i < n; ++i) {
    const int hi = kNibble[static_cast<unsigned char>(s[2 + 2 * i])];
    const int lo = kNibble[static_cast<unsigned char>(s[3 + 2 * i])];
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

std::optional<std::uint64_t> hex_quantity(std::string_view s) {
  if (s.size() < 3 || s.size() > 18 || s[0] != '0' || s[1] != 'x') return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 2; i < s.size(); ++i) {
    const int d = kNibble[static_cast<unsigned char>(s[i])];
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<std::uint64_t>(d);
  }
  return v;
}

/// SAX handler for {"jsonrpc":"2.0","id":N,"result":[log, ...]} or {..., "error":{...}}. Values it
/// does not need (other keys, of any JSON type, nested to any depth the parser allows) are skipped
/// whole; a log field of the wrong type is an error.
class Handler {
 public:
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);

  explicit Handler(std::uint64_t id) : id_(id) {}

  ParsedLogs answer;
  std::string problem;  ///< the first thing found wrong; parsing stops there
  bool id_seen = false;
  bool id_matches = false;
  bool result_seen = false;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }

  bool on_object_begin(error_code& ec) {
    if (skip_) return ++skip_, true;
    if (depth_ == 0) return depth_ = 1, true;
    if (depth_ == 1 && key_ == "error") {
      depth_ = 2;
      in_error_ = true;
      return true;
    }
    if (depth_ == 2 && in_result_) {
      depth_ = 3;
      current_ = eth::Log{};
      have_ = 0;
      return true;
    }
    if (auto bad = misplaced(ec, "an object")) return *bad;
    return start_skip();
  }

  bool on_object_end(std::size_t, error_code& ec) {
    if (skip_) return --skip_, true;
    if (depth_ == 3) {
      depth_ = 2;
      return finish_log(ec);
    }
    if (depth_ == 2 && in_error_) in_error_ = false;
    --depth_;
    return true;
  }

  bool on_array_begin(error_code& ec) {
    if (skip_) return ++skip_, true;
    if (depth_ == 0) return fail(ec, "the answer is an array, not one JSON-RPC answer");
    if (depth_ == 1 && key_ == "result") {
      depth_ = 2;
      result_seen = in_result_ = true;
      return true;
    }
    if (depth_ == 2 && in_result_) return fail(ec, "the result holds an array, not a log object");
    if (depth_ == 3 && key_ == "topics") {
      depth_ = 4;
      have_ |= kTopics;
      return true;
    }
    if (auto bad = misplaced(ec, "an array")) return *bad;
    return start_skip();
  }

  bool on_array_end(std::size_t, error_code&) {
    if (skip_) return --skip_, true;
    if (depth_ == 2) in_result_ = false;
    --depth_;
    return true;
  }

  bool on_key_part(string_view s, std::size_t, error_code&) {
    if (!skip_) part_.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    if (skip_) return true;
    part_.append(s.data(), s.size());
    key_.swap(part_);
    part_.clear();
    return true;
  }

  bool on_string_part(string_view s, std::size_t, error_code&) {
    if (!skip_) part_.append(s.data(), s.size());
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code& ec) {
    if (skip_) return true;
    part_.append(s.data(), s.size());
    const bool ok = string_value(part_, ec);
    part_.clear();
    return ok;
  }

  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, string_view, error_code& ec) {
    return number(i >= 0, static_cast<std::uint64_t>(i), i, ec);
  }
  bool on_uint64(std::uint64_t u, string_view, error_code& ec) {
    return number(true, u, static_cast<std::int64_t>(u), ec);
  }
  bool on_double(double, string_view, error_code& ec) { return other_scalar(ec, "a fractional number"); }
  bool on_bool(bool b, error_code& ec) {
    if (!skip_ && depth_ == 3 && key_ == "removed") {
      current_.removed = b;
      return true;
    }
    return other_scalar(ec, "a boolean");
  }
  bool on_null(error_code& ec) {
    if (skip_) return true;
    if (depth_ == 1 && key_ == "result") return fail(ec, "the result is null");
    if (depth_ == 3 && (key_ == "blockTimestamp" || key_ == "removed")) return true;
    return other_scalar(ec, "null");
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

 private:
  enum Have : unsigned { kAddress = 1, kTopics = 2, kData = 4, kBlock = 8, kBlockHash = 16, kTx = 32, kIndex = 64 };

  bool fail(error_code& ec, std::string what) {
    if (problem.empty()) problem = std::move(what);
    ec = boost::json::error::syntax;
    return false;
  }
  bool start_skip() {
    skip_ = 1;
    return true;
  }

  /// A failure when an object or array stands where a log field or a topic must be; nothing
  /// where it may be skipped.
  std::optional<bool> misplaced(error_code& ec, const char* what) {
    if (depth_ == 3 && is_log_field(key_)) return fail(ec, where() + "'" + key_ + "' is " + what);
    if (depth_ == 4) return fail(ec, where() + "a topic is " + what);
    return std::nullopt;
  }

  std::string where() const { return "log " + std::to_string(answer.logs.size()) + ": "; }

  bool number(bool non_negative, std::uint64_t u, std::int64_t i, error_code& ec) {
    if (skip_) return true;
    if (depth_ == 1 && key_ == "id") {
      id_seen = true;
      id_matches = non_negative && u == id_;
      return true;
    }
    if (depth_ == 2 && in_error_ && key_ == "code") {
      answer.error_code = i;
      return true;
    }
    if (depth_ == 3 && is_log_field(key_)) {
      return fail(ec, where() + "'" + key_ + "' is a JSON number; quantities are 0x-prefixed hex strings");
    }
    return other_scalar(ec, "a number");
  }

  bool other_scalar(error_code& ec, const char* what) {
    if (skip_) return true;
    if (depth_ == 2 && in_result_) return fail(ec, std::string("the result holds ") + what + ", not a log object");
    if (depth_ == 3 && is_log_field(key_)) return fail(ec, where() + "'" + key_ + "' is " + what);
    if (depth_ == 4) return fail(ec, where() + "a topic is " + what);
    return true;
  }

  static bool is_log_field(const std::string& k) {
    return k == "address" || k == "topics" || k == "data" || k == "blockNumber" || k == "blockHash" ||
           k == "transactionHash" || k == "logIndex" || k == "blockTimestamp" || k == "removed";
  }

  bool string_value(const std::string& text, error_code& ec) {
    if (depth_ == 2 && in_error_) {
      if (key_ == "message") answer.error_message = text;
      return true;
    }
    if (depth_ == 2 && in_result_) return fail(ec, "the result holds a string, not a log object");
    if (depth_ == 4) {
      core::Hash topic;
      if (!hex_bytes(text, topic.bytes.data(), 32)) return fail(ec, where() + "a topic is not 0x and 64 hex digits");
      current_.topics.push_back(topic);
      return true;
    }
    if (depth_ != 3) return true;  // "jsonrpc", or an id sent as a string (the id check fails later)
    if (key_ == "address") {
      if (!hex_bytes(text, current_.address.bytes.data(), 20)) {
        return fail(ec, where() + "'address' is not 0x and 40 hex digits");
      }
      have_ |= kAddress;
    } else if (key_ == "data") {
      if (text.size() < 2 || text[0] != '0' || text[1] != 'x' || text.size() % 2) {
        return fail(ec, where() + "'data' is not 0x-prefixed hex of whole bytes");
      }
      current_.data.resize((text.size() - 2) / 2);
      if (!hex_bytes(text, current_.data.data(), current_.data.size())) {
        return fail(ec, where() + "'data' has a character that is not hex");
      }
      have_ |= kData;
    } else if (key_ == "blockHash") {
      if (!hex_bytes(text, current_.block_hash.bytes.data(), 32)) {
        return fail(ec, where() + "'blockHash' is not 0x and 64 hex digits");
      }
      have_ |= kBlockHash;
    } else if (key_ == "transactionHash") {
      if (!hex_bytes(text, current_.tx_hash.bytes.data(), 32)) {
        return fail(ec, where() + "'transactionHash' is not 0x and 64 hex digits");
      }
      have_ |= kTx;
    } else if (key_ == "blockNumber" || key_ == "logIndex" || key_ == "blockTimestamp") {
      auto q = hex_quantity(text);
      if (!q) return fail(ec, where() + "'" + key_ + "' is not a 0x-prefixed hex quantity of at most 64 bits");
      if (key_ == "blockNumber") {
        current_.block_number = *q;
        have_ |= kBlock;
      } else if (key_ == "logIndex") {
        if (*q > UINT32_MAX) return fail(ec, where() + "'logIndex' is out of range");
        current_.log_index = static_cast<std::uint32_t>(*q);
        have_ |= kIndex;
      } else {
        current_.block_timestamp = *q;
      }
    } else if (key_ == "removed") {
      return fail(ec, where() + "'removed' is not a boolean");
    }
    return true;
  }

  bool finish_log(error_code& ec) {
    static constexpr std::pair<unsigned, const char*> kRequired[] = {
        {kAddress, "address"},     {kTopics, "topics"},   {kData, "data"},       {kBlock, "blockNumber"},
        {kBlockHash, "blockHash"}, {kTx, "transactionHash"}, {kIndex, "logIndex"}};
    for (const auto& [bit, name] : kRequired) {
      if (!(have_ & bit)) return fail(ec, where() + "'" + name + "' is missing");
    }
    answer.logs.push_back(std::move(current_));
    return true;
  }

  std::uint64_t id_;
  int depth_ = 0;  ///< 1: the answer object, 2: the result array or error object, 3: a log, 4: its topics
  int skip_ = 0;   ///< > 0 while inside a value that is ignored
  bool in_result_ = false;
  bool in_error_ = false;
  std::string key_;   ///< the last complete key at the current level
  std::string part_;  ///< a key or string being received in parts
  eth::Log current_;
  unsigned have_ = 0;
};

}  // namespace

core::Result<ParsedLogs> parse_logs_answer(std::string_view body, std::uint64_t id) {
  boost::json::basic_parser<Handler> parser(boost::json::parse_options{}, id);
  error_code ec;
  const std::size_t used = parser.write_some(false, body.data(), body.size(), ec);
  auto& h = parser.handler();
  if (ec || used != body.size()) {
    if (!h.problem.empty()) return core::Error{core::Errc::invalid_argument, h.problem};
    return core::Error{core::Errc::invalid_argument, "the answer is not JSON (" + ec.message() + ")"};
  }
  if (h.answer.error_code || !h.answer.error_message.empty()) return std::move(h.answer);
  if (!h.id_seen || !h.id_matches) {
    return core::Error{core::Errc::invalid_argument, "the answer carries another request id"};
  }
  if (!h.result_seen) return core::Error{core::Errc::invalid_argument, "the answer has neither result nor error"};
  return std::move(h.answer);
}

}  // namespace givewatch::chains

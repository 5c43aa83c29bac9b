#include "chains/rpc_error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

namespace givewatch::chains {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

/// "2,000" → 2000, "10k" → 10000; nothing for text that is not such a number.
std::optional<std::uint64_t> parse_count(std::string text) {
  std::uint64_t scale = 1;
  if (!text.empty() && text.back() == 'k') {
    scale = 1000;
    text.pop_back();
  }
  std::uint64_t value = 0;
  bool any = false;
  for (char c : text) {
    if (c == ',') continue;
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
    any = true;
  }
  if (!any || value == 0 || value > UINT64_MAX / scale) return std::nullopt;
  return value * scale;
}

// Texts providers use to name the span they allow. The captured group is the span.
const std::array<std::regex, 9>& span_patterns() {
  static const std::array<std::regex, 9> patterns{
      std::regex(R"(max(?:imum)? block range ?[=:]? ?([0-9][0-9,]*k?))"),
      std::regex(R"(up to a ([0-9][0-9,]*k?) block range)"),
      std::regex(R"(limited to a ([0-9][0-9,]*k?)(?: block)? range)"),
      std::regex(R"(limited to 0 ?- ?([0-9][0-9,]*k?) blocks?)"),
      std::regex(R"(maximum (?:block )?range(?: is| of|:)? ?([0-9][0-9,]*k?))"),
      std::regex(R"(\(max(?:imum)?:? ([0-9][0-9,]*k?)\))"),
      std::regex(R"(exceeds? (?:the )?(?:max(?:imum)? )?limit(?: of|:)? ?([0-9][0-9,]*k?))"),
      std::regex(R"(max(?:imum)?(?: allowed)?(?: is)? ([0-9][0-9,]*k?) blocks)"),
      std::regex(R"(ranges over ([0-9][0-9,]*k?) blocks)"),
  };
  return patterns;
}

}  // namespace

std::string_view to_string(RpcErrc kind) noexcept {
  switch (kind) {
    case RpcErrc::timeout: return "timeout";
    case RpcErrc::connection: return "connection";
    case RpcErrc::http_status: return "http_status";
    case RpcErrc::rate_limited: return "rate_limited";
    case RpcErrc::bad_response: return "bad_response";
    case RpcErrc::rpc_error: return "rpc_error";
    case RpcErrc::range_too_wide: return "range_too_wide";
    case RpcErrc::method_unavailable: return "method_unavailable";
    case RpcErrc::wrong_chain: return "wrong_chain";
    case RpcErrc::not_reached: return "not_reached";
    case RpcErrc::cancelled: return "cancelled";
  }
  return "unknown";
}

bool RpcError::retryable() const noexcept {
  switch (kind) {
    case RpcErrc::timeout:
    case RpcErrc::connection:
    case RpcErrc::rate_limited:
    case RpcErrc::bad_response:
      return true;
    case RpcErrc::http_status:
      return code >= 500 || code == 408;
    case RpcErrc::rpc_error:
      // Internal errors and nodes that do not have the block yet are passing conditions.
      return code == -32603 || code == -32000;
    case RpcErrc::range_too_wide:
    case RpcErrc::method_unavailable:
    case RpcErrc::wrong_chain:
    case RpcErrc::not_reached:
    case RpcErrc::cancelled:
      return false;
  }
  return false;
}

std::optional<std::uint64_t> range_limit_from_message(std::string_view message) {
  const std::string text = lowercase(message);
  // Some providers suggest a range that works: "this block range should work: [0x1, 0x7d0]".
  // At most 16 hex digits each, so that both fit in 64 bits.
  static const std::regex suggested(R"(should work: \[0x0*([0-9a-f]{1,16}), ?0x0*([0-9a-f]{1,16})\])");
  std::smatch m;
  if (std::regex_search(text, m, suggested)) {
    const auto from = std::stoull(m[1].str(), nullptr, 16);
    const auto to = std::stoull(m[2].str(), nullptr, 16);
    if (to >= from && to - from < UINT64_MAX) return to - from + 1;
  }
  for (const auto& pattern : span_patterns()) {
    if (std::regex_search(text, m, pattern)) {
      if (auto n = parse_count(m[1].str())) return n;
    }
  }
  return std::nullopt;
}

RpcError classify_rpc_error(std::int64_t code, std::string_view message) {
  const std::string text = lowercase(message);
  RpcError e;
  e.code = code;
  e.message = std::string(message);

  const bool too_many_results = contains(text, "query returned more than") || contains(text, "too many results") ||
                                contains(text, "response size exceeded") || contains(text, "response size is larger") ||
                                contains(text, "results exceed") || contains(text, "logs exceed") ||
                                contains(text, "exceeds max results") || contains(text, "too many logs") ||
                                contains(text, "response too large") || contains(text, "response is too big");
  const bool range = contains(text, "block range") || contains(text, "blocks range") || contains(text, "range too") ||
                     contains(text, "range is too") || contains(text, "range exceeds") ||
                     contains(text, "limited to a") || contains(text, "exceeds limit") ||
                     contains(text, "too many blocks") || contains(text, "ranges over") || code == -32614;
  if (too_many_results || range) {
    e.kind = RpcErrc::range_too_wide;
    e.max_range = range_limit_from_message(message);
    return e;
  }
  if (code == -32601 || contains(text, "method not found") || contains(text, "does not exist") ||
      contains(text, "not supported") || contains(text, "unsupported method") || contains(text, "method disabled") ||
      contains(text, "is disabled")) {
    e.kind = RpcErrc::method_unavailable;
    return e;
  }
  if (code == -32029 || contains(text, "rate limit") || contains(text, "too many requests") ||
      contains(text, "compute units") || contains(text, "request limit") || contains(text, "limit exceeded") ||
      contains(text, "capacity")) {
    e.kind = RpcErrc::rate_limited;
    return e;
  }
  e.kind = RpcErrc::rpc_error;
  return e;
}

}  // namespace givewatch::chains

#include "chains/rpc_error.hpp"

#include <algorithm>
#include <cctype>

#include "core/text.hpp"

namespace givewatch::chains {
namespace {

/// How much of a provider's message is read to classify it: every provider's text fits in far less,
/// and nothing after it can change what givewatch does.
constexpr std::size_t kClassifiedPrefix = 1024;

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// The span texts are read by hand, left to right, each character once: a backtracking regex over
// a provider's text recurses once per character and overflows the stack on a long number.

constexpr auto npos = std::string_view::npos;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// The position after `word` when `text` has it at `at`; npos otherwise (and for `at` == npos).
std::size_t expect(std::string_view text, std::size_t at, std::string_view word) {
  if (at == npos || at > text.size() || text.substr(at, word.size()) != word) return npos;
  return at + word.size();
}

/// The position after `word` when `text` has it at `at`; `at` otherwise.
std::size_t skip(std::string_view text, std::size_t at, std::string_view word) {
  const std::size_t after = expect(text, at, word);
  return after == npos ? at : after;
}

/// A count as providers write it, [0-9][0-9,]*k? ("2,000", "10k"), at `at`; empty when there is none.
struct Count {
  std::string_view text;
  std::size_t end = npos;
};
Count count_at(std::string_view text, std::size_t at) {
  if (at == npos || at >= text.size() || !is_digit(text[at])) return {};
  std::size_t end = at + 1;
  while (end < text.size() && (is_digit(text[end]) || text[end] == ',')) ++end;
  if (end < text.size() && text[end] == 'k') ++end;
  return Count{text.substr(at, end - at), end};
}

/// "2,000" → 2000, "10k" → 10000; nothing for text that is not such a number.
std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t scale = 1;
  if (!text.empty() && text.back() == 'k') {
    scale = 1000;
    text.remove_suffix(1);
  }
  std::uint64_t value = 0;
  bool any = false;
  for (char c : text) {
    if (c == ',') continue;
    if (!is_digit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
    any = true;
  }
  if (!any || value == 0 || value > UINT64_MAX / scale) return std::nullopt;
  return value * scale;
}

/// The rest of one wording, read from `at` just after its start: the count it names, or empty.
using Wording = Count (*)(std::string_view text, std::size_t at);

/// "max block range N", "maximum block range: N", "max block range = N"
Count max_block_range(std::string_view t, std::size_t at) {
  at = expect(t, skip(t, at, "imum"), " block range");
  if (at == npos) return {};
  at = skip(t, at, " ");
  if (at < t.size() && (t[at] == '=' || t[at] == ':')) ++at;
  return count_at(t, skip(t, at, " "));
}
/// "up to a N block range"
Count up_to_a(std::string_view t, std::size_t at) {
  const Count n = count_at(t, at);
  return expect(t, n.end, " block range") == npos ? Count{} : n;
}
/// "limited to a N range", "limited to a N block range"
Count limited_to_a(std::string_view t, std::size_t at) {
  const Count n = count_at(t, at);
  return expect(t, skip(t, n.end, " block"), " range") == npos ? Count{} : n;
}
/// "limited to 0 - N blocks", "limited to 0-N block"
Count limited_to_zero(std::string_view t, std::size_t at) {
  at = expect(t, skip(t, at, " "), "-");
  const Count n = count_at(t, skip(t, at, " "));
  return expect(t, n.end, " block") == npos ? Count{} : n;
}
/// "maximum range N", "maximum block range is N", "maximum range of N", "maximum range: N"
Count maximum_range(std::string_view t, std::size_t at) {
  at = expect(t, skip(t, at, "block "), "range");
  if (at == npos) return {};
  for (std::string_view joint : {" is", " of", ":"}) {
    if (const Count n = count_at(t, skip(t, expect(t, at, joint), " ")); n.end != npos) return n;
  }
  return count_at(t, skip(t, at, " "));
}
/// "(max N)", "(maximum: N)"
Count parenthesised_max(std::string_view t, std::size_t at) {
  at = expect(t, skip(t, skip(t, at, "imum"), ":"), " ");
  const Count n = count_at(t, at);
  return expect(t, n.end, ")") == npos ? Count{} : n;
}
/// "exceeds limit of N", "exceed the maximum limit: N", "exceeds max limit N"
Count exceeds_limit(std::string_view t, std::size_t at) {
  at = expect(t, skip(t, at, "s"), " ");
  at = skip(t, at, "the ");
  if (const std::size_t max = expect(t, at, "max"); max != npos) {
    if (const std::size_t after = expect(t, skip(t, max, "imum"), " "); after != npos) at = after;
  }
  at = expect(t, at, "limit");
  if (at == npos) return {};
  at = skip(t, at, expect(t, at, " of") != npos ? " of" : ":");
  return count_at(t, skip(t, at, " "));
}
/// "max N blocks", "maximum allowed is N blocks", "max is 1k blocks"
Count max_blocks(std::string_view t, std::size_t at) {
  at = expect(t, skip(t, skip(t, skip(t, at, "imum"), " allowed"), " is"), " ");
  const Count n = count_at(t, at);
  return expect(t, n.end, " blocks") == npos ? Count{} : n;
}
/// "ranges over N blocks"
Count ranges_over(std::string_view t, std::size_t at) {
  const Count n = count_at(t, at);
  return expect(t, n.end, " blocks") == npos ? Count{} : n;
}

/// Texts providers use to name the span they allow: where a wording starts, and how it goes on.
struct SpanWording {
  std::string_view start;
  Wording rest;
};
constexpr SpanWording kSpanWordings[] = {
    {"max", max_block_range},          {"up to a ", up_to_a},       {"limited to a ", limited_to_a},
    {"limited to 0", limited_to_zero}, {"maximum ", maximum_range}, {"(max", parenthesised_max},
    {"exceed", exceeds_limit},         {"max", max_blocks},         {"ranges over ", ranges_over},
};

/// The first place `text` uses `wording`, and the count it names there.
Count first_use(std::string_view text, const SpanWording& wording) {
  for (std::size_t at = text.find(wording.start); at != npos; at = text.find(wording.start, at + 1)) {
    if (const Count n = wording.rest(text, at + wording.start.size()); n.end != npos) return n;
  }
  return {};
}

/// 0x and 1 to 16 hex digits after any leading zeros, at `at`.
struct Hex {
  std::uint64_t value = 0;
  std::size_t end = npos;
};
Hex hex_at(std::string_view t, std::size_t at) {
  at = expect(t, at, "0x");
  if (at == npos) return {};
  std::size_t end = at;
  while (end < t.size() && std::isxdigit(static_cast<unsigned char>(t[end]))) ++end;
  std::size_t first = at;
  while (first + 1 < end && t[first] == '0') ++first;
  if (end == at || end - first > 16) return {};
  std::uint64_t value = 0;
  for (std::size_t i = first; i < end; ++i) {
    const char c = t[i];
    value = value << 4 | static_cast<std::uint64_t>(is_digit(c) ? c - '0' : c - 'a' + 10);
  }
  return Hex{value, end};
}

/// The span of a range a provider suggests: "this block range should work: [0x1, 0x7d0]" → 2000.
std::optional<std::uint64_t> suggested_span(std::string_view t) {
  constexpr std::string_view kStart = "should work: [";
  for (std::size_t at = t.find(kStart); at != npos; at = t.find(kStart, at + 1)) {
    const Hex from = hex_at(t, at + kStart.size());
    const Hex to = hex_at(t, skip(t, expect(t, from.end, ","), " "));
    if (expect(t, to.end, "]") == npos) continue;
    if (to.value >= from.value && to.value - from.value < UINT64_MAX) return to.value - from.value + 1;
    return std::nullopt;
  }
  return std::nullopt;
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
  if (auto span = suggested_span(text)) return span;
  for (const auto& wording : kSpanWordings) {
    if (const Count n = first_use(text, wording); n.end != npos) {
      if (auto span = parse_count(n.text)) return span;
    }
  }
  return std::nullopt;
}

RpcError classify_rpc_error(std::int64_t code, std::string_view message) {
  const std::string_view prefix = message.substr(0, kClassifiedPrefix);
  const std::string text = lowercase(prefix);
  RpcError e;
  e.code = code;
  e.message = core::bounded_text(message);

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
    e.max_range = range_limit_from_message(prefix);
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

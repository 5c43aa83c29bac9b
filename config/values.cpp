#include "config/values.hpp"

#include <algorithm>
#include <boost/url.hpp>
#include <vector>

#include "config/config.hpp"
#include "core/base64.hpp"

namespace givewatch::config {

namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text) noexcept {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

core::Error problem(std::string message) {
  return core::Error{core::Errc::config, std::move(message)};
}

}  // namespace

std::string redact_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (parsed && parsed->has_authority()) {
    std::string out = std::string(parsed->scheme()) + "://" + std::string(parsed->encoded_host_and_port());
    auto path = parsed->encoded_path();
    if (!path.empty() && path != "/") out += "/…";
    if (parsed->has_query()) out += "?…";
    return out;
  }
  // Not a URL with an authority (e.g. "localhost:8545", "host/KEY" or "https://host/${KEY}"): keep
  // the scheme and host, drop credentials before an '@' and whatever follows the host.
  const auto scheme_end = url.find("://");
  const std::size_t host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const auto end = url.find_first_of("/?#", host_start);
  std::string_view host =
      url.substr(host_start, end == std::string_view::npos ? url.size() : end - host_start);
  if (auto at = host.rfind('@'); at != std::string_view::npos) host = host.substr(at + 1);
  std::string out = std::string(url.substr(0, host_start)) + std::string(host);
  if (end != std::string_view::npos) out += url[end] == '?' ? "?…" : "/…";
  return out;
}

namespace detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::size_t> d((n + 1) * (m + 1));
  auto at = [m, &d](std::size_t i, std::size_t j) -> std::size_t& { return d[i * (m + 1) + j]; };
  for (std::size_t i = 0; i <= n; ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= m; ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(n, m);
}

std::optional<std::string_view> closest(std::string_view word, std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 0;
  for (auto candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    const std::size_t allowed = std::max<std::size_t>(1, std::max(word.size(), candidate.size()) / 3);
    if (distance <= allowed && (!best || distance < best_distance)) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (best || word.size() < 3) return best;
  for (auto candidate : candidates) {
    if (candidate.size() > word.size() && edit_distance(word, candidate.substr(0, word.size())) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

bool is_slug(std::string_view text, std::size_t max_length) noexcept {
  if (text.empty() || text.size() > max_length) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

core::Result<Listen> parse_listen(std::string_view text) {
  constexpr std::string_view expected =
      "expected host:port, e.g. '127.0.0.1:8080', 'localhost:8080' or '[::1]:8080'";
  Listen out;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return problem(std::string(expected));
    }
    const auto host = text.substr(1, close - 1);
    if (!boost::urls::parse_ipv6_address(host)) {
      return problem("'" + std::string(host) + "' is not an IPv6 address; " + std::string(expected));
    }
    out.host = std::string(host);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return problem(std::string(expected));
    const auto host = text.substr(0, colon);
    if (host.empty()) return problem("the host is empty; " + std::string(expected));
    if (host.find(':') != std::string_view::npos) {
      return problem("an IPv6 host must be in brackets, e.g. '[::1]:8080'");
    }
    const bool host_ok = std::all_of(host.begin(), host.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
             c == '-' || c == '_';
    });
    if (!host_ok) {
      return problem("'" + std::string(host) + "' is not a host name or IP address; " +
                     std::string(expected));
    }
    out.host = std::string(host);
    port = text.substr(colon + 1);
  }
  if (port.empty()) return problem("the port is missing; " + std::string(expected));
  const bool digits = std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits)
    return problem("port '" + std::string(port) + "' is not a number; expected a port from 1 to 65535");
  unsigned long value = 0;
  for (char c : port) {
    value = value * 10 + static_cast<unsigned long>(c - '0');
    if (value > 65535) break;
  }
  if (value == 0 || value > 65535) {
    return problem("port " + std::string(port) + " is out of range; expected a port from 1 to 65535");
  }
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

core::Result<void> check_http_url(std::string_view text, std::string_view example) {
  const std::string expected = "expected an http:// or https:// URL, e.g. '" + std::string(example) + "'";
  auto parsed = boost::urls::parse_uri(text);
  const bool ok = parsed && (parsed->scheme_id() == boost::urls::scheme::http ||
                             parsed->scheme_id() == boost::urls::scheme::https);
  if (!ok) return problem(expected);
  if (!parsed->has_authority() || parsed->encoded_host().empty()) return problem("the host is missing; " + expected);
  if (parsed->has_port() && (parsed->port().empty() || parsed->port_number() == 0)) {
    return problem("the port is out of range; expected a port from 1 to 65535");
  }
  return {};
}

core::Result<void> check_rpc_url(std::string_view text) {
  return check_http_url(text, "https://rpc.example/KEY");
}

core::Result<void> check_ws_url(std::string_view text) {
  const std::string expected = "expected a ws:// or wss:// URL, e.g. 'wss://rpc.example/ws/KEY'";
  auto parsed = boost::urls::parse_uri(text);
  const bool ok = parsed && (parsed->scheme_id() == boost::urls::scheme::ws ||
                             parsed->scheme_id() == boost::urls::scheme::wss);
  if (!ok) return problem(expected);
  if (!parsed->has_authority() || parsed->encoded_host().empty()) return problem("the host is missing; " + expected);
  if (parsed->has_port() && (parsed->port().empty() || parsed->port_number() == 0)) {
    return problem("the port is out of range; expected a port from 1 to 65535");
  }
  return {};
}

core::Result<void> check_origin(std::string_view text) {
  if (text == "*") return {};
  auto parsed = boost::urls::parse_uri(text);
  const bool ok = parsed &&
                  (parsed->scheme_id() == boost::urls::scheme::http ||
                   parsed->scheme_id() == boost::urls::scheme::https) &&
                  parsed->has_authority() && !parsed->encoded_host().empty() && !parsed->has_userinfo() &&
                  parsed->encoded_path().empty() && !parsed->has_query() && !parsed->has_fragment();
  if (!ok) return problem("expected '*' or scheme://host[:port] without a path, e.g. 'https://example.org'");
  return {};
}

core::Result<DecimalValue> parse_decimal_value(std::string_view text) {
  constexpr unsigned kMaxScale = 77;
  const auto point = text.find('.');
  std::string_view whole = text.substr(0, point);
  std::string_view fraction = point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  if (!all_digits(whole) || (point != std::string_view::npos && !all_digits(fraction))) {
    return problem("expected a decimal number without sign or exponent, e.g. '10', '0.5' or '1000.000001'");
  }
  if (fraction.size() > kMaxScale) {
    return problem("it has " + std::to_string(fraction.size()) + " fractional digits; expected at most " +
                   std::to_string(kMaxScale));
  }
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  auto units = core::parse_amount(std::string(whole) + std::string(fraction));
  if (!units) {
    return problem("it is too large: its digits without the point must stay below 2^256; expected a smaller "
                   "value");
  }
  DecimalValue out;
  out.units = *units;
  out.scale = static_cast<unsigned>(fraction.size());
  out.text = std::string(whole) + (fraction.empty() ? "" : "." + std::string(fraction));
  return out;
}

core::Result<std::vector<std::uint8_t>> parse_webhook_secret(std::string_view text) {
  constexpr std::string_view prefix = "whsec_";
  constexpr std::size_t min_bytes = 24;
  constexpr std::size_t max_bytes = 64;
  const std::string expected =
      "; expected 'whsec_' followed by the standard base64 of 24 to 64 random bytes, e.g. from "
      "'echo whsec_$(openssl rand -base64 32)'";
  if (!text.starts_with(prefix)) return problem("it does not start with 'whsec_'" + expected);
  // base64_decode names what is wrong by position only, never by the characters.
  auto bytes = core::base64_decode(text.substr(prefix.size()));
  if (!bytes) return problem("the part after 'whsec_' is " + bytes.error().message + expected);
  if (bytes->size() < min_bytes || bytes->size() > max_bytes) {
    return problem("it decodes to " + std::to_string(bytes->size()) + " bytes" + expected);
  }
  return std::move(*bytes);
}

core::Result<void> check_bot_token(std::string_view text) {
  const auto colon = text.find(':');
  const std::string_view secret = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  const bool ok = colon != std::string_view::npos && all_digits(text.substr(0, colon)) && !secret.empty() &&
                  std::all_of(secret.begin(), secret.end(), [](char c) {
                    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                           c == '-';
                  });
  if (!ok) {
    return problem("expected the token @BotFather gave: digits, ':', then letters, digits, '_' and '-'");
  }
  return {};
}

core::Result<void> check_chat_id(std::string_view text) {
  const std::string_view number = text.starts_with('-') ? text.substr(1) : text;
  const std::string_view name = text.starts_with('@') ? text.substr(1) : std::string_view();
  const bool username = name.size() >= 4 && name.size() <= 32 && !is_digit(name.front()) &&
                        std::all_of(name.begin(), name.end(), [](char c) {
                          return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
                        });
  if ((all_digits(number) && number.size() <= 20) || username) return {};
  return problem("expected a numeric chat id such as '-1001234567890', or '@username' of a public channel");
}

}  // namespace detail

}  // namespace givewatch::config

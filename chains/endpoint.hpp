#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace givewatch::chains {

/// One JSON-RPC endpoint URL, split for the HTTP client. The full URL may hold an API key (in the
/// path, the query or the user info); only `redacted` is ever logged.
struct Endpoint {
  std::string url;       ///< as configured
  std::string redacted;  ///< scheme://host[:port] plus "/…" and "?…" markers; safe to log
  bool tls = false;      ///< https
  std::string host;      ///< without brackets for IPv6 literals
  std::string port;      ///< the explicit port, or 80/443
  std::string target;    ///< path and query, "/" when empty
  std::string authorization;  ///< "Basic …" from user info in the URL, empty when none
};

/// Parses an http(s) URL into an Endpoint; anything else is Errc::invalid_argument.
core::Result<Endpoint> parse_endpoint(std::string_view url);

}  // namespace givewatch::chains

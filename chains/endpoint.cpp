#include "chains/endpoint.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <boost/url/parse.hpp>

#include "config/config.hpp"

namespace givewatch::chains {

core::Result<Endpoint> parse_endpoint(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return core::Error{core::Errc::invalid_argument, "RPC URL '" + config::redact_url(url) + "' is not a URL"};
  }
  Endpoint e;
  e.url = std::string(url);
  e.redacted = config::redact_url(url);
  const auto scheme = parsed->scheme();
  if (scheme == "https") {
    e.tls = true;
  } else if (scheme != "http") {
    return core::Error{core::Errc::invalid_argument,
                       "RPC URL '" + e.redacted + "' is not http or https; givewatch speaks JSON-RPC over HTTP(S)"};
  }
  e.host = parsed->host_address();  // IPv6 literals without brackets
  if (e.host.empty()) return core::Error{core::Errc::invalid_argument, "RPC URL '" + e.redacted + "' has no host"};
  e.port = parsed->has_port() ? std::string(parsed->port()) : (e.tls ? "443" : "80");
  e.target = std::string(parsed->encoded_target());
  if (e.target.empty() || e.target.front() == '?') e.target.insert(0, "/");
  if (parsed->has_userinfo()) {
    const std::string userinfo = parsed->userinfo();
    std::string encoded(boost::beast::detail::base64::encoded_size(userinfo.size()), '\0');
    encoded.resize(boost::beast::detail::base64::encode(encoded.data(), userinfo.data(), userinfo.size()));
    e.authorization = "Basic " + encoded;
  }
  return e;
}

}  // namespace givewatch::chains

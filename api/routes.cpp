#include "api/routes.hpp"

#include <array>

namespace givewatch::api {
namespace {

constexpr std::array<std::string_view, 5> kDonationQuery = {"status", "chain", "token", "limit", "cursor"};
constexpr std::array<std::string_view, 1> kPageQuery = {"lang"};  // read by the page's script

constexpr std::array<Route, 17> kRoutes = {{
    {"/healthz", {}},
    {"/readyz", {}},
    {"/metrics", {}},
    {"/v1/campaigns", {}},
    {"/v1/campaigns/{id}", {}},
    {"/v1/campaigns/{id}/donations", kDonationQuery},
    {"/v1/campaigns/{id}/donations.csv", kExportQuery},
    {"/v1/campaigns/{id}/donations.jsonl", kExportQuery},
    {"/v1/campaigns/{id}/events", {}},
    {"/v1/campaigns/{id}/attestation", {}},
    {"/v1/events", {}},
    {"/v1/tx/{chain}/{tx_hash}", {}},
    {"/v1/tx/{chain}/{tx_hash}/proof", {}},
    {"/v1/chains", {}},
    {"/v1/alerts", {}},
    {"/v1/info", {}},
    {"/receipt/{chain}/{tx_hash}", kPageQuery},  // receipt.html, whatever the chain and hash
}};

}  // namespace

std::span<const Route> routes() {
  return kRoutes;
}

std::optional<RouteMatch> match_route(const std::vector<std::string>& segments) {
  for (const Route& r : kRoutes) {
    RouteMatch m{&r, {}};
    std::size_t i = 0;
    std::string_view rest = r.path.substr(1);
    bool same = true;
    while (same && !rest.empty()) {
      const auto slash = rest.find('/');
      const std::string_view part = rest.substr(0, slash);
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
      if (i >= segments.size()) {
        same = false;
      } else if (part.starts_with('{')) {
        m.params.push_back(segments[i++]);
      } else {
        same = segments[i++] == part;
      }
    }
    if (same && i == segments.size()) return m;
  }
  return std::nullopt;
}

}  // namespace givewatch::api

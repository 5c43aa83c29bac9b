#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace givewatch::api {

/// One path the API answers besides its static files (assets()).
struct Route {
  std::string_view path;                    ///< an OpenAPI path template: "{name}" is any one segment
  std::span<const std::string_view> query;  ///< the query parameters it reads
};

/// The query parameters of the donation exports (donations.csv, donations.jsonl) and of
/// `givewatch export`: the list's filters and a time range, without paging.
inline constexpr std::array<std::string_view, 5> kExportQuery = {"status", "chain", "token", "from", "to"};

/// Every route. Api::route answers only the paths that match one of them, so this is the list that
/// /openapi.json describes (tests/api/openapi_test.cpp holds the two together).
std::span<const Route> routes();

/// The route a path's decoded segments match, and the values of its "{name}" segments in order.
struct RouteMatch {
  const Route* route = nullptr;
  std::vector<std::string> params;
};
std::optional<RouteMatch> match_route(const std::vector<std::string>& segments);

}  // namespace givewatch::api

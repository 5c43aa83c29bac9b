#include "api/handlers.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cstdio>

#include "api/assets.hpp"
#include "api/export.hpp"
#include "api/filter.hpp"
#include "api/render.hpp"
#include "api/routes.hpp"

namespace givewatch::api {

namespace json = boost::json;

namespace {

constexpr std::uint64_t kReadyLag = 5;  // blocks behind the head that still count as caught up

Response json_response(std::string body, std::string cache_control = "no-cache") {
  Response r;
  r.etag = etag_of(body);
  r.body = std::move(body);
  r.cache_control = std::move(cache_control);
  return r;
}

Response json_response(const json::value& v, std::string cache_control = "no-cache") {
  return json_response(json::serialize(v), std::move(cache_control));
}

/// A cached document: its ETag was computed once, when it was rendered, and its body is shared.
Response json_response(const Rendered& rendered, std::string cache_control) {
  Response r;
  r.shared = rendered.body;
  r.etag = rendered.etag;
  r.cache_control = std::move(cache_control);
  return r;
}

/// The static files with their ETags, computed once.
struct StaticFile {
  std::string_view path;
  std::string content_type;
  std::shared_ptr<const Rendered> rendered;
};

const std::vector<StaticFile>& static_files() {
  static const std::vector<StaticFile> files = [] {
    std::vector<StaticFile> out;
    for (const auto& a : assets()) {
      out.push_back(StaticFile{a.path, std::string(a.content_type), Rendered::of(std::string(a.body))});
    }
    return out;
  }();
  return files;
}

}  // namespace

Response error(unsigned status, std::string_view code, std::string_view message) {
  Response r = json_response(json::value{{"error", {{"code", code}, {"message", message}}}});
  r.status = status;
  return r;
}

std::shared_ptr<const Rendered> Rendered::of(std::string body) {
  auto etag = etag_of(body);
  return std::make_shared<const Rendered>(Rendered{std::make_shared<const std::string>(std::move(body)), std::move(etag)});
}

std::string etag_of(std::string_view body) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : body) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  char buf[19];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match.empty()) return false;
  std::size_t at = 0;
  while (at < if_none_match.size()) {
    auto end = if_none_match.find(',', at);
    if (end == std::string_view::npos) end = if_none_match.size();
    auto tag = if_none_match.substr(at, end - at);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    at = end + 1;
  }
  return false;
}

Api::Api(const config::Config& config, const storage::Store& store, const ChainSource& chains,
         const AlertSource* alerts, const attest::Signer* signer, proof::Prover* prover)
    : config_(config), store_(store), chains_(chains), alerts_(alerts), signer_(signer), prover_(prover) {}

std::vector<std::pair<std::string, std::string>> Api::cors(std::string_view origin) const {
  const auto& allowed = config_.server.cors_origins;
  if (std::find(allowed.begin(), allowed.end(), "*") != allowed.end()) return {{"Access-Control-Allow-Origin", "*"}};
  if (allowed.empty()) return {};
  // The answer depends on the request's Origin, also when it allows none: say so to caches.
  if (!origin.empty() && std::find(allowed.begin(), allowed.end(), origin) != allowed.end()) {
    return {{"Access-Control-Allow-Origin", std::string(origin)}, {"Vary", "Origin"}};
  }
  return {{"Vary", "Origin"}};
}

std::optional<const config::Campaign*> Api::event_stream(std::string_view path) const {
  if (path == "/v1/events") return nullptr;
  constexpr std::string_view prefix = "/v1/campaigns/";
  constexpr std::string_view suffix = "/events";
  if (!path.starts_with(prefix) || !path.ends_with(suffix) || path.size() <= prefix.size() + suffix.size()) {
    return std::nullopt;
  }
  if (const auto* c = config_.find_campaign(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()))) return c;
  return std::nullopt;
}

template <class Render>
core::Result<std::shared_ptr<const Rendered>> Api::cached(const std::string& key, Render render) {
  // The version read first makes a concurrent newer render win.
  const std::uint64_t version = store_.version();
  {
    std::lock_guard lock(cache_mutex_);
    if (cache_version_ != version) {
      cache_.clear();
      cache_version_ = version;
    }
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  core::Result<std::shared_ptr<const Rendered>> rendered = render();
  if (!rendered) return rendered;
  std::lock_guard lock(cache_mutex_);
  if (cache_version_ == version) cache_[key] = *rendered;
  return rendered;
}

core::Result<std::shared_ptr<const Rendered>> Api::campaign(const config::Campaign& c) {
  return cached(c.id, [&]() -> core::Result<std::shared_ptr<const Rendered>> {
    auto doc = render::campaign(config_, store_, c);
    if (!doc) return doc.error();
    return Rendered::of(json::serialize(*doc));
  });
}

namespace {

/// What every answer gets last: 304 when the client holds the same document, and CORS headers.
void finish(Response& r, const Api& api, std::string_view if_none_match, std::string_view origin) {
  if (r.status == 200 && !r.etag.empty() && etag_matches(if_none_match, r.etag)) {
    r.status = 304;
    r.clear_payload();
  }
  for (auto& h : api.cors(origin)) r.headers.push_back(std::move(h));
}

/// A deferred answer, finished once it is there. The arguments live in the coroutine's frame.
Task<Response> finish_deferred(const Api* api, std::function<Task<Response>()> answer, std::string if_none_match,
                               std::string origin) {
  Response r = co_await answer();
  finish(r, *api, if_none_match, origin);
  co_return r;
}

}  // namespace

Response Api::handle(const Request& request) {
  Response r;
  if (request.method == "OPTIONS") {
    r.status = 204;
    r.content_type.clear();
    r.headers = {{"Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"},
                 {"Access-Control-Allow-Headers", "If-None-Match, Last-Event-ID, Cache-Control"},
                 {"Access-Control-Max-Age", "86400"}};
  } else if (request.method != "GET" && request.method != "HEAD") {
    r = error(405, "method_not_allowed", "method " + request.method + " is not allowed; this API is read-only (GET, HEAD)");
    r.headers.emplace_back("Allow", "GET, HEAD, OPTIONS");
  } else {
    r = route(request);
  }
  if (r.deferred) {
    r.deferred = [this, answer = std::move(r.deferred), if_none_match = request.if_none_match,
                  origin = request.origin] { return finish_deferred(this, answer, if_none_match, origin); };
    return r;
  }
  finish(r, *this, request.if_none_match, request.origin);
  return r;
}

Response Api::route(const Request& request) {
  auto url = boost::urls::parse_origin_form(request.target);
  if (!url) return error(400, "bad_request", "the request target is not a path: " + request.target);
  const std::string path = url->path();
  std::vector<std::string> parts;
  for (auto s : url->segments()) parts.push_back(s);

  const auto match = match_route(parts);
  // One page for every receipt: its script reads the chain and the hash from the path.
  const bool receipt = match && match->route->path == "/receipt/{chain}/{tx_hash}";
  const std::string_view file = path == "/" ? "/index.html" : receipt ? "/receipt.html" : std::string_view(path);
  for (const auto& f : static_files()) {
    if (f.path == file) {
      Response r = json_response(*f.rendered, "max-age=60");
      r.content_type = f.content_type;
      return r;
    }
  }
  const auto no_such_path = [&] {
    return error(404, "not_found", "no such path: " + path + "; the API is described at /openapi.json");
  };
  if (!match) return no_such_path();
  const std::string_view route = match->route->path;
  const auto& params = match->params;
  if (route == "/healthz") return json_response(json::value{{"status", "ok"}}, "no-store");
  if (route == "/readyz") return ready();
  if (route == "/metrics") return metrics();
  if (route == "/v1/campaigns") return campaigns();
  if (route.starts_with("/v1/campaigns/{id}")) {
    const auto* c = config_.find_campaign(params[0]);
    if (!c) {
      std::vector<std::string> ids;
      for (const auto& x : config_.campaigns) ids.push_back(x.id);
      return error(404, "not_found", "no campaign '" + params[0] + "'; campaigns are: " + comma_list(ids));
    }
    if (route == "/v1/campaigns/{id}") {
      auto rendered = campaign(*c);
      if (!rendered) return error(503, "storage", rendered.error().message);
      return json_response(**rendered, "max-age=1");
    }
    if (route == "/v1/campaigns/{id}/donations") return donations(*c, url->params(), match->route->query);
    if (route == "/v1/campaigns/{id}/attestation") return attestation(*c);
    if (route == "/v1/campaigns/{id}/donations.csv" || route == "/v1/campaigns/{id}/donations.jsonl") {
      const auto format = route.ends_with(".csv") ? ExportFormat::csv : ExportFormat::jsonl;
      return export_response(config_, store_, *c, url->params(), match->route->query, format);
    }
    if (route == "/v1/campaigns/{id}/events") {
      return error(400, "bad_request", "/v1/campaigns/" + c->id + "/events is a stream of Server-Sent Events: open it "
                                       "with an EventSource");
    }
  }
  if (route == "/v1/events") {
    return error(400, "bad_request", "/v1/events is a stream of Server-Sent Events: open it with an EventSource");
  }
  if (route == "/v1/tx/{chain}/{tx_hash}") return transaction(params[0], params[1]);
  if (route == "/v1/tx/{chain}/{tx_hash}/proof") return proof(params[0], params[1]);
  if (route == "/v1/chains") return chain_list();
  if (route == "/v1/alerts") return alert_list();
  if (route == "/v1/info") return info();
  return no_such_path();  // a route of the table that nothing above answers
}

Response Api::campaigns() {
  // The list is cached like each campaign, under a key no campaign id can take.
  auto list = cached("/", [&]() -> core::Result<std::shared_ptr<const Rendered>> {
    std::string body = "{\"campaigns\":[";
    for (std::size_t i = 0; i < config_.campaigns.size(); ++i) {
      auto rendered = campaign(config_.campaigns[i]);
      if (!rendered) return rendered.error();
      if (i) body += ',';
      body += *(*rendered)->body;
    }
    body += "]}";
    return Rendered::of(std::move(body));
  });
  if (!list) return error(503, "storage", list.error().message);
  return json_response(**list, "max-age=1");
}

Response Api::donations(const config::Campaign& c, const boost::urls::params_view& params,
                        std::span<const std::string_view> known) {
  auto filter = parse_donation_filter(config_, c, params, known);
  if (!filter) return error(400, "bad_request", filter.error().message);
  auto page = store_.donations(filter->query);
  if (!page) {
    if (page.error().code == core::Errc::invalid_argument) return error(400, "bad_request", page.error().message);
    return error(503, "storage", page.error().message);
  }
  json::array list_json;
  for (const auto& d : page->donations) list_json.push_back(render::donation(config_, d));
  json::object o;
  o["donations"] = std::move(list_json);
  o["next_cursor"] = page->next_cursor ? json::value(*page->next_cursor) : json::value(nullptr);
  return json_response(o);
}

Response Api::transaction(std::string_view chain_name, std::string_view hash) {
  const auto* chain = config_.find_chain(chain_name);
  if (!chain) return error(404, "not_found", "chain '" + std::string(chain_name) + "' is not configured");
  auto tx = core::parse_hash(hash);
  if (!tx) return error(400, "bad_request", "bad transaction hash: " + tx.error().message);
  auto found = store_.donations_by_tx(chain->chain_id, *tx);
  if (!found) return error(503, "storage", found.error().message);
  if (found->empty()) {
    return error(404, "not_found",
                 "transaction " + core::to_hex(*tx) + " on " + chain->name + " holds no donation to a campaign");
  }
  json::array out;
  for (const auto& d : *found) out.push_back(render::donation(config_, d));
  return json_response(json::value{{"donations", std::move(out)}});
}

Response Api::chain_list() {
  json::array out;
  for (const auto& c : chains_.chains()) {
    json::array endpoints;
    for (const auto& e : c.endpoints) {
      endpoints.push_back(json::object{{"url", e.url},
                                       {"healthy", e.healthy},
                                       {"last_error", e.last_error.empty() ? json::value(nullptr) : json::value(e.last_error)}});
    }
    const auto* configured = config_.find_chain(c.name);
    out.push_back(json::object{{"name", c.name},
                               {"chain_id", c.chain_id},
                               {"explorer", configured && !configured->explorer.empty() ? json::value(configured->explorer)
                                                                                        : json::value(nullptr)},
                               {"confirmations", configured ? configured->confirmations : 0},
                               {"finality", configured ? std::string(config::to_string(configured->finality)) : ""},
                               {"proofs", configured && configured->proofs},
                               {"head_block", c.head},
                               {"indexed_block", c.indexed},
                               {"confirmed_block", c.confirmed},
                               {"lag_blocks", c.lag()},
                               {"syncing", c.syncing},
                               {"stall", c.stall ? json::value{{"reason", c.stall->reason}, {"message", c.stall->message}}
                                                 : json::value(nullptr)},
                               {"endpoints", std::move(endpoints)}});
  }
  return json_response(json::value{{"chains", std::move(out)}});
}

Response Api::alert_list() {
  return json_response(json::value{{"alerts", render::alerts(alerts())}}, "no-store");
}

Response Api::ready() {
  json::array reasons;
  for (const auto& c : chains_.chains()) {
    const bool healthy = std::any_of(c.endpoints.begin(), c.endpoints.end(), [](const auto& e) { return e.healthy; });
    if (c.head == 0) {
      reasons.emplace_back(c.name + ": the chain head is not known yet (no endpoint has answered)");
    } else if (c.indexed + kReadyLag < c.head) {
      reasons.emplace_back(c.name + ": " + std::to_string(c.head - c.indexed) + " blocks behind the head (indexing)");
    } else if (!healthy) {
      reasons.emplace_back(c.name + ": no healthy endpoint");
    }
  }
  if (reasons.empty()) return json_response(json::value{{"ready", true}}, "no-store");
  Response r = json_response(json::value{{"ready", false}, {"reasons", std::move(reasons)}}, "no-store");
  r.status = 503;
  return r;
}

}  // namespace givewatch::api

#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/url/params_view.hpp>

#include "api/model.hpp"
#include "config/config.hpp"
#include "core/task.hpp"
#include "storage/store.hpp"

namespace givewatch::attest {
class Signer;
}
namespace givewatch::proof {
class Prover;
}

namespace givewatch::api {

/// What a handler needs of an HTTP request; the socket layer fills it in.
struct Request {
  std::string method;  ///< GET, HEAD, OPTIONS, ...
  std::string target;  ///< path and query, as sent
  std::string if_none_match;
  std::string origin;
};

/// What a handler answers; the socket layer writes it.
struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;                           ///< the body, unless `shared` holds it
  std::shared_ptr<const std::string> shared;  ///< a body shared with a cache, not copied per request
  std::string etag;                 ///< set on every JSON answer and static file
  std::string cache_control = "no-cache";
  std::vector<std::pair<std::string, std::string>> headers;  ///< CORS, Allow, ...
  /// A body too large to hold (an export), produced a piece at a time: the server pulls the next
  /// piece only after writing the last one, as an HTTP/1.1 chunk, until nullopt (the end). A piece
  /// is never empty. An error ends the connection without the last chunk, so that the client sees a
  /// cut body, not a short one. When set, `body` and `shared` are empty and there is no ETag.
  std::function<core::Result<std::optional<std::string>>()> stream;
  /// An answer that needs the network first (a receipt proof): the server awaits it and writes the
  /// Response it gives instead of this one, whose other fields are unused.
  std::function<Task<Response>()> deferred;

  std::string_view payload() const noexcept { return shared ? std::string_view(*shared) : std::string_view(body); }
  void clear_payload() {
    body.clear();
    shared.reset();
  }
};

/// A rendered JSON document with its ETag, shared by the requests that ask for it.
struct Rendered {
  std::shared_ptr<const std::string> body;
  std::string etag;

  static std::shared_ptr<const Rendered> of(std::string body);
};

/// The REST API as plain functions of a Request over the store's read API and the watchers'
/// status. Campaign documents are rendered once per store version and shared. Thread-safe.
class Api {
 public:
  /// `alerts` may be null (no sinks configured, or a tool without them): /v1/alerts lists none.
  /// `signer` may be null (no [attestation] key): attestations are answered 404.
  /// `prover` may be null (a tool without RPC access): receipt proofs are answered 404.
  Api(const config::Config& config, const storage::Store& store, const ChainSource& chains,
      const AlertSource* alerts = nullptr, const attest::Signer* signer = nullptr,
      proof::Prover* prover = nullptr);

  Response handle(const Request& request);

  /// The event stream `path` asks for: /v1/campaigns/{id}/events (that campaign) or /v1/events
  /// (every campaign, as a nullptr). nullopt when `path` is neither or names no campaign.
  std::optional<const config::Campaign*> event_stream(std::string_view path) const;

  /// The Campaign document (see render::campaign), from the cache while the store is unchanged.
  core::Result<std::shared_ptr<const Rendered>> campaign(const config::Campaign& c);

  /// Access-Control headers for a request from `origin` under the configured cors_origins.
  std::vector<std::pair<std::string, std::string>> cors(std::string_view origin) const;

  const config::Config& config() const noexcept { return config_; }
  const storage::Store& store() const noexcept { return store_; }
  const ChainSource& chains() const noexcept { return chains_; }
  std::vector<AlertView> alerts() const { return alerts_ ? alerts_->alerts() : std::vector<AlertView>{}; }

 private:
  Response route(const Request& request);
  Response campaigns();
  /// `known`: the query parameters the route reads (Route::query); any other is refused first.
  Response donations(const config::Campaign& c, const boost::urls::params_view& params,
                     std::span<const std::string_view> known);
  Response transaction(std::string_view chain, std::string_view hash);
  Response chain_list();
  Response alert_list();
  Response attestation(const config::Campaign& c);  // attestation.cpp
  Response info();                                  // attestation.cpp
  /// The receipt proof of a transaction's donations: checked here, built by the prover (deferred).
  Response proof(std::string_view chain, std::string_view hash);  // proof.cpp
  Response ready();
  Response metrics();
  /// The document cached under `key` for the store's current version, or `render()`'s, then kept
  /// unless the store moved on meanwhile (rendering happens outside the lock).
  template <class Render>
  core::Result<std::shared_ptr<const Rendered>> cached(const std::string& key, Render render);

  const config::Config& config_;
  const storage::Store& store_;
  const ChainSource& chains_;
  const AlertSource* alerts_;
  const attest::Signer* signer_;
  proof::Prover* prover_;
  std::mutex cache_mutex_;
  std::uint64_t cache_version_ = UINT64_MAX;
  std::unordered_map<std::string, std::shared_ptr<const Rendered>> cache_;
};

/// {"error":{"code":code,"message":message}} with the status.
Response error(unsigned status, std::string_view code, std::string_view message);

/// A strong ETag for `body`: a 64-bit FNV-1a hash in quotes.
std::string etag_of(std::string_view body);

/// Whether an If-None-Match header value matches `etag` ("*", a list, weak forms).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace givewatch::api

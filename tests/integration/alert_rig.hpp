#pragma once

// Alert sink tests' rig: a devnet, the daemon with [[alerts]] tables, and helpers for receivers' requests.

#include <gtest/gtest.h>
#include <array>
#include <boost/json.hpp>
#include <future>
#include <sstream>
#include <thread>
#include "alerts/signing.hpp"
#include "core/base64.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/http_client.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/http_receiver.hpp"

namespace givewatch::test::alert_rig {


namespace json = boost::json;
using namespace std::chrono_literals;
using Requests = std::vector<HttpReceiver::Request>;

/// The webhook sinks' HMAC key (32 bytes) and its secret as the configuration writes it.
inline const std::vector<std::uint8_t> kKey = [] {
  std::vector<std::uint8_t> key(32);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(7 * i + 3);
  return key;
}();
inline const std::string kSecret = "whsec_" + core::base64_encode(kKey);

inline std::string q(const std::string& s) { return '"' + s + '"'; }

/// An [[alerts]] table; `keys` are TOML values as written (strings through q()). from = "start"
/// and retry_base_ms = 50 unless `keys` says otherwise.
inline std::string alert_toml(const std::string& id, const std::string& kind,
                       std::vector<std::pair<std::string, std::string>> keys) {
  const auto has = [&](const std::string& k) {
    return std::any_of(keys.begin(), keys.end(), [&](const auto& kv) { return kv.first == k; });
  };
  if (!has("from")) keys.emplace_back("from", q("start"));
  if (!has("retry_base_ms")) keys.emplace_back("retry_base_ms", "50");
  std::string out = "[[alerts]]\nid = " + q(id) + "\nkind = " + q(kind) + "\n";
  for (const auto& [k, v] : keys) out += k + " = " + v + "\n";
  return out + "\n";
}

inline std::string webhook_toml(const std::string& id, const std::string& url,
                         std::vector<std::pair<std::string, std::string>> keys = {}) {
  keys.emplace_back("url", q(url));
  keys.emplace_back("secret", q(kSecret));
  return alert_toml(id, "webhook", std::move(keys));
}

inline std::string header(const HttpReceiver::Request& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

/// The sequence number in a webhook-id "msg_<seq>_<16 hex>"; 0 when it is not one.
inline std::uint64_t seq_of(const HttpReceiver::Request& r) {
  const std::string id = header(r, "webhook-id");
  const auto end = id.find('_', 4);
  if (!id.starts_with("msg_") || end == std::string::npos || end == 4) return 0;
  try {
    return std::stoull(id.substr(4, end - 4));
  } catch (const std::exception&) {
    return 0;
  }
}

/// The seqs of requests[from..].
inline std::vector<std::uint64_t> seqs(const Requests& requests, std::size_t from = 0) {
  std::vector<std::uint64_t> out;
  for (std::size_t i = from; i < requests.size(); ++i) out.push_back(seq_of(requests[i]));
  return out;
}

inline std::vector<std::uint64_t> one_to(std::uint64_t last) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = 1; s <= last; ++s) out.push_back(s);
  return out;
}

/// The webhook-signature of a request is the one its headers and body call for.
inline bool signed_right(const HttpReceiver::Request& r) {
  try {
    return header(r, "webhook-signature") ==
           alerts::sign(kKey, header(r, "webhook-id"), std::stoll(header(r, "webhook-timestamp")), r.body);
  } catch (const std::exception&) {
    return false;
  }
}

inline bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout = 90s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

inline std::vector<storage::Event> store_events(const std::filesystem::path& data) {
  auto store = storage::Store::open(data, storage::Options{.read_only = true});
  if (!store) ADD_FAILURE() << store.error().message;
  if (!store) return {};
  auto events = (*store)->events_after(0, 1'000'000);
  if (!events) ADD_FAILURE() << events.error().message;
  return events ? *events : std::vector<storage::Event>{};
}

/// A devnet, a configuration with the test's [[alerts]], and the daemon with its API on a known port.
struct Rig {
  ScratchDir dir;
  Devnet devnet;
  std::uint16_t port = free_port();
  std::filesystem::path data = dir.path() / "data";
  std::filesystem::path config;
  std::unique_ptr<Daemon> daemon;
  int runs = 0;

  Rig(const std::string& name, const std::string& chains) : dir(name), devnet(dir.path() / "devnet", chains) {}

  void configure(const std::string& alerts) {
    ConfigOptions options;
    options.api_port = port;
    options.extra_toml = alerts;
    config = write_config(devnet, dir.path(), options);
  }
  void start() { daemon = std::make_unique<Daemon>(config, dir.path() / ("run" + std::to_string(++runs) + ".log")); }
  std::string log() const { return daemon ? daemon->log() : std::string(); }

  /// Donations (and a little noise) on every chain, mined deep enough to be confirmed.
  void donate(int donations, int seed) {
    for (const auto& c : devnet.chains()) {
      devnet.traffic(c.name, donations, 2, seed);
      devnet.mine(c.name, 4);
    }
  }
  /// Waits until every chain is indexed and confirmed to its head; the newest event's seq.
  std::uint64_t caught_up() {
    for (const auto& c : devnet.chains()) {
      const auto head = devnet.head(c.name);
      EXPECT_TRUE(wait_indexed(data, c.chain_id, head, head - 3, 120s)) << log();
    }
    return store_events(data).size();
  }

  /// The sink's entry in /v1/alerts; nullopt while the API does not answer.
  std::optional<json::object> sink(const std::string& id) {
    try {
      const auto doc = json::parse(http_get(port, "/v1/alerts").body);
      for (const auto& a : doc.at("alerts").as_array()) {
        if (a.at("id").as_string() == id) return a.as_object();
      }
    } catch (const std::exception&) {
    }
    return std::nullopt;
  }
  std::string sink_state(const std::string& id) {
    auto s = sink(id);
    return s ? std::string(s->at("state").as_string()) : "";
  }
  /// Waits until the sink's cursor is `seq`: everything up to it delivered or passed over.
  bool sink_at(const std::string& id, std::uint64_t seq) {
    return wait_until([&] {
      auto s = sink(id);
      return s && s->at("cursor").to_number<std::uint64_t>() == seq;
    });
  }

  /// `givewatch alerts <args> --config F`; its exit status, stdout + stderr in `out`.
  int alerts_command(std::vector<std::string> args, std::string& out) {
    args.insert(args.begin(), {givewatch_binary(), "alerts"});
    args.insert(args.end(), {"--config", config.string()});
    std::string err;
    const int rc = run_command(args, out, err);
    out += err;
    return rc;
  }
};


}  // namespace givewatch::test::alert_rig

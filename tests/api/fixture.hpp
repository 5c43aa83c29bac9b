#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/handlers.hpp"
#include "attest/signer.hpp"
#include "config/config.hpp"
#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

namespace givewatch::api::test {

inline constexpr std::uint64_t kBsc = 56;
inline constexpr std::uint64_t kAurora = 1313161554;

/// Chain status as a test sets it: the handlers only read what ChainSource returns.
class FixedChains final : public ChainSource {
 public:
  std::vector<ChainView> views;
  std::vector<ChainView> chains() const override { return views; }
};

inline constexpr const char* kConfig = R"(
[server]
listen = "127.0.0.1:8080"
cors_origins = ["https://donate.example", "https://memorial.example"]

[[chains]]
name = "bsc"
chain_id = 56
rpc = ["http://127.0.0.1:1"]

[[chains]]
name = "aurora"
chain_id = 1313161554
rpc = ["http://127.0.0.1:1"]
explorer = "https://explorer.aurora.dev/"

[[tokens]]
chain = "bsc"
symbol = "BUSD"
address = "0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56"
decimals = 18
usd = true

[[tokens]]
chain = "bsc"
symbol = "USDC"
address = "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d"
decimals = 18
usd = true

[[tokens]]
chain = "aurora"
symbol = "USDC"
address = "0x368EBb46ACa6b8D0787C96B2b20bD3CC3F2c45F7"
decimals = 6
usd = true

[[tokens]]
chain = "aurora"
symbol = "NOTUSD"
address = "0xB12BFcA5A55806AaF64E99521918A4bf0fC40802"
decimals = 6

[[campaigns]]
id = "memorial"
name = "Political Prisoners. Memorial"
  [[campaigns.addresses]]
  chain = "bsc"
  address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
  start_block = 1
  [[campaigns.addresses]]
  chain = "aurora"
  address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
  start_block = 1

[[campaigns]]
id = "rbb"
name = "Russia Behind Bars"
  [[campaigns.addresses]]
  chain = "bsc"
  address = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"
  start_block = 1
)";

/// A real store in a temp dir, a parsed configuration and an Api over them.
struct Fixture {
  givewatch::test::TempDir dir{"api"};
  config::Config config;
  std::unique_ptr<storage::Store> store;
  FixedChains chains;
  std::unique_ptr<attest::Signer> signer;
  std::unique_ptr<Api> api;

  Fixture() {
    auto loaded = config::load_string(kConfig, "test.toml");
    if (!loaded.config) throw std::runtime_error(loaded.errors.at(0).to_string());
    config = *loaded.config;
    auto opened = storage::Store::open(dir.path());
    if (!opened) throw std::runtime_error(opened.error().message);
    store = std::move(*opened);
    api = std::make_unique<Api>(config, *store, chains);
  }

  /// Serves attestations signed with the key `hex` (64 digits, 0x first) from here on.
  void sign_with(std::string_view hex) {
    const auto bytes = core::from_hex(hex).value();
    attest::SecretKey key{};
    std::copy(bytes.begin(), bytes.end(), key.begin());
    signer = attest::Signer::make(key).value();
    api = std::make_unique<Api>(config, *store, chains, nullptr, signer.get());
  }

  /// A donation of `amount` base units of the token `symbol` on `chain_id`, to `campaign`.
  storage::Donation donation(std::uint64_t chain_id, std::string_view symbol, std::string_view campaign,
                             core::Amount amount, std::uint64_t block, std::uint32_t log, std::uint8_t donor) const {
    storage::Donation d;
    d.chain_id = chain_id;
    for (const auto& t : config.tokens) {
      const auto* chain = config.find_chain(t.chain);
      if (chain->chain_id == chain_id && t.symbol == symbol) d.token = t.address;
    }
    for (const auto& c : config.campaigns) {
      if (c.id != campaign) continue;
      for (const auto& a : c.addresses) {
        if (config.find_chain(a.chain)->chain_id == chain_id) d.to = a.address;
      }
    }
    d.campaign = std::string(campaign);
    d.amount = amount;
    d.block_number = block;
    d.log_index = log;
    d.timestamp = 1'700'000'000 + block;
    d.block_hash.bytes.fill(static_cast<std::uint8_t>(block));
    d.tx_hash.bytes.fill(static_cast<std::uint8_t>(block * 7 + log));
    d.from.bytes.fill(donor);
    return d;
  }

  void apply(std::uint64_t chain_id, std::vector<storage::Donation> ds, std::optional<std::uint64_t> confirm = {}) {
    storage::Step s;
    s.chain_id = chain_id;
    s.donations = std::move(ds);
    s.confirm_through = confirm;
    std::uint64_t top = 0;
    for (const auto& d : s.donations) top = std::max(top, d.block_number);
    core::Hash h;
    h.bytes.fill(static_cast<std::uint8_t>(top));
    s.indexed = storage::BlockRef{top, h};
    auto r = store->apply(s);
    if (!r) throw std::runtime_error(r.error().message);
  }

  Response get(const std::string& target, const std::string& origin = "", const std::string& inm = "") {
    return api->handle(Request{"GET", target, inm, origin});
  }
};

/// memorial: 1.5 BUSD (confirmed) and 0.00000000000025 USDC (pending) on bsc; 1.2345 USDC and
/// 5 NOTUSD (not a USD token) on aurora, confirmed. rbb: 7 base units of BUSD, confirmed.
inline void seed(Fixture& f) {
  f.apply(kBsc,
          {f.donation(kBsc, "BUSD", "memorial", core::Amount(1'500'000'000'000'000'000ull), 10, 0, 1),
           f.donation(kBsc, "USDC", "memorial", 250'000, 20, 3, 2), f.donation(kBsc, "BUSD", "rbb", 7, 11, 1, 1)},
          15);
  f.apply(kAurora,
          {f.donation(kAurora, "USDC", "memorial", 1'234'500, 5, 0, 1),
           f.donation(kAurora, "NOTUSD", "memorial", 5'000'000, 6, 0, 3)},
          10);
}

}  // namespace givewatch::api::test

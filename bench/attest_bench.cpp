// Attestations: signing one (EIP-191 hash + secp256k1 with a recovery id) beside hashing the same
// message alone (the baseline), and the message of a campaign on three chains read from a store.
#include <benchmark/benchmark.h>

#include "api/attestation.hpp"
#include "attest/signer.hpp"
#include "config/config.hpp"
#include "core/keccak.hpp"
#include "storage/store.hpp"

namespace {

using namespace givewatch;

/// A message of the size a campaign on three chains with two tokens each gives (~900 bytes).
std::string message() {
  std::string m = "givewatch attestation of campaign totals\ncampaign: memorial\nname: Memorial\ntime: 2026-12-03T17:40:00Z\n";
  while (m.size() < 900) m += "  USDT 0x55d398326f99059fF775485246999027B3197955: 1234.5 confirmed (1234500000000000000000 base units) in 12 donations\n";
  return m;
}

void BM_AttestationHashOnly(benchmark::State& state) {
  const auto m = message();
  for (auto _ : state) benchmark::DoNotOptimize(attest::personal_message_hash(m));
}
BENCHMARK(BM_AttestationHashOnly);

void BM_AttestationSign(benchmark::State& state) {
  attest::SecretKey key{};
  key.fill(0x42);
  const auto signer = attest::Signer::make(key).value();
  const auto m = message();
  for (auto _ : state) benchmark::DoNotOptimize(signer->sign_personal(m));
}
BENCHMARK(BM_AttestationSign);

void BM_AttestationMessage(benchmark::State& state) {
  auto loaded = config::load_string(R"(
[[chains]]
name = "bsc"
chain_id = 56
rpc = ["http://127.0.0.1:1"]
[[chains]]
name = "celo"
chain_id = 42220
rpc = ["http://127.0.0.1:1"]
[[chains]]
name = "aurora"
chain_id = 1313161554
rpc = ["http://127.0.0.1:1"]
[[tokens]]
chain = "bsc"
symbol = "USDT"
address = "0x55d398326f99059fF775485246999027B3197955"
decimals = 18
usd = true
[[tokens]]
chain = "celo"
symbol = "cUSD"
address = "0x765DE816845861e75A25fCA122bb6898B8B1282a"
decimals = 18
usd = true
[[tokens]]
chain = "aurora"
symbol = "USDC"
address = "0x368EBb46ACa6b8D0787C96B2b20bD3CC3F2c45F7"
decimals = 6
usd = true
[[campaigns]]
id = "memorial"
name = "Memorial"
  [[campaigns.addresses]]
  chain = "bsc"
  address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
  start_block = 1
  [[campaigns.addresses]]
  chain = "celo"
  address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
  start_block = 1
  [[campaigns.addresses]]
  chain = "aurora"
  address = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
  start_block = 1
)",
                                    "bench.toml");
  if (!loaded.config) {
    state.SkipWithError(loaded.errors.at(0).to_string().c_str());
    return;
  }
  const auto dir = std::filesystem::temp_directory_path() / ("givewatch-attest-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto store = storage::Store::open(dir).value();
    for (const auto& chain : loaded.config->chains) {
      storage::Step s;
      s.chain_id = chain.chain_id;
      for (std::uint64_t b = 1; b <= 100; ++b) s.blocks.push_back(storage::BlockRef{b, core::keccak256(std::to_string(b))});
      s.indexed = s.blocks.back();
      s.confirm_through = 90;
      (void)store->apply(s).value();
    }
    for (auto _ : state) {
      benchmark::DoNotOptimize(api::attestation_message(*loaded.config, *store, loaded.config->campaigns[0], 1'800'000'000));
    }
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AttestationMessage);

}  // namespace

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
  // Three chains with one USD token each, one campaign address on each.
  config::Config config;
  config::Campaign campaign{"memorial", "Memorial", {}};
  for (const auto& [name, id] : {std::pair{"bsc", 56}, {"celo", 42220}, {"aurora", 1313161554}}) {
    config.chains.push_back(config::Chain{.name = name, .chain_id = static_cast<std::uint64_t>(id)});
    core::Address token;
    token.bytes.fill(static_cast<std::uint8_t>(id));
    config.tokens.push_back(config::Token{name, "USDC", token, 6, true});
    core::Address to;
    to.bytes.fill(0xaa);
    campaign.addresses.push_back(config::CampaignAddress{name, to, 1});
  }
  config.campaigns.push_back(campaign);
  const auto dir = std::filesystem::temp_directory_path() / ("givewatch-attest-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto store = storage::Store::open(dir).value();
    for (const auto& chain : config.chains) {
      storage::Step s;
      s.chain_id = chain.chain_id;
      for (std::uint64_t b = 1; b <= 100; ++b) s.blocks.push_back(storage::BlockRef{b, core::keccak256(std::to_string(b))});
      s.indexed = s.blocks.back();
      s.confirm_through = 90;
      (void)store->apply(s).value();
    }
    for (auto _ : state) {
      benchmark::DoNotOptimize(api::attestation_message(config, *store, config.campaigns[0], 1'800'000'000));
    }
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AttestationMessage);

}  // namespace

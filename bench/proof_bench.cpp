// Receipt proofs: what building one costs once the node has answered. Re-encoding a block's receipts
// from JSON-RPC objects, then the receipts trie with the proof of one receipt, beside hashing the
// same receipt bytes once each (the baseline: the least any check of them costs), for a block of
// 200 and of 1,000 token transfers.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include "core/keccak.hpp"
#include "proof/encode.hpp"
#include "proof/trie.hpp"

namespace {

using namespace givewatch;
namespace json = boost::json;

std::string word(std::uint64_t n) {
  std::string hex = "0x";
  char digits[65];
  std::snprintf(digits, sizeof digits, "%064llx", static_cast<unsigned long long>(n * 0x9e3779b97f4a7c15ull));
  return hex + digits;
}

/// Receipts as eth_getBlockReceipts gives them for `n` ERC-20 transfers (type 0x2, one log each).
std::vector<json::value> receipts(std::size_t n) {
  std::vector<json::value> out;
  for (std::size_t i = 0; i < n; ++i) {
    json::array topics{"0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
                       "0x000000000000000000000000" + word(i).substr(26), "0x000000000000000000000000" + word(i + 7).substr(26)};
    json::object log{{"address", "0x" + word(3).substr(26)}, {"topics", std::move(topics)}, {"data", word(i * 31)},
                     {"logIndex", "0x" + std::to_string(i)}};
    out.push_back(json::object{{"type", "0x2"},
                               {"status", "0x1"},
                               {"cumulativeGasUsed", "0x" + std::to_string(51234 * (i + 1))},
                               {"logsBloom", "0x" + std::string(512, 'f')},
                               {"logs", json::array{std::move(log)}},
                               {"transactionIndex", "0x0"},
                               {"transactionHash", word(i)},
                               {"blockHash", word(999)}});
  }
  return out;
}

std::vector<core::Bytes> encoded(const std::vector<json::value>& rs) {
  std::vector<core::Bytes> out;
  for (const auto& r : rs) out.push_back(proof::encode_receipt(r).value().value);
  return out;
}

void BM_ProofHashReceiptsOnly(benchmark::State& state) {
  const auto values = encoded(receipts(static_cast<std::size_t>(state.range(0))));
  for (auto _ : state) {
    for (const auto& v : values) benchmark::DoNotOptimize(core::keccak256(v));
  }
}
BENCHMARK(BM_ProofHashReceiptsOnly)->Arg(200)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_ProofEncodeReceipts(benchmark::State& state) {
  const auto rs = receipts(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    for (const auto& r : rs) benchmark::DoNotOptimize(proof::encode_receipt(r));
  }
}
BENCHMARK(BM_ProofEncodeReceipts)->Arg(200)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_ProofTrieAndProof(benchmark::State& state) {
  const auto values = encoded(receipts(static_cast<std::size_t>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(proof::prove_index(values, values.size() / 2));
}
BENCHMARK(BM_ProofTrieAndProof)->Arg(200)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

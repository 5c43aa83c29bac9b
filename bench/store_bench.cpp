// Committed donations per second through Store::apply, for steps of 1, 100 and 10,000 donations.
// Each step is one WriteBatch with the write-ahead log on; the second argument is Options::sync
// (0: the log reaches the OS at every step, 1: it is also fsynced).

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>

#include "storage/store.hpp"

namespace {

using namespace givewatch;

template <class T>
T pattern(std::uint64_t seed, std::uint8_t tag) {
  T v;
  for (std::size_t i = 0; i < v.bytes.size(); ++i) {
    v.bytes[i] = static_cast<std::uint8_t>((seed >> (8 * (i % 8))) ^ tag ^ (i * 13));
  }
  return v;
}

void BM_StoreApply(benchmark::State& state) {
  const auto batch = static_cast<std::uint64_t>(state.range(0));
  std::string tmpl = (std::filesystem::temp_directory_path() / "givewatch-bench-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  {
    auto opened = storage::Store::open(tmpl, storage::Options{.sync = state.range(1) != 0});
    if (!opened) {
      state.SkipWithError(opened.error().message.c_str());
      return;
    }
    auto& store = **opened;
    const char* campaigns[] = {"russia-behind-bars", "memorial", "moscow-helsinki-group"};
    std::uint64_t block = 1;
    std::uint64_t n = 0;
    for (auto _ : state) {
      state.PauseTiming();
      storage::Step step;
      step.chain_id = 56;
      step.donations.reserve(batch);
      for (std::uint64_t i = 0; i < batch; ++i, ++n) {
        storage::Donation d;
        d.chain_id = 56;
        d.block_number = block + i / 10;  // 10 transfers per block
        d.log_index = static_cast<std::uint32_t>(i % 10);
        d.block_hash = pattern<core::Hash>(d.block_number, 1);
        d.tx_hash = pattern<core::Hash>(n, 2);
        d.timestamp = 1'700'000'000 + d.block_number;
        d.token = pattern<core::Address>(n % 2, 3);
        d.from = pattern<core::Address>(n % 5000, 4);  // 5,000 distinct donors
        d.to = pattern<core::Address>(n % 3, 5);
        d.amount = core::Amount(n + 1) * 1'000'000'000'000ull;
        d.campaign = campaigns[n % 3];
        step.donations.push_back(std::move(d));
      }
      block += batch / 10 + 1;
      step.indexed = storage::BlockRef{block - 1, pattern<core::Hash>(block - 1, 1)};
      step.confirm_through = block - 1;  // backfill: every donation lands confirmed
      state.ResumeTiming();
      auto r = store.apply(step);
      if (!r) {
        state.SkipWithError(r.error().message.c_str());
        break;
      }
      benchmark::DoNotOptimize(r->added);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(n));
    state.counters["donations/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
}
BENCHMARK(BM_StoreApply)
    ->ArgNames({"batch", "sync"})
    ->Args({1, 0})
    ->Args({100, 0})
    ->Args({10000, 0})
    ->Args({1, 1})
    ->Args({10000, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

#include <benchmark/benchmark.h>

#include <cstdint>

#include "core/keccak.hpp"

namespace {

void BM_Keccak256(benchmark::State& state) {
  const givewatch::core::Bytes input(static_cast<std::size_t>(state.range(0)), std::uint8_t{0xa3});
  for (auto _ : state) {
    auto hash = givewatch::core::keccak256(givewatch::core::ByteView(input));
    benchmark::DoNotOptimize(hash);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Keccak256)->Arg(32)->Arg(1024)->Arg(64 * 1024);

}  // namespace

#include "chains/sink.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace givewatch::chains {

core::Result<ResumeState> StoreSink::resume(std::uint64_t chain_id) {
  ResumeState state;
  auto cursor = store_.chain_cursor(chain_id);
  if (!cursor) return cursor.error();
  state.cursor = *cursor;
  auto blocks = store_.blocks(chain_id, 0, SIZE_MAX);
  if (!blocks) return blocks.error();
  state.blocks = std::move(*blocks);
  auto addresses = store_.address_cursors(chain_id);
  if (!addresses) return addresses.error();
  state.addresses = std::move(*addresses);
  return state;
}

core::Result<storage::Applied> StoreSink::apply(const storage::Step& step) {
  spdlog::debug("chain {}: writing a step of {} donations", step.chain_id, step.donations.size());
  const auto started = std::chrono::steady_clock::now();
  auto applied = store_.apply(step);
  if (applied) {
    spdlog::debug("chain {}: step written in {:.2f} ms", step.chain_id,
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
  } else {
    spdlog::debug("chain {}: step not written: {}", step.chain_id, applied.error().message);
  }
  return applied;
}

}  // namespace givewatch::chains

#include "chains/sink.hpp"

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

}  // namespace givewatch::chains

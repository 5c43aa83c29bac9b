// Rules 4 and the reorg walk-back of docs/watchers.md: "a lagging head is not a reorg", and a
// rollback happens only on a proven hash mismatch from an endpoint that has the blocks in question.

#include <spdlog/spdlog.h>

#include "chains/watcher.hpp"

namespace givewatch::chains {

Task<Watcher::Outcome<core::Hash>> Watcher::chain_hash(std::uint64_t number) {
  RpcRequest request = header_request(number);
  auto answer = co_await pool_.call(request.method, std::move(request.params), CallOptions{number, false});
  if (!answer) co_return rpc_stall(answer.error());
  auto header = eth::parse_header(*answer);
  if (!header) co_return Stall{StallReason::malformed, "malformed block header: " + header.error().message};
  if (!*header) {
    co_return Stall{StallReason::inconsistent,
                    "an endpoint whose head reached block " + std::to_string(number) + " has no block " + std::to_string(number)};
  }
  if ((*header)->number != number) {
    co_return Stall{StallReason::malformed,
                    "asked for block " + std::to_string(number) + ", got block " + std::to_string((*header)->number)};
  }
  co_return (*header)->hash;
}

Task<Watcher::Outcome<void>> Watcher::check_tip(std::uint64_t head) {
  if (!indexed_) co_return Outcome<void>{};
  if (head < indexed_->number) {
    // Rule 4: a head below the tip (a node behind, a load balancer switching backends) pauses the
    // chain. Only the block at that head, from an endpoint that has it, can prove a reorg.
    if (auto known = hashes_.find(head); known != hashes_.end()) {
      auto hash = co_await chain_hash(head);
      if (!hash) co_return hash.error();
      if (*hash != known->second) co_return co_await roll_back_from(head);
    }
    co_return Stall{StallReason::head_behind_tip,
                    "the endpoints' head, block " + std::to_string(head) + ", is below the indexed block " +
                        std::to_string(indexed_->number) + "; waiting for them to catch up (nothing is rolled back)"};
  }
  auto hash = co_await chain_hash(indexed_->number);
  if (!hash) co_return hash.error();
  if (indexed_->hash != core::Hash{} && *hash != indexed_->hash) co_return co_await roll_back_from(indexed_->number);
  co_return Outcome<void>{};
}

Task<Watcher::Outcome<void>> Watcher::roll_back_from(std::uint64_t block) {
  // Walk down the stored hashes until one still matches the chain: the common ancestor.
  std::optional<std::uint64_t> ancestor;
  auto it = hashes_.upper_bound(block);
  while (it != hashes_.begin() && !ancestor) {
    std::vector<std::uint64_t> numbers;
    while (it != hashes_.begin() && numbers.size() < 16) numbers.push_back((--it)->first);
    std::vector<RpcRequest> requests;
    for (auto n : numbers) requests.push_back(header_request(n));
    // Asked of an endpoint that has the highest of them: one behind would answer null headers
    // and the walk would go deeper than the fork.
    auto answers = co_await pool_.batch(std::move(requests), CallOptions{numbers.front(), false});
    if (!answers) co_return rpc_stall(answers.error());
    for (std::size_t i = 0; i < numbers.size() && !ancestor; ++i) {
      if (!(*answers)[i]) co_return rpc_stall((*answers)[i].error());
      auto h = eth::parse_header(*(*answers)[i]);
      if (!h) co_return Stall{StallReason::malformed, "malformed block header: " + h.error().message};
      // A missing block proves nothing about the branch: only a different hash is a mismatch.
      if (!*h) {
        co_return Stall{StallReason::inconsistent, "walking back from block " + std::to_string(block) +
                                                       ": an endpoint whose head reached block " +
                                                       std::to_string(numbers.front()) + " has no block " +
                                                       std::to_string(numbers[i])};
      }
      if ((*h)->hash == hashes_[numbers[i]]) ancestor = numbers[i];
    }
  }
  const std::uint64_t tip = indexed_ ? indexed_->number : block;
  if (!ancestor) {
    spdlog::error("{}: REORG DEEPER THAN THE {}-BLOCK WINDOW at block {}: rolling back to the last confirmed block {}. "
                  "Confirmed donations below it on the abandoned branch cannot be checked; if this chain really "
                  "reorganised that deep, index it again into an empty data directory",
                  plan_.chain.name, window(), block, confirmed_);
    ancestor = confirmed_;
  }
  storage::Step step;
  step.chain_id = plan_.chain.chain_id;
  step.rollback_to = *ancestor;
  auto applied = sink_.apply(step);
  if (!applied) co_return Stall{StallReason::storage, applied.error().message};

  const std::uint64_t depth = tip > *ancestor ? tip - *ancestor : 0;
  spdlog::warn("{}: reorg: blocks {}..{} replaced (depth {}); {} donation{} rolled back, indexing the new branch",
               plan_.chain.name, *ancestor + 1, tip, depth, applied->removed, applied->removed == 1 ? "" : "s");
  auto known = hashes_.find(*ancestor);
  indexed_ = storage::BlockRef{*ancestor, known != hashes_.end() ? known->second : core::Hash{}};
  hashes_.erase(hashes_.upper_bound(*ancestor), hashes_.end());
  next_ = *ancestor + 1;
  confirmed_ = std::min(confirmed_, *ancestor);
  for (const auto& t : plan_.targets) {
    auto& next = next_block_[t.address];
    next = std::max(t.start_block, std::min(next, *ancestor + 1));
  }
  std::lock_guard lock(status_mutex_);
  ++status_.reorgs;
  status_.deepest_reorg = std::max(status_.deepest_reorg, depth);
  status_.indexed = *ancestor;
  status_.confirmed = confirmed_;
  co_return Outcome<void>{};
}

}  // namespace givewatch::chains

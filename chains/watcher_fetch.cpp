// Rule 2 of docs/watchers.md, "the tip advances only over blocks proven complete": how a watcher
// fetches a range of blocks and turns it into a step. Nothing here writes or rolls back.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "chains/transfer_log.hpp"
#include "chains/watcher.hpp"

namespace givewatch::chains {

namespace json = boost::json;

namespace {

/// Nothing is sent to a node in one batch beyond this many requests.
constexpr std::size_t kMaxBatch = 100;

}  // namespace

RpcRequest header_request(std::uint64_t block) {
  json::array params;
  params.emplace_back(eth::quantity(block));
  params.emplace_back(false);
  return RpcRequest{"eth_getBlockByNumber", std::move(params)};
}

Watcher::Range Watcher::range_from(std::uint64_t from, std::uint64_t head) const {
  Range r{from, std::min(head, from + range_ - 1)};
  // A range that starts deep ends where the blocks near the head, whose headers are checked, begin.
  if (from + window() <= head) r.to = std::min(r.to, head - window());
  return r;
}

std::vector<core::Address> Watcher::addresses_from(std::uint64_t from, std::uint64_t to) const {
  std::vector<core::Address> out;
  for (const auto& [address, next] : next_block_) {
    if (next >= from && next <= to) out.push_back(address);
  }
  return out;
}

std::vector<storage::Donation> Watcher::donations_in(const std::vector<eth::Log>& logs) const {
  std::vector<storage::Donation> out;
  for (const auto& log : logs) {
    core::Address to;
    if (log.topics.size() >= 3) std::copy_n(log.topics[2].bytes.begin() + 12, 20, to.bytes.begin());
    auto next = next_block_.find(to);
    auto result = classify(plan_, log, next == next_block_.end() ? 0 : next->second);
    if (auto* d = std::get_if<storage::Donation>(&result)) out.push_back(std::move(*d));
  }
  return out;
}

Task<Watcher::Outcome<Watcher::Logs>> Watcher::fetch_logs(Range r, const std::vector<core::Address>& to) {
  if (to.empty() || plan_.tokens.empty()) co_return Logs{};
  json::object filter = transfers_filter(plan_, to);
  const auto started = Clock::now();
  // Rule 2: only an endpoint whose head has reached r.to answers (EndpointPool::pick).
  auto answer = co_await pool_.get_logs(std::move(filter), r.from, r.to);
  if (!answer) {
    if (answer.error().kind == RpcErrc::range_too_wide && narrow(answer.error(), r)) {
      co_return Stall{StallReason::range_narrowed, answer.error().message};
    }
    co_return rpc_stall(answer.error());
  }
  spdlog::debug("{}: eth_getLogs {}..{}: {} logs in {:.1f} ms", plan_.chain.name, r.from, r.to, answer->logs.size(),
                std::chrono::duration<double, std::milli>(Clock::now() - started).count());
  logs_seen_ += answer->logs.size();
  widen();
  co_return Logs{std::move(answer->logs), std::move(answer->source)};
}

Task<Watcher::Outcome<std::vector<eth::Header>>> Watcher::fetch_headers(const std::vector<std::uint64_t>& numbers) {
  std::vector<eth::Header> out;
  out.reserve(numbers.size());
  for (std::size_t i = 0; i < numbers.size(); i += kMaxBatch) {
    std::vector<RpcRequest> requests;
    const std::size_t end = std::min(numbers.size(), i + kMaxBatch);
    for (std::size_t j = i; j < end; ++j) requests.push_back(header_request(numbers[j]));
    auto answers = co_await pool_.batch(std::move(requests), CallOptions{numbers[end - 1], false});
    if (!answers) co_return rpc_stall(answers.error());
    for (std::size_t j = 0; j < answers->size(); ++j) {
      auto& a = (*answers)[j];
      if (!a) co_return rpc_stall(a.error());
      auto h = eth::parse_header(*a);
      if (!h) co_return Stall{StallReason::malformed, "malformed block header: " + h.error().message};
      const std::uint64_t number = numbers[i + j];
      if (!*h) {
        co_return Stall{StallReason::inconsistent, "an endpoint whose head reached block " +
                                                       std::to_string(numbers[end - 1]) + " has no block " +
                                                       std::to_string(number)};
      }
      if ((*h)->number != number) {
        co_return Stall{StallReason::malformed, "asked for block " + std::to_string(number) + ", got block " +
                                                    std::to_string((*h)->number)};
      }
      out.push_back(**h);
    }
  }
  co_return out;
}

bool Watcher::narrow(const RpcError& e, Range r) {
  const std::uint64_t asked = r.to - r.from + 1;
  if (asked <= 1) {
    spdlog::error("{}: the provider refuses eth_getLogs even for the single block {} ({}); retrying later",
                  plan_.chain.name, r.from, e.message);
    return false;
  }
  const std::uint64_t narrower = e.max_range && *e.max_range < asked ? *e.max_range : std::max<std::uint64_t>(1, asked / 2);
  if (e.max_range && *e.max_range < asked) limit_ = *e.max_range;
  range_ = narrower;
  successes_ = 0;
  spdlog::info("{}: provider limits eth_getLogs ({}); using {}-block ranges", plan_.chain.name, e.message, range_);
  return true;
}

void Watcher::widen() {
  const std::uint64_t ceiling = std::min<std::uint64_t>(plan_.chain.max_block_range, limit_.value_or(UINT64_MAX));
  if (range_ >= ceiling) return;
  if (++successes_ < options_.widen_after) return;
  successes_ = 0;
  range_ = std::min(ceiling, range_ * 2);
}

Task<Watcher::Outcome<void>> Watcher::stamp_from_headers(std::vector<storage::Donation>& donations) {
  std::set<std::uint64_t> blocks;
  for (const auto& d : donations) blocks.insert(d.block_number);
  if (blocks.empty()) co_return Outcome<void>{};
  auto headers = co_await fetch_headers(std::vector<std::uint64_t>(blocks.begin(), blocks.end()));
  if (!headers) co_return headers.error();
  std::map<std::uint64_t, const eth::Header*> by_number;
  for (const auto& h : *headers) by_number[h.number] = &h;
  for (auto& d : donations) {
    const eth::Header& header = *by_number.at(d.block_number);
    if (header.hash != d.block_hash) {
      co_return Stall{StallReason::inconsistent, "the log of donation tx " + core::to_hex(d.tx_hash) + " names block hash " +
                                                     core::to_hex(d.block_hash) + " for block " +
                                                     std::to_string(d.block_number) + " but the block's header is " +
                                                     core::to_hex(header.hash) + "; fetching the range again"};
    }
    d.timestamp = header.timestamp;
  }
  co_return Outcome<void>{};
}

Task<Watcher::Outcome<Watcher::FetchResult>> Watcher::fetch_range(Range r, std::uint64_t head,
                                                                   std::optional<std::uint64_t> fin,
                                                                   std::uint64_t group_from) {
  const bool deep = r.to + window() <= head;
  Fetched f;
  f.range = r;
  // Near the head every block's header is fetched too: their parent links prove the range is one
  // piece of chain extending what is stored, and each log must name its block's hash. Deep ranges,
  // which no reorg reaches, need none.
  if (!deep) {
    std::vector<std::uint64_t> numbers;
    for (std::uint64_t b = r.from; b <= r.to; ++b) numbers.push_back(b);
    auto headers = co_await fetch_headers(numbers);
    if (!headers) co_return headers.error();
    f.headers = std::move(*headers);
  }
  const auto group = addresses_from(group_from, r.to);
  auto logs = co_await fetch_logs(r, group);
  if (!logs) co_return logs.error();
  if (!deep) {
    if (auto guarded = co_await guard_logs(group, f.headers, *logs); !guarded) co_return guarded.error();
  }
  f.logs_source = logs->source;

  if (!deep) {
    if (auto parent = hashes_.find(r.from - 1);
        r.from > 0 && parent != hashes_.end() && f.headers.front().parent_hash != parent->second) {
      co_return FetchResult{ForkBelow{r.from - 1}};
    }
    for (std::size_t i = 1; i < f.headers.size(); ++i) {
      if (f.headers[i].parent_hash != f.headers[i - 1].hash) {
        co_return Stall{StallReason::inconsistent, "block " + std::to_string(f.headers[i].number) +
                                                       " does not extend block " + std::to_string(f.headers[i - 1].number) +
                                                       ": the chain changed while it was read"};
      }
    }
    for (const auto& log : logs->logs) {
      const auto& header = f.headers[log.block_number - r.from];
      if (header.hash != log.block_hash) {
        co_return Stall{StallReason::inconsistent,
                        "log " + std::to_string(log.log_index) + " of block " + std::to_string(log.block_number) +
                            " from " + logs->source + " names block hash " + core::to_hex(log.block_hash) +
                            " but the block's header is " + core::to_hex(header.hash) +
                            " (the chain is reorganising, or an endpoint is wrong); fetching the range again"};
      }
    }
  }

  storage::Step& step = f.step;
  step.chain_id = plan_.chain.chain_id;
  step.donations = donations_in(logs->logs);
  if (!deep) {
    for (auto& d : step.donations) d.timestamp = f.headers[d.block_number - r.from].timestamp;
  } else if (auto filled = co_await stamp_from_headers(step.donations); !filled) {
    co_return filled.error();
  }
  for (const auto& h : f.headers) step.blocks.push_back(storage::BlockRef{h.number, h.hash});
  // Rule 3: nothing above the indexed tip is ever confirmed.
  if (fin) step.confirm_through = std::min(*fin, r.to);
  step.indexed = deep ? storage::BlockRef{r.to, core::Hash{}} : storage::BlockRef{r.to, f.headers.back().hash};
  step.head = head;
  // Hashes are kept for the window below the indexed tip, never pruned against a head claim.
  step.prune_blocks_below = r.to > window() ? r.to - window() : 0;
  for (const auto& a : group) step.address_cursors.push_back({a, r.to + 1});
  co_return FetchResult{std::move(f)};
}

}  // namespace givewatch::chains

// Rule 7 of docs/watchers.md, the missing-log guard: an empty eth_getLogs answer near the head is
// not believed over the block's logs bloom until a second answer agrees.

#include "chains/logs_guard.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <set>
#include <tuple>

#include "chains/transfer_log.hpp"
#include "chains/watcher.hpp"

namespace givewatch::chains {

namespace asio = boost::asio;

namespace {

std::string block_list(const std::vector<std::uint64_t>& blocks) {
  std::string out;
  for (const auto b : blocks) out += (out.empty() ? "" : ", ") + std::to_string(b);
  return out;
}

}  // namespace

MissingLogGuard::MissingLogGuard(const ChainPlan& plan, const std::vector<core::Address>& to) {
  for (const auto& t : plan.tokens) tokens_.push_back(t.address);
  for (const auto& a : to) receivers_.push_back(eth::address_topic(a));
}

bool MissingLogGuard::may_hold_donation(const eth::Bloom& bloom) const {
  const auto has = [&](core::ByteView item) { return eth::bloom_may_contain(bloom, item); };
  return has(kTransferTopic.bytes) &&
         std::any_of(tokens_.begin(), tokens_.end(), [&](const auto& t) { return has(t.bytes); }) &&
         std::any_of(receivers_.begin(), receivers_.end(), [&](const auto& r) { return has(r.bytes); });
}

std::vector<std::uint64_t> MissingLogGuard::suspects(const std::vector<eth::Header>& headers,
                                                     const std::vector<eth::Log>& logs) const {
  std::set<std::uint64_t> with_logs;
  for (const auto& log : logs) with_logs.insert(log.block_number);
  std::vector<std::uint64_t> out;
  for (const auto& h : headers) {
    if (h.logs_bloom && !with_logs.contains(h.number) && may_hold_donation(*h.logs_bloom)) out.push_back(h.number);
  }
  return out;
}

Task<Watcher::Outcome<void>> Watcher::guard_logs(const std::vector<core::Address>& to,
                                                 const std::vector<eth::Header>& headers, Logs& logs) {
  if (to.empty() || plan_.tokens.empty()) co_return Outcome<void>{};
  const auto suspects = MissingLogGuard(plan_, to).suspects(headers, logs.logs);
  if (suspects.empty()) co_return Outcome<void>{};
  asio::steady_timer timer(co_await asio::this_coro::executor, options_.logs_recheck_delay);
  if (auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable)); ec) {
    co_return Stall{StallReason::stopped, "stopped while rechecking logs"};
  }
  // Another endpoint than the one that answered, when one is usable (EndpointPool::pick).
  boost::json::object filter = transfers_filter(plan_, to);
  std::string avoid = logs.source;
  auto again = co_await pool_.get_logs(std::move(filter), suspects.front(), suspects.back(), std::move(avoid));
  if (!again) co_return rpc_stall(again.error());

  const std::set<std::uint64_t> suspect(suspects.begin(), suspects.end());
  std::map<std::uint64_t, std::size_t> found;
  for (auto& log : again->logs) {
    if (!suspect.contains(log.block_number)) continue;
    ++found[log.block_number];
    logs.logs.push_back(std::move(log));
  }
  std::sort(logs.logs.begin(), logs.logs.end(), [](const eth::Log& a, const eth::Log& b) {
    return std::tie(a.block_number, a.log_index) < std::tie(b.block_number, b.log_index);
  });
  std::vector<std::uint64_t> recovered, unconfirmed;
  for (const auto b : suspects) (found.contains(b) ? recovered : unconfirmed).push_back(b);
  if (!recovered.empty()) {
    std::size_t n = 0;
    for (const auto& [block, count] : found) n += count;
    spdlog::warn("{}: eth_getLogs from {} had no log in block{} {} although {} bloom names a token, Transfer and a "
                 "campaign address; asked again, {} returned {} (its log index lagged its head); using them",
                 plan_.chain.name, logs.source, recovered.size() == 1 ? "" : "s", block_list(recovered),
                 recovered.size() == 1 ? "its" : "their", again->source, n == 1 ? "1 log" : std::to_string(n) + " logs");
  }
  if (!unconfirmed.empty()) {
    spdlog::info("{}: the logs bloom of block{} {} names a token, Transfer and a campaign address, but eth_getLogs "
                 "returned no log twice ({}, then {}); taking {} as a bloom false positive",
                 plan_.chain.name, unconfirmed.size() == 1 ? "" : "s", block_list(unconfirmed), logs.source,
                 again->source, unconfirmed.size() == 1 ? "it" : "them");
  }
  std::lock_guard lock(status_mutex_);
  status_.bloom_rechecks += suspects.size();
  status_.bloom_recovered += recovered.size();
  status_.bloom_unconfirmed += unconfirmed.size();
  co_return Outcome<void>{};
}

}  // namespace givewatch::chains

#include "chains/watcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <utility>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace givewatch::chains {

namespace asio = boost::asio;

namespace {

/// A stall that repeats for the same reason is logged again after this long.
constexpr std::chrono::seconds kStallRelog{60};

std::string format_duration(double seconds) {
  if (seconds < 0 || seconds > 1e9) return "?";
  const auto s = static_cast<std::uint64_t>(seconds);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + std::to_string(s / 60 % 60) + "m";
}

}  // namespace

Stall rpc_stall(const RpcError& e) {
  switch (e.kind) {
    case RpcErrc::cancelled: return Stall{StallReason::stopped, e.message};
    case RpcErrc::not_reached: return Stall{StallReason::not_reached, e.message};
    default: return Stall{StallReason::rpc, e.message};
  }
}

Watcher::Watcher(ChainPlan plan, EndpointPool& pool, StepSink& sink, WatcherOptions options)
    : plan_(std::move(plan)), pool_(pool), sink_(sink), options_(options), range_(plan_.chain.max_block_range) {}

WatcherStatus Watcher::status() const {
  std::lock_guard lock(status_mutex_);
  return status_;
}

std::uint64_t Watcher::window() const {
  const std::uint64_t depth = plan_.chain.finality == config::Finality::confirmations ? plan_.chain.confirmations : 128;
  return depth + options_.window_margin;
}

core::Result<void> Watcher::resume() {
  auto state = sink_.resume(plan_.chain.chain_id);
  if (!state) return state.error();
  indexed_.reset();
  confirmed_ = 0;
  if (state->cursor) {
    indexed_ = storage::BlockRef{state->cursor->indexed_block, state->cursor->indexed_hash};
    confirmed_ = state->cursor->confirmed_block;
  }
  hashes_.clear();
  for (const auto& b : state->blocks) hashes_[b.number] = b.hash;
  next_block_.clear();
  std::uint64_t lowest_start = UINT64_MAX;
  for (const auto& t : plan_.targets) {
    lowest_start = std::min(lowest_start, t.start_block);
    auto stored = std::find_if(state->addresses.begin(), state->addresses.end(),
                               [&](const auto& c) { return c.address == t.address; });
    next_block_[t.address] =
        stored == state->addresses.end() ? t.start_block : std::max(stored->next_block, t.start_block);
  }
  next_ = indexed_ ? indexed_->number + 1 : (lowest_start == UINT64_MAX ? 0 : lowest_start);
  resumed_ = true;
  {
    std::lock_guard lock(status_mutex_);
    status_.indexed = indexed_ ? indexed_->number : 0;
    status_.confirmed = confirmed_;
  }
  const auto lagging = std::count_if(next_block_.begin(), next_block_.end(), [&](const auto& e) { return e.second < next_; });
  spdlog::info("{}: resuming at block {} ({} campaign addresses, {} to backfill on their own, {} tokens)",
               plan_.chain.name, next_, plan_.targets.size(), lagging, plan_.tokens.size());
  return {};
}

Task<void> Watcher::run() {
  std::chrono::milliseconds backoff(plan_.chain.poll_interval_ms);
  auto executor = co_await asio::this_coro::executor;
  // Reflects a stop as it happens: once stopped, the watcher ends whatever its step returned.
  const auto cancellation = co_await asio::this_coro::cancellation_state;
  const auto stopped = [&] { return cancellation.cancelled() != asio::cancellation_type::none; };
  asio::steady_timer timer(executor);
  while (true) {
    bool more = false;
    std::optional<Stall> stall;
    if (!resumed_) {
      if (auto ok = resume(); !ok) stall = Stall{StallReason::storage, ok.error().message};
    }
    if (!stall) {
      // Once stopped, the next wait in a step throws "operation canceled" (the step's writes are
      // one batch each, so nothing half-done remains); that is the stop, not a failure.
      try {
        auto r = co_await iterate();
        if (r) {
          more = *r;
        } else {
          stall = r.error();
        }
      } catch (const boost::system::system_error& e) {
        if (e.code() != asio::error::operation_aborted || !stopped()) throw;
        co_return;
      }
    }
    if (stall && stall->reason == StallReason::range_narrowed) continue;
    // Waiting for the chain is no error: it is polled as usual (and a pushed head ends the wait).
    // Errors back off.
    bool polling = true;
    if (stall) {
      // A stall that comes while stopping (whatever it says) ends the watcher too.
      if (stall->reason == StallReason::stopped || stopped()) co_return;
      report(*stall, backoff);
      if (stall->reason == StallReason::storage || stall->reason == StallReason::refused) resumed_ = false;
      timer.expires_after(backoff);
      polling = stall->reason == StallReason::not_reached || stall->reason == StallReason::head_behind_tip;
      if (!polling) backoff = std::min(options_.max_backoff, backoff * 2);
    } else {
      backoff = std::chrono::milliseconds(plan_.chain.poll_interval_ms);
      if (more) continue;
      timer.expires_after(backoff);
    }
    // Stopped during a step that then finished: waiting now would throw.
    if (stopped()) co_return;
    if (polling && std::exchange(woken_, false)) continue;  // a head was pushed during the step
    polling_ = polling ? &timer : nullptr;
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    polling_ = nullptr;
    if (ec && stopped()) co_return;  // cancelled: shutting down; otherwise woken by a pushed head
    woken_ = false;
  }
}

void Watcher::wake() {
  woken_ = true;
  if (polling_) polling_->cancel();
}

void Watcher::report(const Stall& stall, std::chrono::milliseconds retry_in) {
  const auto now = Clock::now();
  // The same reason is logged once a minute, whatever its changing numbers say.
  const bool repeated = logged_stall_ && logged_stall_->reason == stall.reason;
  if (!repeated || now - logged_stall_at_ >= kStallRelog) {
    const auto level = stall.reason == StallReason::refused ? spdlog::level::err : spdlog::level::warn;
    spdlog::log(level, "{}: stalled ({}): {}; retrying in {} ms", plan_.chain.name, to_string(stall.reason),
                stall.detail, retry_in.count());
    logged_stall_ = stall;
    logged_stall_at_ = now;
  }
  std::lock_guard lock(status_mutex_);
  status_.stall = stall;
  ++status_.stalls[std::string(to_string(stall.reason))];
}

void Watcher::advanced() {
  if (logged_stall_) {
    spdlog::info("{}: advancing again after a stall ({})", plan_.chain.name, to_string(logged_stall_->reason));
    logged_stall_.reset();
  }
  std::lock_guard lock(status_mutex_);
  status_.stall.reset();
}

Task<Watcher::Outcome<std::optional<std::uint64_t>>> Watcher::final_block(std::uint64_t head) {
  if (plan_.chain.finality == config::Finality::confirmations) {
    if (head < plan_.chain.confirmations) co_return std::optional<std::uint64_t>{};
    co_return std::optional<std::uint64_t>{head - plan_.chain.confirmations};
  }
  auto tag = co_await pool_.block(std::string(config::to_string(plan_.chain.finality)));
  if (!tag) co_return rpc_stall(tag.error());
  co_return std::optional<std::uint64_t>{std::min(tag->number, head)};
}

Task<Watcher::Outcome<bool>> Watcher::iterate() {
  auto head = co_await pool_.head();
  if (!head) co_return rpc_stall(head.error());
  {
    std::lock_guard lock(status_mutex_);
    status_.head = *head;
  }
  // Rule 5: an address added behind the others catches up one range per poll, beside the others.
  const auto behind = [&] {
    return std::any_of(next_block_.begin(), next_block_.end(), [&](const auto& e) { return e.second < next_; });
  };
  std::optional<Stall> catch_up_stall;
  if (behind()) {
    if (auto r = co_await catch_up_step(*head); !r) {
      if (r.error().reason == StallReason::stopped || r.error().reason == StallReason::storage) co_return r.error();
      catch_up_stall = r.error();
    }
  }
  auto fin = co_await final_block(*head);
  if (!fin) co_return fin.error();

  bool more = false;
  if (next_ <= *head && !plan_.targets.empty()) {
    if (!backfill_from_ && next_ + window() <= *head) {
      backfill_from_ = next_;
      backfill_started_ = Clock::now();
      last_report_ = Clock::now();
      report_block_ = next_;
      spdlog::info("{}: backfilling blocks {}..{}", plan_.chain.name, next_, *head);
    }
    auto stepped = co_await main_step(range_from(next_, *head), *head, *fin);
    if (!stepped) co_return stepped.error();
    if (next_ > *head && backfill_from_) {
      progress(*head, true);
      backfill_from_.reset();
    }
    progress(*head, false);
    more = next_ <= *head;
  } else {
    if (backfill_from_) {
      progress(*head, true);
      backfill_from_.reset();
    }
    if (auto followed = co_await follow(*head, *fin); !followed) co_return followed.error();
  }
  if (catch_up_stall) {
    // The chain advanced; the address catching up did not. Said as a stall, but the chain keeps its
    // pace, and the catch-up is tried again at the next poll rather than at once.
    report(*catch_up_stall, std::chrono::milliseconds(plan_.chain.poll_interval_ms));
    co_return more;
  }
  advanced();
  co_return more || behind();
}

Task<Watcher::Outcome<void>> Watcher::follow(std::uint64_t head, std::optional<std::uint64_t> fin) {
  // Caught up: the tip must still be on the chain, and deeper donations become confirmed.
  if (auto tip = co_await check_tip(head); !tip) co_return tip.error();
  if (fin && *fin > confirmed_ && indexed_) {
    storage::Step step;
    step.chain_id = plan_.chain.chain_id;
    // Rule 3: nothing above the indexed tip is ever confirmed.
    step.confirm_through = std::min(*fin, indexed_->number);
    step.head = head;
    if (*step.confirm_through > confirmed_) {
      if (auto ok = apply(step, {}); !ok) co_return ok.error();
      confirmed_ = *step.confirm_through;
    }
  }
  std::lock_guard lock(status_mutex_);
  status_.syncing = indexed_ ? indexed_->number + 3 < head : true;
  status_.confirmed = confirmed_;
  co_return Outcome<void>{};
}

Watcher::Outcome<void> Watcher::applied(const core::Result<storage::Applied>& result, const storage::Step& step,
                                        const std::string& logs_source) {
  if (!result) {
    if (result.error().code != core::Errc::invalid_argument) return Stall{StallReason::storage, result.error().message};
    // The store refused what the answer says: that endpoint is not asked again for a while, and the
    // range is fetched afresh, from another endpoint if there is one.
    if (!logs_source.empty()) pool_.distrust(logs_source, "its eth_getLogs answer was refused: " + result.error().message);
    return Stall{StallReason::refused, "the store refused a step of " + std::to_string(step.donations.size()) +
                                           " donations from " + (logs_source.empty() ? "no endpoint" : logs_source) +
                                           ": " + result.error().message};
  }
  std::lock_guard lock(status_mutex_);
  status_.donations += result->added;
  return {};
}

Watcher::Outcome<void> Watcher::apply(storage::Step& step, const std::string& logs_source) {
  return applied(sink_.apply(step), step, logs_source);
}

void Watcher::committed(const Fetched& f, std::uint64_t head) {
  indexed_ = *f.step.indexed;
  next_ = f.range.to + 1;
  if (f.step.confirm_through) confirmed_ = std::max(confirmed_, *f.step.confirm_through);
  for (const auto& h : f.headers) hashes_[h.number] = h.hash;
  hashes_.erase(hashes_.begin(), hashes_.lower_bound(*f.step.prune_blocks_below));
  for (const auto& c : f.step.address_cursors) next_block_[c.address] = c.next_block;
  {
    std::lock_guard lock(status_mutex_);
    status_.indexed = f.range.to;
    status_.confirmed = confirmed_;
    status_.syncing = f.range.to + 3 < head;
  }
  const std::size_t added = f.step.donations.size();
  if (added > 0 && !backfill_from_) {
    spdlog::info("{}: {} donation{} in blocks {}..{}", plan_.chain.name, added, added == 1 ? "" : "s", f.range.from,
                 f.range.to);
  }
}

Task<Watcher::Outcome<void>> Watcher::apply_async(storage::Step& step, const std::string& logs_source) {
  const auto started = Clock::now();
  auto done = [&] {
    spdlog::debug("{}: step of {} donations written in {:.1f} ms", plan_.chain.name, step.donations.size(),
                  std::chrono::duration<double, std::milli>(Clock::now() - started).count());
  };
  if (!options_.writer) {
    auto ok = apply(step, logs_source);
    done();
    co_return ok;
  }
  auto result = co_await asio::co_spawn(
      *options_.writer, [this, &step]() -> Task<core::Result<storage::Applied>> { co_return sink_.apply(step); },
      // Not cancellable (a step is written whole): Boost < 1.84 frees the signal too early (asio#1332).
      asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable));
  done();
  co_return applied(result, step, logs_source);
}

Task<Watcher::Outcome<void>> Watcher::main_step(Range r, std::uint64_t head, std::optional<std::uint64_t> fin) {
  using namespace boost::asio::experimental::awaitable_operators;
  const std::uint64_t group_from = next_;
  auto first = co_await fetch_range(r, head, fin, group_from);
  if (!first) co_return first.error();
  if (auto* fork = std::get_if<ForkBelow>(&*first)) co_return co_await roll_back_from(fork->block);
  Fetched current = std::get<Fetched>(std::move(*first));
  // Deep in a backfill the next range is fetched while the current one is written.
  while (true) {
    const Range next = range_from(current.range.to + 1, head);
    const bool pipeline = next.from <= head && next.to + window() <= head;
    if (!pipeline) {
      if (auto ok = co_await apply_async(current.step, current.logs_source); !ok) co_return ok.error();
      committed(current, head);
      co_return Outcome<void>{};
    }
    auto [written, fetched] = co_await (apply_async(current.step, current.logs_source) && fetch_range(next, head, fin, group_from));
    if (!written) co_return written.error();
    committed(current, head);
    progress(head, false);
    if (!fetched) co_return fetched.error();
    if (auto* fork = std::get_if<ForkBelow>(&*fetched)) co_return co_await roll_back_from(fork->block);
    current = std::get<Fetched>(std::move(*fetched));
  }
}

Task<Watcher::Outcome<void>> Watcher::catch_up_step(std::uint64_t head) {
  std::uint64_t lowest = UINT64_MAX;
  for (const auto& [address, next] : next_block_) {
    if (next < next_) lowest = std::min(lowest, next);
  }
  Range r{lowest, std::min(next_ - 1, lowest + range_ - 1)};
  const auto to = addresses_from(r.from, r.to);
  auto logs = co_await fetch_logs(r, to);
  if (!logs) co_return logs.error();
  for (const auto& log : logs->logs) {
    auto known = hashes_.find(log.block_number);
    if (known == hashes_.end() || known->second == log.block_hash) continue;
    // Another branch than the one stored: a reorg when the chain's block there changed too.
    auto hash = co_await chain_hash(log.block_number);
    if (!hash) co_return hash.error();
    if (*hash != known->second) co_return co_await roll_back_from(log.block_number);
    co_return Stall{StallReason::inconsistent, "catching up: log " + std::to_string(log.log_index) + " of block " +
                                                   std::to_string(log.block_number) + " from " + logs->source +
                                                   " names block hash " + core::to_hex(log.block_hash) +
                                                   " but the chain's block is " + core::to_hex(known->second)};
  }
  storage::Step step;
  step.chain_id = plan_.chain.chain_id;
  step.donations = donations_in(logs->logs);
  if (auto filled = co_await stamp_from_headers(step.donations); !filled) co_return filled.error();
  for (const auto& a : to) step.address_cursors.push_back({a, r.to + 1});
  step.head = head;
  if (auto ok = apply(step, logs->source); !ok) co_return ok.error();
  for (const auto& c : step.address_cursors) next_block_[c.address] = c.next_block;
  spdlog::info("{}: backfilled {} newly added address{} through block {} ({} donations)", plan_.chain.name, to.size(),
               to.size() == 1 ? "" : "es", r.to, step.donations.size());
  co_return Outcome<void>{};
}

void Watcher::progress(std::uint64_t head, bool force) {
  if (!backfill_from_) return;
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_report_).count();
  if (!force && since < std::chrono::duration<double>(options_.progress_interval).count()) return;
  const std::uint64_t at = next_ > 0 ? next_ - 1 : 0;
  const double total = static_cast<double>(std::max<std::uint64_t>(1, head - *backfill_from_ + 1));
  const double done = static_cast<double>(at + 1 - std::min(at + 1, *backfill_from_));
  if (force) {
    const double elapsed = std::chrono::duration<double>(now - backfill_started_).count();
    spdlog::info("{}: backfill complete: blocks {}..{}, {} logs in {:.1f} s ({:.0f} blocks/s); following the head",
                 plan_.chain.name, *backfill_from_, at, logs_seen_, elapsed,
                 elapsed > 0 ? done / elapsed : 0.0);
  } else {
    const double blocks_per_s = since > 0 ? static_cast<double>(at - std::min(at, report_block_)) / since : 0;
    const double logs_per_s = since > 0 ? static_cast<double>(logs_seen_ - report_logs_) / since : 0;
    spdlog::info("{}: backfill at block {} of {} ({:.1f}%), {:.0f} blocks/s, {:.0f} logs/s, ETA {}", plan_.chain.name,
                 at, head, 100.0 * done / total, blocks_per_s, logs_per_s,
                 format_duration(blocks_per_s > 0 ? static_cast<double>(head - at) / blocks_per_s : -1));
  }
  last_report_ = now;
  report_block_ = at;
  report_logs_ = logs_seen_;
}

}  // namespace givewatch::chains

#include "chains/watcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <set>

#include "chains/transfer_log.hpp"

namespace givewatch::chains {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

/// Nothing is sent to a node in one batch beyond this many requests.
constexpr std::size_t kMaxBatch = 100;

std::string format_duration(double seconds) {
  if (seconds < 0 || seconds > 1e9) return "?";
  const auto s = static_cast<std::uint64_t>(seconds);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + std::to_string(s / 60 % 60) + "m";
}

RpcRequest header_request(std::uint64_t block) {
  json::array params;
  params.emplace_back(eth::quantity(block));
  params.emplace_back(false);
  return RpcRequest{"eth_getBlockByNumber", std::move(params)};
}

}  // namespace

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

Watcher::Failure Watcher::rpc_failure(const RpcError& e) const {
  return Failure{e.kind == RpcErrc::cancelled, false, e.message};
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
    std::optional<Failure> failure;
    if (!resumed_) {
      if (auto ok = resume(); !ok) failure = Failure{false, true, ok.error().message};
    }
    if (!failure) {
      // Once stopped, the next wait in a step throws "operation canceled" (the step's writes are
      // one batch each, so nothing half-done remains); that is the stop, not a failure.
      try {
        auto r = co_await iterate();
        if (r) {
          more = *r;
        } else {
          failure = r.error();
        }
      } catch (const boost::system::system_error& e) {
        if (e.code() != asio::error::operation_aborted || !stopped()) throw;
        co_return;
      }
    }
    if (failure) {
      // A failure that comes while stopping (whatever it says) ends the watcher too.
      if (failure->cancelled || stopped()) co_return;
      if (!failure->message.empty()) {
        spdlog::warn("{}: {}; retrying in {} ms", plan_.chain.name, failure->message, backoff.count());
        std::lock_guard lock(status_mutex_);
        status_.last_error = failure->message;
      }
      if (failure->storage) resumed_ = false;
      timer.expires_after(backoff);
      backoff = std::min(options_.max_backoff, backoff * 2);
    } else {
      backoff = std::chrono::milliseconds(plan_.chain.poll_interval_ms);
      if (more) continue;
      timer.expires_after(backoff);
    }
    // Stopped during a step that then finished: waiting now would throw.
    if (stopped()) co_return;
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;  // cancelled: shutting down
  }
}

Task<Watcher::Outcome<std::optional<std::uint64_t>>> Watcher::final_block(std::uint64_t head) {
  if (plan_.chain.finality == config::Finality::confirmations) {
    if (head < plan_.chain.confirmations) co_return std::optional<std::uint64_t>{};
    co_return std::optional<std::uint64_t>{head - plan_.chain.confirmations};
  }
  auto tag = co_await pool_.block(std::string(config::to_string(plan_.chain.finality)));
  if (!tag) co_return rpc_failure(tag.error());
  co_return std::optional<std::uint64_t>{std::min(tag->number, head)};
}

Task<Watcher::Outcome<bool>> Watcher::iterate() {
  auto head = co_await pool_.head();
  if (!head) co_return rpc_failure(head.error());
  auto final_block_number = co_await final_block(*head);
  if (!final_block_number) co_return final_block_number.error();
  const auto& fin = *final_block_number;
  {
    std::lock_guard lock(status_mutex_);
    status_.head = *head;
  }

  // Addresses added behind the others catch up first, one range at a time.
  if (std::any_of(next_block_.begin(), next_block_.end(), [&](const auto& e) { return e.second < next_; })) {
    auto r = co_await catch_up_step(*head);
    if (!r) co_return r.error();
    co_return true;
  }

  if (next_ <= *head && !plan_.targets.empty()) {
    if (!backfill_from_ && next_ + window() <= *head) {
      backfill_from_ = next_;
      backfill_started_ = Clock::now();
      last_report_ = Clock::now();
      report_block_ = next_;
      spdlog::info("{}: backfilling blocks {}..{}", plan_.chain.name, next_, *head);
    }
    auto stepped = co_await main_step(range_from(next_, *head), *head, fin);
    if (!stepped) co_return stepped.error();
    if (next_ > *head && backfill_from_) {
      progress(*head, true);
      backfill_from_.reset();
    }
    progress(*head, false);
    co_return next_ <= *head;
  }

  // Caught up: the tip must still be on the chain, and deeper donations become confirmed.
  if (backfill_from_) {
    progress(*head, true);
    backfill_from_.reset();
  }
  auto tip = co_await check_tip(*head);
  if (!tip) co_return tip.error();
  if (fin && *fin > confirmed_ && indexed_) {
    storage::Step step;
    step.chain_id = plan_.chain.chain_id;
    step.confirm_through = std::min(*fin, indexed_->number);
    step.head = *head;
    if (*step.confirm_through > confirmed_) {
      auto applied = apply(step);
      if (!applied) co_return applied.error();
    }
  }
  {
    std::lock_guard lock(status_mutex_);
    status_.syncing = indexed_ ? indexed_->number + 3 < *head : true;
    status_.last_error.clear();
  }
  co_return false;
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

Task<Watcher::Outcome<std::vector<eth::Log>>> Watcher::fetch_logs(Range r, const std::vector<core::Address>& to) {
  if (to.empty() || plan_.tokens.empty()) co_return std::vector<eth::Log>{};
  json::object filter;
  filter["fromBlock"] = eth::quantity(r.from);
  filter["toBlock"] = eth::quantity(r.to);
  json::array tokens;
  for (const auto& t : plan_.tokens) tokens.emplace_back(core::to_hex(t.address));
  filter["address"] = std::move(tokens);
  json::array receivers;
  for (const auto& a : to) receivers.emplace_back(core::to_hex(eth::address_topic(a)));
  json::array topics;
  topics.emplace_back(core::to_hex(kTransferTopic));
  topics.emplace_back(nullptr);
  topics.emplace_back(std::move(receivers));
  filter["topics"] = std::move(topics);

  const auto started = Clock::now();
  auto logs = co_await pool_.get_logs(std::move(filter), r.to);
  if (logs) {
    spdlog::debug("{}: eth_getLogs {}..{}: {} logs in {:.1f} ms", plan_.chain.name, r.from, r.to, logs->size(),
                  std::chrono::duration<double, std::milli>(Clock::now() - started).count());
  }
  if (!logs) {
    if (logs.error().kind == RpcErrc::range_too_wide) {
      narrow(logs.error(), r);
      co_return Failure{false, false, ""};  // retry at once with the narrower range
    }
    co_return rpc_failure(logs.error());
  }
  logs_seen_ += logs->size();
  widen();
  co_return std::move(*logs);
}

Task<Watcher::Outcome<std::vector<eth::Header>>> Watcher::fetch_headers(const std::vector<std::uint64_t>& numbers) {
  std::vector<eth::Header> out;
  out.reserve(numbers.size());
  for (std::size_t i = 0; i < numbers.size(); i += kMaxBatch) {
    std::vector<RpcRequest> requests;
    for (std::size_t j = i; j < std::min(numbers.size(), i + kMaxBatch); ++j) requests.push_back(header_request(numbers[j]));
    auto answers = co_await pool_.batch(std::move(requests), CallOptions{numbers.back(), false});
    if (!answers) co_return rpc_failure(answers.error());
    for (auto& a : *answers) {
      if (!a) co_return rpc_failure(a.error());
      auto h = eth::parse_header(*a);
      if (!h) co_return Failure{false, false, "malformed block header: " + h.error().message};
      if (!*h) co_return Failure{false, false, ""};  // the endpoint does not have the block yet
      out.push_back(**h);
    }
  }
  co_return out;
}

void Watcher::narrow(const RpcError& e, Range r) {
  const std::uint64_t asked = r.to - r.from + 1;
  if (asked <= 1) {
    spdlog::error("{}: the provider refuses eth_getLogs even for the single block {} ({}); retrying later",
                  plan_.chain.name, r.from, e.message);
    return;
  }
  const std::uint64_t narrower = e.max_range && *e.max_range < asked ? *e.max_range : std::max<std::uint64_t>(1, asked / 2);
  if (e.max_range && *e.max_range < asked) limit_ = *e.max_range;
  range_ = narrower;
  successes_ = 0;
  spdlog::info("{}: provider limits eth_getLogs ({}); using {}-block ranges", plan_.chain.name, e.message, range_);
}

void Watcher::widen() {
  const std::uint64_t ceiling = std::min<std::uint64_t>(plan_.chain.max_block_range, limit_.value_or(UINT64_MAX));
  if (range_ >= ceiling) return;
  if (++successes_ < options_.widen_after) return;
  successes_ = 0;
  range_ = std::min(ceiling, range_ * 2);
}

Task<Watcher::Outcome<void>> Watcher::fill_timestamps(std::vector<storage::Donation>& donations) {
  std::set<std::uint64_t> missing;
  for (const auto& d : donations) {
    if (d.timestamp == 0) missing.insert(d.block_number);
  }
  if (missing.empty()) co_return Outcome<void>{};
  auto headers = co_await fetch_headers(std::vector<std::uint64_t>(missing.begin(), missing.end()));
  if (!headers) co_return headers.error();
  std::map<std::uint64_t, const eth::Header*> by_number;
  for (const auto& h : *headers) by_number[h.number] = &h;
  for (auto& d : donations) {
    if (d.timestamp != 0) continue;
    auto it = by_number.find(d.block_number);
    if (it == by_number.end() || it->second->hash != d.block_hash) {
      co_return Failure{false, false, "block " + std::to_string(d.block_number) + " changed while reading it (reorg?)"};
    }
    d.timestamp = it->second->timestamp;
  }
  co_return Outcome<void>{};
}

Watcher::Outcome<void> Watcher::apply(storage::Step& step) {
  auto applied = sink_.apply(step);
  if (!applied) return Failure{false, true, applied.error().message};
  std::lock_guard lock(status_mutex_);
  status_.donations += applied->added;
  return {};
}

Task<Watcher::Outcome<std::optional<Watcher::Prepared>>> Watcher::prepare(Range r, std::uint64_t head,
                                                                           std::optional<std::uint64_t> fin,
                                                                           std::uint64_t group_from) {
  const bool deep = r.to + window() <= head;
  Prepared p;
  p.range = r;
  // Near the head every block's header is fetched to check parent hashes and to match each log to
  // the block it claims; deep ranges, which no reorg reaches, need none.
  if (!deep) {
    std::vector<std::uint64_t> numbers;
    for (std::uint64_t b = r.from; b <= r.to; ++b) numbers.push_back(b);
    auto headers = co_await fetch_headers(numbers);
    if (!headers) co_return headers.error();
    p.headers = std::move(*headers);
  }
  const auto group = addresses_from(group_from, r.to);
  auto logs = co_await fetch_logs(r, group);
  if (!logs) co_return logs.error();

  if (!deep) {
    // The first new block must extend what is stored; a mismatch is a reorg.
    if (auto parent = hashes_.find(r.from - 1);
        r.from > 0 && parent != hashes_.end() && p.headers.front().parent_hash != parent->second) {
      auto rolled = co_await roll_back_from(r.from - 1);
      if (!rolled) co_return rolled.error();
      co_return std::optional<Prepared>{};
    }
    for (std::size_t i = 1; i < p.headers.size(); ++i) {
      if (p.headers[i].parent_hash != p.headers[i - 1].hash) co_return Failure{false, false, ""};  // changing under us
    }
    for (const auto& log : *logs) {
      if (log.removed || log.block_number < r.from || log.block_number > r.to ||
          p.headers[log.block_number - r.from].hash != log.block_hash) {
        co_return Failure{false, false, ""};  // logs from another branch: the chain is reorganising
      }
    }
  }

  storage::Step& step = p.step;
  step.chain_id = plan_.chain.chain_id;
  step.donations = donations_in(*logs);
  if (!deep) {
    for (auto& d : step.donations) d.timestamp = p.headers[d.block_number - r.from].timestamp;
  } else if (auto filled = co_await fill_timestamps(step.donations); !filled) {
    co_return filled.error();
  }
  for (const auto& h : p.headers) step.blocks.push_back(storage::BlockRef{h.number, h.hash});
  if (fin) step.confirm_through = *fin;
  step.indexed = deep ? storage::BlockRef{r.to, core::Hash{}} : storage::BlockRef{p.headers.back().number, p.headers.back().hash};
  step.head = head;
  step.prune_blocks_below = head > window() ? head - window() : 0;
  for (const auto& a : group) step.address_cursors.push_back({a, r.to + 1});
  co_return std::optional<Prepared>{std::move(p)};
}

void Watcher::committed(const Prepared& p, std::uint64_t head, std::optional<std::uint64_t> fin) {
  indexed_ = *p.step.indexed;
  next_ = p.range.to + 1;
  if (fin) confirmed_ = std::max(confirmed_, *fin);
  for (const auto& h : p.headers) hashes_[h.number] = h.hash;
  hashes_.erase(hashes_.begin(), hashes_.lower_bound(*p.step.prune_blocks_below));
  for (const auto& c : p.step.address_cursors) next_block_[c.address] = c.next_block;
  {
    std::lock_guard lock(status_mutex_);
    status_.indexed = p.range.to;
    status_.confirmed = confirmed_;
    status_.syncing = p.range.to + 3 < head;
  }
  const std::size_t added = p.step.donations.size();
  if (added > 0 && !backfill_from_) {
    spdlog::info("{}: {} donation{} in blocks {}..{}", plan_.chain.name, added, added == 1 ? "" : "s", p.range.from,
                 p.range.to);
  }
}

Task<Watcher::Outcome<void>> Watcher::apply_async(storage::Step& step) {
  const auto started = Clock::now();
  auto done = [&] {
    spdlog::debug("{}: step of {} donations written in {:.1f} ms", plan_.chain.name, step.donations.size(),
                  std::chrono::duration<double, std::milli>(Clock::now() - started).count());
  };
  if (!options_.writer) {
    auto applied = apply(step);
    done();
    co_return applied;
  }
  auto applied = co_await asio::co_spawn(
      *options_.writer, [this, &step]() -> Task<core::Result<storage::Applied>> { co_return sink_.apply(step); },
      // Not cancellable (a step is written whole): Boost < 1.84 frees the signal too early (asio#1332).
      asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable));
  if (!applied) co_return Failure{false, true, applied.error().message};
  done();
  std::lock_guard lock(status_mutex_);
  status_.donations += applied->added;
  co_return Outcome<void>{};
}

Task<Watcher::Outcome<void>> Watcher::main_step(Range r, std::uint64_t head, std::optional<std::uint64_t> fin) {
  using namespace boost::asio::experimental::awaitable_operators;
  const std::uint64_t group_from = next_;
  auto first = co_await prepare(r, head, fin, group_from);
  if (!first) co_return first.error();
  if (!*first) co_return Outcome<void>{};  // a reorg was rolled back
  Prepared current = std::move(**first);
  // Deep in a backfill the next range is fetched while the current one is written.
  while (true) {
    const Range next = range_from(current.range.to + 1, head);
    const bool pipeline = next.from <= head && next.to + window() <= head;
    if (!pipeline) {
      if (auto applied = co_await apply_async(current.step); !applied) co_return applied.error();
      committed(current, head, fin);
      co_return Outcome<void>{};
    }
    auto [applied, prepared] = co_await (apply_async(current.step) && prepare(next, head, fin, group_from));
    if (!applied) co_return applied.error();
    committed(current, head, fin);
    progress(head, false);
    if (!prepared) co_return prepared.error();
    current = std::move(**prepared);
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
  for (const auto& log : *logs) {
    auto known = hashes_.find(log.block_number);
    if (log.removed || (known != hashes_.end() && known->second != log.block_hash)) {
      co_return Failure{false, false, ""};  // another branch: the main step handles the reorg first
    }
  }
  storage::Step step;
  step.chain_id = plan_.chain.chain_id;
  step.donations = donations_in(*logs);
  if (auto filled = co_await fill_timestamps(step.donations); !filled) co_return filled.error();
  for (const auto& a : to) step.address_cursors.push_back({a, r.to + 1});
  step.head = head;
  if (auto applied = apply(step); !applied) co_return applied.error();
  for (const auto& c : step.address_cursors) next_block_[c.address] = c.next_block;
  spdlog::info("{}: backfilled {} newly added address{} through block {} ({} donations)", plan_.chain.name, to.size(),
               to.size() == 1 ? "" : "es", r.to, step.donations.size());
  co_return Outcome<void>{};
}

Task<Watcher::Outcome<void>> Watcher::check_tip(std::uint64_t head) {
  if (!indexed_) co_return Outcome<void>{};
  RpcRequest request = header_request(indexed_->number);
  auto answer = co_await pool_.call(request.method, std::move(request.params), CallOptions{indexed_->number, false});
  if (!answer) co_return rpc_failure(answer.error());
  auto header = eth::parse_header(*answer);
  if (!header) co_return Failure{false, false, "malformed block header: " + header.error().message};
  if (!*header) {
    // No block at our tip's height any more: the chain is shorter now (or the node is behind).
    if (head >= indexed_->number) co_return Outcome<void>{};
    co_return co_await roll_back_from(head);
  }
  if ((*header)->hash != indexed_->hash && indexed_->hash != core::Hash{}) {
    co_return co_await roll_back_from(indexed_->number);
  }
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
    if (!answers) co_return rpc_failure(answers.error());
    for (std::size_t i = 0; i < numbers.size() && !ancestor; ++i) {
      if (!(*answers)[i]) co_return rpc_failure((*answers)[i].error());
      auto h = eth::parse_header(*(*answers)[i]);
      if (!h) co_return Failure{false, false, "malformed block header: " + h.error().message};
      if (*h && (*h)->hash == hashes_[numbers[i]]) ancestor = numbers[i];
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
  if (!applied) co_return Failure{false, true, applied.error().message};

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

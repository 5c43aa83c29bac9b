#include "audit/auditor.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "api/render.hpp"
#include "chains/plan.hpp"

namespace givewatch::audit {

namespace json = boost::json;
using chains::RpcRequest;

namespace {

constexpr std::size_t kBatch = 100;  // JSON-RPC requests per HTTP request
constexpr std::size_t kPage = 1000;  // stored donations read per page

using Key = std::pair<core::Hash, std::uint32_t>;  // (tx hash, log index)

/// The audited blocks of one campaign address: [from, to], empty when from > to.
struct Window {
  std::uint64_t from = 0;
  std::uint64_t to = 0;
  bool holds(std::uint64_t block) const noexcept { return block >= from && block <= to; }
};

struct Audit {
  const config::Config& config;
  const config::Chain& chain;
  const storage::Store& store;
  chains::EndpointPool& pool;
  const Scope& scope;
  Report& report;
  chains::ChainPlan plan;
  std::map<core::Address, Window> windows;  // per campaign address in scope
  std::map<Key, storage::Donation> stored;

  void add(Kind kind, const core::Hash& tx, std::uint32_t log, std::uint64_t block, const std::string& campaign,
           std::string detail) {
    report.findings.push_back(Finding{kind, chain.name, tx, log, block, campaign, std::move(detail)});
  }
  void add(Kind kind, const storage::Donation& d, std::string detail) {
    add(kind, d.tx_hash, d.log_index, d.block_number, d.campaign, std::move(detail));
  }
  void incomplete(const std::string& why) { report.incomplete.push_back(chain.name + ": " + why); }
};

/// The campaign addresses in scope and the blocks audited for each; false when nothing is indexed.
core::Result<bool> plan_windows(Audit& a) {
  auto cursor = a.store.chain_cursor(a.chain.chain_id);
  if (!cursor) return cursor.error();
  if (!*cursor) return false;
  std::uint64_t top = (*cursor)->indexed_block;
  if (a.scope.to_block) top = std::min(top, *a.scope.to_block);
  auto address_cursors = a.store.address_cursors(a.chain.chain_id);
  if (!address_cursors) return address_cursors.error();
  for (const auto& t : a.plan.targets) {
    if (a.scope.campaign && t.campaign != *a.scope.campaign) continue;
    Window w{std::max(t.start_block, a.scope.from_block), top};
    for (const auto& c : *address_cursors) {
      // An address added later is indexed only below its own cursor so far.
      if (c.address == t.address) w.to = std::min(w.to, c.next_block == 0 ? 0 : c.next_block - 1);
    }
    if (w.from <= w.to) a.windows[t.address] = w;
  }
  return true;
}

core::Result<void> read_stored(Audit& a) {
  std::set<std::string> campaigns;
  for (const auto& t : a.plan.targets) {
    if (a.windows.count(t.address)) campaigns.insert(t.campaign);
  }
  for (const auto& campaign : campaigns) {
    storage::DonationQuery q{.campaign = campaign, .chain_id = a.chain.chain_id, .limit = kPage};
    for (;;) {
      auto page = a.store.donations(q);
      if (!page) return page.error();
      for (auto& d : page->donations) {
        auto w = a.windows.find(d.to);
        if (w != a.windows.end() && w->second.holds(d.block_number)) a.stored[{d.tx_hash, d.log_index}] = std::move(d);
      }
      if (!page->next_cursor) break;
      q.cursor = *page->next_cursor;
    }
  }
  return {};
}

/// The block below which donations count as confirmed now, by the chain's rule.
Task<chains::RpcResult<std::uint64_t>> confirmed_limit(Audit& a) {
  if (a.chain.finality == config::Finality::confirmations) {
    auto head = co_await a.pool.head();
    if (!head) co_return head.error();
    co_return *head >= a.chain.confirmations ? *head - a.chain.confirmations : 0;
  }
  auto tagged = co_await a.pool.block(std::string(config::to_string(a.chain.finality)));
  if (!tagged) co_return tagged.error();
  co_return tagged->number;
}

std::string amount_text(const config::Config& config, const storage::Donation& d) {
  const auto* token = api::render::token_of(config, d.chain_id, d.token);
  return token ? core::format_units(d.amount, token->decimals) + " " + token->symbol
               : core::to_string(d.amount) + " base units";
}

/// What differs between the stored donation and the one its log makes.
std::string differences(const Audit& a, const storage::Donation& s, const storage::Donation& c) {
  std::string out;
  const auto field = [&](bool same, const std::string& what) {
    if (!same) out += (out.empty() ? "" : "; ") + what;
  };
  field(s.token == c.token, "token: stored " + core::to_checksum(s.token) + ", chain " + core::to_checksum(c.token));
  field(s.from == c.from, "from: stored " + core::to_checksum(s.from) + ", chain " + core::to_checksum(c.from));
  field(s.to == c.to, "to: stored " + core::to_checksum(s.to) + ", chain " + core::to_checksum(c.to));
  field(s.amount == c.amount,
        "amount: stored " + amount_text(a.config, s) + ", chain " + amount_text(a.config, c));
  field(s.campaign == c.campaign, "campaign: stored " + s.campaign + ", chain " + c.campaign);
  return out;
}

/// One receipt against the stored donations of its transaction.
void check_receipt(Audit& a, const json::value& receipt, const std::vector<const storage::Donation*>& donations) {
  const auto* r = receipt.if_object();
  if (!r) {
    for (const auto* d : donations) a.add(Kind::receipt_missing, *d, "the node has no receipt for this transaction");
    return;
  }
  const auto* status_json = r->if_contains("status");
  const auto status = status_json ? chains::eth::parse_quantity(*status_json, "status") : core::Result<std::uint64_t>(0);
  if (!status || *status != 1) {
    for (const auto* d : donations) a.add(Kind::tx_failed, *d, "the transaction's receipt has status 0 (reverted)");
    return;
  }
  const auto* block_hash = r->if_contains("blockHash");
  const auto* block_number = r->if_contains("blockNumber");
  const auto hash = block_hash && block_hash->is_string() ? core::parse_hash(block_hash->as_string()) : core::parse_hash("");
  const auto number = block_number ? chains::eth::parse_quantity(*block_number, "blockNumber") : core::Result<std::uint64_t>(0);
  const auto* logs_json = r->if_contains("logs");
  auto logs = logs_json ? chains::eth::parse_logs(*logs_json) : core::Result<std::vector<chains::eth::Log>>(std::vector<chains::eth::Log>{});
  for (const auto* d : donations) {
    if (!hash || !number || *hash != d->block_hash || *number != d->block_number) {
      a.add(Kind::block_differs, *d,
            "the receipt is in block " + (number ? std::to_string(*number) : "?") + " " +
                (hash ? core::to_hex(*hash) : "?") + ", the store says " + core::to_hex(d->block_hash));
    }
    if (!logs) {
      a.add(Kind::log_missing, *d, "the receipt's logs cannot be read: " + logs.error().message);
      continue;
    }
    auto log = std::find_if(logs->begin(), logs->end(), [&](const auto& l) { return l.log_index == d->log_index; });
    if (log == logs->end()) {
      a.add(Kind::log_missing, *d, "the receipt has no log with index " + std::to_string(d->log_index));
      continue;
    }
    auto classified = chains::classify(a.plan, *log, 0);
    if (const auto* skip = std::get_if<chains::Skip>(&classified)) {
      a.add(Kind::not_a_donation, *d, "by the watcher's rules the log is " + std::string(chains::to_string(*skip)));
      continue;
    }
    if (auto diff = differences(a, *d, std::get<storage::Donation>(classified)); !diff.empty()) {
      a.add(Kind::differs, *d, diff);
    }
  }
}

/// Every stored donation against its receipt and its block.
Task<bool> check_stored(Audit& a, const ProgressFn& progress) {
  auto limit = co_await confirmed_limit(a);
  if (!limit) {
    a.incomplete("the head: " + limit.error().message);
    co_return false;
  }
  std::map<core::Hash, std::vector<const storage::Donation*>> by_tx;
  std::map<std::uint64_t, std::vector<const storage::Donation*>> by_block;
  for (const auto& [key, d] : a.stored) {
    by_tx[d.tx_hash].push_back(&d);
    by_block[d.block_number].push_back(&d);
    if (d.status == storage::Status::confirmed && d.block_number > *limit) {
      a.add(Kind::not_deep_enough, d, "stored as confirmed, but the chain confirms only up to block " + std::to_string(*limit));
    }
  }
  std::vector<std::pair<const core::Hash*, const std::vector<const storage::Donation*>*>> txs;
  for (const auto& [tx, ds] : by_tx) txs.emplace_back(&tx, &ds);
  std::uint64_t done = 0;
  for (std::size_t i = 0; i < txs.size(); i += kBatch) {
    std::vector<RpcRequest> requests;
    const std::size_t end = std::min(txs.size(), i + kBatch);
    for (std::size_t j = i; j < end; ++j) requests.push_back({"eth_getTransactionReceipt", json::array{core::to_hex(*txs[j].first)}});
    auto answers = co_await a.pool.batch(std::move(requests), {});
    if (!answers) {
      a.incomplete("receipts: " + answers.error().message);
      co_return false;
    }
    for (std::size_t j = i; j < end; ++j) {
      auto& answer = (*answers)[j - i];
      if (!answer) {
        a.incomplete("receipt of " + core::to_hex(*txs[j].first) + ": " + answer.error().message);
        co_return false;
      }
      check_receipt(a, *answer, *txs[j].second);
      done += txs[j].second->size();
    }
    if (progress) progress(a.chain.name, done, a.stored.size());
  }
  a.report.donations_checked += done;
  std::vector<std::uint64_t> blocks;
  for (const auto& [number, ds] : by_block) blocks.push_back(number);
  for (std::size_t i = 0; i < blocks.size(); i += kBatch) {
    std::vector<RpcRequest> requests;
    const std::size_t end = std::min(blocks.size(), i + kBatch);
    for (std::size_t j = i; j < end; ++j) {
      requests.push_back({"eth_getBlockByNumber", json::array{chains::eth::quantity(blocks[j]), false}});
    }
    auto answers = co_await a.pool.batch(std::move(requests), chains::CallOptions{blocks[end - 1], false});
    if (!answers) {
      a.incomplete("blocks: " + answers.error().message);
      co_return false;
    }
    for (std::size_t j = i; j < end; ++j) {
      auto& answer = (*answers)[j - i];
      auto header = answer ? chains::eth::parse_header(*answer) : core::Result<std::optional<chains::eth::Header>>(core::Error{core::Errc::invalid_argument, answer.error().message});
      if (!header) {
        a.incomplete("block " + std::to_string(blocks[j]) + ": " + header.error().message);
        co_return false;
      }
      for (const auto* d : by_block[blocks[j]]) {
        if (!*header) {
          a.add(Kind::not_canonical, *d, "the node has no block " + std::to_string(blocks[j]));
        } else if ((*header)->hash != d->block_hash) {
          a.add(Kind::not_canonical, *d, "block " + std::to_string(blocks[j]) + " is " + core::to_hex((*header)->hash) +
                                             " now; the store says " + core::to_hex(d->block_hash));
        }
      }
    }
  }
  co_return true;
}

/// eth_getLogs over the audited windows, classified like the watcher does; missing and extra.
Task<bool> recount(Audit& a) {
  if (a.windows.empty()) co_return true;
  std::uint64_t low = UINT64_MAX, high = 0;
  std::vector<core::Address> to;
  for (const auto& [address, w] : a.windows) {
    low = std::min(low, w.from);
    high = std::max(high, w.to);
    to.push_back(address);
  }
  std::set<Key> on_chain;
  std::uint64_t span = std::max<std::uint64_t>(1, a.chain.max_block_range);
  for (std::uint64_t from = low; from <= high;) {
    const std::uint64_t end = std::min(high, from + span - 1);
    auto answer = co_await a.pool.get_logs(chains::transfers_filter(a.plan, to), from, end);
    if (!answer && answer.error().kind == chains::RpcErrc::range_too_wide && span > 1) {
      span = std::max<std::uint64_t>(1, answer.error().max_range.value_or(span / 2));
      continue;
    }
    if (!answer) {
      a.incomplete("eth_getLogs " + std::to_string(from) + ".." + std::to_string(end) + ": " + answer.error().message);
      co_return false;
    }
    a.report.logs_recounted += answer->logs.size();
    for (const auto& log : answer->logs) {
      auto classified = chains::classify(a.plan, log, 0);
      const auto* d = std::get_if<storage::Donation>(&classified);
      if (!d) continue;
      auto w = a.windows.find(d->to);
      if (w == a.windows.end() || !w->second.holds(d->block_number)) continue;
      on_chain.insert({d->tx_hash, d->log_index});
      if (!a.stored.count({d->tx_hash, d->log_index})) {
        a.add(Kind::missing, *d, amount_text(a.config, *d) + " from " + core::to_checksum(d->from) +
                                     " is on the chain but not in the store");
      }
    }
    if (end == UINT64_MAX) break;
    from = end + 1;
  }
  for (const auto& [key, d] : a.stored) {
    if (!on_chain.count(key)) a.add(Kind::extra, d, amount_text(a.config, d) + " is in the store but eth_getLogs over its block does not return it");
  }
  co_return true;
}

}  // namespace

Task<void> audit_chain(const config::Config& config, const config::Chain& chain, const storage::Store& store,
                       chains::EndpointPool& pool, const Scope& scope, Report& report, const ProgressFn& progress) {
  Audit a{config, chain, store, pool, scope, report, chains::make_plan(config, chain), {}, {}};
  auto indexed = plan_windows(a);
  if (indexed) {
    if (!*indexed) co_return;  // nothing indexed on this chain yet
    if (auto read = read_stored(a); !read) indexed = read.error();
  }
  if (!indexed) {
    a.incomplete("the store: " + indexed.error().message);
    co_return;
  }
  if (!co_await check_stored(a, progress)) co_return;
  co_await recount(a);
}

}  // namespace givewatch::audit

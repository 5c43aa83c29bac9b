#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "audit/findings.hpp"
#include "chains/endpoint_pool.hpp"
#include "config/config.hpp"
#include "core/task.hpp"
#include "storage/store.hpp"

namespace givewatch::audit {

/// Which part of the store an audit covers.
struct Scope {
  std::optional<std::string> campaign;  ///< one campaign, or every one
  std::uint64_t from_block = 0;
  std::optional<std::uint64_t> to_block;  ///< at most the chain's indexed block
};

/// Called after each batch: stored donations checked so far and how many there are on this chain.
using ProgressFn = std::function<void(const std::string& chain, std::uint64_t done, std::uint64_t total)>;

/// Audits one chain of the store against `pool`'s node (the auditor's, or the configured ones):
///  1. every stored donation in scope against its receipt (eth_getTransactionReceipt, batched): status
///     success; the log at its log index, read by the watcher's own rules (chains::classify), has the
///     stored token, sender, receiver, amount and campaign; the receipt's block number and hash are the
///     stored ones, and that hash is the canonical block at that number (eth_getBlockByNumber);
///     confirmed donations are as deep as the chain's confirmations (or its finality tag) require;
///  2. the recount: eth_getLogs over each campaign address's indexed range (from its start block, or
///     --from-block, up to what the store has indexed for it), classified by the same rules: each
///     donation on the chain the store lacks is `missing`, each stored one the chain lacks `extra`.
/// Adds what it finds to `report`; an RPC failure it cannot get past ends the chain's audit with a
/// line in report.incomplete.
Task<void> audit_chain(const config::Config& config, const config::Chain& chain, const storage::Store& store,
                       chains::EndpointPool& pool, const Scope& scope, Report& report, const ProgressFn& progress);

}  // namespace givewatch::audit

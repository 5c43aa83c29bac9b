#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <cstdint>

#include "tests/support/fault_proxy.hpp"

// What real nodes do and the devnet's Hardhat does not, for FaultProxy: Faults::finalized_lag and
// Faults::logs_without_timestamps, apart from the proxy's transport.

namespace givewatch::test {

/// Whether `body` (one JSON-RPC call or a batch) holds an eth_getBlockByNumber call for the tag
/// "finalized" or "safe" that Faults::finalized_lag moves below the head.
bool asks_finality_tag(const boost::json::value& body, const Faults& faults);

/// Puts the number of the block `faults.finalized_lag` below the head the client sees (`node_head`
/// less `faults.head_lag`, block 0 at the least) in place of the tag of each such call in `body`.
void pin_finality_tags(boost::json::value& body, std::uint64_t node_head, const Faults& faults);

/// Takes `blockTimestamp` out of every log of every eth_getLogs result in `answer` (a JSON-RPC
/// answer or a batch of them) when `faults.logs_without_timestamps` is set; any other body is left
/// as it is.
void strip_log_timestamps(boost::beast::http::response<boost::beast::http::string_body>& answer,
                          const Faults& faults);

}  // namespace givewatch::test

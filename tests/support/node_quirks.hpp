#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <atomic>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string_view>

#include "tests/support/fault_proxy.hpp"

// What real nodes do and the devnet's Hardhat does not, for FaultProxy: Faults::finalized_lag,
// Faults::logs_without_timestamps and Faults::fresh_logs_lag, apart from the proxy's transport.

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

/// Whether the request `body` may hold an eth_getLogs call (a cheap look at its text).
bool mentions_get_logs(std::string_view body);

/// Faults::fresh_logs_lag: takes out of each eth_getLogs result in `answer` (a JSON-RPC answer or a
/// batch of them) the logs of blocks above `node_head` − `lag`, for as long as `answers_left` lasts:
/// each result that loses a log takes one. Returns how many logs were taken out.
std::uint64_t hide_fresh_logs(boost::beast::http::response<boost::beast::http::string_body>& answer,
                              std::uint64_t node_head, std::uint64_t lag, std::atomic<unsigned>& answers_left);

}  // namespace givewatch::test

#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tests/support/fault_proxy.hpp"

namespace givewatch::test {

/// eth_blockNumber's answer `body` with `jump` added to its result; nothing when `body` is not a
/// JSON-RPC answer with a quantity result.
std::optional<std::string> jump_head(std::string_view body, std::uint64_t jump);

/// eth_getLogs' answer `body` to `call` with its first log made into the lie `lie` names (see
/// LogsLie); nothing when the answer holds no log or is not a JSON-RPC answer.
std::optional<std::string> corrupt_logs(std::string_view body, const boost::json::object& call, LogsLie lie);

}  // namespace givewatch::test

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chains/eth.hpp"
#include "core/error.hpp"

namespace givewatch::chains {

/// An eth_getLogs answer: the logs, or the JSON-RPC error the endpoint sent instead.
struct ParsedLogs {
  std::vector<eth::Log> logs;
  std::optional<std::int64_t> error_code;  ///< set when the answer is an error object
  std::string error_message;
};

/// Parses the body of a single JSON-RPC eth_getLogs answer to request `id` straight into logs,
/// without building a JSON document: an answer of 10,000 logs is ~6 MB of text, and a document of it
/// several times that. Anything that is not such an answer (not JSON, another id, a malformed log)
/// is an error naming what was wrong; nothing of a malformed answer is returned.
core::Result<ParsedLogs> parse_logs_answer(std::string_view body, std::uint64_t id);

}  // namespace givewatch::chains

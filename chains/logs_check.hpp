#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chains/eth.hpp"

namespace givewatch::chains {

/// Rule 2's part that one answer can prove: an eth_getLogs answer is only for the blocks asked.
/// Says what is wrong with `logs` as the answer for blocks from..to — a log outside the range, a log
/// marked removed, two logs at the same (block, log index) — or nothing when it may be used. An
/// answer that fails is an error of that call: the endpoint cools down and the range is asked again.
std::optional<std::string> check_logs_answer(const std::vector<eth::Log>& logs, std::uint64_t from, std::uint64_t to);

}  // namespace givewatch::chains

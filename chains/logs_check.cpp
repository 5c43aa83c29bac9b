#include "chains/logs_check.hpp"

#include <set>
#include <utility>

#include "core/bytes.hpp"

namespace givewatch::chains {

std::optional<std::string> check_logs_answer(const std::vector<eth::Log>& logs, std::uint64_t from, std::uint64_t to) {
  std::set<std::pair<std::uint64_t, std::uint32_t>> positions;
  for (const auto& log : logs) {
    const std::string where = "log " + std::to_string(log.log_index) + " of block " + std::to_string(log.block_number) +
                              " (tx " + core::to_hex(log.tx_hash) + ")";
    if (log.block_number < from || log.block_number > to) {
      return where + " is outside the blocks asked, " + std::to_string(from) + ".." + std::to_string(to);
    }
    if (log.removed) return where + " is marked removed";
    if (!positions.emplace(log.block_number, log.log_index).second) {
      return where + " is the second log at that position";
    }
  }
  return std::nullopt;
}

}  // namespace givewatch::chains

#include "chains/stall.hpp"

namespace givewatch::chains {

std::string_view to_string(StallReason reason) noexcept {
  switch (reason) {
    case StallReason::rpc: return "rpc";
    case StallReason::not_reached: return "not_reached";
    case StallReason::head_behind_tip: return "head_behind_tip";
    case StallReason::inconsistent: return "inconsistent";
    case StallReason::malformed: return "malformed";
    case StallReason::refused: return "refused";
    case StallReason::storage: return "storage";
    case StallReason::range_narrowed: return "range_narrowed";
    case StallReason::stopped: return "stopped";
  }
  return "unknown";
}

}  // namespace givewatch::chains

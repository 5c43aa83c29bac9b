#include "alerts/filter.hpp"

#include <algorithm>
#include <boost/multiprecision/cpp_int.hpp>

#include "api/render.hpp"

namespace givewatch::alerts {
namespace {

config::AlertEvent alert_event(storage::EventType type) noexcept {
  switch (type) {
    case storage::EventType::confirmed:
      return config::AlertEvent::confirmed;
    case storage::EventType::removed:
      return config::AlertEvent::removed;
    case storage::EventType::donation:
      break;
  }
  return config::AlertEvent::donation;
}

/// amount / 10^decimals >= units / 10^scale, as amount * 10^scale >= units * 10^decimals: both
/// sides exact in unbounded integers (2^256 * 10^77 does not fit 256 bits).
bool at_least(const core::Amount& amount, unsigned decimals, const config::DecimalValue& min) {
  using boost::multiprecision::cpp_int;
  const cpp_int ten = 10;
  return cpp_int(amount) * boost::multiprecision::pow(ten, min.scale) >=
         cpp_int(min.units) * boost::multiprecision::pow(ten, decimals);
}

}  // namespace

bool matches(const config::Config& config, const config::Alert& alert, const storage::Event& event) {
  const auto& d = event.donation;
  if (std::find(alert.events.begin(), alert.events.end(), alert_event(event.type)) == alert.events.end())
    return false;
  if (!alert.campaigns.empty() &&
      std::find(alert.campaigns.begin(), alert.campaigns.end(), d.campaign) == alert.campaigns.end()) {
    return false;
  }
  if (alert.min_value.units == 0) return true;
  const auto* token = api::render::token_of(config, d.chain_id, d.token);
  return token && at_least(d.amount, token->decimals, alert.min_value);
}

}  // namespace givewatch::alerts

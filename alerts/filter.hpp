#pragma once

#include "config/config.hpp"
#include "storage/types.hpp"

namespace givewatch::alerts {

/// True when the sink wants this event: its type is one of alert.events, its campaign one of
/// alert.campaigns (empty: every campaign), and the donation's exact decimal value (amount /
/// 10^decimals of the configured token) is at least alert.min_value, compared exactly in integers.
/// A donation in a token the configuration no longer has is of unknown value: it passes only a
/// min_value of 0, never a threshold it cannot be measured against.
bool matches(const config::Config& config, const config::Alert& alert, const storage::Event& event);

}  // namespace givewatch::alerts

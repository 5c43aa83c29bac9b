#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "storage/types.hpp"

/// Standard Webhooks (https://www.standardwebhooks.com/): the webhook-id and webhook-signature
/// headers of a delivery; webhook-timestamp is the time of the attempt in Unix seconds.
namespace givewatch::alerts {

/// The webhook-signature header: "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)),
/// `timestamp` in decimal Unix seconds, exactly as sent in webhook-timestamp.
std::string sign(std::span<const std::uint8_t> key, std::string_view id, std::int64_t timestamp,
                 std::string_view body);

/// The event's webhook-id: "msg_" + decimal seq + "_" + 16 hex digits of Keccak-256 over the event's
/// content (type, chain id, block number and hash, tx hash, log index, token, from, to, amount,
/// campaign, status). The same for the same event on every retry and after a restart, so receivers
/// can drop duplicates; different when a seq lost in a crash is reused by another event.
std::string event_id(const storage::Event& event);

}  // namespace givewatch::alerts

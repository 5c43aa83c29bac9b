#pragma once

#include <string>

#include "config/config.hpp"
#include "storage/types.hpp"

/// What is sent to a sink for one event of the store's log.
namespace givewatch::alerts {

/// A campaign's USD sums after an event: exact decimal strings, e.g. "1250.5".
struct CampaignUsd {
  std::string confirmed = "0";
  std::string pending = "0";
};

/// The Standard Webhooks body: {"type": "donation.created" | "donation.confirmed" | "donation.removed",
/// "timestamp": RFC 3339 UTC of the donation's block time, "data": the API's Donation object plus
/// "campaign_name" (null when the campaign is no longer configured) and "usd": {"confirmed", "pending"}}.
/// The block time, not the time of sending: retries of an event carry the same body.
std::string webhook_body(const config::Config& config, const storage::Event& event, const CampaignUsd& usd);

/// The JSON body for a chat sink (alert.kind slack, discord or telegram) in alert.lang ("en" | "ru"):
/// slack {"text": mrkdwn}; discord {"content": markdown, "allowed_mentions": {"parse": []}} (a campaign
/// name never pings anyone); telegram {"chat_id", "text": HTML, "parse_mode": "HTML",
/// "disable_web_page_preview": true}. One short message: what happened, campaign, exact amount and
/// token, chain, sender, the campaign's new USD totals, and a link to the transaction when the chain
/// has an explorer. Every configured text is escaped for the target's markup.
std::string chat_body(const config::Config& config, const config::Alert& alert, const storage::Event& event,
                      const CampaignUsd& usd);

/// A plausible event for `givewatch alerts test`: a new pending donation of 1 token to the first
/// campaign's first address, in the first configured token of that address's chain, seq 0, block
/// time now. Without any campaign or token the fields it cannot fill stay zero.
storage::Event sample_event(const config::Config& config);

}  // namespace givewatch::alerts

#include "alerts/usd.hpp"

#include <vector>

#include "api/render.hpp"

namespace givewatch::alerts {
namespace {

/// What one event does to its campaign's sums: an amount added to or taken from a status.
struct Change {
  core::Amount confirmed_in = 0, confirmed_out = 0, pending_in = 0, pending_out = 0;
};

Change change_of(const storage::Event& e) {
  Change c;
  const auto& a = e.donation.amount;
  const bool confirmed = e.donation.status == storage::Status::confirmed;
  switch (e.type) {
    case storage::EventType::donation:
      (confirmed ? c.confirmed_in : c.pending_in) = a;
      break;
    case storage::EventType::confirmed:
      c.pending_out = a;
      c.confirmed_in = a;
      break;
    case storage::EventType::removed:
      (confirmed ? c.confirmed_out : c.pending_out) = a;
      break;
  }
  return c;
}

}  // namespace

void UsdTracker::advance(const storage::Event& event) {
  if (event.seq <= seq_) return;  // seen already: a batch read again after a cursor write failed
  seq_ = event.seq;
  auto it = known_.find(event.donation.campaign);
  if (it == known_.end()) return;
  const Change c = change_of(event);
  auto& sums = it->second[{event.donation.chain_id, event.donation.token}];
  // Sums after an event of the log are never negative; a state that would be is forgotten and
  // read again from the store.
  auto confirmed = core::checked_add(sums.confirmed, c.confirmed_in);
  auto pending = core::checked_add(sums.pending, c.pending_in);
  if (confirmed) confirmed = core::checked_sub(*confirmed, c.confirmed_out);
  if (pending) pending = core::checked_sub(*pending, c.pending_out);
  if (!confirmed || !pending) {
    known_.erase(it);
    return;
  }
  sums.confirmed = *confirmed;
  sums.pending = *pending;
}

core::Result<UsdTracker::Campaign> UsdTracker::load(const std::string& campaign) {
  auto now = store_.totals_at(campaign);
  if (!now) return now.error();
  Campaign sums;
  for (const auto& t : now->totals.tokens) sums[{t.chain_id, t.token}] = Sums{t.confirmed_amount, t.pending_amount};
  // Undo what the events after seq_ did: what they added is taken away, what they took is given back.
  std::map<Key, Change> later;
  for (std::uint64_t after = seq_; after < now->seq;) {
    auto events = store_.events_after(after, 512);
    if (!events) return events.error();
    if (events->empty()) break;
    for (const auto& e : *events) {
      if (e.seq > now->seq) break;
      after = e.seq;
      if (e.donation.campaign != campaign) continue;
      const Change c = change_of(e);
      auto& sum = later[{e.donation.chain_id, e.donation.token}];
      sum.confirmed_in += c.confirmed_in;
      sum.confirmed_out += c.confirmed_out;
      sum.pending_in += c.pending_in;
      sum.pending_out += c.pending_out;
    }
    if (events->back().seq >= now->seq) break;
  }
  for (const auto& [key, c] : later) {
    auto& s = sums[key];
    auto confirmed = core::checked_add(s.confirmed, c.confirmed_out);
    auto pending = core::checked_add(s.pending, c.pending_out);
    if (confirmed) confirmed = core::checked_sub(*confirmed, c.confirmed_in);
    if (pending) pending = core::checked_sub(*pending, c.pending_in);
    if (!confirmed || !pending) {
      return core::Error{core::Errc::corrupt_record,
                         "the event log does not add up to campaign '" + campaign + "' totals"};
    }
    s = Sums{*confirmed, *pending};
  }
  return sums;
}

core::Result<CampaignUsd> UsdTracker::usd(const std::string& campaign) {
  auto it = known_.find(campaign);
  if (it == known_.end()) {
    auto loaded = load(campaign);
    if (!loaded) return loaded.error();
    it = known_.emplace(campaign, std::move(*loaded)).first;
  }
  std::vector<std::pair<core::Amount, unsigned>> confirmed, pending;
  for (const auto& [key, sums] : it->second) {
    const auto* token = api::render::token_of(config_, key.first, key.second);
    if (!token || !token->usd) continue;
    confirmed.emplace_back(sums.confirmed, token->decimals);
    pending.emplace_back(sums.pending, token->decimals);
  }
  return CampaignUsd{api::render::add_decimals(confirmed), api::render::add_decimals(pending)};
}

}  // namespace givewatch::alerts

#include "storage/store.hpp"

#include <gtest/gtest.h>

#include "storage/codec.hpp"
#include "tests/storage/fixtures.hpp"

namespace givewatch::storage {
namespace {

using test::donation;
using test::TempDir;

constexpr std::uint64_t kBsc = 56;
constexpr std::uint64_t kCelo = 42220;

Step step_with(std::uint64_t chain, std::vector<Donation> ds, std::optional<std::uint64_t> confirm = {}) {
  Step s;
  s.chain_id = chain;
  s.donations = std::move(ds);
  s.confirm_through = confirm;
  std::uint64_t top = 0;
  for (const auto& d : s.donations) top = std::max(top, d.block_number);
  s.indexed = BlockRef{top, test::hash(top, 3)};
  return s;
}

const TokenTotals* find(const CampaignTotals& t, std::uint64_t chain, std::uint64_t token) {
  for (const auto& x : t.tokens) {
    if (x.chain_id == chain && x.token == test::address(token)) return &x;
  }
  return nullptr;
}

TEST(Store, AddsDonationsAndKeepsPendingApartFromConfirmed) {
  TempDir dir;
  auto store = test::open_store(dir.path());
  auto r = store->apply(
      step_with(kBsc,
                {donation(kBsc, 10, 0, "memorial", 100), donation(kBsc, 11, 3, "memorial", 250, 8),
                 donation(kBsc, 20, 1, "memorial", 7, 9)},
                11));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->added, 3u);
  EXPECT_EQ(r->first_seq, 1u);
  EXPECT_EQ(r->last_seq, 3u);

  auto t = store->totals("memorial");
  ASSERT_TRUE(t);
  ASSERT_EQ(t->tokens.size(), 1u);
  EXPECT_EQ(t->tokens[0].confirmed_amount, 350);
  EXPECT_EQ(t->tokens[0].confirmed_count, 2u);
  EXPECT_EQ(t->tokens[0].pending_amount, 7);
  EXPECT_EQ(t->tokens[0].pending_count, 1u);
  EXPECT_EQ(t->confirmed_donors, 2u);
  EXPECT_EQ(t->pending_donors, 1u);
  EXPECT_EQ(t->donors, 3u);

  // The chain grows: the pending donation at block 20 becomes confirmed.
  Step grow;
  grow.chain_id = kBsc;
  grow.confirm_through = 25;
  r = store->apply(grow);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->confirmed, 1u);
  t = store->totals("memorial");
  EXPECT_EQ(t->tokens[0].confirmed_amount, 357);
  EXPECT_EQ(t->tokens[0].pending_count, 0u);
  EXPECT_EQ(t->pending_donors, 0u);
  EXPECT_EQ(t->confirmed_donors, 3u);

  auto events = store->events_after(0, 100);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ((*events)[3].type, EventType::confirmed);
  EXPECT_EQ((*events)[3].seq, 4u);
  EXPECT_EQ((*events)[3].donation.block_number, 20u);
  EXPECT_EQ((*events)[3].donation.status, Status::confirmed);
  EXPECT_EQ(store->last_event_seq(), 4u);

  auto cursor = store->chain_cursor(kBsc);
  ASSERT_TRUE(cursor && *cursor);
  EXPECT_EQ((*cursor)->indexed_block, 20u);
  EXPECT_EQ((*cursor)->confirmed_block, 25u);
  EXPECT_TRUE(store->verify()) << store->verify().error().message;
}

TEST(Store, WritingTheSameDonationTwiceChangesNothing) {
  TempDir dir;
  auto store = test::open_store(dir.path());
  const Step s =
      step_with(kBsc, {donation(kBsc, 5, 0, "rbb", 1000), donation(kBsc, 5, 1, "rbb", 2000, 8)}, 3);
  ASSERT_TRUE(store->apply(s));
  const auto before = store->totals("rbb").value();
  const auto seq = store->last_event_seq();

  auto again = store->apply(s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->added, 0u);
  EXPECT_EQ(again->duplicates, 2u);
  EXPECT_EQ(store->totals("rbb").value(), before);
  EXPECT_EQ(store->last_event_seq(), seq);

  // The same donation twice inside one step counts once.
  auto twice =
      store->apply(step_with(kBsc, {donation(kBsc, 6, 0, "rbb", 5), donation(kBsc, 6, 0, "rbb", 5)}));
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->added, 1u);
  EXPECT_EQ(twice->duplicates, 1u);
  EXPECT_EQ(store->totals("rbb")->tokens[0].pending_amount, 1000 + 2000 + 5);
  EXPECT_TRUE(store->verify());
}

TEST(Store, RollbackRestoresTotalsExactly) {
  TempDir dir;
  auto store = test::open_store(dir.path());
  ASSERT_TRUE(store->apply(
      step_with(kBsc, {donation(kBsc, 100, 0, "mhg", 11), donation(kBsc, 101, 0, "mhg", 22, 8)}, 100)));
  const auto before = store->totals("mhg").value();
  const auto cursor_before = store->chain_cursor(kBsc).value();

  auto r =
      store->apply(step_with(kBsc,
                             {donation(kBsc, 102, 0, "mhg", 33, 9), donation(kBsc, 103, 2, "mhg", 44, 10),
                              donation(kBsc, 104, 1, "mhg", 55, 7, 101)},
                             100));
  ASSERT_TRUE(r);
  EXPECT_NE(store->totals("mhg").value(), before);

  Step back;
  back.chain_id = kBsc;
  back.rollback_to = 101;
  r = store->apply(back);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->removed, 3u);
  EXPECT_EQ(store->totals("mhg").value(), before);
  auto cursor = store->chain_cursor(kBsc).value();
  EXPECT_EQ(cursor->indexed_block, 101u);
  EXPECT_EQ(cursor->confirmed_block, 100u);
  EXPECT_EQ(cursor_before->indexed_block, 101u);
  EXPECT_TRUE(store->donations_by_tx(kBsc, test::hash(102 * 1000, 4))->empty());

  auto events = store->events_after(store->last_event_seq() - 3, 10).value();
  ASSERT_EQ(events.size(), 3u);
  for (const auto& e : events) EXPECT_EQ(e.type, EventType::removed);
  EXPECT_TRUE(store->verify());
}

TEST(Store, ReorgRollsBackAndAddsTheNewBranchInOneStep) {
  TempDir dir;
  auto store = test::open_store(dir.path());
  ASSERT_TRUE(store->apply(
      step_with(kBsc, {donation(kBsc, 50, 0, "memorial", 10), donation(kBsc, 51, 0, "memorial", 20)})));

  // The new branch holds another transfer at the same block and log index.
  Donation replacement = donation(kBsc, 51, 0, "memorial", 99, 42);
  replacement.tx_hash = test::hash(777, 9);
  replacement.block_hash = test::hash(51, 10);
  Step reorg = step_with(kBsc, {replacement});
  reorg.rollback_to = 50;
  auto r = store->apply(reorg);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->removed, 1u);
  EXPECT_EQ(r->added, 1u);

  auto t = store->totals("memorial").value();
  EXPECT_EQ(t.tokens[0].pending_amount, 109);
  EXPECT_EQ(t.tokens[0].pending_count, 2u);
  auto by_tx = store->donations_by_tx(kBsc, test::hash(777, 9)).value();
  ASSERT_EQ(by_tx.size(), 1u);
  EXPECT_EQ(by_tx[0].amount, 99);
  EXPECT_TRUE(store->verify());
}

TEST(Store, AnotherTransferAtAStoredPositionWithoutRollbackIsRefused) {
  TempDir dir;
  auto store = test::open_store(dir.path());
  ASSERT_TRUE(store->apply(step_with(kBsc, {donation(kBsc, 51, 0, "memorial", 20)})));
  Donation other = donation(kBsc, 51, 0, "memorial", 20);
  other.tx_hash = test::hash(1, 1);
  const auto seq = store->last_event_seq();
  auto r = store->apply(step_with(kBsc, {other, donation(kBsc, 52, 0, "memorial", 1)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::Errc::invalid_argument);
  EXPECT_NE(r.error().message.find("a reorg must be rolled back before the new blocks are applied"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(store->last_event_seq(), seq);
  EXPECT_EQ(store->totals("memorial")->tokens[0].pending_count, 1u);
}

TEST(Store, ReopenKeepsEverything) {
  TempDir dir;
  CampaignTotals totals;
  {
    auto store = test::open_store(dir.path());
    Step s =
        step_with(kCelo, {donation(kCelo, 7, 0, "hope", 123456789), donation(kCelo, 8, 4, "hope", 1, 3)}, 7);
    s.blocks = {{7, test::hash(7, 3)}, {8, test::hash(8, 3)}};
    s.address_cursors = {{test::address(500), 9}};
    s.head = 30;
    ASSERT_TRUE(store->apply(s));
    totals = store->totals("hope").value();
  }
  auto store = test::open_store(dir.path());
  EXPECT_EQ(store->totals("hope").value(), totals);
  EXPECT_EQ(store->last_event_seq(), 2u);
  auto cursor = store->chain_cursor(kCelo).value();
  ASSERT_TRUE(cursor);
  EXPECT_EQ(cursor->indexed_block, 8u);
  EXPECT_EQ(cursor->indexed_hash, test::hash(8, 3));
  EXPECT_EQ(cursor->confirmed_block, 7u);
  EXPECT_EQ(cursor->head_block, 30u);
  EXPECT_EQ(store->address_cursors(kCelo).value(), (std::vector<AddressCursor>{{test::address(500), 9}}));
  EXPECT_EQ(store->blocks(kCelo, 0, 10).value(),
            (std::vector<BlockRef>{{7, test::hash(7, 3)}, {8, test::hash(8, 3)}}));
  auto by_tx = store->donations_by_tx(kCelo, test::hash(8 * 1000 + 4, 4)).value();
  ASSERT_EQ(by_tx.size(), 1u);
  EXPECT_EQ(by_tx[0], [] {
    auto d = donation(kCelo, 8, 4, "hope", 1, 3);
    d.status = Status::pending;
    return d;
  }());
}

TEST(Store, BlockHashesArePrunedAndRolledBack) {
  TempDir dir;
  auto store = test::open_store(dir.path());
  Step s;
  s.chain_id = kBsc;
  for (std::uint64_t n = 1; n <= 10; ++n) s.blocks.push_back({n, test::hash(n)});
  ASSERT_TRUE(store->apply(s));
  Step prune;
  prune.chain_id = kBsc;
  prune.prune_blocks_below = 6;
  prune.blocks = {{11, test::hash(11)}};
  ASSERT_TRUE(store->apply(prune));
  auto b = store->blocks(kBsc, 0, 100).value();
  ASSERT_EQ(b.size(), 6u);
  EXPECT_EQ(b.front().number, 6u);
  EXPECT_EQ(b.back().number, 11u);

  Step back;
  back.chain_id = kBsc;
  back.rollback_to = 8;
  ASSERT_TRUE(store->apply(back));
  b = store->blocks(kBsc, 0, 100).value();
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.back(), (BlockRef{8, test::hash(8)}));
}

TEST(Store, DonationPagesAreNewestFirstAndStableWhileDonationsArrive) {
  TempDir dir;
  auto store = test::open_store(dir.path());
  std::vector<Donation> ds;
  for (std::uint32_t i = 0; i < 25; ++i)
    ds.push_back(donation(kBsc, 100 + i, i % 3, "memorial", 1000 + i, i % 4));
  ASSERT_TRUE(store->apply(step_with(kBsc, ds, 110)));

  DonationQuery q;
  q.campaign = "memorial";
  q.limit = 10;
  auto page1 = store->donations(q).value();
  ASSERT_EQ(page1.donations.size(), 10u);
  EXPECT_EQ(page1.donations.front().block_number, 124u);
  ASSERT_TRUE(page1.next_cursor);

  // New donations arrive between pages; they are newer, so later pages are unaffected.
  ASSERT_TRUE(store->apply(step_with(kBsc, {donation(kBsc, 200, 0, "memorial", 1)})));
  std::vector<std::uint64_t> seen;
  for (const auto& d : page1.donations) seen.push_back(d.block_number);
  q.cursor = *page1.next_cursor;
  while (true) {
    auto page = store->donations(q).value();
    for (const auto& d : page.donations) seen.push_back(d.block_number);
    if (!page.next_cursor) break;
    q.cursor = *page.next_cursor;
  }
  std::vector<std::uint64_t> want;
  for (std::uint64_t n = 124; n >= 100; --n) want.push_back(n);
  EXPECT_EQ(seen, want);

  // Filters.
  DonationQuery pending{.campaign = "memorial", .status = Status::pending, .limit = 100};
  auto p = store->donations(pending).value();
  ASSERT_EQ(p.donations.size(), 15u);  // blocks 111..124 and 200
  EXPECT_FALSE(p.next_cursor);
  for (const auto& d : p.donations) EXPECT_EQ(d.status, Status::pending);
  DonationQuery other_chain{.campaign = "memorial", .chain_id = kCelo};
  EXPECT_TRUE(store->donations(other_chain)->donations.empty());
  DonationQuery other_token{.campaign = "memorial", .token = test::address(3)};
  EXPECT_TRUE(store->donations(other_token)->donations.empty());

  DonationQuery bad{.campaign = "memorial", .cursor = "zz"};
  auto err = store->donations(bad);
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().message, "cursor 'zz' is not a cursor this server issued; start without one");
}

TEST(Store, AmountsNearTheTopOfUint256AndOverflow) {
  TempDir dir;
  auto store = test::open_store(dir.path());
  const core::Amount max = core::kMaxAmount;
  ASSERT_TRUE(store->apply(step_with(kBsc, {donation(kBsc, 1, 0, "rbb", max - 1)})));
  ASSERT_TRUE(store->apply(step_with(kBsc, {donation(kBsc, 2, 0, "rbb", 1)})));
  EXPECT_EQ(store->totals("rbb")->tokens[0].pending_amount, max);

  const auto seq = store->last_event_seq();
  auto r = store->apply(step_with(kBsc, {donation(kBsc, 3, 0, "rbb", 1)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::Errc::overflow);
  EXPECT_NE(r.error().message.find("campaign 'rbb' totals"), std::string::npos) << r.error().message;
  // Nothing of the failed step was written.
  EXPECT_EQ(store->totals("rbb")->tokens[0].pending_amount, max);
  EXPECT_EQ(store->totals("rbb")->tokens[0].pending_count, 2u);
  EXPECT_EQ(store->last_event_seq(), seq);
  EXPECT_TRUE(store->donations_by_tx(kBsc, test::hash(3000, 4))->empty());

  // Rolling back the top block brings the sum down exactly.
  Step back;
  back.chain_id = kBsc;
  back.rollback_to = 1;
  ASSERT_TRUE(store->apply(back));
  EXPECT_EQ(store->totals("rbb")->tokens[0].pending_amount, max - 1);
  EXPECT_TRUE(store->verify());
}

TEST(Store, TotalsAreKeptPerChainAndToken) {
  TempDir dir;
  auto store = test::open_store(dir.path());
  ASSERT_TRUE(
      store->apply(step_with(kBsc,
                             {donation(kBsc, 1, 0, "rbb", 5, 1, 100), donation(kBsc, 1, 1, "rbb", 6, 1, 101),
                              donation(kBsc, 1, 2, "mhg", 7, 1, 100)},
                             1)));
  ASSERT_TRUE(store->apply(step_with(kCelo, {donation(kCelo, 9, 0, "rbb", 8, 1, 100)}, 9)));
  auto t = store->totals("rbb").value();
  ASSERT_EQ(t.tokens.size(), 3u);
  EXPECT_EQ(find(t, kBsc, 100)->confirmed_amount, 5);
  EXPECT_EQ(find(t, kBsc, 101)->confirmed_amount, 6);
  EXPECT_EQ(find(t, kCelo, 100)->confirmed_amount, 8);
  EXPECT_EQ(t.donors, 1u);  // one sender across chains and tokens
  EXPECT_EQ(store->totals("mhg")->tokens.size(), 1u);
  EXPECT_TRUE(store->totals("nobody")->tokens.empty());
}

TEST(Store, InvalidStepsAreRefusedWithAReason) {
  TempDir dir;
  auto store = test::open_store(dir.path());
  auto r = store->apply(step_with(kBsc, {donation(kCelo, 1, 0, "rbb", 1)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "storage: donation of chain 42220 in a step of chain 56");
  r = store->apply(step_with(kBsc, {donation(kBsc, 1, 0, "", 1)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "storage: donation has a campaign id of 0 bytes; expected 1 to 255");
}

}  // namespace
}  // namespace givewatch::storage

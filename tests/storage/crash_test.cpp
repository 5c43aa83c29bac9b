// A writer process is killed with SIGKILL at random moments, between and during steps; after every
// kill the store must reopen holding exactly the steps that completed: no partial step, nothing lost,
// nothing twice, totals and the event log agreeing with the donations.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "storage/store.hpp"
#include "tests/storage/fixtures.hpp"

namespace givewatch::storage {
namespace {

constexpr std::uint64_t kChain = 56;
constexpr std::uint64_t kDepth = 5;  // confirmations

/// Block k's donations; version 1 is the branch a reorg replaces blocks with.
std::vector<Donation> block_content(std::uint64_t k, int version) {
  std::vector<Donation> out;
  const std::uint64_t count = 1 + (k * 7919) % 800;
  for (std::uint32_t i = 0; i < count; ++i) {
    const core::Amount amount =
        (k * 1000003 + i * 7 + static_cast<std::uint64_t>(version) * 13) % 1000000000 + 1;
    Donation d = test::donation(kChain, k, i, i % 2 ? "a" : "b", amount, (k + i) % 97, 100 + i % 3);
    if (version == 1) {
      d.tx_hash = test::hash(k * 100000 + i, 5);
      d.block_hash = test::hash(k, 6);
    }
    out.push_back(std::move(d));
  }
  return out;
}

/// Every 10th step replaces the two blocks below it: rollback to n-3, then blocks n-2..n of version 1.
int version_of(std::uint64_t k, std::uint64_t cursor) {
  const std::uint64_t m = (k + 9) / 10 * 10;
  return m - k <= 2 && m <= cursor ? 1 : 0;
}

Step make_step(std::uint64_t n) {
  Step s;
  s.chain_id = kChain;
  const bool reorg = n % 10 == 0;
  const std::uint64_t first = reorg ? n - 2 : n;
  if (reorg) s.rollback_to = n - 3;
  for (std::uint64_t k = first; k <= n; ++k) {
    auto c = block_content(k, reorg ? 1 : 0);
    s.donations.insert(s.donations.end(), c.begin(), c.end());
  }
  if (n >= kDepth) s.confirm_through = n - kDepth;
  s.indexed = BlockRef{n, test::hash(n, reorg ? 6 : 3)};
  return s;
}

[[noreturn]] void writer(const std::filesystem::path& path, int progress_fd) {
  auto store = Store::open(path);
  if (!store) _exit(3);
  auto cursor = (*store)->chain_cursor(kChain);
  if (!cursor) _exit(4);
  (void)!write(progress_fd, "o", 1);
  for (std::uint64_t n = *cursor ? (*cursor)->indexed_block + 1 : 1;; ++n) {
    const Step s = make_step(n);
    (void)!write(progress_fd, "b", 1);
    if (!(*store)->apply(s)) _exit(5);
    (void)!write(progress_fd, "e", 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // a watcher waits for the next poll
  }
}

using Position = std::pair<std::uint64_t, std::uint32_t>;

/// What the store must hold when its cursor is at block `c`.
std::map<Position, Donation> expected_at(std::uint64_t c) {
  std::map<Position, Donation> out;
  for (std::uint64_t k = 1; k <= c; ++k) {
    for (auto& d : block_content(k, version_of(k, c))) {
      d.status = c >= kDepth && k <= c - kDepth ? Status::confirmed : Status::pending;
      out.emplace(Position{k, d.log_index}, std::move(d));
    }
  }
  return out;
}

void check_store(const std::filesystem::path& path, std::uint64_t& cursor_out) {
  auto store = test::open_store(path);
  auto verified = store->verify();
  ASSERT_TRUE(verified) << verified.error().message;
  auto cursor = store->chain_cursor(kChain).value();
  const std::uint64_t c = cursor ? cursor->indexed_block : 0;
  cursor_out = c;
  const auto want = expected_at(c);

  std::map<Position, Donation> have;
  for (const char* campaign : {"a", "b"}) {
    DonationQuery q{.campaign = campaign, .limit = 1000};
    while (true) {
      auto page = store->donations(q);
      ASSERT_TRUE(page) << page.error().message;
      for (auto& d : page->donations) {
        ASSERT_TRUE(have.emplace(Position{d.block_number, d.log_index}, d).second) << "listed twice";
      }
      if (!page->next_cursor) break;
      q.cursor = *page->next_cursor;
    }
  }
  ASSERT_EQ(have.size(), want.size()) << "cursor " << c;
  ASSERT_TRUE(have == want) << "cursor " << c;

  // Totals are the sums of exactly these donations.
  for (const char* campaign : {"a", "b"}) {
    std::map<std::uint64_t, core::Amount> confirmed, pending;
    for (const auto& [pos, d] : want) {
      if (d.campaign != campaign) continue;
      const std::uint64_t token = d.token.bytes[0];
      (d.status == Status::confirmed ? confirmed : pending)[token] += d.amount;
    }
    auto totals = store->totals(campaign).value();
    for (const auto& t : totals.tokens) {
      EXPECT_EQ(t.confirmed_amount, confirmed[t.token.bytes[0]]);
      EXPECT_EQ(t.pending_amount, pending[t.token.bytes[0]]);
    }
  }

  // Replaying the event log from the start rebuilds the same set, with no gap in sequence numbers.
  std::map<Position, Donation> replay;
  std::uint64_t expected_seq = 1;
  for (std::uint64_t after = 0;;) {
    auto events = store->events_after(after, 50000).value();
    if (events.empty()) break;
    for (const auto& e : events) {
      ASSERT_EQ(e.seq, expected_seq++);
      const Position pos{e.donation.block_number, e.donation.log_index};
      if (e.type == EventType::removed) {
        ASSERT_EQ(replay.erase(pos), 1u);
      } else {
        replay[pos] = e.donation;
      }
    }
    after = events.back().seq;
  }
  EXPECT_EQ(store->last_event_seq(), expected_seq - 1);
  EXPECT_TRUE(replay == want);
}

TEST(StoreCrash, SigkillAtRandomMomentsLeavesAConsistentStore) {
  test::TempDir dir;
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::uniform_int_distribution<int> delay_ms(0, 60);

  int kills = 0, during = 0, between = 0;
  std::uint64_t cursor = 0;
  // At least 25 kills, some during a step and some between, and enough progress to cross several
  // reorg steps (every 10th block); slow builds (sanitizers) need more kills to get there.
  constexpr std::uint64_t kMinCursor = 30;
  while ((kills < 25 || during < 3 || between < 3 || cursor < kMinCursor) && kills < 400) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      writer(dir.path(), fds[1]);
    }
    close(fds[1]);
    char opened = 0;  // kill only once the writer has the store open
    ASSERT_EQ(read(fds[0], &opened, 1), 1);
    ASSERT_EQ(opened, 'o');
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    ASSERT_EQ(kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited on its own with " << WEXITSTATUS(status);
    char buf[4096];
    char last = 0;
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) last = buf[n - 1];
    close(fds[0]);
    ++kills;
    if (last == 'b') ++during;
    if (last == 'e') ++between;

    const std::uint64_t before = cursor;
    check_store(dir.path(), cursor);
    if (HasFatalFailure()) return;
    ASSERT_GE(cursor, before);
  }
  std::printf("%d kills (%d during a step, %d between steps); final cursor block %llu\n", kills, during,
              between, static_cast<unsigned long long>(cursor));
  EXPECT_GE(during, 3);
  EXPECT_GE(between, 3);
  EXPECT_GE(cursor, kMinCursor);
}

}  // namespace
}  // namespace givewatch::storage

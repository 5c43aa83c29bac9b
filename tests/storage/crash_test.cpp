// A writer process is killed with SIGKILL at random moments, between and during steps; after every
// kill the store must reopen holding exactly the steps that completed: no partial step, nothing lost,
// nothing twice, totals and the event log agreeing with the donations.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

/// What the writer reports on its socket, and the byte it waits for before each step.
constexpr char kOpened = 'o', kBegins = 'b', kEnded = 'e', kGo = 'g';

/// Opens the store and writes the steps after its cursor, one each time the parent says go (as a
/// watcher waits for its next poll between steps, so a kill between steps really is between).
[[noreturn]] void writer(const std::filesystem::path& path, int fd) {
  auto store = Store::open(path);
  if (!store) _exit(3);
  auto cursor = (*store)->chain_cursor(kChain);
  if (!cursor) _exit(4);
  (void)!write(fd, &kOpened, 1);
  for (std::uint64_t n = *cursor ? (*cursor)->indexed_block + 1 : 1;; ++n) {
    const Step s = make_step(n);
    char go = 0;
    if (read(fd, &go, 1) != 1 || go != kGo) _exit(6);
    (void)!write(fd, &kBegins, 1);
    if (!(*store)->apply(s)) _exit(5);
    (void)!write(fd, &kEnded, 1);
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

using TotalsByToken = std::map<std::pair<std::uint64_t, core::Address>, TokenTotals>;

std::string describe(const TotalsByToken& rows) {
  std::string out;
  for (const auto& [key, t] : rows) {
    out += "  chain " + std::to_string(t.chain_id) + " token " + core::to_hex(t.token) + ": confirmed " +
           core::to_string(t.confirmed_amount) + " (" + std::to_string(t.confirmed_count) + "), pending " +
           core::to_string(t.pending_amount) + " (" + std::to_string(t.pending_count) + ")\n";
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

  // Totals: one row per token the campaign has donations in, each the sums and counts of exactly
  // these donations; a missing or an extra row fails.
  for (const char* campaign : {"a", "b"}) {
    TotalsByToken expected;
    for (const auto& [pos, d] : want) {
      if (d.campaign != campaign) continue;
      TokenTotals& t = expected[{d.chain_id, d.token}];
      t.chain_id = d.chain_id;
      t.token = d.token;
      if (d.status == Status::confirmed) {
        t.confirmed_amount += d.amount;
        ++t.confirmed_count;
      } else {
        t.pending_amount += d.amount;
        ++t.pending_count;
      }
    }
    auto totals = store->totals(campaign);
    ASSERT_TRUE(totals) << totals.error().message;
    TotalsByToken stored;
    for (const auto& t : totals->tokens) {
      EXPECT_TRUE(stored.emplace(std::pair{t.chain_id, t.token}, t).second) << "a token's totals listed twice";
    }
    EXPECT_TRUE(stored == expected) << "campaign " << campaign << " at cursor " << c << "\nstored:\n"
                                    << describe(stored) << "expected:\n" << describe(expected);
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

using Clock = std::chrono::steady_clock;

/// How one life of the writer ends: after `steps` completed steps, killed inside the next one or
/// between steps (the writer then waits for its next go).
struct Plan {
  int steps = 1;
  bool inside = false;
};

/// What one life did, from the events the writer reported.
struct Life {
  int ended = 0;        ///< steps that reported their end
  bool began = false;   ///< a step had begun and reported no end when the kill came: a kill inside it
  double slowest_ms = 0;
};

char next_event(int fd) {
  char c = 0;
  return read(fd, &c, 1) == 1 ? c : 0;
}

/// Starts a writer on the store at `cursor`, lets it complete `plan.steps` steps and kills it as the
/// plan says. Inside a step, the kill comes at a random point of the first half of the time the step
/// should take (its donations times the fastest time per donation of this life's earlier steps), so
/// the point scales with the machine: a sanitizer build's steps are many times slower.
void live(const std::filesystem::path& path, const Plan& plan, std::uint64_t cursor, std::mt19937& rng, Life& life) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    writer(path, fds[1]);
  }
  close(fds[1]);
  const int fd = fds[0];
  auto go = [&] { return send(fd, &kGo, 1, MSG_NOSIGNAL) == 1; };
  ASSERT_EQ(next_event(fd), kOpened);
  double per_donation_ms = 1e9;
  for (int i = 0; i < plan.steps; ++i) {
    ASSERT_TRUE(go());
    ASSERT_EQ(next_event(fd), kBegins);
    const auto began = Clock::now();
    ASSERT_EQ(next_event(fd), kEnded);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - began).count();
    const auto donations = make_step(cursor + 1 + static_cast<std::uint64_t>(i)).donations.size();
    per_donation_ms = std::min(per_donation_ms, ms / static_cast<double>(donations));
    life.slowest_ms = std::max(life.slowest_ms, ms);
    ++life.ended;
  }
  if (plan.inside) {
    const auto donations = make_step(cursor + 1 + static_cast<std::uint64_t>(plan.steps)).donations.size();
    std::uniform_real_distribution<double> offset_ms(0, per_donation_ms * static_cast<double>(donations) / 2);
    ASSERT_TRUE(go());
    ASSERT_EQ(next_event(fd), kBegins);
    life.began = true;
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(offset_ms(rng)));
  }
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited on its own with " << WEXITSTATUS(status);
  // The step's end, if it came before the kill: that kill was between steps after all.
  for (char c; (c = next_event(fd)) != 0;) {
    ASSERT_EQ(c, kEnded) << "the writer began a step nobody let it begin";
    ASSERT_TRUE(life.began);
    life.began = false;
    ++life.ended;
  }
  close(fd);
}

TEST(StoreCrash, SigkillAtRandomMomentsLeavesAConsistentStore) {
  test::TempDir dir;
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));

  // Every life completes at least one step, so kLives lives take the cursor to block kLives or
  // beyond, across several reorg steps (every 10th block), however slow the build.
  constexpr int kLives = 30;
  // kBetween of them, in random order, are killed between steps, where the writer waits for its next
  // go: between by construction. The others aim inside a step; one whose step ends before the kill
  // lands is counted as between. Lives aimed inside are added until kMinInside kills landed inside
  // (each adds progress too); kMaxLives only stops a test whose aim is broken.
  constexpr int kBetween = 10;
  constexpr int kMinInside = 10;
  constexpr int kMaxLives = 150;
  std::vector<bool> aim_between(kLives, false);
  std::fill_n(aim_between.begin(), kBetween, true);
  std::shuffle(aim_between.begin(), aim_between.end(), rng);
  std::uniform_int_distribution<int> steps(1, 2);

  int lives = 0, inside = 0, between = 0, inside_written = 0;
  double slowest_ms = 0;
  std::uint64_t cursor = 0;
  while (lives < kLives || inside < kMinInside) {
    ASSERT_LT(lives, kMaxLives) << "only " << inside << " kills landed inside a step";
    const Plan plan{steps(rng), lives >= kLives || !aim_between[static_cast<std::size_t>(lives)]};
    Life life;
    live(dir.path(), plan, cursor, rng, life);
    if (HasFatalFailure()) return;
    ++lives;
    (life.began ? inside : between)++;
    slowest_ms = std::max(slowest_ms, life.slowest_ms);

    // Every step that reported its end is stored; a step killed inside is stored whole or not at all.
    const std::uint64_t before = cursor;
    check_store(dir.path(), cursor);
    if (HasFatalFailure()) return;
    const std::uint64_t ended = before + static_cast<std::uint64_t>(life.ended);
    if (life.began && cursor == ended + 1) {
      ++inside_written;  // killed after the write, before the writer could report it
    } else {
      ASSERT_EQ(cursor, ended) << "life " << lives << " ended " << life.ended << " steps from block " << before;
    }
  }
  std::printf("%d lives: %d kills inside a step (%d of them after its write), %d between steps; "
              "final cursor block %llu; slowest step %.1f ms\n",
              lives, inside, inside_written, between, static_cast<unsigned long long>(cursor), slowest_ms);
  EXPECT_GE(inside, kMinInside);
  EXPECT_GE(between, kBetween);
  EXPECT_GE(cursor, static_cast<std::uint64_t>(kLives));
}

}  // namespace
}  // namespace givewatch::storage

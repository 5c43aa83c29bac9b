#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/store.hpp"
#include "tests/integration/devnet.hpp"
#include "tests/integration/process.hpp"

namespace givewatch::test {

/// What a test may change in the configuration it runs givewatch with.
struct ConfigOptions {
  std::map<std::string, std::vector<std::string>> rpc;  ///< chain name → endpoints (default: the node)
  std::map<std::string, std::vector<std::string>> ws;   ///< chain name → WebSocket URLs (default: none)
  std::uint64_t confirmations = 3;
  std::string finality = "confirmations";
  std::uint64_t max_block_range = 1000;
  std::uint32_t poll_interval_ms = 100;
  std::vector<std::string> chains;  ///< chains to configure (default: all of the devnet's)
  std::vector<std::string> leave_out_campaigns;  ///< campaigns not to configure
  std::uint16_t api_port = 0;  ///< [server] listen = "127.0.0.1:api_port" (0: a free port)
  std::string extra_toml;      ///< appended to the file, e.g. [[alerts]] tables
};

/// Writes a givewatch configuration for the devnet's chains, tokens and campaigns; returns its path.
std::filesystem::path write_config(const Devnet& devnet, const std::filesystem::path& dir, const ConfigOptions& options);

/// The givewatch binary running as the daemon, its output appended to `log`.
class Daemon {
 public:
  /// `log_level` as --log-level takes it; "debug" adds the step lines RunLog counts.
  Daemon(const std::filesystem::path& config, std::filesystem::path log, const std::string& log_level = "info");
  ~Daemon();
  /// SIGTERM and wait; the exit status (0 when it stopped cleanly).
  int stop();
  /// SIGKILL: the crash case.
  void kill();
  bool running() { return process_ && process_->running(); }
  /// The daemon's peak resident set so far (VmHWM), in kB; 0 once it has ended.
  std::uint64_t peak_rss_kb() const;
  std::string log() const { return read_file(log_); }

 private:
  std::filesystem::path log_;
  std::unique_ptr<Process> process_;
};

/// A donation as givewatch stored it.
using StoredDonations = std::map<DonationKey, storage::Donation>;

/// Every donation of every campaign in a read-only view of the data directory.
StoredDonations read_store(const std::filesystem::path& data, const std::vector<std::string>& campaigns);

/// Waits until `ready(view)` holds for a fresh read-only view of the store, up to `timeout`.
/// Returns false on timeout.
bool wait_for_store(const std::filesystem::path& data, std::chrono::seconds timeout,
                    const std::function<bool(storage::Store&)>& ready);

/// Waits until the chain's cursor has indexed `block` and confirmed `confirmed` (when given).
bool wait_indexed(const std::filesystem::path& data, std::uint64_t chain_id, std::uint64_t block,
                  std::optional<std::uint64_t> confirmed = std::nullopt,
                  std::chrono::seconds timeout = std::chrono::seconds(60));

/// Expects the stored donations to be exactly the truth: same set of (chain, tx, log index), and
/// for each the same campaign, token, sender, receiver, amount, block, block hash and block timestamp
/// (the header's, as the truth read it); and the store's
/// totals to be the sums of the truth. `confirmed_through` per chain id: truth donations at or below
/// it must be stored as confirmed, above it as pending.
void expect_store_equals_truth(const std::filesystem::path& data, const std::map<DonationKey, TruthDonation>& truth,
                               const std::vector<std::string>& campaigns,
                               const std::map<std::uint64_t, std::uint64_t>& confirmed_through = {});

/// How many times `needle` occurs in `text` (a log, say).
std::size_t occurrences(const std::string& text, const std::string& needle);

/// The givewatch binary under test.
std::string givewatch_binary();

}  // namespace givewatch::test

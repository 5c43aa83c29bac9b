#include "tests/integration/harness.hpp"

#include "tests/support/free_port.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

namespace givewatch::test {

std::string givewatch_binary() { return GIVEWATCH_BINARY; }

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::filesystem::path write_config(const Devnet& devnet, const std::filesystem::path& dir,
                                   const ConfigOptions& options) {
  // The devnet's own config holds the tokens and campaigns; only [storage] and [[chains]] change.
  const std::string source = read_file(devnet.config_path());
  const auto tokens_at = source.find("[[tokens]]");
  if (tokens_at == std::string::npos) throw std::runtime_error("devnet config has no [[tokens]]");
  std::string rest = source.substr(tokens_at);

  std::ostringstream out;
  out << "[server]\nlisten = \"127.0.0.1:" << (options.api_port ? options.api_port : free_port()) << "\"\n\n";
  out << "[storage]\npath = \"" << (dir / "data").string() << "\"\n\n";
  for (const auto& chain : devnet.chains()) {
    const bool wanted = options.chains.empty() ||
                        std::find(options.chains.begin(), options.chains.end(), chain.name) != options.chains.end();
    if (!wanted) continue;
    out << "[[chains]]\nname = \"" << chain.name << "\"\nchain_id = " << chain.chain_id << "\nrpc = [";
    auto custom = options.rpc.find(chain.name);
    const std::vector<std::string> urls = custom != options.rpc.end() ? custom->second : std::vector{chain.rpc};
    for (std::size_t i = 0; i < urls.size(); ++i) out << (i ? ", " : "") << '"' << urls[i] << '"';
    out << "]\nconfirmations = " << options.confirmations << "\nfinality = \"" << options.finality
        << "\"\npoll_interval_ms = " << options.poll_interval_ms
        << "\nmax_block_range = " << options.max_block_range << "\n";
    if (auto ws = options.ws.find(chain.name); ws != options.ws.end()) {
      out << "ws = [";
      for (std::size_t i = 0; i < ws->second.size(); ++i) out << (i ? ", " : "") << '"' << ws->second[i] << '"';
      out << "]\n";
    }
    out << "\n";
  }
  // Drop the tokens and campaign addresses of chains left out, and the campaigns left out.
  auto wanted_chain = [&](const std::string& block) {
    for (const auto& chain : devnet.chains()) {
      const bool listed = options.chains.empty() ||
                          std::find(options.chains.begin(), options.chains.end(), chain.name) != options.chains.end();
      if (!listed && block.find("chain = \"" + chain.name + "\"") != std::string::npos) return false;
    }
    return true;
  };
  std::istringstream in(rest);
  std::string line, block, kept;
  bool in_left_out_campaign = false;
  auto flush = [&] {
    const auto header = block.substr(0, block.find('\n'));
    if (header.find("[[campaigns]]") != std::string::npos) {
      in_left_out_campaign = false;
      for (const auto& id : options.leave_out_campaigns) {
        if (block.find("id = \"" + id + "\"") != std::string::npos) in_left_out_campaign = true;
      }
    }
    const bool campaign_part = header.find("[[campaigns") != std::string::npos;
    if (!(campaign_part && in_left_out_campaign) && wanted_chain(block)) kept += block;
    block.clear();
  };
  while (std::getline(in, line)) {
    const auto trimmed = line.substr(std::min(line.find_first_not_of(' '), line.size()));
    if (trimmed.rfind("[[", 0) == 0) flush();
    block += line + "\n";
  }
  flush();
  rest = kept;
  out << rest;
  if (!options.extra_toml.empty()) out << '\n' << options.extra_toml << '\n';
  const auto path = dir / "givewatch.toml";
  std::ofstream(path) << out.str();
  return path;
}

Daemon::Daemon(const std::filesystem::path& config, std::filesystem::path log, const std::string& log_level)
    : log_(std::move(log)) {
  process_ = std::make_unique<Process>(
      std::vector<std::string>{givewatch_binary(), "run", "--config", config.string(), "--log-level", log_level}, log_);
}

Daemon::~Daemon() {
  if (process_ && process_->running()) process_->stop(SIGKILL, std::chrono::seconds(10));
}

namespace {

/// The process's peak resident set (VmHWM), in kB; 0 when it cannot be read.
std::uint64_t peak_rss_kb(pid_t pid) {
  std::istringstream status(read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

}  // namespace

std::uint64_t Daemon::peak_rss_kb() const {
  return test::peak_rss_kb(process_->pid());
}

int Daemon::stop() {
  if (const auto kb = peak_rss_kb())
    std::printf("givewatch peak RSS: %.1f MB\n", static_cast<double>(kb) / 1024);
  return process_->stop(SIGTERM, std::chrono::seconds(30));
}

void Daemon::kill() { process_->stop(SIGKILL, std::chrono::seconds(10)); }

StoredDonations read_store(const std::filesystem::path& data, const std::vector<std::string>& campaigns) {
  auto store = storage::Store::open(data, storage::Options{.read_only = true});
  if (!store) throw std::runtime_error(store.error().message);
  StoredDonations out;
  for (const auto& campaign : campaigns) {
    storage::DonationQuery q{.campaign = campaign, .limit = 1000};
    while (true) {
      auto page = (*store)->donations(q);
      if (!page) throw std::runtime_error(page.error().message);
      for (auto& d : page->donations) {
        const DonationKey key{d.chain_id, d.tx_hash, d.log_index};
        if (!out.emplace(key, d).second) ADD_FAILURE() << "a donation is listed twice";
      }
      if (!page->next_cursor) break;
      q.cursor = *page->next_cursor;
    }
  }
  return out;
}

bool wait_for_store(const std::filesystem::path& data, std::chrono::seconds timeout,
                    const std::function<bool(storage::Store&)>& ready) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(data / "CURRENT")) {
      auto store = storage::Store::open(data, storage::Options{.read_only = true});
      if (store && ready(**store)) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

bool wait_indexed(const std::filesystem::path& data, std::uint64_t chain_id, std::uint64_t block,
                  std::optional<std::uint64_t> confirmed, std::chrono::seconds timeout) {
  return wait_for_store(data, timeout, [&](storage::Store& s) {
    auto cursor = s.chain_cursor(chain_id);
    return cursor && *cursor && (*cursor)->indexed_block >= block &&
           (!confirmed || (*cursor)->confirmed_block >= *confirmed);
  });
}

void expect_store_equals_truth(const std::filesystem::path& data, const std::map<DonationKey, TruthDonation>& truth,
                               const std::vector<std::string>& campaigns,
                               const std::map<std::uint64_t, std::uint64_t>& confirmed_through) {
  const auto stored = read_store(data, campaigns);
  std::size_t missing = 0, extra = 0, different = 0, mistimed = 0;
  for (const auto& [key, t] : truth) {
    auto it = stored.find(key);
    if (it == stored.end()) {
      if (++missing <= 5) ADD_FAILURE() << "missing donation " << core::to_hex(t.tx_hash) << " log " << t.log_index;
      continue;
    }
    const auto& d = it->second;
    const bool same = d.campaign == t.campaign && d.token == t.token && d.from == t.from && d.to == t.to &&
                      d.amount == t.amount && d.block_number == t.block_number && d.block_hash == t.block_hash;
    if (!same && ++different <= 5) {
      ADD_FAILURE() << "donation " << core::to_hex(t.tx_hash) << " log " << t.log_index << " differs: stored "
                    << core::to_string(d.amount) << " to " << d.campaign << ", truth " << core::to_string(t.amount)
                    << " to " << t.campaign;
    }
    if (d.timestamp != t.block_timestamp && ++mistimed <= 5) {
      ADD_FAILURE() << "donation " << core::to_hex(t.tx_hash) << " log " << t.log_index << " in block "
                    << t.block_number << " has timestamp " << d.timestamp << ", its block's is " << t.block_timestamp;
    }
    if (auto c = confirmed_through.find(t.chain_id); c != confirmed_through.end()) {
      const auto want = t.block_number <= c->second ? storage::Status::confirmed : storage::Status::pending;
      EXPECT_EQ(d.status, want) << "status of donation in block " << t.block_number;
    }
  }
  for (const auto& [key, d] : stored) {
    if (!truth.contains(key) && ++extra <= 5) {
      ADD_FAILURE() << "stored donation not in the truth: " << core::to_hex(d.tx_hash) << " log " << d.log_index
                    << " in block " << d.block_number;
    }
  }
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(extra, 0u);
  EXPECT_EQ(different, 0u);
  EXPECT_EQ(mistimed, 0u);
  EXPECT_EQ(stored.size(), truth.size());

  // Totals: per campaign, chain and token, the sum of the truth.
  auto store = storage::Store::open(data, storage::Options{.read_only = true});
  ASSERT_TRUE(store) << store.error().message;
  for (const auto& campaign : campaigns) {
    std::map<std::pair<std::uint64_t, core::Address>, core::Amount> want;
    std::map<std::pair<std::uint64_t, core::Address>, std::uint64_t> count;
    for (const auto& [key, t] : truth) {
      if (t.campaign != campaign) continue;
      want[{t.chain_id, t.token}] += t.amount;
      ++count[{t.chain_id, t.token}];
    }
    auto totals = (*store)->totals(campaign);
    ASSERT_TRUE(totals) << totals.error().message;
    std::map<std::pair<std::uint64_t, core::Address>, core::Amount> have;
    std::map<std::pair<std::uint64_t, core::Address>, std::uint64_t> have_count;
    for (const auto& t : totals->tokens) {
      have[{t.chain_id, t.token}] = t.confirmed_amount + t.pending_amount;
      have_count[{t.chain_id, t.token}] = t.confirmed_count + t.pending_count;
    }
    EXPECT_EQ(have, want) << "totals of " << campaign;
    EXPECT_EQ(have_count, count) << "donation counts of " << campaign;
  }
  auto verified = (*store)->verify();
  EXPECT_TRUE(verified) << verified.error().message;
}

}  // namespace givewatch::test

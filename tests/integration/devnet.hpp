#pragma once

#include <boost/json/value.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/amount.hpp"
#include "core/bytes.hpp"
#include "tests/integration/process.hpp"

namespace givewatch::test {

/// A donation as the devnet's ground truth (the node's own eth_getLogs) sees it.
struct TruthDonation {
  std::uint64_t chain_id = 0;
  std::string campaign;
  core::Address token;
  core::Hash tx_hash;
  std::uint32_t log_index = 0;
  std::uint64_t block_number = 0;
  core::Hash block_hash;
  std::uint64_t block_timestamp = 0;  ///< the `timestamp` of the block's header
  core::Address from;
  core::Address to;
  core::Amount amount;
};

/// (chain id, tx hash, log index): a donation's identity.
using DonationKey = std::tuple<std::uint64_t, core::Hash, std::uint32_t>;

struct DevnetChain {
  std::string name;
  std::uint64_t chain_id = 0;
  std::string rpc;
  std::uint16_t port = 0;
  core::Address token;
};

/// The local EVM devnet (scripts/devnet/devnet): real Hardhat nodes for chains 56, 1313161554 and
/// 42220 with real ERC-20 contracts, started for one test and stopped at its end.
class Devnet {
 public:
  explicit Devnet(const std::filesystem::path& dir, const std::string& chains = "bsc,aurora,celo");
  ~Devnet();

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path manifest_path() const { return dir_ / "devnet.json"; }
  /// The givewatch configuration `up` wrote for these nodes.
  std::filesystem::path config_path() const { return dir_ / "givewatch.toml"; }
  const std::vector<DevnetChain>& chains() const { return chains_; }
  const DevnetChain& chain(const std::string& name) const;
  const std::vector<std::string>& campaigns() const { return campaigns_; }

  /// Runs `devnet <command> --manifest M <args>` and returns its JSON answer; throws with its stderr.
  boost::json::value run(const std::string& command, std::vector<std::string> args);

  /// Sends `donations` donations and `noise` transfers that are not donations; returns their count.
  std::size_t traffic(const std::string& chain, int donations, int noise, int seed, int per_block = 10);
  std::uint64_t mine(const std::string& chain, int blocks);
  std::uint64_t head(const std::string& chain);
  std::string snapshot(const std::string& chain);
  std::uint64_t revert(const std::string& chain, const std::string& id);

  /// Every donation the nodes hold now, by identity.
  std::map<DonationKey, TruthDonation> truth();

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Process> up_;
  std::vector<DevnetChain> chains_;
  std::vector<std::string> campaigns_;
};

/// The devnet tool, scripts/devnet/devnet in the source tree.
std::string devnet_tool();

}  // namespace givewatch::test

#include "tests/integration/devnet.hpp"

#include <signal.h>

#include <boost/json.hpp>
#include <stdexcept>
#include <thread>

namespace givewatch::test {

namespace json = boost::json;

std::string devnet_tool() { return std::string(GIVEWATCH_SOURCE_DIR) + "/scripts/devnet/devnet"; }

namespace {

template <class T>
T must(core::Result<T> r, const std::string& what) {
  if (!r) throw std::runtime_error(what + ": " + r.error().message);
  return std::move(*r);
}

std::string text(const json::value& v, const char* key) { return std::string(v.at(key).as_string()); }

}  // namespace

Devnet::Devnet(const std::filesystem::path& dir, const std::string& chains) : dir_(dir) {
  std::filesystem::create_directories(dir_);
  const auto log = dir_ / "up.log";
  up_ = std::make_unique<Process>(
      std::vector<std::string>{devnet_tool(), "up", "--dir", dir_.string(), "--ports", "auto", "--api-port", "auto",
                               "--chains", chains},
      log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (read_file(log).find("READY") == std::string::npos) {
    if (!up_->running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("devnet did not start:\n" + read_file(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const json::value manifest = json::parse(read_file(manifest_path()));
  for (const auto& c : manifest.at("chains").as_array()) {
    DevnetChain chain;
    chain.name = text(c, "name");
    chain.chain_id = c.at("chain_id").to_number<std::uint64_t>();
    chain.rpc = text(c, "rpc");
    chain.port = c.at("port").to_number<std::uint16_t>();
    chain.token = must(core::parse_address(text(c.at("token"), "address")), "manifest token");
    chains_.push_back(std::move(chain));
  }
  for (const auto& c : manifest.at("campaigns").as_array()) campaigns_.push_back(text(c, "id"));
}

Devnet::~Devnet() {
  if (up_) up_->stop(SIGTERM, std::chrono::seconds(20));
}

const DevnetChain& Devnet::chain(const std::string& name) const {
  for (const auto& c : chains_) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no devnet chain " + name);
}

json::value Devnet::run(const std::string& command, std::vector<std::string> args) {
  std::vector<std::string> argv{devnet_tool(), command, "--manifest", manifest_path().string(), "--quiet"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string out, err;
  const int status = run_command(argv, out, err);
  if (status != 0) {
    throw std::runtime_error("devnet " + command + " failed (" + std::to_string(status) + "): " + err + out);
  }
  return json::parse(out);
}

std::size_t Devnet::traffic(const std::string& chain, int donations, int noise, int seed, int per_block) {
  auto r = run("traffic", {"--chain", chain, "--donations", std::to_string(donations), "--noise",
                           std::to_string(noise), "--seed", std::to_string(seed), "--per-block",
                           std::to_string(per_block)});
  return r.at("donations").as_array().size();
}

std::uint64_t Devnet::mine(const std::string& chain, int blocks) {
  return run("mine", {"--chain", chain, "--blocks", std::to_string(blocks)}).at("head").to_number<std::uint64_t>();
}

std::uint64_t Devnet::head(const std::string& chain) {
  return run("head", {"--chain", chain}).at("head").to_number<std::uint64_t>();
}

std::string Devnet::snapshot(const std::string& chain) {
  return std::string(run("snapshot", {"--chain", chain}).at("id").as_string());
}

std::uint64_t Devnet::revert(const std::string& chain, const std::string& id) {
  return run("revert", {"--chain", chain, "--id", id}).at("head").to_number<std::uint64_t>();
}

std::map<DonationKey, TruthDonation> Devnet::truth() {
  const auto answer = run("truth", {});
  std::map<DonationKey, TruthDonation> out;
  for (const auto& d : answer.at("donations").as_array()) {
    TruthDonation t;
    t.chain_id = d.at("chain_id").to_number<std::uint64_t>();
    t.campaign = text(d, "campaign");
    t.token = must(core::parse_address(text(d, "token")), "truth token");
    t.tx_hash = must(core::parse_hash(text(d, "tx_hash")), "truth tx");
    t.log_index = d.at("log_index").to_number<std::uint32_t>();
    t.block_number = d.at("block_number").to_number<std::uint64_t>();
    t.block_hash = must(core::parse_hash(text(d, "block_hash")), "truth block hash");
    t.block_timestamp = d.at("block_timestamp").to_number<std::uint64_t>();
    t.from = must(core::parse_address(text(d, "from")), "truth from");
    t.to = must(core::parse_address(text(d, "to")), "truth to");
    t.amount = must(core::parse_amount(text(d, "amount")), "truth amount");
    out.emplace(DonationKey{t.chain_id, t.tx_hash, t.log_index}, std::move(t));
  }
  return out;
}

}  // namespace givewatch::test

// `givewatch audit` against a real node: a clean store passes; a donation altered or removed behind
// givewatch's back, and donations of blocks that a reorg took away while the daemon was stopped, are
// each reported with their kind, and the exit status says so.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "tests/integration/devnet.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/process.hpp"
#include "tests/integration/store_tamper.hpp"

namespace givewatch::test {
namespace {

namespace json = boost::json;

struct Audited {
  int status = -1;
  std::string out, err;
  std::map<std::string, std::uint64_t> by_kind;  ///< from --json's summary
  std::vector<json::object> findings;
};

Audited audit(const std::filesystem::path& config, std::vector<std::string> extra = {}) {
  Audited a;
  std::vector<std::string> argv{GIVEWATCH_BINARY, "audit", "--config", config.string(), "--json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  a.status = run_command(argv, a.out, a.err);
  std::istringstream lines(a.out);
  for (std::string line; std::getline(lines, line);) {
    auto v = json::parse(line).as_object();
    if (v.contains("summary")) {
      for (const auto& [kind, n] : v.at("by_kind").as_object()) a.by_kind[std::string(kind)] = n.to_number<std::uint64_t>();
    } else {
      a.findings.push_back(std::move(v));
    }
  }
  return a;
}

TEST(Audit, FindsWhatWasChangedBehindItsBackAndWhatAReorgTookAway) {
  ScratchDir dir("audit");
  Devnet devnet(dir.path() / "devnet", "bsc");
  const auto chain_id = devnet.chain("bsc").chain_id;
  devnet.traffic("bsc", 40, 15, 31);
  devnet.mine("bsc", 5);
  const std::string before_reorg = devnet.snapshot("bsc");
  const std::uint64_t kept = devnet.head("bsc");  // blocks up to here survive the reorg below
  devnet.traffic("bsc", 8, 3, 32);
  devnet.mine("bsc", 5);
  const auto config = write_config(devnet, dir.path(), ConfigOptions{});
  const auto data = dir.path() / "data";
  {
    Daemon daemon(config, dir.path() / "givewatch.log");
    const auto head = devnet.head("bsc");
    ASSERT_TRUE(wait_indexed(data, chain_id, head, head - 3)) << daemon.log();
    ASSERT_EQ(daemon.stop(), 0) << daemon.log();
  }
  const auto stored = read_store(data, devnet.campaigns());
  ASSERT_EQ(stored.size(), devnet.truth().size());

  // 1. Clean: exit 0, every stored donation checked, the text summary says so.
  const auto clean = audit(config);
  EXPECT_EQ(clean.status, 0) << clean.out << clean.err;
  EXPECT_TRUE(clean.findings.empty()) << clean.out;
  std::string out, err;
  EXPECT_EQ(run_command({GIVEWATCH_BINARY, "audit", "--config", config.string()}, out, err), 0) << out << err;
  EXPECT_NE(out.find("audited " + std::to_string(stored.size()) + " stored donations"), std::string::npos) << out;
  EXPECT_NE(out.find("clean: the store matches the chain"), std::string::npos) << out;

  // 2. One amount altered, one donation removed, behind givewatch's back (both in blocks the reorg
  // below keeps).
  std::vector<storage::Donation> below_reorg;
  for (const auto& [key, d] : stored) {
    if (d.block_number <= kept) below_reorg.push_back(d);
  }
  ASSERT_GE(below_reorg.size(), 2u);
  const storage::Donation altered = below_reorg[0];
  const storage::Donation removed = below_reorg[1];
  tamper_amount(data, altered, altered.amount + 1);
  remove_donation(data, removed);
  const auto tampered = audit(config);
  EXPECT_EQ(tampered.status, 1) << tampered.out << tampered.err;
  EXPECT_EQ(tampered.by_kind, (std::map<std::string, std::uint64_t>{{"differs", 1}, {"missing", 1}})) << tampered.out;
  for (const auto& f : tampered.findings) {
    const auto& expected = f.at("kind") == "differs" ? altered : removed;
    EXPECT_EQ(std::string(f.at("tx_hash").as_string()), core::to_hex(expected.tx_hash)) << json::serialize(f);
    EXPECT_EQ(f.at("log_index").to_number<std::uint32_t>(), expected.log_index);
    if (f.at("kind") == "differs") {
      EXPECT_NE(std::string(f.at("detail").as_string()).find("amount: stored"), std::string::npos);
    }
  }

  // 3. A reorg while givewatch is stopped takes the last donations' blocks away.
  devnet.revert("bsc", before_reorg);
  devnet.mine("bsc", 12);
  std::size_t gone = 0;
  const auto truth = devnet.truth();
  for (const auto& [key, d] : stored) gone += truth.count(key) ? 0u : 1u;
  ASSERT_GE(gone, 4u);
  auto reorged = audit(config);
  EXPECT_EQ(reorged.status, 1);
  EXPECT_EQ(reorged.by_kind["extra"], gone) << reorged.out;
  EXPECT_EQ(reorged.by_kind["receipt_missing"], gone) << reorged.out;
  EXPECT_GE(reorged.by_kind["not_canonical"], gone) << reorged.out;
  EXPECT_EQ(reorged.by_kind["differs"], 1u);
  EXPECT_EQ(reorged.by_kind["missing"], 1u);

  // 4. The scope: the blocks the reorg kept show the tampering alone.
  const auto below = audit(config, {"--to-block", std::to_string(kept)});
  EXPECT_EQ(below.by_kind, (std::map<std::string, std::uint64_t>{{"differs", 1}, {"missing", 1}})) << below.out;
  // Usage errors are exit 2.
  EXPECT_EQ(run_command({GIVEWATCH_BINARY, "audit", "--config", config.string(), "--chain", "nope"}, out, err), 2);
  EXPECT_EQ(run_command({GIVEWATCH_BINARY, "audit", "--config", config.string(), "--rpc", "bsc"}, out, err), 2);
}

}  // namespace
}  // namespace givewatch::test

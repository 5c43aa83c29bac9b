// Attestations of campaign totals: the exact text signed, the endpoint with and without a key, and
// every signature checked by ethers.verifyMessage (tests/api/verify_attestation.mjs), tampered ones
// refused.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "api/attestation.hpp"
#include "tests/api/fixture.hpp"
#include "tests/support/run_command.hpp"

namespace givewatch::api {
namespace {

namespace json = boost::json;
using test::Fixture;

constexpr std::uint64_t kBsc = 56;
constexpr std::string_view kKey = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
constexpr const char* kSigner = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";

/// Two confirmed donations and one pending to memorial on bsc; blocks 10..20 stored, 15 confirmed.
void fill(Fixture& f) {
  storage::Step s;
  s.chain_id = kBsc;
  s.donations = {f.donation(kBsc, "BUSD", "memorial", 1'500'000'000'000'000'000, 10, 0, 1),
                 f.donation(kBsc, "BUSD", "memorial", 250'000'000'000'000'000, 12, 1, 2),
                 f.donation(kBsc, "USDC", "memorial", 7, 20, 3, 3)};
  s.confirm_through = 15;
  for (std::uint64_t b = 10; b <= 20; ++b) {
    core::Hash h;
    h.bytes.fill(static_cast<std::uint8_t>(0xa0 + b));
    s.blocks.push_back(storage::BlockRef{b, h});
  }
  s.indexed = s.blocks.back();
  ASSERT_TRUE(f.store->apply(s));
}

TEST(Attestation, TheMessageNamesEveryTotalAndBlock) {
  Fixture f;
  fill(f);
  const auto message = attestation_message(f.config, *f.store, f.config.campaigns[0], 1'700'000'000).value();
  EXPECT_EQ(message,
            "givewatch attestation of campaign totals\n"
            "campaign: memorial\n"
            "name: Political Prisoners. Memorial\n"
            "time: 2023-11-14T22:13:20Z\n"
            "chain: bsc (chain id 56), confirmed up to block 15 (hash "
            "0xafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafafaf)\n"
            "  BUSD 0xe9e7CEA3DedcA5984780Bafc599bD69ADd087D56: 1.75 confirmed (1750000000000000000 base units) in 2 donations\n"
            "  USDC 0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d: 0 confirmed (0 base units) in 0 donations\n"
            "chain: aurora (chain id 1313161554), confirmed up to block 0 (nothing indexed yet)\n"
            "  USDC 0x368EBb46ACa6b8D0787C96B2b20bD3CC3F2c45F7: 0 confirmed (0 base units) in 0 donations\n"
            "  NOTUSD 0xB12BFcA5A55806AaF64E99521918A4bf0fC40802: 0 confirmed (0 base units) in 0 donations\n"
            "confirmed USD: 1.75\n");
  // The same store and time give the same bytes.
  EXPECT_EQ(attestation_message(f.config, *f.store, f.config.campaigns[0], 1'700'000'000).value(), message);
}

TEST(Attestation, WithoutAKeyTheEndpointSaysWhy) {
  Fixture f;
  const auto r = f.get("/v1/campaigns/memorial/attestation");
  EXPECT_EQ(r.status, 404u);
  EXPECT_NE(std::string(r.payload()).find("[attestation]"), std::string::npos) << r.payload();
  EXPECT_TRUE(json::parse(f.get("/v1/info").payload()).at("attestation_signer").is_null());
}

/// Writes the cases for verify_attestation.mjs and runs it under the project's Node.
std::pair<int, std::string> verify(const json::array& cases) {
  givewatch::test::TempDir dir("attest-verify");
  const auto file = dir.path() / "cases.json";
  std::ofstream(file) << json::serialize(cases);
  return givewatch::test::run_command(std::string("'") + GIVEWATCH_NODE + "' '" + VERIFY_ATTESTATION_SCRIPT + "' '" +
                                      file.string() + "' 2>&1");
}

TEST(Attestation, EthersVerifiesEverySignatureAndNoTamperedOne) {
  Fixture f;
  fill(f);
  f.sign_with(kKey);
  EXPECT_EQ(json::parse(f.get("/v1/info").payload()).at("attestation_signer"), kSigner);
  json::array cases;
  for (const std::string campaign : {"memorial", "rbb"}) {
    const auto r = f.get("/v1/campaigns/" + campaign + "/attestation");
    ASSERT_EQ(r.status, 200u) << r.payload();
    EXPECT_EQ(r.cache_control, "no-store");
    auto doc = json::parse(r.payload()).as_object();
    EXPECT_EQ(doc.at("signer"), kSigner);
    const std::string message(doc.at("message").as_string());
    EXPECT_NE(message.find("campaign: " + campaign + "\n"), std::string::npos) << message;
    doc["valid"] = true;
    cases.push_back(doc);

    auto amount = doc;  // one digit of a total changed
    std::string changed = message;
    const auto at = changed.find(" confirmed (");
    ASSERT_NE(at, std::string::npos);
    changed[at - 1] = changed[at - 1] == '9' ? '8' : static_cast<char>(changed[at - 1] + 1);
    amount["message"] = changed;
    amount["valid"] = false;
    cases.push_back(amount);

    auto signature = doc;  // one bit of r flipped
    std::string sig(doc.at("signature").as_string());
    sig[10] = sig[10] == '0' ? '1' : '0';
    signature["signature"] = sig;
    signature["valid"] = false;
    cases.push_back(signature);

    auto other = doc;  // claimed by another address
    other["signer"] = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf";
    other["valid"] = false;
    cases.push_back(other);
  }
  const auto [status, output] = verify(cases);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("8 of 8 cases as expected"), std::string::npos) << output;
}

}  // namespace
}  // namespace givewatch::api

// The attestation signer: addresses and EIP-191 signatures equal to what ethers 6 computes for the
// same keys and messages (the vectors were made with `new Wallet(key).signMessage(message)`), low s
// on many messages, and the key file's rules (owner-only mode, 64 hex digits, no overwrite).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "attest/signer.hpp"
#include "tests/support/temp_dir.hpp"

namespace givewatch::attest {
namespace {

SecretKey key_of(std::string_view hex) {
  const auto bytes = core::from_hex(hex).value();
  SecretKey key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

std::string hex(const Signature& s) {
  return core::to_hex(core::ByteView(s.data(), s.size()));
}

struct Vector {
  std::string_view key, address, message, hash, signature;
};

// From ethers 6.17: Wallet(key).address, hashMessage(message), Wallet(key).signMessage(message).
constexpr Vector kVectors[] = {
    {"0x0000000000000000000000000000000000000000000000000000000000000001",
     "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "",
     "0x5f35dce98ba4fba25530a026ed80b2cecdaa31091ba4958b99b52ea1d068adad",
     "0x0ac02a3eb3039b7a3ebb6a35f1e0dd31a4ed51781205a2c193354752a25edad50593868baf38c519b78bdc61a23c3f55e058c29f8b83d79ae48cc47d931afaed1b"},
    {"0x0000000000000000000000000000000000000000000000000000000000000001",
     "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", "givewatch attestation\nкампания: Мемориал\n",
     "0xe2695d74361e4dbbea9fe644be4d1f6fbf9fc7f5790c02daf0e8ed5159b15145",
     "0xe75245f2843c56bf0986fb9fdeb017d90645b9a805c0b97cc5d629aabe4749de1398d8ae955902190a543572ca4b87dab0e53325760982183a190c94e5370dd41c"},
    {"0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
     "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", "",
     "0x5f35dce98ba4fba25530a026ed80b2cecdaa31091ba4958b99b52ea1d068adad",
     "0x8a68b4e66cd2b575338e16069d7b65f6f67c7ceae8945dccf8cb7bdb06278d933dd9c888f3444ca4698464079a067ad3cfffe96d493b8ecf56885169d0fdfe7d1b"},
    {"0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
     "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", "givewatch attestation\nкампания: Мемориал\n",
     "0xe2695d74361e4dbbea9fe644be4d1f6fbf9fc7f5790c02daf0e8ed5159b15145",
     "0xc895b1cb62abddcecb03daa244896e2fc76dea735b8e4457a4725ff324ac9b9b53091b69f3f47eac5df3c4575f02ab1f20d794d3eabebbcf9b5bf74412aff4d91c"},
};

TEST(Signer, AddressesHashesAndSignaturesEqualEthers) {
  for (const auto& v : kVectors) {
    auto signer = Signer::make(key_of(v.key)).value();
    EXPECT_EQ(core::to_checksum(signer->address()), v.address);
    EXPECT_EQ(core::to_hex(personal_message_hash(v.message)), v.hash);
    EXPECT_EQ(hex(signer->sign_personal(v.message)), v.signature) << v.key << " " << v.message;
  }
}

TEST(Signer, SignaturesAreDeterministicAndLowS) {
  auto signer = Signer::make(key_of("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")).value();
  // n / 2 for secp256k1: a signature with s above it has a twin that wallets and EIP-2 prefer.
  const auto half = core::from_hex("0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0").value();
  for (int i = 0; i < 300; ++i) {
    const std::string message = "totals " + std::to_string(i);
    const Signature s = signer->sign_personal(message);
    EXPECT_EQ(s, signer->sign_personal(message));
    EXPECT_TRUE(std::lexicographical_compare(s.begin() + 32, s.begin() + 64, half.begin(), half.end()) ||
                std::equal(s.begin() + 32, s.begin() + 64, half.begin()))
        << message;
    EXPECT_TRUE(s[64] == 27 || s[64] == 28);
  }
}

TEST(Signer, RefusesKeysOffTheCurve) {
  EXPECT_FALSE(Signer::make(SecretKey{}));
  // The curve order n and n + 1.
  EXPECT_FALSE(Signer::make(key_of("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")));
  EXPECT_FALSE(Signer::make(key_of("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142")));
  EXPECT_TRUE(Signer::make(key_of("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")));
}

std::filesystem::path write(const std::filesystem::path& path, std::string_view text, mode_t mode) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

TEST(KeyFile, OnlyItsOwnerMayReadIt) {
  givewatch::test::TempDir dir("attest");
  const std::string key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318\n";
  EXPECT_TRUE(read_key_file(write(dir.path() / "a", key, 0600)));
  EXPECT_TRUE(read_key_file(write(dir.path() / "b", key, 0400)));
  for (const mode_t mode : {0640u, 0604u, 0660u, 0644u, 0602u, 0620u}) {
    const auto result = read_key_file(write(dir.path() / "c", key, mode));
    ASSERT_FALSE(result) << std::oct << mode;
    EXPECT_NE(result.error().message.find("may be read or written by others"), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find("chmod 600"), std::string::npos);
    EXPECT_EQ(result.error().message.find("4c0883"), std::string::npos);  // never the key
  }
  EXPECT_FALSE(read_key_file(dir.path() / "missing"));
  EXPECT_FALSE(read_key_file(dir.path()));  // a directory
}

TEST(KeyFile, HoldsSixtyFourHexDigits) {
  givewatch::test::TempDir dir("attest");
  const std::string digits = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  const auto expected = key_of("0x" + digits);
  for (const std::string& text : {digits, "0x" + digits, "  " + digits + "\r\n", "0X" + digits + "\n\n"}) {
    auto key = read_key_file(write(dir.path() / "k", text, 0600));
    ASSERT_TRUE(key) << text << ": " << key.error().message;
    EXPECT_EQ(*key, expected);
  }
  for (const std::string& text : {std::string(), digits.substr(2), digits + "00", "0x" + digits.substr(0, 63) + "g",
                                 digits + " " + digits, std::string(300, 'a')}) {
    auto key = read_key_file(write(dir.path() / "k", text, 0600));
    ASSERT_FALSE(key) << text;
    EXPECT_EQ(key.error().code, core::Errc::config);
    EXPECT_EQ(key.error().message.find(digits.substr(0, 20)), std::string::npos) << key.error().message;
  }
  // Well formed, but zero: load_signer says so.
  const auto zero = load_signer(write(dir.path() / "z", std::string(64, '0'), 0600));
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().message.find("not a secp256k1 secret key"), std::string::npos) << zero.error().message;
}

TEST(KeyFile, KeygenWritesAnOwnerOnlyKeyAndNeverReplacesOne) {
  givewatch::test::TempDir dir("attest");
  const auto path = dir.path() / "attest.key";
  const auto address = write_new_key(path);
  ASSERT_TRUE(address) << address.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto signer = load_signer(path);
  ASSERT_TRUE(signer) << signer.error().message;
  EXPECT_EQ((*signer)->address(), *address);

  const auto again = write_new_key(path);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("never replaces a key"), std::string::npos) << again.error().message;
  EXPECT_EQ((*load_signer(path))->address(), *address);  // the first key is still there

  // Two keys made one after the other differ.
  const auto other = write_new_key(dir.path() / "other.key");
  ASSERT_TRUE(other);
  EXPECT_NE(*other, *address);
}

}  // namespace
}  // namespace givewatch::attest

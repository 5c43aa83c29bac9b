// [attestation]: the key file is checked when the configuration loads (owner-only mode, a valid
// secp256k1 key), with the error at the key_file line; `check` shows the signer's address.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "config/config.hpp"
#include "tests/config/helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace givewatch::config {
namespace {

using test::load;
using test::only_error;

constexpr std::string_view kKey = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

/// kBsc (lines 1-4), then [attestation] on line 5 and key_file = `path` on line 6.
LoadResult with_key_file(const std::filesystem::path& path) {
  return load(std::string(test::kBsc) + "[attestation]\nkey_file = \"" + path.string() + "\"\n");
}

std::filesystem::path key_file(const givewatch::test::TempDir& dir, std::string_view text, mode_t mode) {
  const auto path = dir.path() / "attest.key";
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

TEST(Attestation, AValidKeyGivesItsSigner) {
  givewatch::test::TempDir dir("config-attest");
  const auto path = key_file(dir, kKey, 0600);
  const auto loaded = with_key_file(path);
  ASSERT_TRUE(loaded.config) << only_error(loaded);
  ASSERT_TRUE(loaded.config->attestation);
  EXPECT_EQ(loaded.config->attestation->key_file, path);
  EXPECT_EQ(core::to_checksum(loaded.config->attestation->signer), "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
  const std::string text = summary(*loaded.config);
  EXPECT_NE(text.find("attestation\n  signer 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23  key " + path.string()),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find(kKey.substr(0, 16)), std::string::npos);
  EXPECT_FALSE(load(test::kBsc).config->attestation);
}

TEST(Attestation, ErrorsPointAtTheKeyFile) {
  givewatch::test::TempDir dir("config-attest");
  const auto path = key_file(dir, kKey, 0644);
  EXPECT_EQ(only_error(with_key_file(path)),
            "test.toml:6:12: attestation key file '" + path.string() +
                "' may be read or written by others (mode 0644); allow its owner only: chmod 600 '" + path.string() + "'");
  key_file(dir, "not a key", 0600);
  EXPECT_EQ(only_error(with_key_file(path)),
            "test.toml:6:12: attestation key file '" + path.string() +
                "' does not hold a key; expected 64 hex digits (a 32-byte secp256k1 key), as `givewatch keygen` writes");
  EXPECT_EQ(test::errors(load(std::string(test::kBsc) + "[attestation]\nkey = \"x\"\n")),
            (std::vector<std::string>{
                "test.toml:5:1: missing required key 'key_file' in [attestation]; expected a string",
                "test.toml:6:1: unknown key 'key' in [attestation]; did you mean 'key_file'? valid keys: key_file"}));
}

}  // namespace
}  // namespace givewatch::config

#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "core/bytes.hpp"
#include "core/error.hpp"

namespace givewatch::attest {

/// A 32-byte secp256k1 secret key.
using SecretKey = std::array<std::uint8_t, 32>;

/// An Ethereum signature as wallets and `ethers.verifyMessage` take it: r || s || v (v = 27 + recovery id).
using Signature = std::array<std::uint8_t, 65>;

/// The digest EIP-191 signs for a personal message: keccak256("\x19Ethereum Signed Message:\n" +
/// the message's length in bytes, in decimal + the message).
core::Hash personal_message_hash(std::string_view message);

/// Signs with one secp256k1 key: deterministic nonces (RFC 6979), low-s signatures, the key
/// wiped from memory when the signer goes. Thread-safe after construction.
class Signer {
 public:
  /// Errc::invalid_argument when `key` is zero or not below the curve order.
  static core::Result<std::unique_ptr<Signer>> make(const SecretKey& key);
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  /// The Ethereum address of the key: the last 20 bytes of keccak256 of the public key.
  const core::Address& address() const noexcept { return address_; }

  /// `message` signed as an EIP-191 personal message (what `ethers.verifyMessage` checks).
  Signature sign_personal(std::string_view message) const;

 private:
  struct Context;
  Signer(std::unique_ptr<Context> context, const SecretKey& key);

  std::unique_ptr<Context> context_;
  SecretKey key_{};
  core::Address address_;
};

/// Reads a key file: 64 hex digits (an optional 0x, surrounding whitespace), a regular file that
/// only its owner may read or write (no permission bits for group or others). Errc::config with a
/// message saying what is wrong and how to fix it; the key itself never appears in a message.
core::Result<SecretKey> read_key_file(const std::filesystem::path& path);

/// read_key_file, then Signer::make; the key's bytes are wiped once the signer holds them.
core::Result<std::unique_ptr<Signer>> load_signer(const std::filesystem::path& path);

/// Writes a new random key to `path` as 64 hex digits and a newline, readable by the owner only
/// (mode 0600); refuses to replace an existing file. Returns the key's address.
core::Result<core::Address> write_new_key(const std::filesystem::path& path);

}  // namespace givewatch::attest

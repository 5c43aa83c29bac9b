#include "alerts/signing.hpp"

#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <stdexcept>

#include "core/base64.hpp"
#include "core/keccak.hpp"

namespace givewatch::alerts {
namespace {

void put_u64(core::Bytes& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

template <std::size_t N>
void put_bytes(core::Bytes& out, const std::array<std::uint8_t, N>& bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

}  // namespace

std::string sign(std::span<const std::uint8_t> key, std::string_view id, std::int64_t timestamp,
                 std::string_view body) {
  const std::string prefix = std::string(id) + "." + std::to_string(timestamp) + ".";
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  // HMAC_CTX is deprecated in OpenSSL 3; EVP_MAC takes the message in parts, without copying the body.
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = hmac ? EVP_MAC_CTX_new(hmac) : nullptr;
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                               OSSL_PARAM_construct_end()};
  static const std::uint8_t kNoKey = 0;  // OpenSSL wants a non-null pointer even for an empty key
  std::size_t written = 0;
  const bool ok =
      ctx && EVP_MAC_init(ctx, key.empty() ? &kNoKey : key.data(), key.size(), params) == 1 &&
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(prefix.data()), prefix.size()) == 1 &&
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(body.data()), body.size()) == 1 &&
      EVP_MAC_final(ctx, mac.data(), &written, mac.size()) == 1;
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(hmac);
  if (!ok) throw std::runtime_error("OpenSSL could not compute HMAC-SHA256");
  return "v1," + core::base64_encode(std::span(mac.data(), written));
}

std::string event_id(const storage::Event& event) {
  const auto& d = event.donation;
  core::Bytes content;
  content.reserve(256 + d.campaign.size());
  content.push_back(static_cast<std::uint8_t>(event.type));
  put_u64(content, d.chain_id);
  put_u64(content, d.block_number);
  put_bytes(content, d.block_hash.bytes);
  put_bytes(content, d.tx_hash.bytes);
  put_u64(content, d.log_index);
  put_bytes(content, d.token.bytes);
  put_bytes(content, d.from.bytes);
  put_bytes(content, d.to.bytes);
  put_bytes(content, core::amount_to_word(d.amount));
  put_u64(content, d.campaign.size());  // length first: no two (campaign, status) pairs encode alike
  content.insert(content.end(), d.campaign.begin(), d.campaign.end());
  content.push_back(static_cast<std::uint8_t>(d.status));
  const core::Hash hash = core::keccak256(core::ByteView(content));
  // 8 bytes of the hash: "0x" + 16 hex digits.
  return "msg_" + std::to_string(event.seq) + "_" +
         core::to_hex(core::ByteView(hash.bytes.data(), 8)).substr(2);
}

}  // namespace givewatch::alerts

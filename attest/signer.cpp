#include "attest/signer.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "core/keccak.hpp"

namespace givewatch::attest {

namespace {

constexpr std::size_t kKeyFileLimit = 256;  // 64 hex digits, a 0x and some whitespace fit easily

core::Error key_error(const std::filesystem::path& path, std::string what) {
  return core::Error{core::Errc::config, "attestation key file '" + path.string() + "' " + std::move(what)};
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

struct Signer::Context {
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  Context() = default;
  ~Context() { secp256k1_context_destroy(ctx); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
};

core::Hash personal_message_hash(std::string_view message) {
  std::string prefixed = "\x19" "Ethereum Signed Message:\n" + std::to_string(message.size());
  prefixed.append(message);
  return core::keccak256(std::string_view(prefixed));
}

core::Result<std::unique_ptr<Signer>> Signer::make(const SecretKey& key) {
  auto context = std::make_unique<Context>();
  if (!context->ctx) return core::Error{core::Errc::invalid_argument, "secp256k1: no context"};
  if (!secp256k1_ec_seckey_verify(context->ctx, key.data())) {
    return core::Error{core::Errc::invalid_argument,
                       "the key is not a secp256k1 secret key (zero, or not below the curve order); make one with `givewatch keygen`"};
  }
  // Blinds the signing operations against side channels with fresh randomness.
  std::array<unsigned char, 32> seed{};
  if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) != 1 ||
      secp256k1_context_randomize(context->ctx, seed.data()) != 1) {
    return core::Error{core::Errc::invalid_argument, "secp256k1: no randomness to blind the signing context"};
  }
  return std::unique_ptr<Signer>(new Signer(std::move(context), key));
}

Signer::Signer(std::unique_ptr<Context> context, const SecretKey& key) : context_(std::move(context)), key_(key) {
  secp256k1_pubkey pub;
  // Cannot fail: make() verified the key.
  [[maybe_unused]] const int created = secp256k1_ec_pubkey_create(context_->ctx, &pub, key_.data());
  std::array<unsigned char, 65> serialized{};
  std::size_t size = serialized.size();
  (void)secp256k1_ec_pubkey_serialize(context_->ctx, serialized.data(), &size, &pub, SECP256K1_EC_UNCOMPRESSED);
  // The address hashes the 64 bytes of x and y, without the 0x04 prefix.
  const core::Hash h = core::keccak256(core::ByteView(serialized.data() + 1, 64));
  std::memcpy(address_.bytes.data(), h.bytes.data() + 12, 20);
}

Signer::~Signer() {
  OPENSSL_cleanse(key_.data(), key_.size());
}

Signature Signer::sign_personal(std::string_view message) const {
  const core::Hash digest = personal_message_hash(message);
  secp256k1_ecdsa_recoverable_signature sig;
  // nullptr nonce function: RFC 6979; libsecp256k1 always produces the lower of the two s values.
  (void)secp256k1_ecdsa_sign_recoverable(context_->ctx, &sig, digest.bytes.data(), key_.data(), nullptr, nullptr);
  Signature out{};
  int recovery = 0;
  (void)secp256k1_ecdsa_recoverable_signature_serialize_compact(context_->ctx, out.data(), &recovery, &sig);
  out[64] = static_cast<std::uint8_t>(27 + recovery);
  return out;
}

core::Result<SecretKey> read_key_file(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return key_error(path, std::string("cannot be read: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return key_error(path, "is not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return key_error(path, std::string("may be read or written by others (mode ") + mode +
                               "); allow its owner only: chmod 600 '" + path.string() + "'");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(kKeyFileLimit + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (!in.eof() && in.fail()) return key_error(path, "cannot be read");
  if (text.size() > kKeyFileLimit) return key_error(path, "is too long; expected 64 hex digits (a 32-byte secp256k1 key)");
  std::string_view v = text;
  while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  if (v.starts_with("0x") || v.starts_with("0X")) v.remove_prefix(2);
  auto bytes = v.size() == 64 ? core::from_hex(v) : core::Result<core::Bytes>(core::Error{core::Errc::bad_hex, ""});
  if (!bytes || bytes->size() != 32) {
    return key_error(path, "does not hold a key; expected 64 hex digits (a 32-byte secp256k1 key), as `givewatch keygen` writes");
  }
  SecretKey key{};
  std::memcpy(key.data(), bytes->data(), key.size());
  OPENSSL_cleanse(bytes->data(), bytes->size());
  OPENSSL_cleanse(text.data(), text.size());
  return key;
}

core::Result<std::unique_ptr<Signer>> load_signer(const std::filesystem::path& path) {
  auto key = read_key_file(path);
  if (!key) return key.error();
  auto signer = Signer::make(*key);
  OPENSSL_cleanse(key->data(), key->size());
  if (!signer) return core::Error{core::Errc::config, "attestation key file '" + path.string() + "': " + signer.error().message};
  return signer;
}

core::Result<core::Address> write_new_key(const std::filesystem::path& path) {
  SecretKey key{};
  std::unique_ptr<Signer> signer;
  do {
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
      return core::Error{core::Errc::invalid_argument, "no randomness for a key (OpenSSL RAND_bytes failed)"};
    }
    if (auto made = Signer::make(key)) signer = std::move(*made);
  } while (!signer);
  std::string text = core::to_hex(core::ByteView(key.data(), key.size()));  // "0x" + 64 digits
  text.erase(0, 2);
  text += '\n';  // fits the capacity the prefix left: one buffer holds the key, and it is wiped
  OPENSSL_cleanse(key.data(), key.size());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    OPENSSL_cleanse(text.data(), text.size());
    return core::Error{core::Errc::invalid_argument, "cannot create '" + path.string() + "': " + std::strerror(errno) +
                                                         (errno == EEXIST ? " (keygen never replaces a key)" : "")};
  }
  bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  const int error = errno;
  ok = ::close(fd) == 0 && ok;
  OPENSSL_cleanse(text.data(), text.size());
  if (!ok) {
    std::filesystem::remove(path);
    return core::Error{core::Errc::invalid_argument, "cannot write '" + path.string() + "': " + std::strerror(error)};
  }
  return signer->address();
}

}  // namespace givewatch::attest

#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "storage/store.hpp"

namespace givewatch::storage::test {

/// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "givewatch-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// A byte pattern of the given kind, distinct per seed.
template <class T>
T filled(std::uint64_t seed, std::uint8_t tag) {
  T v;
  for (std::size_t i = 0; i < v.bytes.size(); ++i) {
    v.bytes[i] = static_cast<std::uint8_t>((seed >> (8 * (i % 8))) ^ (tag * 31u) ^ i);
  }
  return v;
}

inline core::Address address(std::uint64_t seed) {
  return filled<core::Address>(seed, 1);
}
inline core::Hash hash(std::uint64_t seed, std::uint8_t tag = 2) {
  return filled<core::Hash>(seed, tag);
}

/// A donation with every field derived from its arguments.
inline Donation donation(std::uint64_t chain, std::uint64_t block, std::uint32_t log,
                         const std::string& campaign, core::Amount amount, std::uint64_t donor = 7,
                         std::uint64_t token = 100) {
  Donation d;
  d.chain_id = chain;
  d.block_number = block;
  d.block_hash = hash(block, 3);
  d.timestamp = 1'700'000'000 + block * 2;
  d.tx_hash = hash(block * 1000 + log, 4);
  d.log_index = log;
  d.token = address(token);
  d.from = address(donor);
  d.to = address(500);
  d.amount = amount;
  d.campaign = campaign;
  return d;
}

inline std::unique_ptr<Store> open_store(const std::filesystem::path& path) {
  auto s = Store::open(path);
  if (!s) throw std::runtime_error(s.error().message);
  return std::move(*s);
}

}  // namespace givewatch::storage::test

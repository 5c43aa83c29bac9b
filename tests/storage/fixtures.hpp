#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

namespace givewatch::storage::test {

using givewatch::test::TempDir;


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

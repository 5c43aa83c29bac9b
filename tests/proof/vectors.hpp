#pragma once

// The real-block vectors of vectors/ (README.md there says where each came from), for the proof tests.

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/bytes.hpp"

namespace givewatch::proof::test {

/// vectors/NAME as JSON: {chain, chain_id, source, block, receipts}. celo-sepolia-2346037 comes from
/// a fixture without transactions: placeholders stand in for their hashes, which no header or
/// receipt field hashes.
inline boost::json::object load_vector(const std::string& name) {
  namespace json = boost::json;
  std::ifstream in(std::filesystem::path(PROOF_VECTORS_DIR) / name);
  std::stringstream text;
  text << in.rdbuf();
  auto v = json::parse(text.str()).as_object();
  auto& block = v["block"].as_object();
  auto& receipts = v["receipts"].as_array();
  if (!block.contains("transactions")) {
    json::array txs;
    for (std::size_t i = 0; i < receipts.size(); ++i) txs.push_back(json::string(core::to_hex(core::Hash{})));
    block["transactions"] = std::move(txs);
  }
  for (auto& r : receipts) {
    if (!r.as_object().contains("transactionHash")) r.as_object()["transactionHash"] = core::to_hex(core::Hash{});
  }
  return v;
}

/// Changes one bit of the data of the first log of these receipts.
inline void flip_first_log_bit(boost::json::array& receipts) {
  for (auto& r : receipts) {
    auto& logs = r.as_object()["logs"].as_array();
    if (logs.empty()) continue;
    std::string data(logs[0].as_object()["data"].as_string());
    data.back() = data.back() == '0' ? '1' : '0';
    logs[0].as_object()["data"] = data;
    return;
  }
}

}  // namespace givewatch::proof::test

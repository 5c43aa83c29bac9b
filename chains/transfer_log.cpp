#include "chains/transfer_log.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace givewatch::chains {
namespace {

/// An indexed address is a 32-byte word: 12 zero bytes, then the 20 address bytes.
constexpr std::size_t kAddressPadding = 12;

core::Error not_a_transfer(std::string message) {
  return core::Error{core::Errc::not_a_transfer, std::move(message)};
}

core::Result<core::Address> topic_address(const core::Hash& topic, std::string_view name) {
  const auto padding = std::span(topic.bytes).first<kAddressPadding>();
  if (std::any_of(padding.begin(), padding.end(), [](std::uint8_t b) { return b != 0; })) {
    return not_a_transfer(std::string(name) + " " + core::to_hex(topic) +
                          " is not an address: the first 12 bytes of an indexed address must be zero");
  }
  core::Address address;
  std::copy(topic.bytes.begin() + kAddressPadding, topic.bytes.end(), address.bytes.begin());
  return address;
}

}  // namespace

core::Result<Transfer> decode_transfer(const core::Address& emitter, std::span<const core::Hash> topics,
                                       core::ByteView data) {
  if (topics.empty()) return not_a_transfer("no topics (an anonymous event); an ERC-20 Transfer has 3");
  if (topics[0] != kTransferTopic) {
    return not_a_transfer("topic0 " + core::to_hex(topics[0]) +
                          " is not Transfer(address,address,uint256) (" + core::to_hex(kTransferTopic) + ")");
  }
  if (topics.size() == 4) {
    return not_a_transfer(
        "4 topics (an ERC-721 Transfer has the token id indexed); an ERC-20 Transfer has 3");
  }
  if (topics.size() != 3) {
    const std::string count = topics.size() == 1 ? "1 topic" : std::to_string(topics.size()) + " topics";
    return not_a_transfer(count + "; an ERC-20 Transfer has 3 (topic0, from, to)");
  }
  if (data.size() != 32) {
    return not_a_transfer("data is " + std::to_string(data.size()) +
                          " bytes; an ERC-20 Transfer has exactly 32 (the uint256 amount)");
  }
  auto from = topic_address(topics[1], "topic1 (from)");
  if (!from) return from.error();
  auto to = topic_address(topics[2], "topic2 (to)");
  if (!to) return to.error();
  return Transfer{emitter, *from, *to, core::amount_from_word(data.first<32>())};
}

}  // namespace givewatch::chains

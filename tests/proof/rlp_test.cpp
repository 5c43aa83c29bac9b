#include <gtest/gtest.h>

#include <string>

#include "proof/rlp.hpp"

namespace givewatch::proof {
namespace {

core::ByteView text(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string hex(const core::Bytes& b) {
  return core::to_hex(b);
}

// The examples of the Ethereum wiki's RLP page and the Yellow Paper, appendix B.
TEST(Rlp, StringsAndNumbers) {
  EXPECT_EQ(hex(rlp::string(text("dog"))), "0x83646f67");
  EXPECT_EQ(hex(rlp::string(text(""))), "0x80");
  EXPECT_EQ(hex(rlp::string(core::Bytes{0x0f})), "0x0f");
  EXPECT_EQ(hex(rlp::string(core::Bytes{0x80})), "0x8180");  // a single byte from 0x80 up is prefixed
  EXPECT_EQ(hex(rlp::uint(0)), "0x80");
  EXPECT_EQ(hex(rlp::uint(15)), "0x0f");
  EXPECT_EQ(hex(rlp::uint(1024)), "0x820400");
  EXPECT_EQ(hex(rlp::uint(UINT64_MAX)), "0x88ffffffffffffffff");
  const auto lorem = rlp::string(text("Lorem ipsum dolor sit amet, consectetur adipisicing elit"));
  ASSERT_EQ(lorem.size(), 58u);  // 56 bytes: the first length that needs a length of the length
  EXPECT_EQ(lorem[0], 0xb8);
  EXPECT_EQ(lorem[1], 56);
}

TEST(Rlp, Lists) {
  core::Bytes items = rlp::string(text("cat"));
  const auto dog = rlp::string(text("dog"));
  items.insert(items.end(), dog.begin(), dog.end());
  EXPECT_EQ(hex(rlp::list(items)), "0xc88363617483646f67");
  EXPECT_EQ(hex(rlp::list({})), "0xc0");
  // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
  const auto empty = rlp::list({});
  const auto one = rlp::list(empty);
  core::Bytes pair = empty;
  pair.insert(pair.end(), one.begin(), one.end());
  core::Bytes three = empty;
  three.insert(three.end(), one.begin(), one.end());
  const auto two = rlp::list(pair);
  three.insert(three.end(), two.begin(), two.end());
  EXPECT_EQ(hex(rlp::list(three)), "0xc7c0c1c0c3c0c1c0");
  // A list of 60 bytes of payload takes a length of its length.
  const core::Bytes long_items(60, 0x01);
  const auto long_list = rlp::list(long_items);
  EXPECT_EQ(long_list[0], 0xf8);
  EXPECT_EQ(long_list[1], 60);
}

}  // namespace
}  // namespace givewatch::proof

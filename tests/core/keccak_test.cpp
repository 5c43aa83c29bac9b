#include "core/keccak.hpp"

#include <gtest/gtest.h>

#include <string>

namespace givewatch::core {
namespace {

std::string keccak_hex(ByteView data) {
  return to_hex(keccak256(data));
}

/// Bytes 0, 1, 2, ... (mod 256), `n` of them.
Bytes counting(std::size_t n) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(i % 256);
  return out;
}

TEST(Keccak, PermutationOfTheZeroState) {
  // Keccak team's KeccakF-1600-IntermediateValues: first and last lanes after one permutation.
  std::array<std::uint64_t, 25> state{};
  keccak_f1600(state);
  EXPECT_EQ(state[0], 0xf1258f7940e1dde7ULL);
  EXPECT_EQ(state[1], 0x84d5ccf933c0478aULL);
  EXPECT_EQ(state[2], 0xd598261ea65aa9eeULL);
  EXPECT_EQ(state[24], 0xeaf1ff7b5ceca249ULL);
}

TEST(Keccak, EmptyInput) {
  EXPECT_EQ(to_hex(keccak256(std::string_view{})),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(keccak_hex(ByteView{}), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST(Keccak, Abc) {
  EXPECT_EQ(to_hex(keccak256(std::string_view("abc"))),
            "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST(Keccak, IsNotSha3) {
  // SHA3-256("") is a7ffc6f8...; Ethereum's Keccak-256 pads with 0x01 instead of 0x06.
  EXPECT_NE(to_hex(keccak256(std::string_view{})),
            "0xa7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
}

TEST(Keccak, MultiBlock200BytesOfA3) {
  const Bytes input(200, 0xa3);
  EXPECT_EQ(keccak_hex(input), "0x3a57666b048777f2c953dc4456f45a2588e1cb6f2da760122d530ac2ce607d4a");
}

TEST(Keccak, LengthsAroundTheRate) {
  // The rate is 136 bytes: 135 pads inside one block (pad bytes merge into 0x81), 136 needs a
  // whole padding block, 137 spills one byte, 272 is exactly two blocks.
  EXPECT_EQ(keccak_hex(counting(135)), "0xcbdfd9dee5faad3818d6b06f95a219fd290b0e1706f6a82e5a595b9ce9faca62");
  EXPECT_EQ(keccak_hex(counting(136)), "0x7ce759f1ab7f9ce437719970c26b0a66ff11fe3e38e17df89cf5d29c7d7f807e");
  EXPECT_EQ(keccak_hex(counting(137)), "0xac73d4fae68b8453f764007c1a20ce95994187861f0c3227a3a8e99a73a3b1db");
  EXPECT_EQ(keccak_hex(counting(272)), "0xfdf2ec49e749960d3c8521a0219af8d03e30e2b3bf19bd16150ee0eaf133d66e");
  EXPECT_EQ(keccak_hex(counting(1024)), "0x5902e53903be0d0f9656bdbd5b9f0d8c2d815f865645d629eef77f5185f6cd7f");
}

TEST(Keccak, TransferEventSignature) {
  EXPECT_EQ(to_hex(keccak256(std::string_view("Transfer(address,address,uint256)"))),
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

TEST(Keccak, StringAndByteOverloadsAgree) {
  const std::string text = "givewatch";
  const Bytes bytes(text.begin(), text.end());
  EXPECT_EQ(keccak256(std::string_view(text)), keccak256(ByteView(bytes)));
}

TEST(Keccak, UnalignedInput) {
  // Lanes are loaded with memcpy, so a misaligned start must hash the same bytes the same way.
  const Bytes block = counting(300);
  Bytes shifted(301);
  std::copy(block.begin(), block.end(), shifted.begin() + 1);
  EXPECT_EQ(keccak256(ByteView(shifted).subspan(1)), keccak256(ByteView(block)));
}

}  // namespace
}  // namespace givewatch::core

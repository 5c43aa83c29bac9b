#include "core/bytes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace givewatch::core {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string upper_digits(std::string s) {
  std::transform(s.begin() + 2, s.end(), s.begin() + 2,
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

TEST(Hex, ToHexIsLowercaseAndPrefixed) {
  const Bytes data = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(to_hex(ByteView(data)), "0x0001abff");
  EXPECT_EQ(to_hex(ByteView{}), "0x");
}

TEST(Hex, FromHexWithAndWithoutPrefix) {
  EXPECT_EQ(from_hex("0x0001abFF").value(), (Bytes{0x00, 0x01, 0xab, 0xff}));
  EXPECT_EQ(from_hex("0001abff").value(), (Bytes{0x00, 0x01, 0xab, 0xff}));
  EXPECT_EQ(from_hex("0x").value(), Bytes{});
  EXPECT_EQ(from_hex("").value(), Bytes{});
}

TEST(Hex, FromHexOddLength) {
  const auto r = from_hex("0xabc");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_hex);
  EXPECT_EQ(r.error().message, "hex '0xabc' has 3 hex digits, expected an even number (two per byte)");
}

TEST(Hex, FromHexNonHexNamesThePosition) {
  const auto r = from_hex("0xabzd");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_hex);
  EXPECT_EQ(r.error().message, "hex '0xabzd' has 'z' at position 4, expected a hex digit (0-9, a-f, A-F)");

  const auto unprefixed = from_hex("a g0");
  ASSERT_FALSE(unprefixed);
  EXPECT_EQ(unprefixed.error().message,
            "hex 'a g0' has ' ' at position 1, expected a hex digit (0-9, a-f, A-F)");
}

TEST(Hex, FromHexShowsUnprintableBytes) {
  const auto r = from_hex(std::string_view("0x0\x01", 4));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            std::string("hex '0x0\x01' has \\x01 at position 3, expected a hex digit (0-9, a-f, A-F)"));
}

TEST(Hex, LongInputIsCutInMessages) {
  const std::string text = "0x" + std::string(199, 'a');
  const auto r = from_hex(text);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "hex '" + text.substr(0, 80) + "...' has 199 hex digits, expected an even number (two per byte)");
}

// The EIP-55 specification's own test vectors.
class Eip55 : public ::testing::TestWithParam<std::string> {};

TEST_P(Eip55, ChecksumRoundTrips) {
  const std::string& checksummed = GetParam();
  const auto parsed = parse_address(checksummed);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(to_checksum(*parsed), checksummed);
  EXPECT_EQ(to_hex(*parsed), lower(checksummed));
}

TEST_P(Eip55, AllLowercaseAndAllUppercaseAreAccepted) {
  const std::string& checksummed = GetParam();
  const Address expected = parse_address(checksummed).value();
  EXPECT_EQ(parse_address(lower(checksummed)).value(), expected);
  EXPECT_EQ(parse_address(upper_digits(checksummed)).value(), expected);
}

INSTANTIATE_TEST_SUITE_P(
    SpecVectors, Eip55,
    ::testing::Values(
        // All caps.
        "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        // All lower.
        "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
        // Normal.
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"));

TEST(Address, ParsesToTheRawBytes) {
  const Address a = parse_address("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48").value();
  EXPECT_EQ(a.bytes[0], 0xa0);
  EXPECT_EQ(a.bytes[19], 0x48);
  EXPECT_EQ(to_hex(a), "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
  EXPECT_EQ(to_checksum(parse_address("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48").value()),
            "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
}

TEST(Address, ZeroAddressHasNoLettersToCheck) {
  EXPECT_EQ(to_checksum(parse_address("0x0000000000000000000000000000000000000000").value()),
            "0x0000000000000000000000000000000000000000");
}

TEST(Address, BadChecksumShowsTheCorrectForm) {
  const auto r = parse_address("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_checksum);
  EXPECT_EQ(
      r.error().message,
      "address '0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' is mixed-case but fails its EIP-55 checksum, "
      "expected '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' (or the address in all lowercase)");
}

TEST(Address, WrongLength) {
  const auto r = parse_address("0x12");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_hex);
  EXPECT_EQ(r.error().message, "address '0x12' has 2 hex digits, expected 40");

  const auto longer = parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00");
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().message,
            "address '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00' has 42 hex digits, expected 40");
}

TEST(Address, MissingPrefix) {
  const auto r = parse_address("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_hex);
  EXPECT_EQ(
      r.error().message,
      "address '5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' does not start with '0x', expected '0x' and 40 hex "
      "digits");
  EXPECT_FALSE(parse_address("0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
  EXPECT_FALSE(parse_address(""));
}

TEST(Address, NonHexNamesThePosition) {
  const auto r = parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_hex);
  EXPECT_EQ(
      r.error().message,
      "address '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg' has 'g' at position 41, expected a hex digit "
      "(0-9, a-f, A-F)");
}

TEST(Address, ComparesAsBytes) {
  const Address a = parse_address("0x0000000000000000000000000000000000000001").value();
  const Address b = parse_address("0x0000000000000000000000000000000000000002").value();
  EXPECT_LT(a, b);
  EXPECT_EQ(a, parse_address("0x0000000000000000000000000000000000000001").value());
}

TEST(Hash, ParsesAnyCaseAndPrintsLowercase) {
  const std::string text = "0xDDF252AD1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3EF";
  const Hash h = parse_hash(text).value();
  EXPECT_EQ(h.bytes[0], 0xdd);
  EXPECT_EQ(h.bytes[31], 0xef);
  EXPECT_EQ(to_hex(h), lower(text));
}

TEST(Hash, WrongLengthAndPrefix) {
  const auto r = parse_hash("0xabcd");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_hex);
  EXPECT_EQ(r.error().message, "hash '0xabcd' has 4 hex digits, expected 64");

  const auto unprefixed = parse_hash(std::string(64, 'a'));
  ASSERT_FALSE(unprefixed);
  EXPECT_EQ(unprefixed.error().message,
            "hash '" + std::string(64, 'a') + "' does not start with '0x', expected '0x' and 64 hex digits");
}

TEST(Hash, NonHexNamesThePosition) {
  const auto r = parse_hash("0x" + std::string(10, '0') + "x" + std::string(53, '0'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_hex);
  EXPECT_NE(r.error().message.find("has 'x' at position 12, expected a hex digit"), std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace givewatch::core

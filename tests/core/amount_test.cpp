#include "core/amount.hpp"

#include <gtest/gtest.h>

#include <string>

namespace givewatch::core {
namespace {

constexpr std::string_view kMaxDecimal =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";
constexpr std::string_view kTwoTo256 =
    "115792089237316195423570985008687907853269984665640564039457584007913129639936";

TEST(Amount, MaxIsTwoTo256MinusOne) {
  EXPECT_EQ(to_string(kMaxAmount), kMaxDecimal);
}

TEST(Amount, ParseAndPrint) {
  EXPECT_EQ(parse_amount("0").value(), 0);
  EXPECT_EQ(parse_amount("1234500").value(), 1234500);
  EXPECT_EQ(parse_amount("000042").value(), 42);
  EXPECT_EQ(parse_amount("0000").value(), 0);
  EXPECT_EQ(to_string(parse_amount("18446744073709551616").value()), "18446744073709551616");
  EXPECT_EQ(to_string(Amount{0}), "0");
  EXPECT_EQ(to_string(Amount{1234500}), "1234500");
}

TEST(Amount, MaxRoundTripsThroughDecimal) {
  const Amount max = parse_amount(kMaxDecimal).value();
  EXPECT_EQ(max, kMaxAmount);
  EXPECT_EQ(to_string(max), kMaxDecimal);
  EXPECT_EQ(parse_amount("000" + std::string(kMaxDecimal)).value(), kMaxAmount);
}

TEST(Amount, TwoTo256IsOverflow) {
  const auto r = parse_amount(kTwoTo256);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::overflow);
  EXPECT_EQ(r.error().message, "amount '" + std::string(kTwoTo256) +
                                   "' is 2^256 or more, expected at most 2^256 - 1 (" +
                                   std::string(kMaxDecimal) + ")");
  EXPECT_EQ(parse_amount(std::string(79, '1')).error().code, Errc::overflow);
  EXPECT_EQ(parse_amount("999999999999999999999999999999999999999999999999999999999999999999999999999999")
                .error()
                .code,
            Errc::overflow);
}

TEST(Amount, RejectsEverythingButDigits) {
  const auto empty = parse_amount("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Errc::bad_number);
  EXPECT_EQ(empty.error().message, "amount is empty, expected a decimal integer (digits 0-9 only)");

  const auto plus = parse_amount("+5");
  ASSERT_FALSE(plus);
  EXPECT_EQ(plus.error().code, Errc::bad_number);
  EXPECT_EQ(plus.error().message,
            "amount '+5' has '+' at position 0, expected digits 0-9 only (no sign, decimal point, spaces or "
            "exponent)");

  for (const char* bad : {"-1", " 1", "1 ", "1.5", "1e18", "0x10", "12,000"}) {
    const auto r = parse_amount(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::bad_number) << bad;
  }
  EXPECT_EQ(parse_amount("1.5").error().message,
            "amount '1.5' has '.' at position 1, expected digits 0-9 only (no sign, decimal point, spaces or "
            "exponent)");
}

TEST(Amount, AbiWord) {
  std::array<std::uint8_t, 32> word{};
  word[31] = 0x01;
  word[30] = 0x02;
  word[0] = 0x80;
  const Amount a = amount_from_word(word);
  EXPECT_EQ(a, (Amount{1} << 255) + 0x0201);
  EXPECT_EQ(amount_to_word(a), word);

  std::array<std::uint8_t, 32> zero{};
  EXPECT_EQ(amount_from_word(zero), 0);
  EXPECT_EQ(amount_to_word(0), zero);

  // 1234500 = 0x12d644 in the last three bytes.
  const auto small = amount_to_word(1234500);
  EXPECT_EQ(small[29], 0x12);
  EXPECT_EQ(small[30], 0xd6);
  EXPECT_EQ(small[31], 0x44);
  EXPECT_EQ(small[28], 0x00);
}

TEST(Amount, AbiWordEveryByteInPlace) {
  std::array<std::uint8_t, 32> word{};
  for (std::size_t i = 0; i < 32; ++i) word[i] = static_cast<std::uint8_t>(i + 1);
  const Amount a = amount_from_word(word);
  EXPECT_EQ(to_string(a), "455867356320691211509944977504407603390036387149619137164185182714736811808");
  EXPECT_EQ(amount_to_word(a), word);
}

TEST(Amount, MaxRoundTripsThroughAbiWord) {
  std::array<std::uint8_t, 32> ones;
  ones.fill(0xff);
  EXPECT_EQ(amount_to_word(kMaxAmount), ones);
  EXPECT_EQ(amount_from_word(ones), kMaxAmount);
}

TEST(Amount, FormatUnits) {
  EXPECT_EQ(format_units(1234500, 6), "1.2345");
  EXPECT_EQ(format_units(5, 18), "0.000000000000000005");
  EXPECT_EQ(format_units(1000000, 6), "1");
  EXPECT_EQ(format_units(10000000, 6), "10");
  EXPECT_EQ(format_units(100, 6), "0.0001");
  EXPECT_EQ(format_units(123456, 6), "0.123456");
  EXPECT_EQ(format_units(1234500, 0), "1234500");
  EXPECT_EQ(format_units(1500000000000000000, 18), "1.5");
}

TEST(Amount, FormatUnitsZeroIsZero) {
  for (unsigned decimals : {0u, 1u, 6u, 18u, 77u, 255u})
    EXPECT_EQ(format_units(0, decimals), "0") << decimals;
}

TEST(Amount, FormatUnitsAt77Decimals) {
  EXPECT_EQ(format_units(kMaxAmount, 77),
            "1.15792089237316195423570985008687907853269984665640564039457584007913129639935");
  EXPECT_EQ(format_units(1, 77), "0." + std::string(76, '0') + "1");
  EXPECT_EQ(format_units(parse_amount("1" + std::string(77, '0')).value(), 77), "1");
  EXPECT_EQ(format_units(kMaxAmount, 78),
            "0.115792089237316195423570985008687907853269984665640564039457584007913129639935");
}

TEST(Amount, CheckedAdd) {
  EXPECT_EQ(checked_add(2, 3).value(), 5);
  EXPECT_EQ(checked_add(kMaxAmount - 1, 1).value(), kMaxAmount);
  const auto r = checked_add(kMaxAmount, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::overflow);
  EXPECT_EQ(r.error().message,
            "amount overflow: " + std::string(kMaxDecimal) + " + 1 exceeds 2^256 - 1, the largest uint256");
  EXPECT_FALSE(checked_add(kMaxAmount, kMaxAmount));
}

TEST(Amount, CheckedSub) {
  EXPECT_EQ(checked_sub(5, 3).value(), 2);
  EXPECT_EQ(checked_sub(kMaxAmount, kMaxAmount).value(), 0);
  const auto r = checked_sub(1, 2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::overflow);
  EXPECT_EQ(r.error().message, "amount underflow: 1 - 2 is below zero, and a uint256 cannot be negative");
}

}  // namespace
}  // namespace givewatch::core

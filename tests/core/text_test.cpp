#include "core/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace givewatch::core {
namespace {

/// Whether `s` holds a byte below 0x20 or DEL.
bool has_control(const std::string& s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

TEST(BoundedText, ShortPrintableTextIsUnchanged) {
  EXPECT_EQ(bounded_text("exceed maximum block range: 5000"), "exceed maximum block range: 5000");
  EXPECT_EQ(bounded_text(""), "");
  EXPECT_EQ(bounded_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xb8"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xb8");
  EXPECT_EQ(bounded_text("a\\nb"), "a\\nb");  // a backslash as sent
}

TEST(BoundedText, ControlCharactersAndTerminalEscapesAreEscaped) {
  EXPECT_EQ(bounded_text("line 1\nline 2\r\n\tend"), "line 1\\nline 2\\r\\n\\tend");
  EXPECT_EQ(bounded_text("\x1b[31mred\x1b[0m \x1b]0;title\x07"), "\\x1b[31mred\\x1b[0m \\x1b]0;title\\x07");
  EXPECT_EQ(bounded_text(std::string("nul\0del\x7f", 8)), "nul\\x00del\\x7f");
  // C1 controls (CSI U+009B starts an escape sequence in some terminals) in their UTF-8 form.
  EXPECT_EQ(bounded_text("\xc2\x9b"
                         "31m\xc2\x85"),
            "\\u009b31m\\u0085");
}

TEST(BoundedText, BytesThatAreNotUtf8AreEscaped) {
  EXPECT_EQ(bounded_text("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(bounded_text("\xc3"), "\\xc3");                             // a sequence cut short
  EXPECT_EQ(bounded_text("\xc0\xaf"), "\\xc0\\xaf");                    // overlong '/'
  EXPECT_EQ(bounded_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // a surrogate
  EXPECT_EQ(bounded_text("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
}

TEST(BoundedText, LongTextIsCutAtACharacterBoundaryAndSaysItsSize) {
  EXPECT_EQ(bounded_text(std::string(301, 'a')), std::string(300, 'a') + "\u2026 (301 bytes)");
  EXPECT_EQ(bounded_text(std::string(300, 'a')), std::string(300, 'a'));
  // A three-byte character that does not fit whole is left out whole.
  EXPECT_EQ(bounded_text("ab\xe2\x82\xac", 4), "ab\u2026 (5 bytes)");
  // Escapes count at their escaped size and are never split.
  EXPECT_EQ(bounded_text("ab\x1b", 5), "ab\u2026 (3 bytes)");
  EXPECT_EQ(bounded_text("ab\x1b", 6), "ab\\x1b");
  EXPECT_EQ(bounded_text("abc", 0), "\u2026 (3 bytes)");
}

TEST(BoundedText, AHostileProviderTextComesOutOnOneShortLine) {
  std::string hostile;
  while (hostile.size() < 200'000) hostile += "\x1b[2J\x1b[31mmax block range 12345\r\n\x1b[0m\xff";
  const std::string out = bounded_text(hostile);
  EXPECT_LE(out.size(), kOutsideTextLimit + 32);
  EXPECT_FALSE(has_control(out));
  EXPECT_EQ(out.rfind("\\x1b[2J\\x1b[31mmax block range 12345\\r\\n\\x1b[0m\\xff", 0), 0u) << out;
  EXPECT_NE(out.find("\u2026 (" + std::to_string(hostile.size()) + " bytes)"), std::string::npos) << out;
}

}  // namespace
}  // namespace givewatch::core

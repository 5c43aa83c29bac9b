#include "core/base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace givewatch::core {
namespace {

std::string encode(std::string_view text) {
  return base64_encode(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string decode(std::string_view text) {
  const auto bytes = base64_decode(text).value();
  return std::string(bytes.begin(), bytes.end());
}

// RFC 4648 section 10.
TEST(Base64, Rfc4648TestVectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(encode(plain), encoded);
    EXPECT_EQ(decode(encoded), plain);
  }
}

TEST(Base64, EveryByteValueAndTheLastTwoLetters) {
  std::vector<std::uint8_t> all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  const auto text = base64_encode(all);
  EXPECT_EQ(text.substr(0, 8), "AAECAwQF");
  EXPECT_EQ(text.substr(text.size() - 8), "/P3+/w==");  // fc fd fe, ff
  EXPECT_EQ(base64_decode(text).value(), all);
  EXPECT_EQ(encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(decode("+/8="), "\xfb\xff");
}

TEST(Base64, RejectsWhatIsNotStandardBase64) {
  const auto why = [](std::string_view text) {
    const auto r = base64_decode(text);
    EXPECT_FALSE(r.has_value()) << text;
    if (r.has_value()) return std::string("decoded");
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    return r.error().message;
  };
  EXPECT_EQ(why("Zm9"), "not base64: its length is not a multiple of 4");
  EXPECT_EQ(why("Zg"), "not base64: its length is not a multiple of 4");                // padding is required
  EXPECT_EQ(why("Zm9v-_=="), "not base64: character 5 is not of the base64 alphabet");  // base64url
  EXPECT_EQ(why("Zm 9"), "not base64: character 3 is not of the base64 alphabet");
  EXPECT_EQ(why("Zg==Zm8="), "not base64: character 3 is not of the base64 alphabet");  // '=' inside
  EXPECT_EQ(why("Z=g="), "not base64: character 2 is not of the base64 alphabet");
  EXPECT_EQ(why("Zh=="), "not base64: bits after the last byte are not zero");
  EXPECT_EQ(why("Zm9="), "not base64: bits after the last byte are not zero");
  EXPECT_EQ(why("===="), "not base64: character 1 is not of the base64 alphabet");
}

}  // namespace
}  // namespace givewatch::core
